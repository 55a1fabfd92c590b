"""What the main screen shows of one article: its spans, the selection, the filter.

Plain Python (no textual), so the rules of selection and ordering are testable without a screen.
The list is kept in the store's order: start, longer first, id.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass
from itertools import chain

from annotator.model import Article, SpanView, attribution_form


def order_key(span: SpanView) -> tuple[int, int, int]:
    return (span.start, -span.end, span.id)


@dataclass(frozen=True, slots=True)
class SpanFilter:
    """Which spans the list shows: undecided only, one label, or one kind (entity|quote)."""

    undecided: bool = False
    label: str | None = None
    kind: str | None = None
    form: str | None = None  # quotes of one form (direct, mixed, indirect), told from the article's text

    def __call__(self, span: SpanView, text: str = "") -> bool:
        if self.undecided and span.status != "undecided":
            return False
        if self.label is not None and span.label != self.label:
            return False
        if self.form is not None and (span.kind != "quote" or attribution_form(text, (span.start, span.end)) != self.form):
            return False
        return self.kind is None or span.kind == self.kind

    def describe(self) -> str:
        parts = []
        if self.undecided:
            parts.append("undecided")
        if self.label:
            parts.append(self.label)
        if self.form:
            parts.append(f"{self.form} quotes")
        if self.kind:
            parts.append(f"{self.kind}s")
        return " ".join(parts) or "all"


class ArticleState:
    """The spans of one article as one annotator sees them, plus which one is selected."""

    def __init__(self, article: Article, spans: list[SpanView], position: tuple[int, int],
                 presorted: bool = False) -> None:
        self.article = article
        self.position = position
        # Store.spans() already returns this order; sorting 5,000 spans again costs a frame at open.
        self.spans: list[SpanView] = list(spans) if presorted else sorted(spans, key=order_key)
        self.filter = SpanFilter()
        self.selected: int | None = None  # index into spans
        self._reindex()

    # -- indexes -----------------------------------------------------------------------------

    def _reindex(self) -> None:
        self.index_of = {span.id: i for i, span in enumerate(self.spans)}
        self.visible = [i for i, span in enumerate(self.spans) if self.shows(span)]
        self.decided = sum(1 for span in self.spans if span.status != "undecided")
        # Ids of the quotes, whose rows show their speaker's text: a span's change redraws those rows
        # (a 50,000-word article has 5,000 spans and maybe a few dozen quotes).
        self.quote_ids = [span.id for span in self.spans if span.kind == "quote"]

    def shows(self, span: SpanView) -> bool:
        """Does the list's filter show this span?"""
        return self.filter(span, self.article.text)

    def set_filter(self, span_filter: SpanFilter) -> None:
        current = self.current
        self.filter = span_filter
        self._reindex()
        if current is None or not span_filter(current, self.article.text):
            self.selected = self.visible[0] if self.visible else None

    def by_id(self, span_id: int | None) -> SpanView | None:
        index = self.index_of.get(span_id) if span_id is not None else None
        return self.spans[index] if index is not None else None

    @property
    def current(self) -> SpanView | None:
        return self.spans[self.selected] if self.selected is not None else None

    def row_of(self, index: int | None) -> int | None:
        """The list row of a span index, or None when the filter hides it."""
        if index is None:
            return None
        row = bisect_left(self.visible, index)
        return row if row < len(self.visible) and self.visible[row] == index else None

    @property
    def undecided(self) -> int:
        return len(self.spans) - self.decided

    # -- selection ---------------------------------------------------------------------------

    def select_row(self, row: int) -> None:
        if self.visible:
            self.selected = self.visible[max(0, min(row, len(self.visible) - 1))]

    def step(self, delta: int) -> None:
        """Move the selection by `delta` rows of the (filtered) list."""
        if not self.visible:
            return
        if self.selected is None:
            self.selected = self.visible[0]
            return
        row = bisect_left(self.visible, self.selected)
        hidden = row >= len(self.visible) or self.visible[row] != self.selected
        if hidden and delta > 0:  # a hidden selection sits just before `row`
            delta -= 1
        self.select_row(row + delta)

    def first_undecided(self) -> int | None:
        for index in self.visible:
            if self.spans[index].status == "undecided":
                return index
        return None

    def next_undecided(self) -> int | None:
        """The next undecided visible span after the selection, wrapping around; None when none is left."""
        if not self.visible:
            return None
        visible, spans = self.visible, self.spans
        start = 0 if self.selected is None else bisect_left(visible, self.selected + 1)
        for row in chain(range(start, len(visible)), range(start)):  # no copy of the 5,000 rows per key
            index = visible[row]
            if spans[index].status == "undecided" and index != self.selected:
                return index
        return None

    def advance(self) -> None:
        """After a decision: go to the next undecided span, else to the next row."""
        target = self.next_undecided()
        if target is not None:
            self.selected = target
        else:
            self.step(1)

    # -- updates -----------------------------------------------------------------------------

    def replace(self, view: SpanView) -> tuple[SpanView | None, int]:
        """Put the store's new state of one span in place; returns (old view, new index)."""
        index = self.index_of.get(view.id)
        old = self.spans[index] if index is not None else None
        if old is not None and order_key(old) == order_key(view):
            self.spans[index] = view
            self.decided += (view.status != "undecided") - (old.status != "undecided")
            if old.kind != view.kind:
                self.quote_ids = [span.id for span in self.spans if span.kind == "quote"]
            if self.shows(old) != self.shows(view):
                self.visible = [i for i, span in enumerate(self.spans) if self.shows(span)]
            return old, index
        # New span, or its offsets changed: re-sort (rare: adjust, new span, their undo).
        selected_id = self.current.id if self.current is not None else None
        if old is not None:
            del self.spans[index]
        insort(self.spans, view, key=order_key)
        self._reindex()
        if selected_id is not None:
            self.selected = self.index_of.get(selected_id)
        return old, self.index_of[view.id]

    def remove(self, span_id: int) -> None:
        """Drop a span (a manual span whose making was undone)."""
        index = self.index_of.get(span_id)
        if index is None:
            return
        selected_id = self.current.id if self.current is not None else None
        del self.spans[index]
        self._reindex()
        self.selected = self.index_of.get(selected_id) if selected_id is not None else None
        if self.selected is None and self.visible:
            self.select_row(min(bisect_left(self.visible, index), len(self.visible) - 1))

    def select(self, span_id: int) -> None:
        index = self.index_of.get(span_id)
        if index is not None:
            self.selected = index
