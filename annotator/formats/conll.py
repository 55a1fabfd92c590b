"""CoNLL IOB of entities: a token a line (`TOKEN TAG`), sentences apart by a blank line, a
`-DOCSTART- -X- O O` line before each article, as `spacy convert --converter ner` reads it.

Export writes IOB2 tags from the stored tokens, a sentence break wherever the text breaks a line
(paragraphs), entities only, overlaps resolved to the longest. Import reads IOB1 and IOB2 (and
BILUO/IOBES), rebuilding the text with the spacing a reader expects around punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.formats._common import atomic_file
from annotator.formats.base import Item, Problem, read_text
from annotator.formats.jsonl import parse_jsonl_object
from annotator.formats.registry import Format, ReadOptions, WriteJob
from annotator.model import GoldArticle

DOCSTART = "-DOCSTART- -X- O O"
_TAG = re.compile(r"^(?:O|([BIESLU])-(\S+))$")
_SPACE = re.compile(r"\s")


# -- export --------------------------------------------------------------------------------------


def entity_tags(gold: GoldArticle, kinds: dict[str, str]) -> list[str]:
    """An IOB2 tag for each stored token: entity spans only, widened to whole tokens, and where
    they overlap the longest kept (as spaCy's filter_spans)."""
    starts, ends = gold.token_starts, gold.token_ends
    from bisect import bisect_left, bisect_right

    candidates = []
    for span in gold.spans:
        if kinds.get(span.label, span.kind) != "entity":
            continue
        first = max(0, bisect_right(starts, span.start) - 1)
        if first < len(ends) and ends[first] <= span.start:
            first += 1
        last = bisect_left(ends, span.end)
        if first <= last < len(ends):
            candidates.append((first, last, span.label))
    tags = ["O"] * len(starts)
    taken = [False] * len(starts)
    for first, last, label in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if any(taken[first:last + 1]):
            continue
        taken[first:last + 1] = [True] * (last + 1 - first)
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
    return tags


def conll_lines(gold: GoldArticle, kinds: dict[str, str]) -> Iterator[str]:
    text = gold.article.text
    yield DOCSTART
    yield ""
    tags = entity_tags(gold, kinds)
    previous_end = None
    for start, end, tag in zip(gold.token_starts, gold.token_ends, tags, strict=True):
        token = text[start:end]
        if not token.strip():
            continue  # whitespace tokens: a line break in them is a sentence break, below
        if previous_end is not None and "\n" in text[previous_end:start] and not tag.startswith("I-"):
            yield ""  # (an entity across a line break stays in one sentence: IOB entities never cross one)
        previous_end = end
        yield f"{_SPACE.sub('_', token)} {tag}"  # a token never holds a space; the columns stay two
    yield ""


def write(job: WriteJob) -> tuple[int, int]:
    kinds = {label.name: label.kind for label in job.label_schema.labels}
    count = entities = 0
    with atomic_file(job.output) as out:
        for gold in job.golds():
            for line in conll_lines(gold, kinds):
                out.write(line + "\n")
                entities += " B-" in line
            count += 1
    return count, entities


# -- import --------------------------------------------------------------------------------------

_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "’", "”", "''", "...", "…", "n't", "'s", "'re",
                    "'ve", "'ll", "'d", "'m", "'S", "N'T"}
_NO_SPACE_AFTER = {"(", "[", "{", "“", "‘", "``", "$", "#"}


def rebuild(sentences: list[list[str]]) -> tuple[str, list[tuple[int, int]]]:
    """The text of tokenised sentences (a paragraph each) and each token's offsets in it."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    size = 0
    for n, sentence in enumerate(sentences):
        if n:
            parts.append("\n\n")
            size += 2
        quotes = 0
        glue = True
        for token in sentence:
            closing_quote = token == '"' and quotes % 2 == 1
            if not glue and token not in _NO_SPACE_BEFORE and not closing_quote:
                parts.append(" ")
                size += 1
            offsets.append((size, size + len(token)))
            parts.append(token)
            size += len(token)
            glue = token in _NO_SPACE_AFTER or (token == '"' and not closing_quote)
            quotes += token == '"'
    return "".join(parts), offsets


def entities(tags: list[tuple[int, str]], breaks: set[int]) -> list[tuple[int, int, str]]:
    """(first token, last token, label) from IOB1, IOB2, IOBES or BILUO tags; an entity never
    crosses a sentence break."""
    out: list[tuple[int, int, str]] = []
    current: list[Any] | None = None
    for i, (prefix, label) in enumerate(tags):
        starts = (prefix in "BSU" or current is None or current[2] != label or i in breaks) if prefix else False
        if current is not None and (not prefix or starts):
            out.append(tuple(current))  # type: ignore[arg-type]
            current = None
        if prefix:
            if current is None:
                current = [i, i, label]
            current[1] = i
            if prefix in "ESLU":
                out.append(tuple(current))  # type: ignore[arg-type]
                current = None
    if current is not None:
        out.append(tuple(current))  # type: ignore[arg-type]
    return out


def _documents(text: str) -> Iterator[tuple[int, list[tuple[int, str]]] | Problem]:
    """(line of the document's start, [(line number, line)]) for each -DOCSTART- block."""
    lines: list[tuple[int, str]] = []
    start = 1
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("-DOCSTART-"):
            if any(body.strip() for _, body in lines):
                yield start, lines
            lines, start = [], number
            continue
        if not lines and not line.strip():
            start = number + 1 if start == number else start
        lines.append((number, line))
    if any(body.strip() for _, body in lines):
        yield start, lines


def document(path: Path, start: int, lines: list[tuple[int, str]], n: int, options: ReadOptions) -> Item:
    sentences: list[list[str]] = [[]]
    tags: list[tuple[str, str]] = []
    breaks: set[int] = set()
    first = None
    for number, line in lines:
        columns = line.split()
        if not columns:
            if sentences[-1]:
                sentences.append([])
            continue
        first = first or number
        if len(columns) < 2:
            return Problem(f"{path}:{number}", f"a line needs a token and a tag (got {line.strip()!r})")
        tag = _TAG.match(columns[-1])
        if tag is None:
            return Problem(f"{path}:{number}", f"{columns[-1]!r} is not an IOB tag (O, B-LABEL, I-LABEL)")
        if not sentences[-1] and tags:
            breaks.add(len(tags))
        sentences[-1].append(columns[0])
        tags.append((tag.group(1) or "", tag.group(2) or ""))
    if not sentences[-1]:
        sentences.pop()
    text, offsets = rebuild(sentences)
    spans = [{"start": offsets[a][0], "end": offsets[b][1], "label": label} for a, b, label in entities(tags, breaks)]
    tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e:e + 1] == " "}
              for i, (s, e) in enumerate(offsets)]
    line: dict[str, Any] = {"text": text, "meta": {"file": path.name, "document": n}, "spans": spans, "tokens": tokens}
    if options.annotator:
        line.update(answer="accept", _annotator_id=options.annotator)
    return parse_jsonl_object(line, f"{path}:{first or start}", options.schema, options.pack)


def read(path: Path, options: ReadOptions) -> Iterator[Item]:
    text = read_text(path, options.advance)
    if isinstance(text, Problem):
        yield text
        return
    empty = True
    for n, (start, lines) in enumerate(_documents(text), 1):
        empty = False
        yield document(path, start, lines, n, options)
    if empty:
        yield Problem(str(path), "empty: no tokens")


def sniff(head: bytes, suffix: str) -> bool:
    if suffix in (".jsonl", ".json"):
        return False
    lines = [line for line in head.decode("utf-8", "replace").splitlines() if line.strip()][:10]
    if not lines:
        return False
    if lines[0].startswith("-DOCSTART-"):
        return True
    if len(head) == 8192:
        lines = lines[:-1]  # the last may be cut short
    return len(lines) >= 2 and all(len(line.split()) >= 2 and _TAG.match(line.split()[-1]) for line in lines)


FORMAT = Format(
    name="conll",
    title="CoNLL IOB of entities (a token and its tag a line, -DOCSTART- before each article)",
    keeps="tokens (as stored), entities and their labels (IOB2 out; IOB1, IOB2, IOBES and BILUO in), "
          "sentence breaks at line breaks; with --annotator, import makes them that annotator's finished work",
    loses="quotes, speaker mentions and speaker links; overlapping entities (the longest is kept); exact "
          "spacing (rebuilt on import: paragraphs a sentence each); meta, annotator and time",
    suffixes=(".conll", ".iob", ".iob2", ".bio"),
    read=read,
    write=write,
    sniff=sniff,
    order=40,
)
