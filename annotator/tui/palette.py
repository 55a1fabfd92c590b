"""How spans look: rich Styles from the schema's label colours and the span's state."""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style

from annotator.model import SpanView
from annotator.schema import Schema

REJECTED = Style(color="grey42", strike=True)  # dimmed: still readable, clearly out
SELECTED = Style(reverse=True, bold=True)
CURSOR = Style(reverse=True, blink=False, underline=True)
SELECTION = Style(bgcolor="#005f87", color="white")
EDITING = Style(bgcolor="#5f5f00", color="white", bold=True)
MATCH = Style(bgcolor="#875f00", color="white")

ICONS = {"accepted": "✓", "rejected": "✗", "undecided": "·"}
ICON_STYLES = {
    "accepted": Style(color="green", bold=True),
    "rejected": Style(color="red", bold=True),
    "undecided": Style(color="grey50"),
}


class Palette:
    def __init__(self, schema: Schema) -> None:
        self.colours = {label.name: label.colour for label in schema.labels}
        speakers = schema.labels_of("speaker")
        self.speaker_mark = Style(bgcolor=speakers[0].colour if speakers else "#ff5f87", color="black", bold=True)
        cues = schema.labels_of("cue")
        self.cue_mark = Style(bgcolor=cues[0].colour if cues else "#af87ff", color="black", bold=True)

    def colour(self, label: str) -> str:
        return self.colours.get(label, "white")

    def known(self, label: str) -> bool:
        """Is the label in the schema? Spans keep labels a later schema dropped or renamed."""
        return label in self.colours

    @lru_cache(maxsize=256)  # noqa: B019 - one palette per app, few (label, state) pairs
    def _text(self, label: str, kind: str, status: str) -> Style:
        if status == "rejected":
            return REJECTED
        colour = self.colour(label)
        if kind == "quote":
            return Style(color=colour, italic=True, bold=status == "accepted")
        # Undecided entities are underlined so neighbouring spans show their edges.
        return Style(color=colour, bold=status == "accepted", underline=status == "undecided")

    def text(self, span: SpanView) -> Style:
        """The style of a span's characters in the article text."""
        return self._text(span.label, span.kind, span.status)

    @lru_cache(maxsize=64)  # noqa: B019
    def label(self, label: str) -> Style:
        return Style(color=self.colour(label), bold=True)
