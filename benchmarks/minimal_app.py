"""The least Textual app a user would write to show an article: benchmarks/tui.py measures it too.

    python benchmarks/minimal_app.py ARTICLE_TEXT_FILE

One `Static` holding the article's text (Textual wraps it), in a `VerticalScroll` as Textual's
documentation scrolls long content, and a one-line status `Static` that says "0 decided". Key j
rewrites the status line with the position it moved to, key a with one more decision and the
position: the least a real app does per key (no highlight, no store, no spans, no scrolling).
Both update with layout=False, as the annotator's status line does.

Where benchmarks/bare_app.py is the annotator's screen drawn with the least Python (two panes of
cached lines, the highlight moved), this app is what "a Textual app showing this article" costs
when nothing is built for speed. Its open is Textual's start-up, one file read, wrapping the
whole article in the Static and one frame.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static


class Minimal(App[None]):
    CSS = """
    #article { height: 1fr; }
    #status { height: 1; background: $panel; }
    """
    BINDINGS = [Binding("j", "move", "Next"), Binding("a", "decide", "Accept"), Binding("q", "quit", "Quit")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.position = 0
        self.decided = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="article"):
            yield Static(self.text, markup=False)
        yield Static(" bench  0 decided", id="status")

    def _show(self) -> None:
        self.query_one("#status", Static).update(f" bench  {self.decided} decided  span {self.position + 1}",
                                                 layout=False)

    def action_move(self) -> None:
        self.position += 1
        self._show()

    def action_decide(self) -> None:
        self.decided += 1
        self.position += 1
        self._show()


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        Minimal(file.read()).run()
