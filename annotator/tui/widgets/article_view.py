"""The article text with its spans highlighted: a line-API widget.

The text is wrapped once per width into (start, end) offsets; each screen line is built on
demand from plain strings into Segments and cached. A key press rebuilds only the lines whose
look changed (the old and new selection), so a 50,000-word article costs what a short one does.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from rich.cells import get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator.model import SpanView
from annotator.tui.palette import Palette
from annotator.tui.text import Lines, safe
from annotator.tui.widgets.ahead import Ahead, rows_ahead
from annotator.tui.widgets.styled_lines import StyledLines

Mark = tuple[int, int, Style]


class ArticleView(StyledLines, ScrollView, can_focus=False):
    DEFAULT_CSS = """
    ArticleView { overflow-y: scroll; overflow-x: hidden; padding: 0 1; }
    """

    class Clicked(Message):
        """A click on the text: the character offset and the innermost span there."""

        def __init__(self, offset: int, span_id: int | None) -> None:
            super().__init__()
            self.offset = offset
            self.span_id = span_id

    def __init__(self, palette: Palette, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.palette = palette
        self.text = ""
        self._safe = ""
        self._spans: Sequence[SpanView] = ()
        self.lines = Lines("", 1)
        self._line_spans: dict[int, list[int]] = {}
        self._starts: list[int] = []
        self._longest = 0
        self._width = 0
        self._cache: dict[int, Strip] = {}
        self._marks: dict[str, list[Mark]] = {}
        self._follow: tuple[int, int] | None = None
        self.ahead = Ahead(self, self._build_ahead)

    # -- content -----------------------------------------------------------------------------

    def set_article(self, text: str, spans: Sequence[SpanView]) -> None:
        self.text, self._safe, self._spans = text, safe(text), spans
        self._marks.clear()
        self._width = 0  # force a rewrap
        self._rewrap()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def spans_reordered(self, spans: Sequence[SpanView]) -> None:
        """The span list changed shape (a span added, removed or moved): re-index the lines."""
        self._spans = spans
        self._index_spans()
        self._cache.clear()
        self.refresh()

    def span_changed(self, *views: SpanView | None) -> None:
        """Spans changed state or label in place: rebuild their lines."""
        for view in views:
            if view is not None:
                self._invalidate(view.start, view.end)

    def set_mark(self, name: str, marks: Iterable[Mark]) -> None:
        """Overlay styles (selection, speaker, cursor, search match) drawn above the spans."""
        new = [mark for mark in marks if mark[1] >= mark[0]]
        old = self._marks.get(name, [])
        if old == new:
            return
        for start, end, _ in old + new:
            self._invalidate(start, max(end, start + 1))
        if new:
            self._marks[name] = new
        else:
            self._marks.pop(name, None)

    # -- wrapping ----------------------------------------------------------------------------

    def _rewrap(self, in_layout: bool = False) -> None:
        if not self.size.width:  # not laid out yet: _size_updated wraps once the width is known
            self._width = 0
            return
        width = self._content_width()
        if width == self._width and self.lines.spans:
            return
        self._width = width
        self.lines = Lines(self._safe, width)
        self._index_spans()
        self._cache.clear()
        if in_layout:  # the layout under way takes the new size; asking for another costs a frame
            self.set_reactive(ScrollView.virtual_size, Size(width, len(self.lines)))
            self._scroll_update(self.virtual_size)
        else:
            self.virtual_size = Size(width, len(self.lines))

    def _index_spans(self) -> None:
        # Which spans touch a line is worked out when the line is first drawn (_spans_on), not for
        # every line at open: a 50,000-word article has 6,000 lines and 5,000 spans.
        self._starts = [span.start for span in self._spans]
        self._longest = max((span.end - span.start for span in self._spans), default=0)
        self._line_spans = {}

    def _spans_on(self, line: int) -> list[int]:
        """Positions (in span order) of the spans that touch a line: from the line holding their start
        to the one holding their last character."""
        found = self._line_spans.get(line)
        if found is None:
            starts = self.lines.starts
            line_start = starts[line]
            after = starts[line + 1] if line + 1 < len(starts) else len(self._safe) + 1
            first = bisect_left(self._starts, line_start - self._longest)
            last = bisect_left(self._starts, after)
            spans = self._spans
            found = self._line_spans[line] = [
                position for position in range(first, last)
                if max(spans[position].start, spans[position].end - 1) >= line_start
            ]
        return found

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # Wrap inside Textual's layout pass, as soon as the width is known: the first frame then has
        # the lines, the scrollbar and the selection in view (wrapping on Resize, which comes after
        # that frame, cost a second layout and frame at every open).
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if self.size.width and self._content_width() != self._width:
            self._rewrap(in_layout=True)
            if self._follow:
                self.scroll_to_range(*self._follow)
            self.refresh()
        return changed

    def _invalidate(self, start: int, end: int) -> None:
        if not self.lines.spans:
            return
        lines = self.lines.lines_of(start, end)
        for line in lines:
            self._cache.pop(line, None)
        self.refresh_lines(lines.start, len(lines))

    # -- scrolling ---------------------------------------------------------------------------

    def scroll_to_range(self, start: int, end: int) -> None:
        """Bring [start, end) into view, with some context above when it has to scroll."""
        self._follow = (start, end)
        lines = self.lines.lines_of(start, end)
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        if height <= 0:
            return
        if lines.start >= top and lines.stop <= top + height:
            return
        target = lines.start - height // 3 if len(lines) < height * 2 // 3 else lines.start
        self.scroll_to(y=max(0, target), animate=False, immediate=True)
        self.ahead.schedule()

    def _build_ahead(self) -> None:
        width = self._content_width()
        if width != self._width or not self.lines.spans:
            return
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        rows = rows_ahead(top, height, len(self.lines))
        for line in rows:
            if line not in self._cache:
                self._cache[line] = self._build(line, width)
        self.style_ahead(rows)

    # -- rendering ---------------------------------------------------------------------------

    def content_line(self, line: int, width: int) -> Strip:
        if width != self._width:
            self._rewrap()
        strip = self._cache.get(line)
        if strip is None:
            # Rows past the end are cached too: the same blank strip keeps its styled row (StyledLines).
            blank = line >= len(self.lines)
            strip = self._cache[line] = Strip.blank(width, self.base_style) if blank else self._build(line, width)
        return strip

    def _build(self, line: int, width: int) -> Strip:
        start, end = self.lines.spans[line]
        base = self.base_style
        layers: list[Mark] = [
            (span.start, span.end, self.palette.text(span))
            for span in (self._spans[i] for i in self._spans_on(line))
        ]
        layers.sort(key=lambda layer: layer[0] - layer[1])  # outer (longer) spans first
        for marks in self._marks.values():
            layers.extend(mark for mark in marks if mark[0] < end and mark[1] > start or mark[0] == mark[1] == start)
        cuts = {start, end}
        for mark_start, mark_end, _ in layers:
            if start < mark_start < end:
                cuts.add(mark_start)
            if start < mark_end < end:
                cuts.add(mark_end)
        points = sorted(cuts)
        segments = []
        for a, b in zip(points, points[1:], strict=False):
            style = base
            for mark_start, mark_end, mark_style in layers:
                if mark_start <= a and mark_end >= b:
                    style = style + mark_style
            segments.append(Segment(self._safe[a:b], style))
        # A zero-width mark (the cursor at the end of a line) shows as one space.
        for mark_start, mark_end, mark_style in layers:
            if mark_start == mark_end == end:
                segments.append(Segment(" ", base + mark_style))
        return Strip(segments).adjust_cell_length(width, base)

    # -- mouse and cursor geometry ---------------------------------------------------------

    def offset_at(self, line: int, column: int) -> int:
        """The character offset at a screen column (cells) of a wrapped line."""
        line = max(0, min(line, len(self.lines) - 1))
        start, end = self.lines.spans[line]
        cells = 0
        for offset in range(start, end):
            cells += get_character_cell_size(self._safe[offset])
            if cells > column:
                return offset
        return end

    def column_of(self, offset: int) -> int:
        line = self.lines.line_of(offset)
        start, _ = self.lines.spans[line]
        return sum(get_character_cell_size(char) for char in self._safe[start:offset])

    def span_at(self, offset: int) -> SpanView | None:
        """The innermost span holding the offset."""
        if not self.lines.spans:
            return None
        found = None
        for position in self._spans_on(self.lines.line_of(offset)):
            span = self._spans[position]
            if span.start <= offset < span.end and (found is None or span.end - span.start < found.end - found.start):
                found = span
        return found

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self.lines.spans:
            return
        line = int(self.scroll_offset.y) + offset.y
        if line >= len(self.lines):
            return
        char = self.offset_at(line, offset.x)
        span = self.span_at(char)
        self.post_message(self.Clicked(char, span.id if span else None))
