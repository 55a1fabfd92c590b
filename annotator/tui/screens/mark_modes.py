"""Mark mode (a token cursor that selects words for a new span or a quote's cue) and bounds mode
(move a span's first and last token): where the cursor is and what it selects, drawn on the article
view. Plain objects the main screen owns; they know nothing of the store: the screen asks them what
was selected and hands that to the session, whose rules decide."""

from __future__ import annotations

from annotator.tui.palette import CURSOR, EDITING, SELECTION
from annotator.tui.tokens import Tokens
from annotator.tui.widgets.article_view import ArticleView


class MarkMode:
    def __init__(self, view: ArticleView) -> None:
        self.view = view
        self.tokens: Tokens | None = None  # set while the mode is on
        self.cursor = 0  # token index
        self.anchor: int | None = None  # where v started the selection
        self.for_quote: int | None = None  # the quote that gets the new span as speaker
        self.cue_of: int | None = None  # the quote that gets the new span as its cue

    def start(self, tokens: Tokens, offset: int | None, for_quote: int | None = None) -> None:
        """Put the cursor on the token at `offset` (None: the first line in view)."""
        if offset is None:
            offset = self.view.lines.spans[min(int(self.view.scroll_offset.y), len(self.view.lines) - 1)][0]
        self.tokens = tokens
        self.cursor = tokens.at(offset)
        self.anchor = None
        self.for_quote = for_quote
        self.cue_of = None
        self.view.set_mark("selected", [])
        self.view.set_mark("speaker", [])

    def leave(self) -> None:
        self.tokens = None
        self.for_quote = self.cue_of = None
        self.view.set_mark("cursor", [])

    def selection(self) -> tuple[int, int]:
        """The selected characters: anchor to cursor, or the cursor's token."""
        assert self.tokens is not None
        return self.tokens.span(self.anchor if self.anchor is not None else self.cursor, self.cursor)

    def show(self) -> None:
        assert self.tokens is not None
        start, end = self.tokens.pairs[self.cursor]
        marks = []
        if self.anchor is not None:
            marks.append((*self.selection(), SELECTION))
        marks.append((start, end, CURSOR))
        self.view.set_mark("cursor", marks)
        self.view.scroll_to_range(start, end)

    def move(self, step: int) -> None:
        if self.tokens is not None:
            self.cursor = max(0, min(len(self.tokens) - 1, self.cursor + step))
            self.show()

    def move_to(self, offset: int) -> None:
        if self.tokens is not None:
            self.cursor = self.tokens.at(offset)
            self.show()

    def move_line(self, step: int) -> None:
        if self.tokens is None:
            return
        offset = self.tokens.pairs[self.cursor][0]
        line = self.view.lines.line_of(offset) + step
        if 0 <= line < len(self.view.lines):
            self.cursor = self.tokens.at(self.view.offset_at(line, self.view.column_of(offset)))
            self.show()

    def toggle_anchor(self) -> None:
        if self.tokens is not None:
            self.anchor = None if self.anchor is not None else self.cursor
            self.show()


class BoundsMode:
    def __init__(self, view: ArticleView) -> None:
        self.view = view
        self.tokens: Tokens | None = None  # set while the mode is on
        self.bounds: tuple[int, int] = (0, 0)  # first and last token

    def start(self, tokens: Tokens, start: int, end: int) -> None:
        self.tokens = tokens
        self.bounds = (tokens.first_in(start, end), tokens.last_in(start, end))
        self.show()

    def leave(self) -> None:
        self.tokens = None
        self.view.set_mark("editing", [])

    def span(self) -> tuple[int, int]:
        """The characters from the first token's start to the last one's end."""
        assert self.tokens is not None
        return self.tokens.span(*self.bounds)

    def show(self) -> None:
        start, end = self.span()
        self.view.set_mark("editing", [(start, end, EDITING)])
        self.view.scroll_to_range(start, end)

    def move(self, which: str, step: int) -> None:
        if self.tokens is None:
            return
        first, last = self.bounds
        if which == "start":
            first = max(0, min(last, first + step))
        else:
            last = max(first, min(len(self.tokens) - 1, last + step))
        self.bounds = (first, last)
        self.show()
