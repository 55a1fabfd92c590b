"""Our JSONL: Prodigy's `spans_manual` tasks plus SPEAKER, SPEAKER_ENTITY and CUE relations
(prodigy.py builds the tasks). Reads Prodigy's and doccano's lines too.

Reading: one article a line; a bad line is a Problem naming FILE:LINE and the rest go on. The
spans of a line become store rows in _spans.py. Writing: one line per article and annotator, to
a temporary file renamed at the end; a big plain export runs on two cores (WriteJob.in_parts; export/parallel.py).
"""

from __future__ import annotations

import codecs
import json
import operator
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.formats._common import meta_of
from annotator.formats._spans import UnknownLabels, parse_span_rows
from annotator.formats.base import (
    NO_LINES,
    UTF16_JSONL,
    Advance,
    Item,
    Problem,
    is_utf16,
    noop,
    too_long,
    unknown_problem,
    unreadable,
)
from annotator.formats.prodigy import ANSWERS as STATUS_ANSWERS
from annotator.formats.prodigy import span_tuple, task_line
from annotator.formats.registry import Format, ReadOptions, WriteJob
from annotator.model import ArticleDraft, GoldArticle, PackedSpans, SpanDraft
from annotator.schema import Schema
from annotator.store.codec import compress_token_json, pack_bounds

ANSWERS = ("accept", "reject", "ignore")
_START, _END = operator.itemgetter("start"), operator.itemgetter("end")


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- reading: the fields of a line -------------------------------------------------------------


def _slow_token_problem(raw: list[Any], text: str) -> str:
    for n, tok in enumerate(raw, 1):
        if not isinstance(tok, dict) or not _int(tok.get("start")) or not _int(tok.get("end")):
            return f"token {n} needs whole-number 'start' and 'end'"
        if not 0 <= tok["start"] <= tok["end"] <= len(text):
            return f"token {n} is not inside the text"
    return "'tokens' are not in order"


def _token_columns(obj: dict[str, Any], text: str) -> tuple[list[int], list[int]] | None | str:
    """(starts, ends) of a line's tokens, checked. Lines hold thousands of tokens: checks run in C (map, set)."""
    raw = obj.get("tokens")
    if raw is None:
        return None
    if not isinstance(raw, list):
        return "'tokens' must be a list"
    if not raw:
        return [], []
    try:  # itemgetter and map: no Python frame a token
        starts = list(map(_START, raw))
        ends = list(map(_END, raw))
    except (TypeError, KeyError):
        return _slow_token_problem(raw, text)
    if {*map(type, starts), *map(type, ends)} != {int}:
        return _slow_token_problem(raw, text)
    if min(starts) < 0 or max(ends) > len(text) or not all(map(operator.le, starts, ends)):
        return _slow_token_problem(raw, text)
    return starts, ends


def _answer_fields(obj: dict[str, Any]) -> tuple[str | None, str | None, float | None] | str:
    """(answer, annotator, timestamp) of a line that carries an answer, or why they are wrong."""
    answer = obj.get("answer")
    if answer is None:
        return None, None, None
    if answer not in ANSWERS:
        return f"'answer' must be accept, reject or ignore (got {answer!r})"
    annotator = obj.get("_annotator_id") or obj.get("_session_id")
    if annotator is not None and not isinstance(annotator, str):
        return "'_annotator_id' must be a string"
    stamp = obj.get("_timestamp")
    if stamp is not None and (not isinstance(stamp, int | float) or isinstance(stamp, bool)):
        return "'_timestamp' must be a number"
    return answer, annotator, stamp


def _is_doccano_triple(item: Any) -> bool:
    return type(item) is list and len(item) == 3 and isinstance(item[2], str)


def _from_doccano(obj: dict[str, Any]) -> dict[str, Any]:
    """doccano's sequence-labelling JSONL as our spans: `label` as [start, end, LABEL] triples
    (doccano 1.x), or `entities` with `start_offset`/`end_offset` and `relations` by entity id
    (later versions; a relation of type SPEAKER links a quote to its speaker). Other lines, a
    text-classification `label` among them, are returned as they are."""
    entities, triples = obj.get("entities"), obj.get("label")
    if isinstance(entities, list) and all(isinstance(e, dict) for e in entities):
        spans = [{"start": e.get("start_offset"), "end": e.get("end_offset"), "label": e.get("label")}
                 for e in entities]
        by_id = {e.get("id"): span for e, span in zip(entities, spans, strict=True) if e.get("id") is not None}
        relations = [
            {"label": str(r.get("type")).upper(), "head_span": by_id.get(r.get("from_id")),
             "child_span": by_id.get(r.get("to_id"))}
            for r in obj.get("relations") or [] if isinstance(r, dict)
        ]
        return {**obj, "spans": spans, "relations": relations}
    if isinstance(triples, list) and triples and all(map(_is_doccano_triple, triples)):
        return {**obj, "spans": [{"start": s, "end": e, "label": label} for s, e, label in triples]}
    return obj


# -- reading: a line ---------------------------------------------------------------------------


def parse_jsonl_line(line: str, where: str, schema: Schema | None, pack: bool = False) -> ArticleDraft | Problem:
    """A line orjson refused, read with json: for its plainer messages, and for what only json
    takes (NaN, lone surrogates, nesting deeper than orjson's 1,024 levels)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        # json's own messages may end in "at" ("Invalid control character at"): no second one
        return Problem(where, f"not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})")
    except RecursionError:  # json recurses where orjson stops
        return Problem(where, "not valid JSON (nested too deeply)")
    return parse_jsonl_object(obj, where, schema, pack)


def _text_and_meta(obj: Any) -> tuple[dict[str, Any], str, dict[str, Any]] | str:
    """(the line as our spans, its text, its meta), or why the line is no article."""
    if not isinstance(obj, dict):
        return "each line must be a JSON object with a 'text'"
    if "spans" not in obj:
        obj = _from_doccano(obj)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return "no 'text' (or it is empty); each line needs the article text"
    if why := too_long(text):
        return why
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        return "'meta' must be an object"
    return obj, text, meta


def _draft(obj: dict[str, Any], text: str, meta: dict[str, Any], where: str, rows: list[list[Any]],
           columns: tuple[list[int], list[int]] | None, answered: tuple, pack: bool,
           dropped: dict[str, int], unknown: UnknownLabels) -> ArticleDraft:
    """The article of a checked line. With `pack`, tokens and spans come out already encoded for
    the store (encoded_tokens, packed_spans), as import wants them: the given token dicts are never
    zipped into pairs only to be unzipped again, and a worker sends bytes back instead of
    thousands of tuples."""

    def field(name: str) -> str | None:
        value = meta.get(name)
        return str(value) if value is not None else None

    spans: tuple[SpanDraft, ...] = ()
    tokens = token_dicts = encoded = packed = None
    if pack:
        if columns is not None:
            encoded = compress_token_json(orjson.dumps(obj["tokens"])), pack_bounds(*columns)
        packed = PackedSpans(orjson.dumps(rows), len(rows))
    else:
        spans = tuple(SpanDraft(*row) for row in rows)
        if columns is not None:
            tokens = tuple(zip(*columns, strict=True))
            token_dicts = obj["tokens"] if tokens else None
    return ArticleDraft(text, title=field("title"), source=field("source"), date=field("date"),
                        dateline=field("dateline"), meta=meta, spans=spans, tokens=tokens, origin=where,
                        answer=answered[0], annotator=answered[1], timestamp=answered[2],
                        token_dicts=token_dicts, encoded_tokens=encoded, packed_spans=packed,
                        dropped=tuple(dropped.items()), unknown=tuple(unknown.counts.items()),
                        unknown_first=unknown.first)


def parse_jsonl_object(obj: Any, where: str, schema: Schema | None, pack: bool = False) -> ArticleDraft | Problem:
    """A parsed JSONL line as an article, or why it is not one; `pack` as in _draft."""
    found = _text_and_meta(obj)
    if isinstance(found, str):
        return Problem(where, found)
    obj, text, meta = found
    dropped: dict[str, int] = {}
    unknown = UnknownLabels()
    rows = parse_span_rows(obj, text, schema, dropped, unknown)
    if isinstance(rows, str):
        return Problem(where, rows)
    columns = _token_columns(obj, text)
    if isinstance(columns, str):
        return Problem(where, columns)
    answered = _answer_fields(obj)
    if isinstance(answered, str):
        return Problem(where, answered)
    if unknown.counts and answered[0] is not None:
        # Finished work stands whole or not at all: done without one of its spans would be wrong gold.
        return unknown_problem(where, unknown.counts.items(), unknown.first)
    return _draft(obj, text, meta, where, rows, columns, answered, pack, dropped, unknown)


def parse_raw_line(path: Path | str, number: int, raw: bytes, schema: Schema | None, pack: bool = False) -> Item:
    where = f"{path}:{number}"
    body = raw[3:] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw
    try:
        # orjson, straight from bytes: several times faster than json on lines with every token in them.
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:  # the slow way, for the plainer messages of decode and json
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            return Problem(where, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
        return parse_jsonl_line(line, where, schema, pack)
    return parse_jsonl_object(obj, where, schema, pack)


# -- reading: a file ---------------------------------------------------------------------------


def jsonl_lines(path: Path, advance: Advance = noop) -> Iterator[tuple[int, bytes] | Problem]:
    """(line number, raw line) of each non-blank line; problems for unreadable or empty files."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield unreadable(path, exc)
        return
    with handle:
        empty = True
        for number, raw in enumerate(handle, 1):
            advance(len(raw))
            if not raw.strip():
                continue
            if number == 1 and is_utf16(raw):
                yield Problem(f"{path}:1", UTF16_JSONL)
                return
            empty = False
            yield number, raw
        if empty:
            yield Problem(str(path), NO_LINES)


def read_jsonl(path: Path, schema: Schema | None, advance: Advance = noop, pack: bool = False) -> Iterator[Item]:
    """One article a line; a bad line is a Problem naming FILE:LINE and the rest go on."""
    for item in jsonl_lines(path, advance):
        yield item if isinstance(item, Problem) else parse_raw_line(path, item[0], item[1], schema, pack)


def read(path: Path, options: ReadOptions) -> Iterator[Item]:
    if options.jsonl is not None:  # big files: parsed in worker processes (ingest/parallel.py)
        return options.jsonl(path)
    return read_jsonl(path, options.schema, options.advance, options.pack)


# -- writing -----------------------------------------------------------------------------------


def task_of(gold: GoldArticle) -> bytes:
    """One annotator's finished work on one article as a line (without its newline)."""
    article = gold.article
    meta = meta_of(article)
    meta.update(gold.work)  # this annotator's active seconds and flag note: import takes them back
    spans = [span_tuple(article.text, s.start, s.end, s.label, s.kind) for s in gold.spans]
    return task_line(article.text, meta, gold.token_json, gold.token_starts, gold.token_ends, spans,
                     gold.relations(), {
                         "answer": STATUS_ANSWERS.get(gold.status, "accept"),
                         "_view_id": "spans_manual",
                         "_timestamp": gold.timestamp,
                         "_annotator_id": gold.annotator,
                         "_session_id": gold.annotator,
                     })


def write_jsonl(golds: Iterable[GoldArticle], path: Path) -> tuple[int, int]:
    """Write lines to a temporary file, then rename: a half-written export never looks finished."""
    tmp = path.with_name(f".{path.name}.partial")
    lines = spans = 0
    try:
        with tmp.open("wb") as out:
            for gold in golds:
                out.write(task_of(gold))
                out.write(b"\n")
                lines += 1
                spans += len(gold.spans)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return lines, spans


def write(job: WriteJob) -> tuple[int, int]:
    # Lines join end to end: a big export may write runs of its work in parallel, into one file.
    done = job.in_parts(write_jsonl)
    return done if done is not None else write_jsonl(job.golds(), job.output)


def sniff(head: bytes, suffix: str) -> bool:
    return suffix == ".jsonl" or (suffix not in (".txt", ".json") and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{")


FORMAT = Format(
    name="jsonl",
    title="JSONL (Prodigy spans_manual tasks with relations; reads Prodigy db-out and doccano lines too)",
    keeps="everything: text, meta, tokens, every span (entities, quotes, speaker mentions), SPEAKER and "
          "SPEAKER_ENTITY relations, answer, annotator, time; export → import → export is exact",
    loses="nothing; hashes are our own (use `prodigy db-in --rehash`)",
    suffixes=(".jsonl",),
    read=read,
    write=write,
    sniff=sniff,
    order=10,
)
