"""The one-line header and status bar. Fixed height: updated with layout=False (no relayout per key)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from annotator.model import Article, Progress
from annotator.tui.text import safe_line


class ArticleHeader(Static):
    DEFAULT_CSS = "ArticleHeader { height: 1; background: $primary-background; color: $text; text-wrap: nowrap; text-overflow: ellipsis; }"

    _shown: tuple[Article | None, tuple[int, int] | None, str, str | None] = (None, None, "", None)

    def on_resize(self) -> None:
        self.show(*self._shown)  # the heading is cut to the width

    def show(self, article: Article | None, position: tuple[int, int] | None, status: str = "",
             flag: str | None = None) -> None:
        self._shown = (article, position, status, flag)
        if article is None:
            self.update(Text(" No article to annotate", style="bold"), layout=False)
            return
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
        self.update(text, layout=False)


class StatusLine(Static):
    DEFAULT_CSS = "StatusLine { height: 1; background: $panel; color: $text; text-wrap: nowrap; text-overflow: ellipsis; }"

    def show(self, annotator: str, decided: int, total: int, progress: Progress | None, mode: str = "") -> None:
        text = Text(" ")
        text.append(safe_line(annotator), style="bold")
        text.append(f"  spans {decided}/{total} decided")
        if progress is not None:
            text.append(f"  articles {progress.articles_done}/{progress.articles_total} done")
        if mode:
            text.append("  " + mode, style="bold reverse")
        self.update(text, layout=False)
