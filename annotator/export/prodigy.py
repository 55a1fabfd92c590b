"""Prodigy-compatible task dicts (`spans_manual` plus relations), as DESIGN.md draws them."""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

from murmurhash import hash as murmur  # ships with spaCy; no spaCy import needed

from annotator.model import ArticleDraft, SpanDraft

# (start, end, label) of a span, and (head index, child index, relation label) into that list.
SpanTuple = tuple[int, int, str]
RelationTuple = tuple[int, int, str]


def _nonzero(value: int) -> int:
    return value or 1


def input_hash(text: str) -> int:
    """Stable signed 32-bit hash of the text: the same article always groups together."""
    return _nonzero(murmur(text))


def task_hash(in_hash: int, spans: Sequence[dict[str, Any]], relations: Sequence[dict[str, Any]]) -> int:
    key = json.dumps([in_hash, [(s["start"], s["end"], s["label"]) for s in spans],
                      [(r["head"], r["child"], r["label"]) for r in relations]], separators=(",", ":"))
    return _nonzero(murmur(key))


class TokenIndex:
    """Maps character offsets to token indexes with two sorted lists (no spaCy needed)."""

    def __init__(self, tokens: Sequence[Sequence[int]]) -> None:
        self.starts = [t[0] for t in tokens]
        self.ends = [t[1] for t in tokens]

    def token_start(self, char: int) -> int:
        """The token that holds `char` (or the first one after it)."""
        return max(0, bisect_right(self.starts, char) - 1) if self.starts else 0

    def token_end(self, char: int) -> int:
        """The token (inclusive) that ends at or holds `char - 1`."""
        return min(len(self.ends) - 1, bisect_left(self.ends, char)) if self.ends else 0


def token_dicts(text: str, tokens: Sequence[Sequence[int]]) -> list[dict[str, Any]]:
    return [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e:e + 1] == " "}
        for i, (s, e) in enumerate(tokens)
    ]


def build_task(
    text: str,
    meta: dict[str, Any],
    tokens: Sequence[Sequence[int]],
    spans: Sequence[SpanTuple],
    relations: Sequence[RelationTuple],
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One JSONL line. `spans` are (start, end, label); `relations` index into `spans`."""
    index = TokenIndex(tokens)
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1], spans[i][2]))
    position = {old: new for new, old in enumerate(order)}
    span_dicts = []
    for i in order:
        start, end, label = spans[i]
        span_dicts.append({
            "start": start, "end": end, "text": text[start:end],
            "token_start": index.token_start(start), "token_end": index.token_end(end), "label": label,
        })
    relation_dicts = []
    for head, child, label in sorted(relations, key=lambda r: (position[r[0]], r[2], position[r[1]])):
        h, c = span_dicts[position[head]], span_dicts[position[child]]
        relation_dicts.append({
            "head": h["token_end"], "child": c["token_end"],
            "head_span": {k: h[k] for k in ("start", "end", "token_start", "token_end", "label")},
            "child_span": {k: c[k] for k in ("start", "end", "token_start", "token_end", "label")},
            "label": label,
        })
    in_hash = input_hash(text)
    task: dict[str, Any] = {
        "text": text,
        "meta": meta,
        "_input_hash": in_hash,
        "_task_hash": task_hash(in_hash, span_dicts, relation_dicts),
        "tokens": token_dicts(text, tokens),
        "spans": span_dicts,
        "relations": relation_dicts,
        "_view_id": "spans_manual",
    }
    if extra:
        task.update(extra)
    return task


def relations_of(drafts: Sequence[SpanDraft]) -> list[RelationTuple]:
    out: list[RelationTuple] = []
    for i, d in enumerate(drafts):
        if d.speaker is not None:
            out.append((i, d.speaker, "SPEAKER"))
        if d.speaker_entity is not None and d.speaker_entity != d.speaker:
            out.append((i, d.speaker_entity, "SPEAKER_ENTITY"))
    return out


def task_from_drafts(article: ArticleDraft, drafts: Sequence[SpanDraft], tokens: Sequence[Sequence[int]]) -> dict[str, Any]:
    """A line for `annotator extract`: suggestions only, no answer and no annotator."""
    meta = dict(article.meta)
    for key in ("title", "source", "date", "dateline"):
        value = getattr(article, key)
        if value and key not in meta:
            meta[key] = value
    spans = [(d.start, d.end, d.label) for d in drafts]
    return build_task(article.text, meta, tokens, spans, relations_of(drafts))
