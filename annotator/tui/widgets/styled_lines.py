"""Rows as Textual draws them (padding, border, filters), kept per content line across scrolls.

Textual styles a widget's lines in a cache keyed by the row on screen and drops it whenever the
widget scrolls, so a pane that scrolls styles every row again into new strips, and the compositor
then cuts and encodes each of them again (its caches hang on the strip objects). This mixin keeps
the styled strip of each content line: a row shown before comes back as the same object, already
filtered, cut and encoded, and a scroll costs lookups. A row is styled anew when its content strip
changed (the widget built a new one) or when what styling depends on changed (size, colours).

Textual's compositor also asks every widget that overlaps a frame's dirty area for all of its rows,
and a key that changes a line of text, a row of the list and the status line dirties the whole
screen: so each pane keeps the rows it last returned and looks up again only those refreshed since
(or all of them after a scroll, a resize or a refresh of the whole widget).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.style import Style
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from annotator.tui.widgets.scrollbar import CachedRowsScrollBar


class StyledLines:
    """For a line-API ScrollView: one content line per row, nothing above or below the content."""

    _styled: dict[int, tuple[Strip, Strip]]
    _styled_key: tuple[Any, ...] | None = None
    _base_style: Style | None = None
    _shown: tuple[tuple[Any, ...], list[Strip]] | None = None  # (what the rows depend on, the rows) last returned
    _dirty_rows: set[int] | None = None  # rows refreshed since; None: all of them

    def content_line(self, line: int, width: int) -> Strip:
        """The content strip of one line (the widget's own cache): the same object while it is unchanged."""
        raise NotImplementedError

    def _content_width(self) -> int:
        return max(1, self.scrollable_content_region.width)  # type: ignore[attr-defined]

    def render_line(self, y: int) -> Strip:
        """Textual's line API (its own path, when render_lines falls back to it)."""
        return self.content_line(int(self.scroll_offset.y) + y, self._content_width())  # type: ignore[attr-defined]

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own property, creating the bar that reuses its rows' strips (widgets/scrollbar.py)."""
        widget: Any = self
        if widget._vertical_scrollbar is None:
            bar = widget._vertical_scrollbar = CachedRowsScrollBar(vertical=True, name="vertical",
                                                                   thickness=widget.scrollbar_size_vertical)
            bar.display = False
            widget.app._start_widget(widget, bar)
        return widget._vertical_scrollbar  # type: ignore[no-any-return]

    @property
    def base_style(self) -> Style:
        """The widget's rich_style, kept until the styling changes: rich_style walks the ancestors at
        every call, and each line built asks for it."""
        if self._base_style is None:
            self._base_style = self.rich_style  # type: ignore[attr-defined]
        return self._base_style

    def notify_style_update(self) -> None:
        self._styled_key = self._base_style = self._shown = None  # CSS or theme changed: style every row again
        super().notify_style_update()  # type: ignore[misc]

    def refresh(self, *regions: Region, repaint: bool = True, **kwargs: Any) -> Any:
        if repaint:
            if not regions:
                self._dirty_rows = None
            elif self._dirty_rows is not None:
                for region in regions:
                    self._dirty_rows.update(range(region.y, region.bottom))
        return super().refresh(*regions, repaint=repaint, **kwargs)  # type: ignore[misc]

    def _styling(self) -> tuple[Any, ...] | None:
        """What styling a row takes now, or None when rows above or below the content (a top border,
        an outline) make the row matter: then Textual's own path is used."""
        widget: Any = self
        styles = widget.styles
        gutter = styles.gutter
        if gutter.top or gutter.bottom or any(edge for edge, _ in styles.outline):
            return None
        app = widget.app
        base_background, background = widget.background_colors
        key = (widget.region.size, widget.content_region.size, styles.padding, styles.border, base_background,
               background, tuple(widget.get_line_filters()), app.ansi_theme, app.native_ansi_color, widget.opacity)
        if key != self._styled_key:
            self._styled = {}
            self._styled_key, self._base_style = key, None
        return key

    def _styled_line(self, key: tuple[Any, ...], line: int, width: int) -> Strip:
        content = self.content_line(line, width)
        cached = self._styled.get(line)
        if cached is not None and cached[0] is content:
            return cached[1]
        widget: Any = self
        size, content_size, padding, _, base_background, background, filters, ansi_theme, native_ansi, opacity = key
        # Row 0 of the content area: with nothing above or below the content, every row is styled alike.
        strip = widget._styles_cache.render_line(widget.styles, 0, size, content_size, padding, base_background,
                                                 background, lambda _y: content, None, None, opacity, ansi_theme,
                                                 native_ansi)
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)
        self._styled[line] = (content, strip)
        return strip

    def render_lines(self, crop: Region) -> list[Strip]:
        widget: Any = self
        key = self._styling()
        if key is None or widget._border_title is not None or widget._border_subtitle is not None:
            return super().render_lines(crop)  # type: ignore[misc,no-any-return]
        width = self._content_width()
        top = int(widget.scroll_offset.y)
        if crop.column_span != (0, key[0].width):
            x1, x2 = crop.column_span
            return [self._styled_line(key, top + y, width).crop(x1, x2) for y in crop.line_range]
        shown_key = (key, top, width, crop)
        dirty, self._dirty_rows = self._dirty_rows, set()
        if self._shown is not None and self._shown[0] == shown_key and dirty is not None:
            strips = list(self._shown[1])
            for y in dirty.intersection(crop.line_range):
                strips[y - crop.y] = self._styled_line(key, top + y, width)
        else:
            strips = [self._styled_line(key, top + y, width) for y in crop.line_range]
        self._shown = (shown_key, strips)
        return strips

    def style_ahead(self, lines: Iterable[int]) -> None:
        """Style rows before they are shown (after a scroll, while the app waits for a key)."""
        key = self._styling()
        if key is not None:
            width = self._content_width()
            for line in lines:
                self._styled_line(key, line, width)
