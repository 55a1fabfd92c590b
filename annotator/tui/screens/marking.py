"""Mark mode (a token cursor that selects words for a new span) and bounds mode (move a span's
start and end by a token), as the main screen's commands. The rules are the session's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator import keys as key_map
from annotator.tui.palette import CURSOR, EDITING, SELECTION
from annotator.tui.text import safe_line

if TYPE_CHECKING:
    from annotator.tui.screens.main import MainScreen

    _Base = MainScreen
else:
    _Base = object


class Marking(_Base):
    """Mixed into MainScreen: its state (cursor, anchor, bounds) and its widgets are the screen's."""

    # -- mark mode ------------------------------------------------------------------------------

    async def _mark(self, for_quote: int | None) -> None:
        state = self.state
        if state is None or self.tokens is None:
            return
        span = state.current
        if self.cursor_hint is not None:
            self.cursor = self.tokens.at(self.cursor_hint)
        elif span is not None:
            self.cursor = self.tokens.at(span.start)
        else:
            top = self.view.lines.spans[min(int(self.view.scroll_offset.y), len(self.view.lines) - 1)][0]
            self.cursor = self.tokens.at(top)
        self.anchor = None
        self.mark_for_quote = for_quote
        self.view.set_mark("selected", [])
        self.view.set_mark("speaker", [])
        self._set_mode("mark")
        self._show_cursor()

    async def _cue(self) -> None:
        """Mark mode whose selection becomes the selected quote's cue (enter links it)."""
        state = self.state
        quote = state.current if state else None
        if quote is None or quote.kind != "quote":
            self.message = f"{key_map.written('cue', self.keymap)} sets the cue of an attribution; select a quote first"
            self._show_status()
            return
        await self._mark(None)
        self.mark_cue_of = quote.id
        self._show_status()  # the cue's own mode line
        if quote.cue_span_id is not None and (cue := state.by_id(quote.cue_span_id)) is not None:
            self.cursor = self.tokens.at(cue.start)
            self._show_cursor()

    def _selection(self) -> tuple[int, int]:
        assert self.tokens is not None
        return self.tokens.span(self.anchor if self.anchor is not None else self.cursor, self.cursor)

    def _show_cursor(self) -> None:
        assert self.tokens is not None
        start, end = self.tokens.pairs[self.cursor]
        marks = []
        if self.anchor is not None:
            marks.append((*self._selection(), SELECTION))
        marks.append((start, end, CURSOR))
        self.view.set_mark("cursor", marks)
        self.view.scroll_to_range(start, end)

    async def _cursor(self, step: int) -> None:
        if self.mode == "mark" and self.tokens is not None:
            self.cursor = max(0, min(len(self.tokens) - 1, self.cursor + step))
            self._show_cursor()

    async def _cursor_to(self, offset: int) -> None:
        if self.mode == "mark" and self.tokens is not None:
            self.cursor = self.tokens.at(offset)
            self._show_cursor()

    async def _cursor_line(self, step: int) -> None:
        if self.mode != "mark" or self.tokens is None:
            return
        offset = self.tokens.pairs[self.cursor][0]
        line = self.view.lines.line_of(offset) + step
        if 0 <= line < len(self.view.lines):
            target = self.view.offset_at(line, self.view.column_of(offset))
            self.cursor = self.tokens.at(target)
            self._show_cursor()

    async def _select_start(self) -> None:
        if self.mode == "mark":
            self.anchor = None if self.anchor is not None else self.cursor
            self._show_cursor()

    async def _leave(self) -> None:
        self._leave_modes()
        self._show_selection()

    async def _create(self, label: str | None) -> None:
        state = self.state
        if state is None or self.tokens is None:
            return
        start, end = self._selection()
        schema = self.session.schema
        if self.mark_cue_of is not None:
            quote_id = self.mark_cue_of
            quote = state.by_id(quote_id)
            view = await self.call(self.session.mark_cue, state.article, state.spans, quote, start, end)
            self._leave_modes()
            self._apply(view)
            self._apply(await self.call(self.session.span, quote_id))
            self._decided(quote_id)
            self.message = f"cue set: “{safe_line(state.article.text[start:end])[:30]}”"
            self._show_status()
            return
        if label is None:
            speakers = schema.speaker_labels if self.mark_for_quote is not None else None
            choices = [c for c in self._label_choices(None) if speakers is None or c.value in speakers]
            label = await self.app.push_screen_wait(
                self._modals.picker.PickerScreen(
                    f"Label for new span “{safe_line(state.article.text[start:end])[:40]}”", choices,
                    note=self._modals.help.guidelines_line(schema, self.keymap)))
            if label is None:
                return
        quote_id = self.mark_for_quote
        view = await self.call(self.session.add_span, state.article, state.spans, start, end, label, quote_id)
        self._leave_modes()
        self._apply(view)
        if quote_id is not None:
            self._apply(await self.call(self.session.span, quote_id))
        self._decided(quote_id if quote_id is not None else view.id)
        if quote_id is not None:  # as the speaker picker says it
            self.say(f"speaker set: {safe_line(state.article.text[start:end])[:40]} ({label}); quote accepted")

    # -- bounds mode ----------------------------------------------------------------------------

    async def _edit(self) -> None:
        state = self.state
        span = state.current if state else None
        if span is None or self.tokens is None:
            return
        self.bounds = (self.tokens.first_in(span.start, span.end), self.tokens.last_in(span.start, span.end))
        self._set_mode("edit")
        self._show_bounds()

    def _show_bounds(self) -> None:
        assert self.tokens is not None
        start, end = self.tokens.span(*self.bounds)
        self.view.set_mark("editing", [(start, end, EDITING)])
        self.view.scroll_to_range(start, end)

    async def _bound(self, which: str, step: int) -> None:
        if self.mode != "edit" or self.tokens is None:
            return
        first, last = self.bounds
        if which == "start":
            first = max(0, min(last, first + step))
        else:
            last = max(first, min(len(self.tokens) - 1, last + step))
        self.bounds = (first, last)
        self._show_bounds()

    async def _save_bounds(self) -> None:
        state = self.state
        span = state.current if state else None
        if self.mode != "edit" or span is None or self.tokens is None or state is None:
            return
        start, end = self.tokens.span(*self.bounds)
        view = await self.call(self.session.fix_bounds, state.article, state.spans, span, start, end)
        self._leave_modes()
        if view is None:  # unchanged: nothing recorded
            self._show_selection()
            return
        self._apply(view)
        self._decided(view.id)
