"""Article text for the screen: characters made safe to print, and wrapped into lines.

Everything here keeps character offsets: one character of the article is always one
character on screen, so span offsets index the displayed text as they index the stored one.
No textual import: this is plain string work, unit-testable on its own.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size


def _safe_table() -> dict[int, int]:
    # C0 controls (ESC, CR, TAB, ...) as their Unicode "control pictures" (␛, ␍, ␉): one cell each,
    # so a text holding escape sequences is shown, never obeyed.
    # Newlines stay: they end lines (the wrapper splits on them); excerpts use safe_line().
    table = {code: 0x2400 + code for code in range(0x20) if code != 0x0A}
    table[0x7F] = 0x2421  # ␡
    for code in range(0x80, 0xA0):  # C1 controls (CSI as one byte, ...)
        table[code] = 0xFFFD
    # Bidi overrides, zero-width and line/paragraph separators can reorder or hide what is shown.
    for code in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029, 0xFEFF):
        table[code] = 0xFFFD
    return table


_SAFE = _safe_table()
_SAFE_ONE_LINE = {**_SAFE, 0x0A: 0x23CE}  # ⏎ in one-line excerpts


_UNSAFE = re.compile("[" + "".join(f"\\u{code:04x}" for code in sorted(_SAFE)) + "]")
_UNSAFE_ONE_LINE = re.compile("[" + "".join(f"\\u{code:04x}" for code in sorted(_SAFE_ONE_LINE)) + "]")


def safe(text: str) -> str:
    """The text with every control character replaced by one visible character (same length)."""
    # A regex scan first: most articles hold none, and str.translate walks 300k characters slowly.
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: chr(_SAFE[ord(m.group())]), text)


def safe_line(text: str) -> str:
    """Like safe(), and newlines shown as ⏎: for one-line excerpts."""
    if _UNSAFE_ONE_LINE.search(text) is None:
        return text
    return _UNSAFE_ONE_LINE.sub(lambda m: chr(_SAFE_ONE_LINE[ord(m.group())]), text)


_WORD = re.compile(r"\s*\S+\s*|\s+")


def _hard_split(para: str, start: int, end: int, width: int, lines: list[tuple[int, int]],
                pos: int) -> tuple[int, int]:
    """Cut para[start:end] (one long word) into lines of at most `width` cells.

    Appends the full lines (as text offsets: pos + index) and returns (start, cells) of the
    unfinished last piece.
    """
    piece_start, cells = start, 0
    for index in range(start, end):
        size = get_character_cell_size(para[index])
        if cells + size > width and cells:
            lines.append((pos + piece_start, pos + index))
            piece_start, cells = index, 0
        cells += size
    return pos + piece_start, cells


_ONE_CELL: dict[str, bool] = {}


def _single_cells(para: str) -> bool:
    """Is every character of the paragraph one cell wide? (Checks each distinct character once.)"""
    for char in set(para):
        known = _ONE_CELL.get(char)
        if known is None:
            known = _ONE_CELL[char] = get_character_cell_size(char) == 1
        if not known:
            return False
    return True


@lru_cache(maxsize=64)
def _line_pattern(width: int) -> re.Pattern[str]:
    # One screen line of one-cell characters: as much as fits ending at a word's end, else `width`
    # characters of a longer word, else (a line of only spaces) nothing; then the spaces after it.
    return re.compile(rf"(?:.{{0,{width - 1}}}\S(?=\s|$)|\S{{{width}}}|)\s*")


def _wrap_words(para: str, pos: int, width: int, lines: list[tuple[int, int]]) -> None:
    """Word-by-word wrap measuring cells (wide and zero-width characters)."""
    line_start, cells = pos, 0
    for match in _WORD.finditer(para):
        word = match.group()
        w_start = pos + match.start()
        visible = cell_len(word.rstrip())
        if cells and cells + visible > width:
            lines.append((line_start, w_start))
            line_start, cells = w_start, 0
        if visible > width:
            line_start, cells = _hard_split(para, match.start(), match.end(), width, lines, pos)
            continue
        cells += cell_len(word)
    lines.append((line_start, pos + len(para)))


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of `text` into (start, end) offsets, one pair per screen line.

    A newline ends a line (and is in no line); trailing spaces stay on their line and are cut
    by the renderer. Widths are terminal cells (wide characters take two). Give it the text as
    displayed (safe()), so control characters count as the one cell they are shown as.
    """
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    single = _single_cells
    pattern = _line_pattern(width) if width > 1 else None
    pos = 0
    for para in text.split("\n"):
        size = len(para)
        if size == 0:
            lines.append((pos, pos))
        elif pattern is not None and (para.isascii() or single(para)):
            if size <= width:
                lines.append((pos, pos + size))
            else:  # one regex match per screen line instead of a Python step per word
                at = 0
                while at < size:
                    end = pattern.match(para, at).end()  # type: ignore[union-attr]
                    if end == at:
                        end = at + 1
                    lines.append((pos + at, pos + end))
                    at = end
        else:
            _wrap_words(para, pos, width, lines)
        pos += size + 1
    return lines


class Lines:
    """Wrapped lines and the map from character offsets to line numbers."""

    __slots__ = ("spans", "starts")

    def __init__(self, text: str, width: int) -> None:
        self.spans = wrap(text, width)
        self.starts = [start for start, _ in self.spans]

    def __len__(self) -> int:
        return len(self.spans)

    def line_of(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def lines_of(self, start: int, end: int) -> range:
        """The lines a character range [start, end) touches (at least one)."""
        first = self.line_of(start)
        return range(first, max(first, self.line_of(max(start, end - 1))) + 1)
