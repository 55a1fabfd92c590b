"""Find direct quotations by their marks, on plain text. No spaCy.

`find_quotes(text)` returns `QuoteCandidate`s: each runs from its first opening mark to its last
closing mark and keeps the marked parts it was built from, so that the attribution step can look
at the text between them (“A,” she said. “B.”).

The rules are the conventions of English news typography:
- “curly” and "straight" double marks, ``TeX-style'' marks and ''double apostrophes''; « » too.
  A straight mark opens when it stands before a word and closes after one; when that does not
  decide it, it toggles.
- Marks pair within a paragraph. A paragraph that ends inside a quote continues into the next
  paragraph when that one opens with a mark (the multi-paragraph convention); a line that ends
  inside a quote and is followed by a line of the same paragraph (hard-wrapped text) continues too.
  Otherwise the unclosed mark is dropped: it spoils nothing beyond its own paragraph.
- Double marks nested inside a quote are kept inside it; single ‘marks’ are never quote marks
  here (they are nested quotes or apostrophes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotator.extract.lexicon import ABBREVIATIONS, CORE_FORMS, PARTICIPLES, SPEECH_FORMS

_MARK = re.compile(r"``|''|[“”\"«»„]")
_OPEN_BEFORE = set("([{—–-/:;,‘'`“\"«„") | {"\u2015"}
_CLOSE_AFTER = set(".,;:!?)]}—–-…’'”\"»") | {"\u2015"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_ATTRIBUTE = re.compile(r"""[\w\-]+\s*=\s*(?:"[^"\n]*"|'[^'\n]*')""")
_INNER_STOP = re.compile(r"[.!?](?=\s+[A-Z])")
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+(?=[\"“‘'`A-Z0-9])")


_SUBORDINATORS = frozenset("after before when while because since but although though until".split())


_LIST_WORDS = frozenset("and or an a the as".split())


@dataclass(slots=True)
class QuoteCandidate:
    start: int
    end: int
    parts: list[tuple[int, int]] = field(default_factory=list)

    @property
    def gaps(self) -> list[tuple[int, int]]:
        return [(a[1], b[0]) for a, b in zip(self.parts, self.parts[1:], strict=False)]


def _is_space(ch: str | None) -> bool:
    return ch is None or ch.isspace()


def _direction(text: str, start: int, end: int, mark: str) -> str:
    """'open', 'close' or 'either' for the mark at text[start:end]."""
    prev = text[start - 1] if start > 0 else None
    nxt = text[end] if end < len(text) else None
    left = not _is_space(nxt) and (_is_space(prev) or prev in _OPEN_BEFORE)
    right = not _is_space(prev) and (_is_space(nxt) or nxt in _CLOSE_AFTER)
    if mark in ("“", "«", "„", "``"):
        # “ is an opening mark, unless it plainly closes a word ("word“ ").
        return "close" if right and not left and mark == "“" else "open"
    if mark in ("”", "»"):
        # A ” before a word at the start of a line or after a space is a mistyped opening mark.
        if prev is None or prev == "\n":
            return "open" if nxt is not None and not nxt.isspace() or nxt == " " else "close"
        return "open" if left and not right and (nxt.isalnum() if nxt else False) else "close"
    if left and not right:
        return "open"
    if right and not left:
        return "close"
    return "either"


def _family(mark: str) -> str:
    return "straight" if mark in ('"', "''") else "curly"


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _pair_marks(text: str) -> list[tuple[int, int]]:
    """Top-level quoted spans (mark to mark, marks included), in text order."""
    lines = _lines(text)
    found: list[tuple[int, int]] = []
    # The state carried across lines: the outer open mark's start, and pairs closed inside it.
    stack: list[tuple[int, str]] = []
    inner: list[tuple[int, int]] = []
    skip_leading_mark = False
    for index, (lstart, lend) in enumerate(lines):
        marks = [(m.start(), m.end(), m.group()) for m in _MARK.finditer(text, lstart, lend)]
        if "=" in text[lstart:lend]:
            # Markup attributes (author="…") are not quotations.
            masked = [m.span() for m in _ATTRIBUTE.finditer(text, lstart, lend)]
            marks = [m for m in marks if not any(a <= m[0] < b for a, b in masked)]
        if not text[lstart:lend].strip():
            continue
        if skip_leading_mark and marks:
            marks = marks[1:]
        skip_leading_mark = False
        for k, (mstart, mend, mark) in enumerate(marks):
            direction = _direction(text, mstart, mend, mark)
            if direction == "either":
                direction = "close" if stack else "open"
            if direction == "open":
                if len(stack) >= 2:
                    # Too deep to be real nesting: the outer mark was stray.
                    inner.clear()
                    stack = stack[1:]
                stack.append((mstart, _family(mark)))
            elif stack:
                family = _family(mark)
                if family != stack[-1][1] and any(
                    _family(m[2]) == stack[-1][1] and _direction(text, m[0], m[1], m[2]) != "open"
                    for m in marks[k + 1 :]
                ):
                    continue  # a mark of the other family: the quote closes later with its own kind
                opened = stack.pop()[0]
                if stack:
                    inner.append((opened, mend))
                else:
                    found.append((opened, mend))
                    inner.clear()
        if not stack:
            inner.clear()
            continue
        # The line ends inside a quote.
        nxt = index + 1
        while nxt < len(lines) and not text[lines[nxt][0] : lines[nxt][1]].strip():
            nxt += 1
        if nxt < len(lines):
            following = text[lines[nxt][0] : lines[nxt][1]].lstrip()
            blank_between = nxt > index + 1
            opener = _MARK.match(following)
            if opener and len(stack) == 1 and _family(opener.group()) == stack[0][1]:
                at = lines[nxt][1] - len(following)
                if _direction(text, at, at + len(opener.group()), opener.group()) != "close":
                    skip_leading_mark = True
                    continue
            elif not blank_between and len(stack) == 1 and following[:1].islower():
                continue  # a hard-wrapped line: the sentence goes on in lower case
        # Unbalanced: drop the unclosed marks; what closed inside them stands on its own.
        found.extend(inner)
        inner.clear()
        stack.clear()
    found.extend(inner)
    found.sort()
    return found


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_attribution_gap(gap: str) -> bool:
    """Text between two quoted parts that is only an attribution: ` she said. `, ` said X, a Y, `."""
    stripped = gap.strip()
    if not stripped or "\n" in gap:
        return False
    words = [w.lower() for w in _words(stripped)]
    if not words or len(words) > 30:
        return False
    speech = [i for i, w in enumerate(words) if w in SPEECH_FORMS]
    if not speech:
        return False
    # The clause must end right before the next part: “A,” she said. “B.” / she said: “B.”
    if stripped[-1] not in ".,:;—–-\u2015":
        return False
    # One clause only: no sentence ends inside it ("said X. Later she added: “B.”").
    for m in _INNER_STOP.finditer(stripped[:-1]):
        word = stripped[: m.start()].rsplit(None, 1)[-1].lower() if stripped[: m.start()].strip() else ""
        if word.rstrip(".") not in ABBREVIATIONS and not (len(word) <= 2 or "." in word):
            return False
    if sum(1 for w in words if w in CORE_FORMS) > 1:
        return False
    # A second clause ("she said, adding that …", "… said after the vote failed") starts a new quote.
    if any(w in PARTICIPLES or w in _SUBORDINATORS for w in words[speech[0] + 1 :]):
        return False
    return True


def _is_fragment_gap(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two fragments of one statement: called it “rigged” and “a disgrace”."""
    gap = text[a[1] : b[0]]
    if "\n" in gap or _SENTENCE_END.search(text, a[1] - 2, b[0] + 1):
        return False
    inside = text[a[0] : a[1]].rstrip("”\"'»’‘").rstrip()
    words = [w.lower() for w in _words(gap)]
    listing = not words or (len(words) <= 2 and words[0] in _LIST_WORDS)
    if inside.endswith((".", "!", "?")) or inside.endswith(",") and not listing:
        return False
    if len(words) > 4 or any(w in SPEECH_FORMS for w in words) or (words and words[-1] == "that"):
        return False
    for part in (a, b):
        part_words = _words(text[part[0] : part[1]])
        if len(part_words) > 12 or not listing and len(part_words) > 1 and all(w[0].isupper() for w in part_words):
            return False  # a long sentence, or a title (“Morning Joe”)
    return True


def merge_parts(text: str, parts: list[tuple[int, int]]) -> list[QuoteCandidate]:
    """Join the marked parts that belong to one quotation."""
    out: list[QuoteCandidate] = []
    for part in parts:
        if out:
            last = out[-1]
            prev = last.parts[-1]
            gap = text[prev[1] : part[0]]
            inside = text[prev[0] : prev[1]].rstrip("”\"'»’‘").rstrip()
            interrupted = inside.endswith((",", "—", "–", "-", "?", "!", "…", ":")) and _is_attribution_gap(gap)
            if interrupted or _is_fragment_gap(text, prev, part):
                last.parts.append(part)
                last.end = part[1]
                continue
        out.append(QuoteCandidate(part[0], part[1], [part]))
    return out


def find_quotes(text: str) -> list[QuoteCandidate]:
    """Every direct quotation in `text`, merged across its own attribution."""
    return merge_parts(text, _pair_marks(text))
