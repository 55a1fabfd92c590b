"""The floor of Textual on this machine: the bare app benchmarks/tui.py measures beside the annotator.

    python benchmarks/bare_app.py TEXT_LINES_FILE LIST_ROWS_FILE

The annotator's screen, drawn with the least Python Textual allows: the benchmark article's text
(wrapped by benchmarks/tui.py) in a left pane and one row per span in a right pane (the app's
widths: 3fr and 2fr with a border), a status line that says "0 decided" and a line of key hints.
Both panes are line-API widgets with cached lines. Key j moves a highlight to the next row of the
right pane and to the line of the left pane that row's span starts on, scrolling as the app's
panes do (the highlight a third of the way down); key a does the same and rewrites the status
line ("1 decided", ...). So each key repaints what the same key
repaints in the app (the lines losing and getting the highlight in both panes, a pane when it
scrolls, the status line for a), with no store, no spans, no styles worked out, no layout. The
open is Textual's own start-up, two file reads and one full frame.
"""

from __future__ import annotations

import sys

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

HIGHLIGHT = Style(reverse=True, bold=True)


class Lines(ScrollView, can_focus=False):
    DEFAULT_CSS = "Lines { overflow-y: scroll; overflow-x: hidden; }"

    def __init__(self, lines: list[str], id: str, selected: int = 0) -> None:
        super().__init__(id=id)
        self.lines = lines
        self.selected = selected
        self._cache: dict[int, Strip] = {}
        self.virtual_size = Size(1, len(lines))

    def render_line(self, y: int) -> Strip:
        line = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if line >= len(self.lines):
            return Strip.blank(width, base)
        strip = self._cache.get(line)
        if strip is None or strip.cell_length != width:
            style = base + HIGHLIGHT if line == self.selected else base
            strip = self._cache[line] = Strip([Segment(self.lines[line], style)]).adjust_cell_length(width, base)
        return strip

    def move(self, to: int) -> None:
        old, self.selected = self.selected, max(0, min(to, len(self.lines) - 1))
        if old == self.selected:
            return
        for line in (old, self.selected):
            self._cache.pop(line, None)
            self.refresh_lines(line)
        height = self.scrollable_content_region.height
        if self.selected >= self.scroll_offset.y + height:
            self.scroll_to(y=self.selected - height // 3, animate=False, immediate=True)


KEYS = " j Next  a Accept  x Reject  l Label  u Undo  ] Article  d Done  ? Help  q Quit"


class Bare(App[None]):
    CSS = """
    #text { width: 3fr; padding: 0 1; }
    #rows { width: 2fr; min-width: 30; border-left: vkey $primary-darken-2; }
    #panes { height: 1fr; }
    #header, #status { height: 1; background: $panel; }
    """
    BINDINGS = [Binding("j", "move", "Next"), Binding("a", "decide", "Accept"), Binding("q", "quit", "Quit")]

    def __init__(self, text: list[str], rows: list[str]) -> None:
        super().__init__()
        self.text = text
        self.rows = [row.partition("\t")[2] for row in rows]
        self.row_lines = [int(row.partition("\t")[0]) for row in rows]  # the text line of each row's span
        self.decided = 0

    def compose(self) -> ComposeResult:
        yield Static(" Benchmark article", id="header")
        with Horizontal(id="panes"):
            yield Lines(self.text, id="text", selected=self.row_lines[0])
            yield Lines(self.rows, id="rows")
        yield Static(" bench  0 decided", id="status")
        yield Static(KEYS, id="keys")

    def action_move(self) -> None:
        rows = self.query_one("#rows", Lines)
        rows.move(rows.selected + 1)
        self.query_one("#text", Lines).move(self.row_lines[rows.selected])

    def action_decide(self) -> None:
        self.decided += 1
        self.query_one("#status", Static).update(f" bench  {self.decided} decided", layout=False)
        self.action_move()


def read_lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as file:
        return file.read().split("\n")


if __name__ == "__main__":
    Bare(read_lines(sys.argv[1]), read_lines(sys.argv[2])).run()
