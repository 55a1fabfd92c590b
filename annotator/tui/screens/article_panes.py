"""The open article as the main screen's panes show it: its spans (ArticleState), the selection,
the header, the status line. A plain object the screen owns, over the screen's widgets: commands
change the state through it and it redraws what changed (only after the store's commit)."""

from __future__ import annotations

from annotator import keys as key_map
from annotator.model import Progress, SpanView
from annotator.session import Loaded
from annotator.tui.palette import SELECTED, Palette
from annotator.tui.state import ArticleState, SpanFilter, order_key
from annotator.tui.tokens import Tokens
from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.bars import ArticleHeader, StatusLine
from annotator.tui.widgets.span_list import SpanList


class ArticlePanes:
    def __init__(self, header: ArticleHeader, view: ArticleView, span_list: SpanList, status: StatusLine,
                 palette: Palette, annotator: str, keymap: dict[str, str]) -> None:
        self.header, self.view, self.list, self.status = header, view, span_list, status
        self.palette = palette
        self.annotator = annotator
        self.keymap = keymap
        self.state: ArticleState | None = None
        self.progress: Progress | None = None
        self.article_status = "todo"
        self.flag: str | None = None  # this annotator's note on the open article
        self.message = ""  # the status line's sentence, until the next command clears it
        self.hint = ""  # the mode's reminder of its keys (mark, cue, bounds), set by the screen
        self._tokens: Tokens | None = None

    # -- the status line -----------------------------------------------------------------------

    def say(self, message: str) -> None:
        self.message = message
        self.show_status()

    def show_status(self) -> None:
        state = self.state
        mode = self.hint
        if state is not None and state.filter != SpanFilter() and not mode:
            mode = f"filter: {state.filter.describe()}"
        if self.message:
            mode = self.message
        self.status.show(self.annotator, state.decided if state else 0,
                         len(state.spans) if state else 0, self.progress, mode)

    # -- the selection -------------------------------------------------------------------------

    def show_selection(self, scroll: bool = True) -> None:
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
            self.show_status()

    def select(self, span_id: int) -> None:
        if self.state is not None:
            self.state.select(span_id)
            self.show_selection()

    def select_row(self, row: int) -> None:
        if self.state is not None:
            self.state.select_row(row)
            self.show_selection()

    # -- the store's answers -------------------------------------------------------------------

    def apply(self, view: SpanView) -> None:
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

    def remove(self, span_id: int) -> None:
        """A new span whose making was undone leaves the article."""
        state = self.state
        assert state is not None
        old = state.by_id(span_id)
        state.remove(span_id)
        self.view.spans_reordered(state.spans)
        self.view.span_changed(old)
        self.list.set_state(state)

    def decided(self, span_id: int, advance: bool = False) -> None:
        """After a decision was applied: select its span (or the next undecided one), redraw the status."""
        assert self.state is not None
        self.state.select(span_id)
        if advance:
            self.state.advance()
        self.message = ""
        self.show_status()
        self.show_selection()

    def show_decision(self, view: SpanView, advance: bool = False) -> None:
        """A decision the store committed: its span redrawn and selected (or the next undecided one)."""
        self.apply(view)
        self.decided(view.id, advance)

    def set_filter(self, span_filter: SpanFilter) -> None:
        assert self.state is not None
        self.state.set_filter(span_filter)
        self.list.set_state(self.state)
        self.show_status()
        self.show_selection()

    def show_flag(self, flag: str | None) -> None:
        self.flag = flag
        if self.state is not None:
            self.header.show(self.state.article, self.state.position, self.article_status, flag)

    # -- opening -------------------------------------------------------------------------------

    def show_loaded(self, loaded: Loaded) -> None:
        """Show an article the session opened (or say why there is none)."""
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
            self.show_status()
            return
        state = ArticleState(article, loaded.spans, loaded.position, presorted=True)
        state.selected = state.first_undecided()
        if state.selected is None and state.spans:
            state.selected = 0
        self.state, self.article_status = state, loaded.status
        self._tokens = None
        self.header.show(article, loaded.position, loaded.status, self.flag)
        self.view.set_article(article.text, state.spans)
        self.list.set_state(state)
        self.message = ""
        self.show_status()
        self.show_selection()

    @property
    def tokens(self) -> Tokens | None:
        """Token boundaries, built on first use (mark and bounds modes) to keep opening fast."""
        if self._tokens is None and self.state is not None:
            self._tokens = Tokens(self.state.article.text, self.state.article.tokens)
        return self._tokens
