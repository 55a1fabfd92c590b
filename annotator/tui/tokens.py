"""Token boundaries for the cursor, selections and bound edits (no spaCy: offsets come from the store)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_FALLBACK = re.compile(r"\w+|[^\w\s]")


class Tokens:
    def __init__(self, text: str, tokens: tuple[tuple[int, int], ...]) -> None:
        pairs = list(tokens) or [m.span() for m in _FALLBACK.finditer(text)]
        # spaCy keeps runs of whitespace ("\n\n") as tokens; a span never starts or ends on one.
        self.pairs: list[tuple[int, int]] = [
            (int(s), int(e)) for s, e in pairs if e > s and not text[s:e].isspace()
        ] or [(0, len(text))]
        self.starts = [s for s, _ in self.pairs]
        self.ends = [e for _, e in self.pairs]

    def __len__(self) -> int:
        return len(self.pairs)

    def at(self, offset: int) -> int:
        """The token holding the offset, else the next one (the last at the end)."""
        index = bisect_right(self.starts, offset) - 1
        if index >= 0 and self.ends[index] > offset:
            return index
        return min(index + 1, len(self.pairs) - 1)

    def first_in(self, start: int, end: int) -> int:
        return min(bisect_left(self.starts, start), len(self.pairs) - 1) if end > start else self.at(start)

    def last_in(self, start: int, end: int) -> int:
        index = bisect_left(self.ends, end)
        if index >= len(self.pairs) or self.ends[index] > end:
            index -= 1
        return max(index, self.first_in(start, end))

    def span(self, first: int, last: int) -> tuple[int, int]:
        first, last = sorted((first, last))
        return self.pairs[first][0], self.pairs[last][1]
