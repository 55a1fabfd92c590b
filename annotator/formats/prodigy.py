"""Prodigy-compatible task dicts (`spans_manual` plus relations): what a line of our JSONL is
(jsonl.py writes them from finished work, export/extracted.py from suggestions; ner.py too)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

import orjson
from murmurhash import hash as murmur  # ships with spaCy; no spaCy import needed

from annotator.formats._common import described
from annotator.model import ArticleDraft, SpanDraft, attribution_form, speaker_links
from annotator.store.codec import token_dicts

# (start, end, label) of a span, or (start, end, label, form) of an attribution's content, and
# (head index, child index, relation label) into that list.
SpanTuple = tuple[int, int, str] | tuple[int, int, str, str]
RelationTuple = tuple[int, int, str]
# An annotator's status of an article as Prodigy's answer.
ANSWERS = {"done": "accept", "rejected": "reject", "ignored": "ignore", "skipped": "ignore"}


def _nonzero(value: int) -> int:
    return value or 1


def input_hash(text: str) -> int:
    """Stable signed 32-bit hash of the text: the same article always groups together."""
    return _nonzero(murmur(text))


def task_hash(in_hash: int, spans: Sequence[dict[str, Any]], relations: Sequence[dict[str, Any]]) -> int:
    key = orjson.dumps([in_hash, [(s["start"], s["end"], s["label"]) for s in spans],
                        [(r["head"], r["child"], r["label"]) for r in relations]])
    return _nonzero(murmur(key))


class TokenIndex:
    """Maps character offsets to token indexes with two sorted lists (no spaCy needed)."""

    def __init__(self, starts: Sequence[int], ends: Sequence[int]) -> None:
        self.starts, self.ends = starts, ends

    @classmethod
    def of(cls, tokens: Sequence[Sequence[int]]) -> TokenIndex:
        return cls([t[0] for t in tokens], [t[1] for t in tokens])

    def token_start(self, char: int) -> int:
        """The token that holds `char` (or the first one after it)."""
        return max(0, bisect_right(self.starts, char) - 1) if self.starts else 0

    def token_end(self, char: int) -> int:
        """The token (inclusive) that ends at or holds `char - 1`."""
        return min(len(self.ends) - 1, bisect_left(self.ends, char)) if self.ends else 0


def _task(text: str, meta: dict[str, Any], index: TokenIndex, tokens: Any, spans: Sequence[SpanTuple],
          relations: Sequence[RelationTuple], extra: dict[str, Any] | None) -> dict[str, Any]:
    # The hot loop of export: bisect inlined, spans sorted once.
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1], spans[i][2]))
    starts, ends = index.starts, index.ends
    last = len(ends) - 1
    span_dicts = []
    for i in order:
        start, end, label = spans[i][:3]
        span_dict = {
            "start": start, "end": end, "text": text[start:end],
            "token_start": max(0, bisect_right(starts, start) - 1), "token_end": min(last, bisect_left(ends, end)),
            "label": label,
        }
        if len(spans[i]) > 3:  # an attribution's content: its form (direct, mixed, indirect)
            span_dict["form"] = spans[i][3]
        span_dicts.append(span_dict)
    relation_dicts = []
    if relations:
        position = {old: new for new, old in enumerate(order)}
        for head, child, label in sorted(relations, key=lambda r: (position[r[0]], r[2], position[r[1]])):
            h, c = span_dicts[position[head]], span_dicts[position[child]]
            relation_dicts.append({
                "head": h["token_end"], "child": c["token_end"],
                "head_span": {k: h[k] for k in ("start", "end", "token_start", "token_end", "label")},
                "child_span": {k: c[k] for k in ("start", "end", "token_start", "token_end", "label")},
                "label": label,
            })
    task: dict[str, Any] = {"text": text, "meta": meta, "tokens": tokens, "spans": span_dicts,
                            "relations": relation_dicts}
    task.update(extra or {})
    task.setdefault("_view_id", "spans_manual")
    in_hash = input_hash(text)
    task["_input_hash"] = in_hash
    task["_task_hash"] = task_hash(in_hash, span_dicts, relation_dicts)
    return task


def build_task(
    text: str,
    meta: dict[str, Any],
    tokens: Sequence[Sequence[int]],
    spans: Sequence[SpanTuple],
    relations: Sequence[RelationTuple],
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One JSONL line as a dict. `spans` are (start, end, label); `relations` index into `spans`."""
    return _task(text, meta, TokenIndex.of(tokens), token_dicts(text, tokens), spans, relations, extra)


def task_line(text: str, meta: dict[str, Any], token_json: bytes, starts: Sequence[int], ends: Sequence[int],
              spans: Sequence[SpanTuple], relations: Sequence[RelationTuple], extra: dict[str, Any]) -> bytes:
    """One JSONL line as bytes, splicing in the token JSON stored at import (no re-serialising)."""
    task = _task(text, meta, TokenIndex(starts, ends), orjson.Fragment(token_json), spans, relations, extra)
    return orjson.dumps(task)


def span_tuple(text: str, start: int, end: int, label: str, kind: str) -> SpanTuple:
    """A span as a line writes it: a quote (an attribution's content) with its form."""
    if kind == "quote":
        return start, end, label, attribution_form(text, (start, end))
    return start, end, label


def relations_of(drafts: Sequence[SpanDraft]) -> list[RelationTuple]:
    """(quote index, linked index, label) among drafts: model.speaker_links' rule."""
    return [(i, ref, label) for i, d in enumerate(drafts)
            for ref, label in speaker_links(d.speaker, d.speaker_entity, d.cue_span)]


def task_from_drafts(article: ArticleDraft, drafts: Sequence[SpanDraft], tokens: Sequence[Sequence[int]]) -> dict[str, Any]:
    """A line for `annotator extract`: suggestions only, no answer and no annotator."""
    meta = described(article)
    spans = [span_tuple(article.text, d.start, d.end, d.label, d.kind) for d in drafts]
    return build_task(article.text, meta, tokens, spans, relations_of(drafts))
