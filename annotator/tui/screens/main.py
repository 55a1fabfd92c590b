"""The main screen: the article beside its spans; keys map to the session's calls, then it redraws.

Keys do not touch the store themselves: each action is queued and one worker runs the queue in
order, sending session calls to the store's thread. A decision shows on screen only after the
store returned from its commit, so whatever the screen showed survives a killed process. The rules
(what may be accepted, marked, moved or spoken by whom) are annotator/session.py's; a refusal is a
sentence on the status line. Mark and bounds modes, pickers and the asides live in their own modules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen

from annotator import keys as key_map
from annotator.model import Progress, SpanView
from annotator.session import AnnotationSession, Loaded
from annotator.tui.bindings import bindings, label_bindings, mode_hints
from annotator.tui.palette import SELECTED, Palette
from annotator.tui.screens.asides import Asides
from annotator.tui.screens.keyqueue import KeyQueue, asking_keys
from annotator.tui.screens.lazy import MODALS
from annotator.tui.screens.marking import Marking
from annotator.tui.screens.pickers import Pickers
from annotator.tui.state import ArticleState, SpanFilter, order_key
from annotator.tui.tokens import Tokens
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.bars import ArticleHeader, KeysFooter, StatusLine
from annotator.tui.widgets.span_list import SpanList
from annotator.tui.worker import StoreWorker

# The modes each action works in, from the key map; what it does not list works in normal mode only.
MODES_OF = {key.action_name: key.modes for key in key_map.MAIN} | {"label_key": key_map.MODES}


class MainScreen(KeyQueue, Marking, Pickers, Asides, Screen[None]):
    BINDINGS = bindings("main")

    _modals = MODALS

    def __init__(self, session: AnnotationSession, palette: Palette, worker: StoreWorker,
                 first: Future[Loaded] | None = None, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}  # the team's and the annotator's keys (Textual applies them app-wide)
        self._hints = mode_hints(self.keymap)
        self.session = session
        self.palette = palette
        self.worker = worker
        self._first = first  # the first article, read on the store thread while Textual started
        self._queue: asyncio.Queue[tuple[Callable[..., Awaitable[Any]], tuple[Any, ...], str, bool]] = asyncio.Queue()
        self.state: ArticleState | None = None
        self.progress: Progress | None = None
        self.article_status = "todo"
        self.flag: str | None = None  # this annotator's note on the open article
        self.mode = "normal"  # normal | mark | edit
        # The mode keys are read in: the mode the screen will be in once every queued command ran.
        # Keys come faster than commands run (a quick typist, keys bunched over SSH): `e → → enter`
        # read in the mode of the moment took → as nothing and enter as accept (issue 36, #3).
        self.keys_mode = "normal"
        self._held: list[events.Key] | None = None  # keys typed while a picker or dialog is on its way
        self._asking = 0  # queued commands that will open one
        self._asking_keys = asking_keys(self.keymap)
        self.message = ""
        self._tokens: Tokens | None = None
        self.cursor = 0  # mark mode: token index
        self.anchor: int | None = None  # mark mode: where v started the selection
        self.mark_for_quote: int | None = None  # mark mode: the quote that gets the new span as speaker
        self.mark_cue_of: int | None = None  # mark mode: the quote that gets the new span as its cue
        self.bounds: tuple[int, int] = (0, 0)  # edit mode: first and last token
        self.search_query = ""
        self.matches: list[tuple[int, int]] = []
        self.match_index = -1
        self.cursor_hint: int | None = None  # where m puts the cursor: the search match just shown

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
        # Open the article before the first paint: one full frame with the text instead of an empty
        # frame and then a second one (keys pressed meanwhile wait in the queue).
        try:
            await self._open(None)
        finally:
            self.run_worker(self._run_queue(), name="commands", group="commands")

    def _add_label_bindings(self) -> None:
        for binding in label_bindings(self.session.schema):
            self._bindings.key_to_bindings.setdefault(binding.key, []).append(binding)

    # -- the command queue (submit, the worker, held keys: screens/keyqueue.py) ------------------

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await self.worker.call(fn, *args, **kwargs)

    # -- showing -----------------------------------------------------------------------------

    def say(self, message: str) -> None:
        self.message = message
        self._show_status()

    def _show_status(self) -> None:
        state = self.state
        cue = self.mode == "mark" and self.mark_cue_of is not None
        mode = self._hints.get("cue" if cue else self.mode, "")
        if state is not None and state.filter != SpanFilter() and not mode:
            mode = f"filter: {state.filter.describe()}"
        if self.message:
            mode = self.message
        self.status.show(self.session.annotator, state.decided if state else 0,
                         len(state.spans) if state else 0, self.progress, mode)

    def _show_selection(self, scroll: bool = True) -> None:
        state = self.state
        if state is None:
            return
        span = state.current
        self.view.set_mark("selected", [(span.start, span.end, SELECTED)] if span else [])
        speakers = []
        if span is not None and span.kind == "quote":
            for speaker_id in dict.fromkeys((span.speaker_span_id, span.speaker_entity_span_id)):
                speaker = state.by_id(speaker_id)
                if speaker is not None:
                    speakers.append((speaker.start, speaker.end, self.palette.speaker_mark))
        cue = state.by_id(span.cue_span_id) if span is not None and span.kind == "quote" else None
        if cue is not None:  # the attribution's cue, in its own colour beside its source
            speakers.append((cue.start, cue.end, self.palette.cue_mark))
        self.view.set_mark("speaker", speakers)
        if span is not None and scroll:
            self.view.scroll_to_range(span.start, span.end)
        self.list.show_selection()
        if span is not None and not self.message and not self.palette.known(span.label):
            self.message = f"{span.label}? is not in the schema: relabel it ({key_map.written('relabel', self.keymap)})"
            self._show_status()

    def _apply(self, view: SpanView) -> None:
        """Show the store's new state of one span (called only after its commit)."""
        state = self.state
        assert state is not None
        rows = len(state.visible)
        old, index = state.replace(view)
        if old is None or order_key(old) != order_key(view):
            self.view.spans_reordered(state.spans)
            self.list.set_state(state)
        else:
            self.view.span_changed(old, view)
            if rows != len(state.visible):
                self.list.set_state(state)
            else:
                self.list.refresh_span(index)
                if view.kind != "quote":  # quotes whose speaker this is show its text
                    for quote_id in state.quote_ids:
                        other = state.by_id(quote_id)
                        if other is not None and view.id in (other.speaker_span_id, other.speaker_entity_span_id):
                            self.list.refresh_span(state.index_of[other.id])

    def _decided(self, span_id: int, advance: bool = False) -> None:
        """After a decision was applied: select its span (or the next undecided one), redraw the status."""
        assert self.state is not None
        self.state.select(span_id)
        if advance:
            self.state.advance()
        self.message = ""
        self._show_status()
        self._show_selection()

    # -- opening articles --------------------------------------------------------------------

    async def _open(self, article_id: int | None) -> None:
        first, self._first = self._first, None
        if article_id is None and first is not None:
            loaded = await asyncio.wrap_future(first)
        else:
            loaded = await self.call(self.session.open, article_id)
        self._leave_modes()
        article = loaded.article
        self.progress = loaded.progress
        self.flag = loaded.flag
        if article is None:
            self.state = None
            self.header.show(None, None)
            self.view.set_article(f"Nothing left to annotate here. Press {key_map.written('quit', self.keymap)} to quit.",
                                  [])
            self.list.set_state(None)
            done, total = self.progress.articles_done, self.progress.articles_total
            self.message = ("the database has no articles" if not total else "all articles done" if done >= total
                            else "no article left for you: other annotators have the rest")
            self._show_status()
            return
        state = ArticleState(article, loaded.spans, loaded.position, presorted=True)
        state.selected = state.first_undecided()
        if state.selected is None and state.spans:
            state.selected = 0
        self.state, self.article_status = state, loaded.status
        self._tokens = None
        self.matches, self.match_index, self.cursor_hint = [], -1, None
        self.header.show(article, loaded.position, loaded.status, self.flag)
        self.view.set_article(article.text, state.spans)
        self.list.set_state(state)
        self.message = ""
        self._show_status()
        self._show_selection()

    @property
    def tokens(self) -> Tokens | None:
        """Token boundaries, built on first use (mark and bounds modes) to keep opening fast."""
        if self._tokens is None and self.state is not None:
            self._tokens = Tokens(self.state.article.text, self.state.article.tokens)
        return self._tokens

    # -- mode gating -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.keys_mode in MODES_OF.get(action, key_map.NORMAL)

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        if self._queue.empty():
            self.keys_mode = mode
        self.message = ""
        self.refresh_bindings()
        self._show_status()

    def _leave_modes(self) -> None:
        self.cursor_hint = None
        if self.mode != "normal":
            self.view.set_mark("cursor", [])
            self.view.set_mark("editing", [])
            self.mark_for_quote = None
            self.mark_cue_of = None
            self._set_mode("normal")

    # -- actions: every key queues its command ----------------------------------------------
    def action_next_span(self) -> None:
        self.submit(self._step, 1)

    def action_prev_span(self) -> None:
        self.submit(self._step, -1)

    def action_accept(self) -> None:
        if self.keys_mode == "mark":
            self.submit_asking(self._relabel, None)
        else:
            self.submit(self._decide, "accept", None)

    def action_reject(self) -> None:
        self.submit(self._decide, "reject", None)

    def action_relabel(self) -> None:
        self.submit_asking(self._relabel, None)

    def action_label_key(self, label: str) -> None:
        if self.keys_mode != "edit":
            self.submit(self._relabel, label)

    def action_undo(self) -> None:
        self.submit(self._undo)

    def action_article(self, step: int) -> None:
        self.submit(self._neighbour, step)

    def action_done(self) -> None:
        self.submit_asking(self._done)

    def action_help(self) -> None:
        others = [(binding.tooltip or binding.description, binding.key)  # Textual's own: tab, shift+tab, copy
                  for bindings in self._bindings.key_to_bindings.values() for binding in bindings
                  if binding.description and binding.id not in key_map.BY_ID
                  and not (binding.id or "").startswith(key_map.LABEL_PREFIX)]
        self.app.push_screen(self._modals.help.HelpScreen(key_map.effective("main", self.keymap), self.session.schema,
                                                          others))

    def action_quit(self) -> None:
        self.submit(self._quit)

    def action_export(self) -> None:
        self.submit(self._export)

    def action_flag(self) -> None:
        self.submit_asking(self._flag)

    def action_next_flagged(self) -> None:
        self.submit(self._next_flagged)

    def action_guidelines(self) -> None:
        self.submit_asking(self._guidelines)

    def action_mark(self) -> None:
        self.submit(self._mark, None)
        self._expect("mark")

    def action_edit(self) -> None:
        self.submit(self._edit)
        if self.state is not None and self.state.current is not None:
            self._expect("edit")

    def action_speaker(self) -> None:
        self.submit_asking(self._speaker)

    def action_cue(self) -> None:
        self.submit(self._cue)

    def action_filter(self) -> None:
        self.submit_asking(self._filter)

    def action_search(self) -> None:
        self.submit_asking(self._search)

    def action_search_step(self, step: int) -> None:
        self.submit(self._search_step, step)

    def action_cursor(self, step: int) -> None:
        self.submit(self._cursor, step)

    def action_cursor_line(self, step: int) -> None:
        self.submit(self._cursor_line, step)

    def action_select_start(self) -> None:
        self.submit(self._select_start)

    def action_bound(self, which: str, step: int) -> None:
        self.submit(self._bound, which, step)

    def action_save_bounds(self) -> None:
        self.submit(self._save_bounds)
        self._expect("normal")

    def action_leave(self) -> None:
        self.submit(self._leave)
        self._expect("normal")

    @on(SpanList.Clicked)
    def _list_clicked(self, event: SpanList.Clicked) -> None:
        self.submit(self._select_row, event.row)

    @on(ArticleView.Clicked)
    def _text_clicked(self, event: ArticleView.Clicked) -> None:
        if self.keys_mode == "mark":
            self.submit(self._cursor_to, event.offset)
        elif event.span_id is not None:
            self.submit(self._select_id, event.span_id)

    # -- commands: run one at a time, in key order --------------------------------------------

    async def _quit(self) -> None:
        self.app.exit()

    async def _step(self, delta: int) -> None:
        if self.state is not None:
            self.message = ""
            self.cursor_hint = None
            self.view.set_mark("match", [])
            self.state.step(delta)
            self._show_selection()

    async def _select_row(self, row: int) -> None:
        if self.state is not None and self.mode == "normal":
            self.state.select_row(row)
            self._show_selection()

    async def _select_id(self, span_id: int) -> None:
        if self.state is not None and self.mode == "normal":
            self.state.select(span_id)
            self._show_selection()

    async def _decide(self, action: str, label: str | None) -> None:
        state = self.state
        span = state.current if state else None
        if state is None or span is None:
            return
        view = await self.call(self.session.reject if action == "reject" else self.session.accept, span)
        self._apply(view)
        self._decided(view.id, advance=True)

    async def _undo(self) -> None:
        state = self.state
        if state is None:
            return
        view = await self.call(self.session.undo, state.article.id)
        if self.session.unmade(view):  # undoing a new span's making removes it
            old = state.by_id(view.id)
            state.remove(view.id)
            self.view.spans_reordered(state.spans)
            self.view.span_changed(old)
            self.list.set_state(state)
        else:
            self._apply(view)
        self._decided(view.id)

    async def _neighbour(self, step: int) -> None:
        if self.state is None:
            await self._open(None)
            return
        await self._open(await self.call(self.session.neighbour, self.state.article.id, step))

    async def _done(self) -> None:
        state = self.state
        if state is None:
            return
        undecided = self.session.undecided(state.spans)
        if undecided and not await self.app.push_screen_wait(self._modals.dialogs.DoneDialog(len(undecided))):
            return
        await self.call(self.session.finish, state.article.id, state.spans)
        await self._open(None)
        if self.state is not None:
            self.say(f"article {state.position[0]} done")
