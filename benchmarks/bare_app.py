"""The floor of Textual on this machine: the bare app benchmarks/tui.py measures beside the annotator.

    python benchmarks/bare_app.py LINES_FILE

Shows the lines of LINES_FILE (the benchmark article, wrapped by benchmarks/tui.py to the width
of this widget) in a line-API widget, under a status line that says "0 decided". Key j moves a
highlight one line down; key a does the same and rewrites the status line ("1 decided", ...). So
each key repaints what a key of the annotator repaints at the least (the line losing the
highlight, the line getting it, the status line for a) with the least Python Textual allows:
cached strips, refresh_lines, no store, no spans, no layout. The open is Textual's own start-up,
one file read and one full frame.
"""

from __future__ import annotations

import sys

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

HIGHLIGHT = Style(reverse=True, bold=True)


class Lines(ScrollView, can_focus=False):
    DEFAULT_CSS = "Lines { overflow-y: scroll; overflow-x: hidden; height: 1fr; }"

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines
        self.selected = 0
        self._cache: dict[int, Strip] = {}
        self.virtual_size = Size(1, len(lines))

    def render_line(self, y: int) -> Strip:
        line = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if line >= len(self.lines):
            return Strip.blank(width)
        strip = self._cache.get(line)
        if strip is None or strip.cell_length != width:
            style = HIGHLIGHT if line == self.selected else Style()
            strip = self._cache[line] = Strip([Segment(self.lines[line], style)]).adjust_cell_length(width)
        return strip

    def move(self) -> None:
        old, self.selected = self.selected, min(self.selected + 1, len(self.lines) - 1)
        for line in (old, self.selected):
            self._cache.pop(line, None)
            self.refresh_lines(line)
        height = self.scrollable_content_region.height
        if self.selected >= self.scroll_offset.y + height:
            self.scroll_to(y=self.selected - height // 3, animate=False, immediate=True)


class Bare(App[None]):
    BINDINGS = [Binding("j", "move", "Next"), Binding("a", "decide", "Accept"), Binding("q", "quit", "Quit")]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.text_lines = lines
        self.decided = 0

    def compose(self) -> ComposeResult:
        yield Lines(self.text_lines)
        yield Static(" bench  0 decided", id="status")

    def action_move(self) -> None:
        self.query_one(Lines).move()

    def action_decide(self) -> None:
        self.decided += 1
        self.query_one("#status", Static).update(f" bench  {self.decided} decided", layout=False)
        self.query_one(Lines).move()


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        Bare(file.read().split("\n")).run()
