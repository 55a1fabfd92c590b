"""The main screen's commands beside the decisions: search the text, flags, guidelines, export."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.tui.palette import MATCH
from annotator.tui.text import safe_line

if TYPE_CHECKING:
    from annotator.tui.screens.main import MainScreen

    _Base = MainScreen
else:
    _Base = object


class Asides(_Base):
    """Mixed into MainScreen."""

    # -- search ---------------------------------------------------------------------------------

    async def _search(self) -> None:
        state = self.state
        if state is None:
            return
        query = await self.app.push_screen_wait(self._modals.dialogs.PromptScreen("/", self.search_query))
        if not query:
            return
        self.search_query = query
        self.matches = [m.span() for m in re.finditer(re.escape(query), state.article.text, re.IGNORECASE)]
        if not self.matches:
            self.view.set_mark("match", [])
            self.say(f"not found: {safe_line(query)}")
            return
        current = state.current.start if state.current else 0
        self.match_index = next((i for i, (s, _) in enumerate(self.matches) if s >= current), 0) - 1
        await self._search_step(1)

    async def _search_step(self, step: int) -> None:
        state = self.state
        if state is None or not self.matches:
            if self.search_query:
                self.say("no matches; / to search")
            return
        self.match_index = (self.match_index + step) % len(self.matches)
        start, end = self.matches[self.match_index]
        self.view.set_mark("match", [(start, end, MATCH)])
        self.cursor_hint = start
        # The selection follows: the innermost span at the match, else the next span after it.
        span = self.view.span_at(start)
        if span is None:
            span = next((s for s in state.spans if s.start >= start), None)
        if span is not None and state.shows(span):
            state.select(span.id)
        self.message = f"match {self.match_index + 1} of {len(self.matches)}"
        self._show_status()
        self._show_selection(scroll=False)
        self.view.scroll_to_range(start, end)

    # -- the annotator's day: flags and guidelines ------------------------------------------------

    async def _flag(self) -> None:
        state = self.state
        if state is None:
            return
        note = await self.app.push_screen_wait(self._modals.dialogs.FlagDialog(self.flag))
        if note is None:
            return
        self.flag = await self.call(self.session.flag, state.article.id, note, self.flag is not None)
        self.header.show(state.article, state.position, self.article_status, self.flag)
        self.say("flagged (! again edits or clears it)" if self.flag else "flag cleared")

    async def _next_flagged(self) -> None:
        target = await self.call(self.session.next_flagged, self.state.article.id if self.state else 0)
        await self._open(target)
        self.say(f"flagged: {self.flag}" if self.flag else "")

    async def _guidelines(self) -> None:
        from annotator.schema import guidelines_problem

        schema = self.session.schema
        if schema.guidelines is None:
            self.say("this schema names no guidelines (add 'guidelines: FILE.md' to it)")
            return
        problem = guidelines_problem(schema)
        if problem:
            self.say(problem)
            return
        from annotator.tui.screens.guidelines import GuidelinesScreen, read_guidelines

        try:
            text = read_guidelines(schema.guidelines)
        except OSError as exc:
            self.say(f"{schema.guidelines}: cannot read the guidelines ({exc.strerror or exc})")
            return
        self.app.push_screen(GuidelinesScreen(schema.guidelines_name or schema.guidelines, text))

    # -- export -----------------------------------------------------------------------------------

    async def _export(self) -> None:
        """The same export as `annotator export --annotator NAME`, delivered where the user is."""
        from annotator.export import ExportJob
        from annotator.formats import get
        from annotator.tui.review.deliver import deliver_export, stamped

        session, jsonl = self.session, get("jsonl", "write")
        if not await self.call(session.has_finished_work):
            self.say("nothing to export yet: no article of yours is done (d marks one done)")
            return

        def write(path: Path) -> tuple[int, int]:
            return jsonl.write(ExportJob(session.store, path, session.schema, session.annotator,  # type: ignore[misc]
                                         parallel=False))

        self.say(await deliver_export(self.app, write, stamped(f"{session.annotator}-gold"), Path("exports"),
                                      self.call))
