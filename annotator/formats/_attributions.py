"""What the attribution formats (citron, polnear) share: an attribution (content in parts, source,
cue) as the spans and relations of an annotated line, and the store's quotes back as attributions.

The store keeps a content as one quote span, first to last character. The parts a format gives
(a content interrupted by its attribution) are derived again on export: the content less the
attribution spans inside it, cut at line breaks. Parts that differ from that derivation are kept
in the article's meta (`attribution_parts`), so an unchanged attribution comes back as it came.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.model import GoldArticle, GoldSpan
from annotator.schema import Schema

Bounds = tuple[int, int]
PARTS = "attribution_parts"  # meta key: {"start-end": [[start, end], ...]} for parts not derivable
_LINE = re.compile(r"[^\n]+")
_EDGE = " \t\n,;:"  # what a part loses where the attribution's own words were cut out of it


@dataclass(frozen=True)
class Attribution:
    parts: tuple[Bounds, ...]  # the content's pieces, in text order
    source: Bounds | None
    cue: Bounds | None

    @property
    def content(self) -> Bounds:
        return self.parts[0][0], self.parts[-1][1]


def span_problem(text: str, bounds: Any, what: str) -> str | None:
    """Why `bounds` cannot be a span of `text` (outside it, or only whitespace), or None."""
    if (not isinstance(bounds, tuple | list) or len(bounds) != 2
            or not all(type(b) is int for b in bounds)):
        return f"the {what} needs whole-number start and end (got {bounds!r})"
    start, end = bounds
    if not 0 <= start < end <= len(text):
        return f"the {what} ({start}, {end}) is not inside the text of {len(text)} characters with start < end"
    if not text[start:end].strip():
        return f"the {what} ({start}, {end}) overlaps no word of the text, only whitespace"
    return None


def labels(schema: Schema | None) -> tuple[str, str, str] | str:
    """(quote, speaker, cue) labels of the schema, or why it cannot hold attributions."""
    if schema is None:
        return "QUOTE", "SPEAKER", "CUE"
    if not schema.labels_of("quote") or not schema.labels_of("speaker") or schema.cue_label is None:
        return ("the schema has no label of kind quote, speaker or cue, which attributions need "
                "(schemas/news.yaml has QUOTE, SPEAKER and CUE)")
    return schema.quote_label, schema.speaker_label, schema.cue_label


def derive_parts(text: str, content: Bounds, holes: Iterable[Bounds]) -> list[Bounds]:
    """A content's parts: the content less the `holes` inside it (its attribution's source and cue,
    other attributions' spans), cut at line breaks (brat holds none), without their edges'
    whitespace and separating commas; pieces with no letter or digit are not parts."""
    start, end = content
    cuts = sorted((max(s, start), min(e, end)) for s, e in holes if s < end and e > start and (s, e) != content)
    pieces, at = [], start
    for s, e in cuts:
        if s > at:
            pieces.append((at, s))
        at = max(at, e)
    if at < end:
        pieces.append((at, end))
    out = []
    for s, e in pieces:
        for line in _LINE.finditer(text, s, e):
            a, b = line.start(), line.end()
            while a < b and text[a] in (_EDGE if a != start else " \t\n"):
                a += 1
            while b > a and text[b - 1] in (_EDGE if b != end else " \t\n"):
                b -= 1
            if a < b and any(ch.isalnum() for ch in text[a:b]):
                out.append((a, b))
    return out or [content]


def annotated_line(text: str, meta: dict[str, Any], attributions: Sequence[Attribution], names: tuple[str, str, str],
                   annotator: str | None) -> dict[str, Any]:
    """The attributions as an annotated JSONL line (jsonl.parse_jsonl_object reads it): a quote
    span a content, a speaker span a source, a cue span a cue, SPEAKER and CUE relations; a span
    shared by two attributions (one source of two contents) given once."""
    quote_label, speaker_label, cue_label = names
    spans: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str]] = set()
    relations = []

    def add(bounds: Bounds, label: str) -> dict[str, Any]:
        span = {"start": bounds[0], "end": bounds[1], "label": label}
        if (*bounds, label) not in seen:
            seen.add((*bounds, label))
            spans.append(span)
        return span

    for a in attributions:
        quote = add(a.content, quote_label)
        if a.source is not None:
            relations.append({"label": "SPEAKER", "head_span": quote, "child_span": add(a.source, speaker_label)})
        if a.cue is not None:
            relations.append({"label": "CUE", "head_span": quote, "child_span": add(a.cue, cue_label)})
    holes = [(s["start"], s["end"]) for s in spans]
    kept = {f"{a.content[0]}-{a.content[1]}": [list(p) for p in a.parts] for a in attributions
            if list(a.parts) != derive_parts(text, a.content, holes)}
    meta = {**meta, PARTS: kept} if kept else meta
    line: dict[str, Any] = {"text": text, "meta": meta, "spans": spans, "relations": relations}
    if annotator:
        line.update(answer="accept", _annotator_id=annotator)
    return line


@dataclass(frozen=True)
class Stored:
    """A stored attribution, for writers: the quote span with its source and cue spans."""

    quote: GoldSpan
    source: GoldSpan | None
    cue: GoldSpan | None
    parts: tuple[Bounds, ...]


def attributions_of(gold: GoldArticle) -> list[Stored]:
    """The quotes of finished work as attributions, in text order, their parts as they came in
    (meta) or derived."""
    text = gold.article.text
    by_id = {span.id: span for span in gold.spans}
    kept = gold.article.meta.get(PARTS) or {}
    holes = [(s.start, s.end) for s in gold.spans if s.kind in ("quote", "speaker", "cue")]
    out = []
    for span in sorted(gold.spans, key=lambda s: (s.start, -s.end, s.label)):
        if span.kind != "quote":
            continue
        given = kept.get(f"{span.start}-{span.end}")
        parts = tuple(map(tuple, given)) if given else tuple(derive_parts(text, (span.start, span.end), holes))
        out.append(Stored(span, by_id.get(span.speaker_span_id), by_id.get(span.cue_span_id), parts))  # type: ignore[arg-type]
    return out
