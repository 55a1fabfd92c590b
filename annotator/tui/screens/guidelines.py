"""The guidelines screen: the schema's Markdown guidelines, rendered by Textual's Markdown widget."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from annotator.keys import first_key
from annotator.tui.bindings import bindings
from annotator.tui.text import safe_line


class GuidelinesScreen(Screen[None]):
    """Scroll with j/k, ↑/↓, space and page keys; escape (or g, q) goes back to the article."""

    DEFAULT_CSS = """
    GuidelinesScreen #guidelines-title { height: 1; background: $primary-background; color: $text;
        text-wrap: nowrap; text-overflow: ellipsis; }
    GuidelinesScreen VerticalScroll { height: 1fr; padding: 0 1; }
    GuidelinesScreen Markdown { margin: 0; padding: 0; }
    """
    BINDINGS = bindings("guidelines")

    def __init__(self, name: str, markdown: str) -> None:
        super().__init__()
        self.file_name = name
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        from textual.widgets import Footer

        yield Static(Text(f" Guidelines · {safe_line(self.file_name)}  "
                          f"({first_key('guidelines.close', getattr(self.app, 'keymap', None))} back to the article)", style="bold"),
                     id="guidelines-title")
        with VerticalScroll(id="guidelines-scroll"):
            yield Markdown(self.markdown, id="guidelines")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def scroller(self) -> VerticalScroll:
        return self.query_one("#guidelines-scroll", VerticalScroll)

    def action_scroll(self, step: int) -> None:
        self.scroller.scroll_relative(y=step, animate=False)

    def action_page(self, step: int) -> None:
        self.scroller.scroll_relative(y=step * max(1, self.scroller.size.height - 2), animate=False)

    def action_top(self) -> None:
        self.scroller.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.scroller.scroll_end(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)


def read_guidelines(path: str, limit: int = 2_000_000) -> str:
    """The file's text (UTF-8, bad bytes replaced); OSError when it cannot be read."""
    with open(path, "rb") as handle:
        raw = handle.read(limit + 1)
    text = raw[:limit].decode("utf-8", errors="replace")
    return text + ("\n\n*(cut: the file is over 2 MB)*" if len(raw) > limit else "")
