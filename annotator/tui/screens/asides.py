"""The main screen's asides, beside the decisions: search the text, flag the article, the
guidelines, export. A plain object the screen owns; it shows its results through the article's
panes and asks through modal screens (push_screen_wait), and calls the session as the screen does."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.app import App

from annotator.session import AnnotationSession
from annotator.tui.palette import MATCH
from annotator.tui.screens.article_panes import ArticlePanes
from annotator.tui.screens.lazy import MODALS
from annotator.tui.text import safe_line


class Asides:
    def __init__(self, app: App[Any], panes: ArticlePanes, session: AnnotationSession,
                 call: Callable[..., Awaitable[Any]]) -> None:
        self.app, self.panes, self.session, self.call = app, panes, session, call
        self.search_query = ""
        self.matches: list[tuple[int, int]] = []
        self.match_index = -1
        self.cursor_hint: int | None = None  # where m puts the cursor: the search match just shown

    # -- search ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """A new article: no matches in it yet (the query stays for the next search)."""
        self.matches, self.match_index, self.cursor_hint = [], -1, None

    def forget_match(self) -> None:
        """The selection moved away from the match: m starts at the selection again."""
        self.cursor_hint = None
        self.panes.view.set_mark("match", [])

    async def search(self) -> None:
        state = self.panes.state
        if state is None:
            return
        query = await self.app.push_screen_wait(MODALS.dialogs.PromptScreen("/", self.search_query))
        if not query:
            return
        self.search_query = query
        self.matches = [m.span() for m in re.finditer(re.escape(query), state.article.text, re.IGNORECASE)]
        if not self.matches:
            self.panes.view.set_mark("match", [])
            self.panes.say(f"not found: {safe_line(query)}")
            return
        current = state.current.start if state.current else 0
        self.match_index = next((i for i, (s, _) in enumerate(self.matches) if s >= current), 0) - 1
        self.search_step(1)

    def search_step(self, step: int) -> None:
        panes, state = self.panes, self.panes.state
        if state is None or not self.matches:
            if self.search_query:
                panes.say("no matches; / to search")
            return
        self.match_index = (self.match_index + step) % len(self.matches)
        start, end = self.matches[self.match_index]
        panes.view.set_mark("match", [(start, end, MATCH)])
        self.cursor_hint = start
        # The selection follows: the innermost span at the match, else the next span after it.
        span = panes.view.span_at(start)
        if span is None:
            span = next((s for s in state.spans if s.start >= start), None)
        if span is not None and state.shows(span):
            state.select(span.id)
        panes.message = f"match {self.match_index + 1} of {len(self.matches)}"
        panes.show_status()
        panes.show_selection(scroll=False)
        panes.view.scroll_to_range(start, end)

    # -- the annotator's day: flags and guidelines ------------------------------------------------

    async def flag(self) -> None:
        panes, state = self.panes, self.panes.state
        if state is None:
            return
        note = await self.app.push_screen_wait(MODALS.dialogs.FlagDialog(panes.flag))
        if note is None:
            return
        panes.show_flag(await self.call(self.session.flag, state.article.id, note, panes.flag is not None))
        panes.say("flagged (! again edits or clears it)" if panes.flag else "flag cleared")

    def guidelines(self) -> None:
        from annotator.schema import guidelines_problem

        schema = self.session.schema
        if schema.guidelines is None:
            self.panes.say("this schema names no guidelines (add 'guidelines: FILE.md' to it)")
            return
        problem = guidelines_problem(schema)
        if problem:
            self.panes.say(problem)
            return
        from annotator.tui.screens.guidelines import GuidelinesScreen, read_guidelines

        try:
            text = read_guidelines(schema.guidelines)
        except OSError as exc:
            self.panes.say(f"{schema.guidelines}: cannot read the guidelines ({exc.strerror or exc})")
            return
        self.app.push_screen(GuidelinesScreen(schema.guidelines_name or schema.guidelines, text))

    # -- export -----------------------------------------------------------------------------------

    async def export(self) -> None:
        """The same export as `annotator export --annotator NAME`, delivered where the user is."""
        from annotator.export import ExportJob
        from annotator.formats import get
        from annotator.tui.review.deliver import deliver_export, stamped

        session, jsonl = self.session, get("jsonl", "write")
        if not await self.call(session.has_finished_work):
            self.panes.say("nothing to export yet: no article of yours is done (d marks one done)")
            return

        def write(path: Path) -> tuple[int, int]:
            return jsonl.write(ExportJob(session.store, path, session.schema, session.annotator,  # type: ignore[misc]
                                         parallel=False))

        self.panes.say(await deliver_export(self.app, write, stamped(f"{session.annotator}-gold"), Path("exports"),
                                            self.call))
