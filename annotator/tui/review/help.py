"""Help in the review app: its own keys, then the annotation keys of the reviewer's own version."""

from __future__ import annotations

from annotator.tui.screens.help import HelpScreen


class ReviewHelp(HelpScreen):
    SECTIONS = {
        "review": "Review: choose among the versions",
        "": "Your own version (o; l e m s u open it and act): the annotation app's keys",
        "mark": "Mark mode (m): a new span",
        "edit": "Bounds (e)",
    }
