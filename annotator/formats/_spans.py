"""A JSONL line's spans and relations as the rows the store reads (store/codec.py: encode_spans),
made straight from the line: [start, end, label, kind], plus [speaker, speaker_entity] when linked
and [cue_start, cue_end, cue_span] when a cue is; or why they are wrong (jsonl.py reads the line).

Spans whose label the schema drops are left out (and counted in `dropped`), as model suggestions
are, with the relations that point at them. Spans of labels the schema neither has, maps nor drops
are left out the same way and counted in `unknown`: the caller decides whether the line stands
without them (jsonl.parse_jsonl_object).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.schema import Schema

# Relations a line may carry, and which link of the head span each sets.
_LINKS = {"SPEAKER": "speaker", "SPEAKER_ENTITY": "speaker_entity", "CUE": "cue"}
_GONE = -1  # a relation's end that points at a span left out (its label dropped or unknown)
Links = dict[int, dict[str, int]]  # head row -> {"speaker" | "speaker_entity" | "cue": row}


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(slots=True)
class UnknownLabels:
    """Labels of a line that the schema neither has, maps nor drops: how many spans carry each, and
    the number of the first such span (for the message when the line is refused)."""

    counts: dict[str, int] = field(default_factory=dict)
    first: int = 0

    def add(self, label: str, n: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + 1
        self.first = self.first or n


def _span_problem(n: int, span: Any, size: int) -> str | None:
    """Why span `n` of a line is no span of a text of `size` characters, or None."""
    if type(span) is not dict:
        return f"span {n} is not an object"
    start, end, label = span.get("start"), span.get("end"), span.get("label")
    if type(start) is not int or type(end) is not int:  # bool is not a whole number here
        return f"span {n} needs whole-number 'start' and 'end' (got {start!r}, {end!r})"
    if not 0 <= start < end <= size:
        return f"span {n} ({start}, {end}) is not inside the text of {size} characters with start < end"
    if type(label) is not str or not label:  # a list or object here is no label either (nor hashable)
        return f"span {n} has no label" if label is None or label == "" else f"span {n} needs a 'label' string"
    return None


@dataclass(slots=True)
class _Table:
    """The rows made so far, and how relations find them: by (start, end, label) or by token_end."""

    schema: Schema | None
    dropped: dict[str, int] | None
    unknown: UnknownLabels
    rows: list[list[Any]] = field(default_factory=list)
    index: dict[tuple[int, int, str], int] = field(default_factory=dict)
    by_token_end: dict[int, int] = field(default_factory=dict)
    resolved: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # label as written -> (label, kind)
    gone: set[tuple[Any, Any, Any]] = field(default_factory=set)  # (start, end, label) of spans left out
    gone_token_ends: set[int] = field(default_factory=set)
    row_of: dict[int, int] = field(default_factory=dict)  # position in `spans` -> row (left-out spans have none)

    def resolve(self, label: str) -> tuple[str, str] | None:
        """(schema label, kind) of a label as written, or None when the schema drops or lacks it."""
        found = self.resolved.get(label, False)
        if found is False:
            if self.schema is None:
                found = (label, "entity")
            else:
                name = self.schema.resolve_label(label)
                found = (name, self.schema.kind_of(name)) if name else None
            self.resolved[label] = found
        return found

    def leave_out(self, n: int, span: dict[str, Any]) -> None:
        label = span["label"]
        if self.schema is not None and label in self.schema.drop:
            if self.dropped is not None:
                self.dropped[label] = self.dropped.get(label, 0) + 1
        else:
            self.unknown.add(label, n)
        self.gone.add((span["start"], span["end"], label))
        if type(span.get("token_end")) is int:
            self.gone_token_ends.add(span["token_end"])

    def end_of(self, rel: dict[str, Any], side: str) -> int | None:
        """The row a relation's head or child points at, by its span or else by its token index;
        _GONE when that span was left out; None when no span of the line is it."""
        ref = rel.get(f"{side}_span")
        if isinstance(ref, dict):
            label = ref.get("label")
            if self.schema is not None and isinstance(label, str):
                label = self.schema.resolve_label(label) or label
            key = (ref.get("start"), ref.get("end"), label)
            if all(type(part) in (int, str) for part in key):  # a list or object in JSON is unhashable
                found = self.index.get(key)  # type: ignore[arg-type]
                if found is not None:
                    return found
                if key in self.gone:
                    return _GONE
        token = rel.get(side)
        if _int(token):
            found = self.by_token_end.get(token)
            if found is not None:
                return found
            if token in self.gone_token_ends:
                return _GONE
        return None


def _read_spans(raw_spans: list[Any], size: int, table: _Table) -> str | None:
    """Each span checked, then made a row or left out (counted); the first wrong one's problem.
    The hot loop of import (a line can hold thousands of spans): the table's dicts held in locals."""
    rows, index, by_token_end, row_of, resolved = (table.rows, table.index, table.by_token_end, table.row_of,
                                                   table.resolved)
    for n, span in enumerate(raw_spans, 1):
        if type(span) is not dict:
            return _span_problem(n, span, size)
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if (type(start) is not int or type(end) is not int or not 0 <= start < end <= size
                or type(label) is not str or not label):
            return _span_problem(n, span, size)  # says which of these it is
        found = resolved[label] if label in resolved else table.resolve(label)
        if found is None:
            table.leave_out(n, span)
            continue
        row_of[n - 1] = index[(start, end, found[0])] = len(rows)
        token_end = span.get("token_end")
        if type(token_end) is int:
            by_token_end[token_end] = len(rows)
        rows.append([start, end, *found])
    return None


def _relation_links(relations: list[Any], table: _Table) -> Links | str:
    """SPEAKER, SPEAKER_ENTITY and CUE relations as links between rows; others are ignored."""
    links: Links = {}
    for n, rel in enumerate(relations, 1):
        if not isinstance(rel, dict) or rel.get("label") not in _LINKS:
            continue
        ends = []
        for side in ("head", "child"):
            found = table.end_of(rel, side)
            if found is None:
                return f"relation {n} ({rel['label']}) points at a span that is not in 'spans'"
            if found == _GONE:  # it points at a span whose label the schema drops
                break
            ends.append(found)
        if len(ends) == 2:
            links.setdefault(ends[0], {})[_LINKS[rel["label"]]] = ends[1]
    return links


def _own_speakers(raw_spans: list[dict[str, Any]], size: int, table: _Table, links: Links) -> str | None:
    """A span's own `speaker` ({start, end[, label]}) counts as a SPEAKER relation too; a speaker
    span not among the rows is added."""
    rows, schema = table.rows, table.schema
    by_offsets: dict[tuple[int, int], int] | None = None
    for n, span in enumerate(raw_spans):
        ref = span.get("speaker")
        if not isinstance(ref, dict) or n not in table.row_of:
            continue
        row = table.row_of[n]
        if "speaker" in links.get(row, {}):
            continue
        if by_offsets is None:
            by_offsets = {(r[0], r[1]): i for i, r in enumerate(rows)}
        start, end = ref.get("start"), ref.get("end")
        if not _int(start) or not _int(end) or not 0 <= start < end <= size:
            return f"span {n + 1} has a 'speaker' without whole-number 'start' and 'end' inside the text"
        if (start, end) not in by_offsets:
            by_offsets[(start, end)] = len(rows)
            label = ref.get("label") if isinstance(ref.get("label"), str) else "SPEAKER"
            if schema is not None:
                label = schema.resolve_label(label) or schema.speaker_label
            rows.append([start, end, label, schema.kind_of(label) if schema else "speaker"])
        links.setdefault(row, {})["speaker"] = by_offsets[(start, end)]
    return None


def _link_rows(rows: list[list[Any]], links: Links) -> None:
    for head, link in links.items():
        rows[head][4:] = [link.get("speaker"), link.get("speaker_entity")]
        if "cue" in link:  # the cue's own span; its offsets (cue_start, cue_end) are the model's, not a line's
            rows[head][6:] = [None, None, link["cue"]]


def parse_span_rows(obj: dict[str, Any], text: str, schema: Schema | None, dropped: dict[str, int] | None = None,
                    unknown: UnknownLabels | None = None) -> list[list[Any]] | str:
    """A line's `spans` (and SPEAKER, SPEAKER_ENTITY and CUE relations) as store rows, or why they
    are wrong (this module's docstring)."""
    raw_spans = obj.get("spans") or []
    if not isinstance(raw_spans, list):
        return "'spans' must be a list"
    table = _Table(schema, dropped, UnknownLabels() if unknown is None else unknown)
    if problem := _read_spans(raw_spans, len(text), table):
        return problem
    relations = obj.get("relations") or []
    if not isinstance(relations, list):
        return "'relations' must be a list"
    links = _relation_links(relations, table)
    if isinstance(links, str):
        return links
    if problem := _own_speakers(raw_spans, len(text), table, links):
        return problem
    _link_rows(table.rows, links)
    return table.rows
