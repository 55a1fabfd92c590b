"""The span list: one row per span, a line-API widget like the text (not a ListView).

Rows are built only when shown and cached; moving the selection rebuilds two rows.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator.model import SpanView, attribution_form
from annotator.tui.palette import ICON_STYLES, ICONS, SELECTED, Palette
from annotator.tui.state import ArticleState
from annotator.tui.text import safe_line
from annotator.tui.widgets.ahead import Ahead, rows_ahead
from annotator.tui.widgets.styled_lines import StyledLines

DIM = Style(dim=True)
ARROW = Style(color="grey62")
FORM_TAGS = {"direct": "dir", "mixed": "mix", "indirect": "ind"}  # a quote row's form, in three letters
CUE_FROM = 40  # columns from which a quote row has room for its cue word and a three-letter form


class SpanList(StyledLines, ScrollView, can_focus=False):
    DEFAULT_CSS = """
    SpanList { overflow-y: scroll; overflow-x: hidden; }
    """

    class Clicked(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, palette: Palette, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.palette = palette
        self.state: ArticleState | None = None
        self._cache: dict[int, Strip] = {}
        self._width = 0
        self._selected_row: int | None = None
        self.ahead = Ahead(self, self._build_ahead)

    def set_state(self, state: ArticleState | None) -> None:
        """A new article, or the rows changed (filter, new span): rebuild everything."""
        self.state = state
        self._cache.clear()
        rows = len(state.visible) if state else 0
        self.virtual_size = Size(1, rows)  # rows never scroll sideways: the width is the pane's
        self._selected_row = state.row_of(state.selected) if state else None
        self.refresh()

    def refresh_span(self, index: int | None) -> None:
        """One span's row changed look."""
        if self.state is None or index is None:
            return
        row = self.state.row_of(index)
        if row is not None:
            self._cache.pop(row, None)
            self.refresh_lines(row)

    def show_selection(self) -> None:
        """Move the highlight to the state's selection and scroll it into view."""
        if self.state is None:
            return
        old, new = self._selected_row, self.state.row_of(self.state.selected)
        self._selected_row = new
        for row in (old, new):
            if row is not None:
                self._cache.pop(row, None)
                self.refresh_lines(row)
        if new is not None:
            top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
            if height > 0 and not top <= new < top + height:
                target = new - height // 3 if new >= top + height else new - 1
                self.scroll_to(y=max(0, target), animate=False, immediate=True)
                self.ahead.schedule()

    def _build_ahead(self) -> None:
        state, width = self.state, self._content_width()
        if state is None or width != self._width:
            return
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        rows = rows_ahead(top, height, len(state.visible))
        for row in rows:
            strip = self._cache.get(row)
            if strip is None or strip.cell_length != width:
                self._cache[row] = self._build(state, state.visible[row], width, row == self._selected_row)
        self.style_ahead(rows)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # Inside Textual's layout pass, as ArticleView: the first frame has the selection in view.
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if self._content_width() != self._width:
            self._width = self._content_width()
            self._cache.clear()
            self.show_selection()
        return changed

    def content_line(self, row: int, width: int) -> Strip:
        strip = self._cache.get(row)
        if strip is None or strip.cell_length != width:
            state = self.state
            if state is None or row >= len(state.visible):
                # Cached too: the same blank strip keeps its styled row (StyledLines).
                strip = self._cache[row] = Strip.blank(width, self.base_style)
            else:
                strip = self._cache[row] = self._build(state, state.visible[row], width, row == self._selected_row)
        return strip

    def _excerpt(self, state: ArticleState, span: SpanView | None, width: int) -> str:
        if span is None:
            return ""
        return safe_line(state.article.text[span.start : min(span.end, span.start + width)])

    def _build(self, state: ArticleState, index: int, width: int, selected: bool) -> Strip:
        span = state.spans[index]
        base = self.base_style
        rejected = span.status == "rejected"
        text_style = base + DIM if rejected else base
        segments = [
            Segment(" ", base),
            Segment(ICONS[span.status], base + ICON_STYLES[span.status]),
            Segment(" ", base),
        ]
        if span.relabelled:
            segments += [
                Segment(span.suggested_label, text_style + self.palette.label(span.suggested_label) + Style(strike=True)),
                Segment("→", text_style + ARROW),
            ]
        # The label always: at 80x24 a quote row without "QUOTE" read as a name and words (issue 36 #2).
        segments.append(Segment(span.label, text_style + self.palette.label(span.label)))
        if span.kind == "quote":  # the attribution's form: "QUOTE·ind", or "QUOTE·i" in a narrow pane
            form = attribution_form(state.article.text, (span.start, span.end))
            tag = FORM_TAGS[form] if width >= CUE_FROM else form[0]
            segments.append(Segment("·" + tag, text_style + self.palette.label(span.label)))
        flags = ("?" if not self.palette.known(span.label) else "") + ("+" if span.origin == "manual" else "") + (
            "↔" if span.adjusted else "")
        if flags:
            segments.append(Segment(flags, text_style + ARROW))
        segments.append(Segment(" ", base))
        if span.kind == "quote":
            # One attribution, one row: its form (above), the source whole, the cue, then the
            # content's first words ("QUOTE·ind officials ▸ said: the talks would…"). At 80x24 the pane is 30
            # columns, and "QUOTE “Spo ← Staffan de Mi" told neither who nor what.
            speaker = state.by_id(span.speaker_span_id)
            entity = state.by_id(span.speaker_entity_span_id)
            who = entity or speaker
            used = sum(segment.cell_length for segment in segments)
            name = self._excerpt(state, who, 40) if who else "no speaker"
            name = name[: max(8, width - used - 4)]  # room left for ": “" and a word or two
            segments.append(Segment(name, text_style + (self.palette.label(who.label) if who else DIM)))
            cue = state.by_id(span.cue_span_id)
            if cue is not None and width >= CUE_FROM:
                segments.append(Segment(" ▸ ", text_style + ARROW))
                segments.append(Segment(self._excerpt(state, cue, 20), text_style + self.palette.label(cue.label)))
            segments.append(Segment(": ", text_style + ARROW))
        segments.append(Segment(self._excerpt(state, span, width), text_style))
        strip = Strip(segments).adjust_cell_length(width, base)
        if selected:
            strip = strip.apply_style(SELECTED)
        return strip

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self.state is not None:
            row = int(self.scroll_offset.y) + offset.y
            if row < len(self.state.visible):
                self.post_message(self.Clicked(row))
