"""The main screen: the article beside its spans; keys map to the session's calls, then it redraws.

Keys do not touch the store: each action queues a command (command_queue.py), run in key order by
one worker that sends session calls to the store's thread. A decision shows only after the store's
commit, so whatever the screen showed survives a killed process. The rules are annotator/session.py's;
a refusal is a sentence on the status line. The screen owns its parts, none of which knows it: the
article's panes (article_panes.py), mark and bounds modes (mark_modes.py), the asides (asides.py:
search, flag, guidelines, export); it asks through modal screens dismissed with the answer
(span_pickers.py, dialogs.py), and its widgets tell it of clicks by messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen

from annotator import keys as key_map
from annotator.session import AnnotationSession, Loaded
from annotator.tui.bindings import bindings, label_bindings, mode_hints
from annotator.tui.palette import Palette
from annotator.tui.screens.article_panes import ArticlePanes
from annotator.tui.screens.asides import Asides
from annotator.tui.screens.command_queue import CommandQueue
from annotator.tui.screens.lazy import MODALS
from annotator.tui.screens.mark_modes import BoundsMode, MarkMode
from annotator.tui.state import ArticleState
from annotator.tui.text import safe_line
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.bars import ArticleHeader, KeysFooter, StatusLine
from annotator.tui.widgets.span_list import SpanList
from annotator.tui.worker import StoreWorker

# The modes each action works in, from the key map; what it does not list works in normal mode only.
MODES_OF = {key.action_name: key.modes for key in key_map.MAIN} | {"label_key": key_map.MODES}


class MainScreen(Screen[None]):
    BINDINGS = bindings("main")

    def __init__(self, session: AnnotationSession, palette: Palette, worker: StoreWorker,
                 first: Future[Loaded] | None = None, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}  # the team's and the annotator's keys (Textual applies them app-wide)
        self._hints = mode_hints(self.keymap)
        self.session = session
        self.palette = palette
        self.worker = worker
        self._first = first  # the first article, read on the store's thread while Textual started
        self.mode = "normal"  # normal | mark | edit
        self.commands = CommandQueue(self, lambda: self.mode, self.say)
        self.submit, self.submit_asking = self.commands.submit, self.commands.submit_asking

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ArticleHeader(id="header")
        with Horizontal(id="panes"):
            yield ArticleView(self.palette, id="text")
            yield SpanList(self.palette, id="spans")
        yield StatusLine(id="status")
        yield KeysFooter(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        self._add_label_bindings()
        self.view = self.query_one(ArticleView)
        self.list = self.query_one(SpanList)
        self.header = self.query_one(ArticleHeader)
        self.status = self.query_one(StatusLine)
        self.panes = ArticlePanes(self.header, self.view, self.list, self.status, self.palette,
                                  self.session.annotator, self.keymap)
        self.marking = MarkMode(self.view)
        self.bounds = BoundsMode(self.view)
        self.asides = Asides(self.app, self.panes, self.session, self.call)
        # Open the article before the first paint: one full frame with the text instead of an empty
        # frame and then a second one (keys pressed meanwhile wait in the queue).
        try:
            await self._open(None)
        finally:
            self.run_worker(self.commands.run(), name="commands", group="commands")

    def _add_label_bindings(self) -> None:
        for binding in label_bindings(self.session.schema):
            self._bindings.key_to_bindings.setdefault(binding.key, []).append(binding)

    # -- the parts' faces --------------------------------------------------------------------

    @property
    def state(self) -> ArticleState | None:
        return self.panes.state

    @property
    def message(self) -> str:
        return self.panes.message

    @property
    def keys_mode(self) -> str:
        return self.commands.keys_mode

    def say(self, message: str) -> None:
        self.panes.say(message)

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await self.worker.call(fn, *args, **kwargs)

    async def settled(self) -> None:
        """Wait until every queued command ran (tests and scripted use)."""
        await self.commands.settled()

    def on_screen_suspend(self) -> None:
        self.commands.suspended()

    # -- modes -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.keys_mode in MODES_OF.get(action, key_map.NORMAL)

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self.commands.reached(mode)
        cue = mode == "mark" and self.marking.cue_of is not None
        self.panes.hint = self._hints.get("cue" if cue else mode, "")
        self.panes.message = ""
        self.refresh_bindings()
        self.panes.show_status()

    def _leave_modes(self) -> None:
        self.asides.cursor_hint = None
        if self.mode != "normal":
            self.marking.leave()
            self.bounds.leave()
            self._set_mode("normal")

    # -- actions: every key queues its command ----------------------------------------------

    def action_next_span(self) -> None:
        self.submit(self._step, 1)

    def action_prev_span(self) -> None:
        self.submit(self._step, -1)

    def action_accept(self) -> None:
        if self.keys_mode == "mark":
            self.submit_asking(self._create, None)
        else:
            self.submit(self._decide, "accept")

    def action_reject(self) -> None:
        self.submit(self._decide, "reject")

    def action_relabel(self) -> None:
        self.submit_asking(self._create if self.keys_mode == "mark" else self._relabel, None)

    def action_label_key(self, label: str) -> None:
        if self.keys_mode == "mark":
            self.submit(self._create, label)
        elif self.keys_mode != "edit":
            self.submit(self._relabel, label)

    def action_undo(self) -> None:
        self.submit(self._undo)

    def action_article(self, step: int) -> None:
        self.submit(self._neighbour, step)

    def action_done(self) -> None:
        self.submit_asking(self._done)

    def action_help(self) -> None:
        help_ = MODALS.help
        self.app.push_screen(help_.HelpScreen(key_map.effective("main", self.keymap), self.session.schema,
                                              help_.textual_keys(self._bindings.key_to_bindings)))

    def action_quit(self) -> None:
        self.commands.submit(self._quit, any_mode=True)

    def action_export(self) -> None:
        self.submit(self.asides.export)

    def action_flag(self) -> None:
        self.submit_asking(self.asides.flag)

    def action_next_flagged(self) -> None:
        self.submit(self._next_flagged)

    def action_guidelines(self) -> None:
        self.submit_asking(self.asides.guidelines)

    def action_search(self) -> None:
        self.submit_asking(self.asides.search)

    def action_search_step(self, step: int) -> None:
        self.submit(self.asides.search_step, step)

    def action_filter(self) -> None:
        self.submit_asking(self._filter)

    def action_speaker(self) -> None:
        self.submit_asking(self._speaker)

    def action_mark(self) -> None:
        self.submit(self._mark, None)
        self.commands.expect("mark")

    def action_cue(self) -> None:
        self.submit(self._cue)

    def action_cursor(self, step: int) -> None:
        self.submit(self.marking.move, step)

    def action_cursor_line(self, step: int) -> None:
        self.submit(self.marking.move_line, step)

    def action_select_start(self) -> None:
        self.submit(self.marking.toggle_anchor)

    def action_edit(self) -> None:
        self.submit(self._edit)
        if self.state is not None and self.state.current is not None:
            self.commands.expect("edit")

    def action_bound(self, which: str, step: int) -> None:
        self.submit(self.bounds.move, which, step)

    def action_save_bounds(self) -> None:
        self.submit(self._save_bounds)
        self.commands.expect("normal")

    def action_leave(self) -> None:
        self.submit(self._leave)
        self.commands.expect("normal")

    # -- messages from the widgets -------------------------------------------------------------

    # A click selects in normal mode only (in bounds mode it does nothing); in mark mode it moves the cursor.

    @on(SpanList.Clicked)
    def _list_clicked(self, event: SpanList.Clicked) -> None:
        if self.keys_mode == "normal":
            self.submit(self.panes.select_row, event.row)

    @on(ArticleView.Clicked)
    def _text_clicked(self, event: ArticleView.Clicked) -> None:
        if self.keys_mode == "mark":
            self.submit(self.marking.move_to, event.offset)
        elif event.span_id is not None and self.keys_mode == "normal":
            self.submit(self.panes.select, event.span_id)

    # -- commands: run one at a time, in key order --------------------------------------------

    async def _open(self, article_id: int | None) -> None:
        first, self._first = self._first, None
        if article_id is None and first is not None:
            loaded = await asyncio.wrap_future(first)
        else:
            loaded = await self.call(self.session.open, article_id)
        self._leave_modes()
        self.asides.reset()
        self.panes.show_loaded(loaded)

    async def _quit(self) -> None:
        self.app.exit()

    def _step(self, delta: int) -> None:
        if self.state is not None:
            self.panes.message = ""
            self.asides.forget_match()
            self.state.step(delta)
            self.panes.show_selection()

    async def _decide(self, action: str) -> None:
        span = self.state.current if self.state else None
        if span is None:
            return
        view = await self.call(self.session.reject if action == "reject" else self.session.accept, span)
        self.panes.show_decision(view, advance=True)

    async def _relabel(self, label: str | None) -> None:
        state = self.state
        span = state.current if state else None
        if state is None or span is None:
            return
        if label is None:
            picker = MODALS.span_pickers.relabel_picker(self.session.schema, self.keymap, state.article.text, span)
            label = await self.app.push_screen_wait(picker)
            if label is None:
                return
        view = await self.call(self.session.accept, span, label)
        self.panes.show_decision(view, advance=True)

    async def _undo(self) -> None:
        state = self.state
        if state is None:
            return
        view = await self.call(self.session.undo, state.article.id)
        if self.session.unmade(view):  # undoing a new span's making removes it
            self.panes.remove(view.id)
        else:
            self.panes.apply(view)
        self.panes.decided(view.id)

    async def _neighbour(self, step: int) -> None:
        if self.state is None:
            await self._open(None)
            return
        await self._open(await self.call(self.session.neighbour, self.state.article.id, step))

    async def _next_flagged(self) -> None:
        target = await self.call(self.session.next_flagged, self.state.article.id if self.state else 0)
        await self._open(target)
        self.say(f"flagged: {self.panes.flag}" if self.panes.flag else "")

    async def _done(self) -> None:
        state = self.state
        if state is None:
            return
        undecided = self.session.undecided(state.spans)
        if undecided and not await self.app.push_screen_wait(MODALS.dialogs.DoneDialog(len(undecided))):
            return
        await self.call(self.session.finish, state.article.id, state.spans)
        await self._open(None)
        if self.state is not None:
            self.say(f"article {state.position[0]} done")

    async def _filter(self) -> None:
        state = self.state
        if state is None:
            return
        chosen = await self.app.push_screen_wait(MODALS.span_pickers.filter_picker(self.session.schema, state.filter))
        if chosen is not None:
            self.panes.set_filter(chosen)

    async def _speaker(self) -> None:
        state = self.state
        quote = state.current if state else None
        if state is None or quote is None:
            return
        pickers = MODALS.span_pickers
        choice = await self.app.push_screen_wait(pickers.speaker_picker(self.session, self.palette, state, quote))
        if choice is None:
            return
        if choice == pickers.NEW_SPEAKER:
            self._mark(quote.id)
            return
        speaker = None if choice == pickers.NO_SPEAKER else state.by_id(int(choice))
        view = await self.call(self.session.set_speaker, quote, speaker)
        self.panes.show_decision(view)
        text = state.article.text
        who = f"{safe_line(text[speaker.start:speaker.end])[:40]} ({speaker.label})" if speaker else "no speaker"
        self.say(f"speaker set: {who}; quote accepted")

    # -- mark mode: a new span, a quote's speaker or its cue -----------------------------------

    def _mark(self, for_quote: int | None) -> None:
        state, tokens = self.state, self.panes.tokens
        if state is None or tokens is None:
            return
        span = state.current
        at = self.asides.cursor_hint if self.asides.cursor_hint is not None else span.start if span else None
        self.marking.start(tokens, at, for_quote)
        self._set_mode("mark")
        self.marking.show()

    def _cue(self) -> None:
        """Mark mode whose selection becomes the selected quote's cue (enter links it)."""
        state = self.state
        quote = state.current if state else None
        if state is None or quote is None or quote.kind != "quote":
            self.say(f"{key_map.written('cue', self.keymap)} sets the cue of an attribution; select a quote first")
            return
        self._mark(None)
        self.marking.cue_of = quote.id
        self.panes.hint = self._hints.get("cue", "")
        self.panes.show_status()  # the cue's own mode line
        if quote.cue_span_id is not None and (cue := state.by_id(quote.cue_span_id)) is not None:
            self.marking.move_to(cue.start)

    async def _create(self, label: str | None) -> None:
        state = self.state
        if state is None or self.marking.tokens is None:
            return
        start, end = self.marking.selection()
        if self.marking.cue_of is not None:
            await self._set_cue(self.marking.cue_of, start, end)
            return
        quote_id = self.marking.for_quote
        if label is None:
            picker = MODALS.span_pickers.new_span_picker(self.session.schema, self.keymap, state.article.text, start,
                                                         end, speaker=quote_id is not None)
            label = await self.app.push_screen_wait(picker)
            if label is None:
                return
        view = await self.call(self.session.add_span, state.article, state.spans, start, end, label, quote_id)
        self._leave_modes()
        self.panes.apply(view)
        if quote_id is not None:
            self.panes.apply(await self.call(self.session.span, quote_id))
        self.panes.decided(quote_id if quote_id is not None else view.id)
        if quote_id is not None:  # as the speaker picker says it
            self.say(f"speaker set: {safe_line(state.article.text[start:end])[:40]} ({label}); quote accepted")

    async def _set_cue(self, quote_id: int, start: int, end: int) -> None:
        state = self.state
        assert state is not None
        view = await self.call(self.session.mark_cue, state.article, state.spans, state.by_id(quote_id), start, end)
        self._leave_modes()
        self.panes.apply(view)
        self.panes.apply(await self.call(self.session.span, quote_id))
        self.panes.decided(quote_id)
        self.say(f"cue set: “{safe_line(state.article.text[start:end])[:30]}”")

    def _leave(self) -> None:
        self._leave_modes()
        self.panes.show_selection()

    # -- bounds mode -------------------------------------------------------------------------

    def _edit(self) -> None:
        span = self.state.current if self.state else None
        tokens = self.panes.tokens
        if span is None or tokens is None:
            return
        self._set_mode("edit")
        self.bounds.start(tokens, span.start, span.end)

    async def _save_bounds(self) -> None:
        state = self.state
        span = state.current if state else None
        if span is None or state is None or self.bounds.tokens is None:
            return
        start, end = self.bounds.span()
        view = await self.call(self.session.fix_bounds, state.article, state.spans, span, start, end)
        self._leave_modes()
        if view is None:  # unchanged: nothing recorded
            self.panes.show_selection()
            return
        self.panes.show_decision(view)
