"""The one-line header and status bar, and the footer of keys.

Fixed height: updated with layout=False (no relayout per key). All three draw in the app's first
frame: a widget that redraws itself once its size is known, or composes after the first refresh
(Textual's Footer), adds frames to the open.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Footer, Static

from annotator.model import Article, Progress
from annotator.tui.text import safe_line


class ArticleHeader(Static):
    DEFAULT_CSS = "ArticleHeader { height: 1; background: $primary-background; color: $text; text-wrap: nowrap; text-overflow: ellipsis; }"

    _shown: tuple[Article | None, tuple[int, int] | None, str, str | None] | None = None

    def show(self, article: Article | None, position: tuple[int, int] | None, status: str = "",
             flag: str | None = None) -> None:
        self._shown = (article, position, status, flag)
        self.refresh()

    def render(self) -> Any:
        # Built at render time, so the heading is cut to the width the first frame has.
        if self._shown is None:
            return Text()
        article, position, status, flag = self._shown
        if article is None:
            return Text(" No article to annotate", style="bold")
        # Text() from plain strings: a title holding [bold] or escapes is shown as it is.
        # The heading gives way first, so source, date and position stay visible at 80 columns.
        tail = Text()
        details = [safe_line(part) for part in (article.source, article.date) if part]
        if details:
            tail.append("  " + " · ".join(details), style="italic")
        if position:
            tail.append(f"  article {position[0]} of {position[1]}")
        if status and status != "todo":
            tail.append(f"  ({status})", style="bold")
        if flag is not None:
            # The flag with the start of its note; the heading gives way to it at 80 columns.
            note = safe_line(flag)
            tail.append("  ⚑ ", style="bold yellow")
            tail.append(note if len(note) <= 24 else note[:23] + "…", style="yellow")
        tail.append(" ")
        heading = safe_line(article.heading)
        room = max(10, (self.size.width or 80) - tail.cell_len - 1)
        if len(heading) > room:
            heading = heading[: room - 1] + "…"
        text = Text(" ")
        text.append(heading, style="bold")
        text.append_text(tail)
        return text


class StatusLine(Widget):
    """The counts and the latest message, rewritten at every key. Drawn with the line API from the
    Text's own segments: a Static turns the Text into Textual's Content and lays it out again at each
    update, which was the dearest part of a frame after a decision (0.44 of about 2 ms).

    One line while the message fits beside the counts. A longer one (an export's path, why a span
    was not marked, at 80 columns) gets lines of its own above the counts, wrapped whole, until the
    next message replaces it: the only case that costs a relayout."""

    DEFAULT_CSS = "StatusLine { height: 1; background: $panel; color: $text; }"

    _counts: Text = Text()
    _message: str = ""
    _strips: list[Strip] | None = None
    _height = 1

    def show(self, annotator: str, decided: int, total: int, progress: Progress | None, mode: str = "") -> None:
        text = Text(" ")
        text.append(safe_line(annotator), style="bold")
        text.append(f"  spans {decided}/{total} decided")
        if progress is not None:
            text.append(f"  articles {progress.articles_done}/{progress.articles_total} done")
        mode = safe_line(mode)
        if text != self._counts or mode != self._message:
            self._counts, self._message, self._strips = text, mode, None
            self._fit(self.size.width)
            self.refresh()

    def lines(self, width: int) -> list[Text]:
        """What the status shows at this width, line by line."""
        if not self._message:
            return [self._counts]
        whole = self._counts.copy()
        whole.append("  " + self._message, style="bold reverse")
        if whole.cell_len <= width or width < 20:
            return [whole]
        message = Text(self._message, style="bold reverse")
        wrapped = message.wrap(self.app.console, width - 2, overflow="fold")
        return [Text(" ").append_text(line) for line in wrapped] + [self._counts]

    def _fit(self, width: int) -> None:
        height = len(self.lines(width)) if width else 1
        if height != self._height:
            self._height = height
            self.styles.height = height

    def on_resize(self) -> None:
        self._strips = None
        self._fit(self.size.width)

    def render(self) -> Text:
        return Text("\n").join(self.lines(self.size.width or 80))

    def render_line(self, y: int) -> Strip:
        width, base = self.size.width, self.rich_style
        if self._strips is None or (self._strips and self._strips[0].cell_length != width):
            self._strips = []
            for line in self.lines(width):
                text = line.copy()
                text.truncate(width, overflow="ellipsis")
                segments = Segment.apply_style(text.render(self.app.console), base)
                self._strips.append(Strip(segments).adjust_cell_length(width, base))
        return self._strips[y] if y < len(self._strips) else Strip.blank(width, base)


class KeysFooter(Footer):
    """Textual's Footer, composed with the screen instead of after its first refresh.

    Textual's composes its keys once the screen announces its bindings, after the first frame:
    two more frames of layout at every open. This one composes at once and recomposes only when
    the keys shown change (a mode entered or left).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.set_reactive(Footer._bindings_ready, True)
        self._keys: tuple[Any, ...] | None = None

    def _shown_keys(self) -> tuple[Any, ...]:
        return tuple((b.key, b.action, b.description, enabled, tooltip)
                     for _, b, enabled, tooltip in self.screen.active_bindings.values() if b.show)

    def compose(self) -> Any:
        self._keys = self._shown_keys()
        yield from super().compose()

    def bindings_changed(self, screen: Any) -> None:
        if self.is_attached and screen is self.screen and self._shown_keys() == self._keys:
            return
        super().bindings_changed(screen)
