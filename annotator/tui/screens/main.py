"""The main screen: the article beside its spans, and every key of the annotation work.

Keys do not touch the store themselves: each action is queued and one worker runs the queue in
order, sending store calls to a single thread. A decision shows on screen only after the store
returned from its commit, so whatever the screen showed survives a killed process.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from annotator.model import Progress, SpanView
from annotator.tui.palette import CURSOR, EDITING, MATCH, SELECTED, SELECTION, Palette
from annotator.tui.state import ArticleState, SpanFilter, order_key
from annotator.tui.text import safe_line
from annotator.tui.tokens import Tokens
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.bars import ArticleHeader, StatusLine
from annotator.tui.widgets.span_list import SpanList

if TYPE_CHECKING:
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.screens.picker import Choice


def _modals():  # type: ignore[no-untyped-def]
    """The modal screens, imported on first use: their widgets are not needed to open an article."""
    from annotator.tui.screens import dialogs, help, picker

    return dialogs, help, picker

NO_SPEAKER = "-"
NEW_SPEAKER = "+"

# Actions that belong to one mode; everything else works in normal mode only, unless listed in ALWAYS.
MARK_ACTIONS = {"cursor", "cursor_line", "select_start", "leave"}
EDIT_ACTIONS = {"bound", "save_bounds", "leave"}
ALWAYS = {"help", "quit", "label_key", "relabel", "accept", "guidelines"}


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("j,down", "next_span", "Next", id="next_span", key_display="j/k", tooltip="Select the next span"),
        Binding("k,up", "prev_span", "Prev", id="prev_span", key_display="k", show=False,
                tooltip="Select the previous span"),
        Binding("a,enter", "accept", "Accept", id="accept", key_display="a",
                tooltip="Accept the span and go to the next undecided one"),
        Binding("x", "reject", "Reject", id="reject", tooltip="Reject the span and go on"),
        Binding("l", "relabel", "Label", id="relabel", tooltip="Relabel through a picker (type to filter)"),
        Binding("u", "undo", "Undo", id="undo", tooltip="Undo your latest decision in this article (repeat to go back)"),
        Binding("right_square_bracket", "article(1)", "Article", key_display="]", id="next_article",
                tooltip="Next article"),
        Binding("left_square_bracket", "article(-1)", "Previous article", key_display="[", id="prev_article",
                show=False),
        Binding("d", "done", "Done", id="done", tooltip="Mark the article done and open the next"),
        Binding("m", "mark", "Mark new span", id="mark", show=False),
        Binding("e", "edit", "Edit bounds", id="edit", show=False),
        Binding("s", "speaker", "Speaker", id="speaker", show=False),
        Binding("f", "filter", "Filter list", id="filter", show=False),
        Binding("slash", "search", "Search text", key_display="/", id="search", show=False),
        Binding("n", "search_step(1)", "Next match", id="search_next", show=False),
        Binding("N", "search_step(-1)", "Previous match", id="search_prev", show=False),
        Binding("E", "export", "Export my work", id="export", show=False,
                tooltip="Your finished articles as JSONL: a download in the browser, else a file in exports/"),
        Binding("exclamation_mark", "flag", "Flag", key_display="!", id="flag", show=False,
                tooltip="Flag the article with a note for the reviewer (again: edit or clear it)"),
        Binding("F", "next_flagged", "Next flagged", id="next_flagged", show=False,
                tooltip="Go to your next flagged article"),
        Binding("g", "guidelines", "Guidelines", id="guidelines", show=False,
                tooltip="Read the annotation guidelines (esc comes back)"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
        # Mark mode: a cursor over tokens, v starts a selection.
        Binding("left", "cursor(-1)", "Cursor left", key_display="←", id="mark.left", show=False),
        Binding("right", "cursor(1)", "Cursor right", key_display="→", id="mark.right", show=False),
        Binding("b", "cursor(-1)", "Word back", id="mark.word_back", show=False),
        Binding("w", "cursor(1)", "Word forward", id="mark.word_forward", show=False),
        Binding("up", "cursor_line(-1)", "Line up", key_display="↑", id="mark.up", show=False),
        Binding("down", "cursor_line(1)", "Line down", key_display="↓", id="mark.down", show=False),
        Binding("v", "select_start", "Select", id="mark.select"),
        # Edit mode: move the selected span's start (←/→) and end (shift+←/→) by a token.
        Binding("left", "bound('start', -1)", "Start left", key_display="←", id="edit.start_left"),
        Binding("right", "bound('start', 1)", "Start right", key_display="→", id="edit.start_right"),
        Binding("shift+left", "bound('end', -1)", "End left", key_display="⇧←", id="edit.end_left"),
        Binding("shift+right", "bound('end', 1)", "End right", key_display="⇧→", id="edit.end_right"),
        Binding("enter", "save_bounds", "Save", id="edit.save"),
        Binding("escape", "leave", "Leave", key_display="esc", id="leave"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._queue: asyncio.Queue[tuple[Callable[..., Awaitable[Any]], tuple[Any, ...]]] = asyncio.Queue()
        self.state: ArticleState | None = None
        self.progress: Progress | None = None
        self.article_status = "todo"
        self.flag: str | None = None  # this annotator's note on the open article
        self.mode = "normal"  # normal | mark | edit
        self.message = ""
        self._tokens: Tokens | None = None
        self.cursor = 0  # mark mode: token index
        self.anchor: int | None = None  # mark mode: where v started the selection
        self.mark_for_quote: int | None = None  # mark mode: the quote that gets the new span as speaker
        self.bounds: tuple[int, int] = (0, 0)  # edit mode: first and last token
        self.search_query = ""
        self.matches: list[tuple[int, int]] = []
        self.match_index = -1
        self.cursor_hint: int | None = None  # where m puts the cursor: the search match just shown

    @property
    def annotator_app(self) -> AnnotatorApp:
        return self.app  # type: ignore[return-value]

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        palette = self.annotator_app.palette
        yield ArticleHeader(id="header")
        with Horizontal(id="panes"):
            yield ArticleView(palette, id="text")
            yield SpanList(palette, id="spans")
        yield StatusLine(id="status")
        yield Footer(compact=True, show_command_palette=False)

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
        # The schema's keys: bindings with ids like any other (listed in help and the palette).
        for label in self.annotator_app.schema.labels:
            if label.key:
                self._bindings.key_to_bindings.setdefault(label.key, []).append(
                    Binding(label.key, f"label_key('{label.name}')", f"Label {label.name}", show=False,
                            id=f"label.{label.name}")
                )

    @property
    def palette(self) -> Palette:
        return self.annotator_app.palette

    # -- the command queue ---------------------------------------------------------------------

    def submit(self, command: Callable[..., Awaitable[Any]], *args: Any) -> None:
        self._queue.put_nowait((command, args))

    async def settled(self) -> None:
        """Wait until every queued command ran (tests and scripted use)."""
        await self._queue.join()

    async def _run_queue(self) -> None:
        while True:
            command, args = await self._queue.get()
            try:
                await command(*args)
            except Exception as exc:  # keep the queue alive; tell the user
                self.log.error(exc)
                self.say(f"error: {exc}")
            finally:
                self._queue.task_done()

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await self.annotator_app.store_call(fn, *args, **kwargs)

    # -- showing -----------------------------------------------------------------------------

    def say(self, message: str) -> None:
        self.message = message
        self._show_status()

    def _show_status(self) -> None:
        state = self.state
        mode = {"mark": "MARK: move ←→ w b ↑↓, v select, label key or l to create, esc leaves",
                "edit": "BOUNDS: ← → start, ⇧← ⇧→ end, enter saves, esc cancels"}.get(self.mode, "")
        if state is not None and state.filter != SpanFilter() and not mode:
            mode = f"filter: {state.filter.describe()}"
        if self.message:
            mode = self.message
        self.status.show(self.annotator_app.annotator, state.decided if state else 0,
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
        self.view.set_mark("speaker", speakers)
        if span is not None and scroll:
            self.view.scroll_to_range(span.start, span.end)
        self.list.show_selection()
        if span is not None and not self.message and not self.palette.known(span.label):
            self.message = f"{span.label}? is not in the schema: relabel it (l)"
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
                    for other in state.spans:
                        if other.kind == "quote" and view.id in (other.speaker_span_id, other.speaker_entity_span_id):
                            self.list.refresh_span(state.index_of[other.id])

    # -- opening articles --------------------------------------------------------------------

    async def _open(self, article_id: int | None) -> None:
        loaded = await self.annotator_app.load_article(article_id)
        self._leave_modes()
        article = loaded.article
        self.progress = loaded.progress
        self.flag = loaded.flag
        if article is None:
            self.state = None
            self.header.show(None, None)
            self.view.set_article("Nothing left to annotate here. Press q to quit.", [])
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
        if action in ALWAYS:
            return True
        if self.mode == "mark":
            return action in MARK_ACTIONS
        if self.mode == "edit":
            return action in EDIT_ACTIONS
        return action not in MARK_ACTIONS and action not in EDIT_ACTIONS

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self.message = ""
        self.refresh_bindings()
        self._show_status()

    def _leave_modes(self) -> None:
        self.cursor_hint = None
        if self.mode != "normal":
            self.view.set_mark("cursor", [])
            self.view.set_mark("editing", [])
            self.mark_for_quote = None
            self._set_mode("normal")

    # -- actions: every key queues its command ----------------------------------------------

    def action_next_span(self) -> None:
        self.submit(self._step, 1)

    def action_prev_span(self) -> None:
        self.submit(self._step, -1)

    def action_accept(self) -> None:
        if self.mode == "edit":
            self.submit(self._save_bounds)
        elif self.mode == "mark":
            self.submit(self._relabel, None)
        else:
            self.submit(self._decide, "accept", None)

    def action_reject(self) -> None:
        self.submit(self._decide, "reject", None)

    def action_relabel(self) -> None:
        self.submit(self._relabel, None)

    def action_label_key(self, label: str) -> None:
        if self.mode != "edit":
            self.submit(self._relabel, label)

    def action_undo(self) -> None:
        self.submit(self._undo)

    def action_article(self, step: int) -> None:
        self.submit(self._neighbour, step)

    def action_done(self) -> None:
        self.submit(self._done)

    def action_help(self) -> None:
        bindings = [b for bs in self._bindings.key_to_bindings.values() for b in bs]
        order = {binding.id: i for i, binding in enumerate(self.BINDINGS)}  # type: ignore[union-attr]
        bindings.sort(key=lambda b: order.get(b.id, len(order)))
        self.app.push_screen(_modals()[1].HelpScreen(bindings, self.annotator_app.schema))

    def action_quit(self) -> None:
        self.submit(self._quit)

    def action_export(self) -> None:
        self.submit(self._export)

    async def _export(self) -> None:
        """The same export as `annotator export --annotator NAME`, delivered where the user is."""
        from annotator.formats import ExportJob, get
        from annotator.tui.review.deliver import deliver_export, stamped

        app, jsonl = self.annotator_app, get("jsonl", "write")
        if not await self.call(app.store.count_work, app.annotator, False):
            self.say("nothing to export yet: no article of yours is done (d marks one done)")
            return

        def write(path: Path) -> tuple[int, int]:
            return jsonl.write(ExportJob(app.store, path, app.schema, app.annotator, parallel=False))  # type: ignore[misc]

        self.say(await deliver_export(self.app, write, stamped(f"{app.annotator}-gold"), Path("exports"), self.call))

    # -- the annotator's day: flags and guidelines ----------------------------------

    def action_flag(self) -> None:
        self.submit(self._flag)

    def action_next_flagged(self) -> None:
        self.submit(self._next_flagged)

    def action_guidelines(self) -> None:
        self.submit(self._guidelines)

    async def _flag(self) -> None:
        state = self.state
        if state is None:
            return
        note = await self.app.push_screen_wait(_modals()[0].FlagDialog(self.flag))
        if note is None:
            return
        if not note.strip() and not self.flag:
            self.say("not flagged: write a note saying what you are unsure about")
            return
        app = self.annotator_app
        self.flag = await self.call(app.store.set_flag, state.article.id, app.annotator, note)
        self.header.show(state.article, state.position, self.article_status, self.flag)
        self.say("flagged (! again edits or clears it)" if self.flag else "flag cleared")

    async def _next_flagged(self) -> None:
        app = self.annotator_app
        here = self.state.article.id if self.state else 0
        target = await self.call(app.store.next_flagged, app.annotator, here)
        if target is None:
            self.say("you have flagged no article (! flags one)")
        elif target == here:
            self.say("this is your only flagged article")
        else:
            await self._open(target)
            self.say(f"flagged: {self.flag}" if self.flag else "")

    async def _guidelines(self) -> None:
        from annotator.schema import guidelines_problem

        schema = self.annotator_app.schema
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

    def action_mark(self) -> None:
        self.submit(self._mark, None)

    def action_edit(self) -> None:
        self.submit(self._edit)

    def action_speaker(self) -> None:
        self.submit(self._speaker)

    def action_filter(self) -> None:
        self.submit(self._filter)

    def action_search(self) -> None:
        self.submit(self._search)

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

    def action_leave(self) -> None:
        self.submit(self._leave)

    @on(SpanList.Clicked)
    def _list_clicked(self, event: SpanList.Clicked) -> None:
        self.submit(self._select_row, event.row)

    @on(ArticleView.Clicked)
    def _text_clicked(self, event: ArticleView.Clicked) -> None:
        if self.mode == "mark":
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
        app = self.annotator_app
        view = await self.call(app.store.decide, app.annotator, span.id, action, label=label)
        self._apply(view)
        state.select(view.id)
        state.advance()
        self.message = ""
        self._show_status()
        self._show_selection()

    def _label_choices(self, kind: str | None) -> list[Choice]:
        Choice = _modals()[2].Choice  # noqa: N806
        choices = []
        for label in self.annotator_app.schema.labels:
            if kind is not None and label.kind != kind:
                continue
            prompt = Text()
            prompt.append(f"{label.key or ' '} ", style="bold")
            prompt.append(f"{label.name:<8}", style=f"bold {label.colour}")
            prompt.append(f" {label.description}")
            choices.append(Choice(label.name, prompt, f"{label.name} {label.description}".lower()))
        return choices

    async def _relabel(self, label: str | None) -> None:
        if self.mode == "mark":
            await self._create(label)
            return
        state = self.state
        span = state.current if state else None
        if state is None or span is None:
            return
        schema = self.annotator_app.schema
        if label is None:
            label = await self.app.push_screen_wait(
                _modals()[2].PickerScreen(f"Label for “{safe_line(state.article.text[span.start:span.end])[:40]}”",
                                          self._label_choices(span.kind), span.label,
                                          _modals()[1].guidelines_line(schema)))
            if label is None:
                return
        if schema.kind_of(label) != span.kind:
            self.say(f"{label} is a {schema.kind_of(label)} label; this span is a {span.kind}")
            return
        await self._decide("accept" if label == span.label else "relabel", label if label != span.label else None)

    async def _undo(self) -> None:
        state = self.state
        if state is None:
            return
        app = self.annotator_app
        view = await self.call(app.store.undo, app.annotator, state.article.id)
        if view is None:
            self.say("nothing left to undo in this article")
            return
        if view.created_by is not None and view.status == "undecided":
            # Undoing a new span's making removes it.
            old = state.by_id(view.id)
            state.remove(view.id)
            self.view.spans_reordered(state.spans)
            self.view.span_changed(old)
            self.list.set_state(state)
        else:
            self._apply(view)
            state.select(view.id)
        self.message = ""
        self._show_status()
        self._show_selection()

    async def _neighbour(self, step: int) -> None:
        if self.state is None:
            await self._open(None)
            return
        app = self.annotator_app
        target = await self.call(app.store.neighbour, self.state.article.id, step, app.annotator, app.overlap)
        if target is None:
            where = "later" if step > 0 else "earlier"
            self.say(f"no {where} article for you" + (f" (overlap {app.overlap})" if app.overlap else ""))
            return
        await self._open(target)

    async def _done(self) -> None:
        state = self.state
        if state is None:
            return
        app = self.annotator_app
        undecided = [span.id for span in state.spans if span.status == "undecided"]
        if undecided:
            if not await self.app.push_screen_wait(_modals()[0].DoneDialog(len(undecided))):
                return
            await self.call(app.store.decide_many, app.annotator, [(i, "accept", None) for i in undecided])
        await self.call(app.store.set_status, state.article.id, app.annotator, "done")
        await self._open(None)
        if self.state is not None:
            self.say(f"article {state.position[0]} done")

    # -- mark mode -------------------------------------------------------------------

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

    def _nesting_problem(self, start: int, end: int, kind: str, ignore: int | None = None) -> str | None:
        """Why an entity may not go at [start, end), or None when it may."""
        if kind != "entity" or self.state is None:
            return None
        schema = self.annotator_app.schema
        for other in self.state.spans:
            if other.id == ignore or other.kind != "entity" or other.status == "rejected":
                continue
            if other.start < end and start < other.end:
                text = safe_line(self.state.article.text[other.start:other.end])[:30]
                if (other.start, other.end) == (start, end):
                    return f"{other.label} “{text}” covers these words: relabel that one (l)"
                nested = (other.start <= start and end <= other.end) or (start <= other.start and other.end <= end)
                if not nested:
                    return f"it crosses {other.label} “{text}”"
                if not schema.allow_nested:
                    return f"nests with {other.label} “{text}” and the schema has allow_nested: false"
        return None

    async def _create(self, label: str | None) -> None:
        state = self.state
        if state is None or self.tokens is None:
            return
        start, end = self._selection()
        schema = self.annotator_app.schema
        if label is None:
            speakers = schema.speaker_labels if self.mark_for_quote is not None else None
            choices = [c for c in self._label_choices(None) if speakers is None or c.value in speakers]
            label = await self.app.push_screen_wait(
                _modals()[2].PickerScreen(f"Label for new span “{safe_line(state.article.text[start:end])[:40]}”",
                                          choices, note=_modals()[1].guidelines_line(schema)))
            if label is None:
                return
        kind = schema.kind_of(label)
        if self.mark_for_quote is not None and label not in schema.speaker_labels:
            self.say(f"a speaker takes one of: {', '.join(sorted(schema.speaker_labels))}; {label} is not one")
            return
        problem = self._nesting_problem(start, end, kind)
        if problem:
            self.say(f"not marked: {problem}")
            return
        app = self.annotator_app
        view = await self.call(app.store.add_span, app.annotator, state.article.id, start, end, label, kind)
        quote_id = self.mark_for_quote
        self._leave_modes()
        self._apply(view)
        if quote_id is not None:
            quote = await self.call(app.store.decide, app.annotator, quote_id, "speaker", speaker_span_id=view.id)
            self._apply(quote)
            state.select(quote_id)
        else:
            state.select(view.id)
        self.message = ""
        self._show_status()
        self._show_selection()

    # -- bounds --------------------------------------------------------------------

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
        if (start, end) == (span.start, span.end):
            self._leave_modes()
            self._show_selection()
            return
        problem = self._nesting_problem(start, end, span.kind, ignore=span.id)
        if problem:
            self.say(f"not saved: {problem}")
            return
        app = self.annotator_app
        view = await self.call(app.store.decide, app.annotator, span.id, "adjust", start=start, end=end)
        self._leave_modes()
        self._apply(view)
        state.select(view.id)
        self.message = ""
        self._show_status()
        self._show_selection()

    # -- speakers ------------------------------------------------------------------

    async def _speaker(self) -> None:
        state = self.state
        quote = state.current if state else None
        if state is None or quote is None:
            return
        if quote.kind != "quote":
            self.say("s sets the speaker of a quote; select a quote first")
            return
        allowed = self.annotator_app.schema.speaker_labels
        candidates = [s for s in state.spans
                      if s.kind == "entity" and s.label in allowed and s.status != "rejected"]

        def distance(span: SpanView) -> int:
            return quote.start - span.end if span.end <= quote.start else max(0, span.start - quote.end)

        candidates.sort(key=lambda s: (distance(s), s.start))
        Choice, PickerScreen = _modals()[2].Choice, _modals()[2].PickerScreen  # noqa: N806
        choices = [
            Choice(NO_SPEAKER, Text("  no speaker", style="italic"), "no speaker none"),
            Choice(NEW_SPEAKER, Text("  new speaker from a selection…", style="italic"), "new speaker selection mark"),
        ]
        for span in candidates:
            name = safe_line(state.article.text[span.start:span.end])
            prompt = Text("  ")
            prompt.append(name[:40])
            prompt.append(f"  {span.label}", style=f"bold {self.palette.colour(span.label)}")
            choices.append(Choice(span.id, prompt, f"{name} {span.label}".lower()))
        current = quote.speaker_entity_span_id or quote.speaker_span_id
        choice = await self.app.push_screen_wait(PickerScreen("Speaker of the quote", choices, current))
        if choice is None:
            return
        if choice == NEW_SPEAKER:
            await self._mark(quote.id)
            return
        app = self.annotator_app
        speaker_id = None if choice == NO_SPEAKER else int(choice)
        view = await self.call(app.store.decide, app.annotator, quote.id, "speaker", speaker_span_id=speaker_id)
        self._apply(view)
        state.select(view.id)
        self.message = ""
        self._show_status()
        self._show_selection()

    # -- filter and search ---------------------------------------------------------

    async def _filter(self) -> None:
        state = self.state
        if state is None:
            return
        Choice, PickerScreen = _modals()[2].Choice, _modals()[2].PickerScreen  # noqa: N806
        choices = [
            Choice(SpanFilter(), Text("all spans"), "all spans"),
            Choice(SpanFilter(undecided=True), Text("undecided only"), "undecided only"),
            Choice(SpanFilter(kind="entity"), Text("entities"), "entities"),
            Choice(SpanFilter(kind="quote"), Text("quotes"), "quotes"),
        ]
        for label in self.annotator_app.schema.labels:
            choices.append(Choice(SpanFilter(label=label.name), Text(label.name, style=f"bold {label.colour}"),
                                  label.name.lower()))
        chosen = await self.app.push_screen_wait(PickerScreen("Show in the list", choices, state.filter))
        if chosen is None:
            return
        state.set_filter(chosen)
        self.list.set_state(state)
        self._show_status()
        self._show_selection()

    async def _search(self) -> None:
        state = self.state
        if state is None:
            return
        query = await self.app.push_screen_wait(_modals()[0].PromptScreen("/", self.search_query))
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
        if span is not None and state.filter(span):
            state.select(span.id)
        self.message = f"match {self.match_index + 1} of {len(self.matches)}"
        self._show_status()
        self._show_selection(scroll=False)
        self.view.scroll_to_range(start, end)
