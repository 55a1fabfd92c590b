"""Textual's vertical scrollbar, drawn from a few cached rows.

Every scroll moves the thumb, and Textual then renders all the bar's rows into new strips, which
the compositor cuts and encodes again: a third of a scrolling frame. A vertical bar's rows are
each one of a few segments (the track above or below the thumb, the thumb, an edge glyph), and a
row's strip depends only on its segment, so each distinct row's strip is kept: a scroll builds the
bar's segments and looks the rows up, and Textual draws only the rows not seen before (in a long
article the thumb's edges take a new fraction of a cell at most scrolls).
"""

from __future__ import annotations

from typing import Any

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip


class CachedRowsScrollBar(ScrollBar):
    _rows: dict[Segment, Strip]
    _rows_key: tuple[Any, ...] | None = None
    # The bar as last drawn, until a repaint is asked for (as Textual's styles cache keeps its lines):
    # a frame that does not move this bar costs a lookup.
    _drawn: tuple[Any, list[Strip]] | None = None

    def notify_style_update(self) -> None:
        self._rows_key = self._drawn = None
        super().notify_style_update()

    def refresh(self, *args: Any, **kwargs: Any) -> Any:
        self._drawn = None
        return super().refresh(*args, **kwargs)

    def _row_segments(self, renderable: ScrollBarRender, height: int, width: int) -> list[Segment]:
        # What ScrollBarRender.__rich_console__ draws for a bar of this size.
        style = renderable.style
        assert isinstance(style, Style)
        bar = renderable.render_bar(size=height, virtual_size=renderable.virtual_size,
                                    window_size=renderable.window_size, position=renderable.position,
                                    thickness=width, vertical=True,
                                    back_color=style.bgcolor or Color.parse("#555555"),
                                    bar_color=style.color or Color.parse("bright_magenta"))
        return list(bar.segments)

    def render_lines(self, crop: Region) -> list[Strip]:
        drawn = self._drawn
        if drawn is not None and drawn[0] == (self.size, crop):
            return drawn[1]
        strips = self._render_rows(crop)
        self._drawn = ((self.size, crop), strips)
        return strips

    def _render_rows(self, crop: Region) -> list[Strip]:
        renderable = self.render()
        width, height = self.size
        if (not self.vertical or type(renderable) is not ScrollBarRender or not isinstance(renderable.style, Style)
                or crop != Region(0, 0, width, height)):
            return super().render_lines(crop)
        base_background, background = self.background_colors
        key = (self.size, renderable.style, base_background, background, tuple(self.get_line_filters()),
               self.app.ansi_theme, self.opacity)
        if key != self._rows_key:
            self._rows, self._rows_key = {}, key
        segments = self._row_segments(renderable, height, width)
        if len(segments) != height:
            return super().render_lines(crop)
        rows = self._rows
        strips = [rows.get(segment) for segment in segments]
        for y, strip in enumerate(strips):
            if strip is None:  # a row not drawn yet (a new fraction of the thumb's edge): Textual draws that row
                strip = strips[y] = rows[segments[y]] = super().render_lines(Region(0, y, width, 1))[0]
        return strips  # type: ignore[return-value]
