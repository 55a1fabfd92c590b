"""Readers for article files: `.txt` (optional seed header), `.jsonl` (text/meta/spans), folders.

Readers yield ArticleDraft for what they could read and Problem for what they could not;
they never raise for bad input, so one bad file or line spoils nothing else.
"""

from __future__ import annotations

import codecs
import json
import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.model import ArticleDraft, PackedSpans, SpanDraft
from annotator.schema import Schema
from annotator.store.codec import compress_token_json, pack_bounds

ARTICLE_SUFFIXES = (".txt", ".jsonl")
_HEADER = re.compile(r"^date\s+(\d{4}-\d{2}-\d{2})(?:\s+(.*?))?\s*$")
_TITLE_MAX = 150
# spaCy's nlp.max_length: a longer text makes extraction raise; no news article comes near it.
MAX_CHARS = 1_000_000


def _too_long(text: str) -> str | None:
    if len(text) <= MAX_CHARS:
        return None
    return f"the article is {len(text):,} characters, more than the {MAX_CHARS:,} one article may have; split it"


@dataclass(frozen=True, slots=True)
class Problem:
    """Input that could not be read: `where` is FILE or FILE:LINE."""

    where: str
    message: str
    # (label, spans) of labels the schema neither has, maps nor drops: the import summary adds them up.
    unknown: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


Item = ArticleDraft | Problem
Advance = Callable[[int], None]


def _noop(_: int) -> None:
    pass


def unreadable(where: str | Path, exc: OSError) -> Problem:
    return Problem(str(where), f"cannot read the file ({exc.strerror})")


def is_utf16(first_line: bytes) -> bool:
    return first_line.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


UTF16_JSONL = "UTF-16 JSONL; save the file as UTF-8"
NO_LINES = "empty: no lines"


def list_files(paths: Iterable[str | Path], suffixes: Iterable[str] = ARTICLE_SUFFIXES,
               any_suffix: bool = False) -> Iterator[Path | Problem]:
    """The article files under `paths` (those with one of `suffixes`), folders walked recursively in
    name order, each file once. A file named itself may have any suffix when `any_suffix`.

    Symlinked folders are followed, but a folder already seen (a loop) is not entered again.
    """
    suffixes = tuple(suffixes)
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[tuple[int, int]] = set()

    def walk(folder: Path) -> Iterator[Path | Problem]:
        try:
            stat = folder.stat()
        except OSError as exc:
            yield Problem(str(folder), f"cannot read the folder ({exc.strerror})")
            return
        if (stat.st_dev, stat.st_ino) in seen_dirs:
            return
        seen_dirs.add((stat.st_dev, stat.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Problem(str(folder), f"cannot read the folder ({exc.strerror})")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                yield from walk(path)
            elif path.suffix.lower() in suffixes:
                yield from once(path)

    def once(path: Path) -> Iterator[Path | Problem]:
        try:
            stat = path.stat()
        except OSError as exc:
            yield unreadable(path, exc)
            return
        key = (stat.st_dev, stat.st_ino)
        if key not in seen_files:
            seen_files.add(key)
            yield path

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from walk(path)
        elif not path.exists():
            yield Problem(str(path), "no such file or folder")
        elif not any_suffix and path.suffix.lower() not in suffixes:
            named = ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]
            yield Problem(str(path), f"not an article file; give {named} files, or a folder"
                          + ("" if suffixes == ARTICLE_SUFFIXES else ", or --format NAME"))
        else:
            yield from once(path)


def decode(raw: bytes, where: str) -> str | Problem:
    """Bytes to text: UTF-8 (BOM or not) or UTF-16 with a BOM; CRLF and CR become LF."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return Problem(where, "starts like UTF-16 but is not valid UTF-16; save it as UTF-8")
    else:
        if b"\x00" in raw[:8192]:
            return Problem(where, "a binary file (it holds NUL bytes), not article text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            return Problem(f"{where}:{line}", f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
    if "\x00" in text:
        return Problem(where, "holds NUL characters, not article text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _title_of(body: str) -> str | None:
    """A short first paragraph that is not a sentence is the headline (as in Wikinews files)."""
    first = body.split("\n\n", 1)[0].strip()
    if "\n" in first or len(first) > _TITLE_MAX or not first or first[-1] in ".!?\"”'’:":
        return None
    return first


def parse_txt(text: str, where: str) -> ArticleDraft | Problem:
    """A .txt article: optional `date YYYY-MM-DD SOURCE[, DATELINE]` line, then paragraphs."""
    meta: dict[str, Any] = {"file": Path(where).name}
    date = source = dateline = None
    first, _, rest = text.partition("\n")
    header = _HEADER.match(first.strip())
    if header:
        date = header.group(1)
        place = header.group(2) or ""
        source, _, dateline = (part.strip() for part in place.partition(","))
        source, dateline = source or None, dateline or None
        text = rest
    body = text.strip()
    if not body:
        return Problem(where, "empty: no article text")
    if too_long := _too_long(body):
        return Problem(where, too_long)
    for key, value in (("date", date), ("source", source), ("dateline", dateline)):
        if value:
            meta[key] = value
    return ArticleDraft(body, _title_of(body), source, date, dateline, meta, origin=where)


def read_text(path: Path, advance: Advance = _noop) -> str | Problem:
    """A whole file's text (its bytes counted as read), or why it cannot be read or decoded."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return unreadable(str(path), exc)
    advance(len(raw))
    return decode(raw, str(path))


def read_txt(path: Path, advance: Advance = _noop) -> Iterator[Item]:
    text = read_text(path, advance)
    yield text if isinstance(text, Problem) else parse_txt(text, str(path))


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



def unknown_problem(where: str, counts: Iterable[tuple[str, int]], first: int) -> Problem:
    """A line refused for its unknown labels (finished work, or any line under --strict)."""
    counts = tuple(counts)
    message = f"span {first} has label {counts[0][0]!r}, which the schema neither has nor maps"
    return Problem(where, message, counts)


# Relations a line may carry, and which link of the head span each sets.
_LINKS = {"SPEAKER": "speaker", "SPEAKER_ENTITY": "speaker_entity", "CUE": "cue"}


def parse_span_rows(obj: dict[str, Any], text: str, schema: Schema | None, dropped: dict[str, int] | None = None,
                    unknown: UnknownLabels | None = None) -> list[list[Any]] | str:
    """A JSONL line's `spans` (and SPEAKER, SPEAKER_ENTITY and CUE relations) as the rows the store
    reads (store/codec.py: encode_spans), made straight from the line: [start, end, label, kind],
    plus [speaker, speaker_entity] when linked and [cue_start, cue_end, cue_span] when a cue is; or
    why they are wrong.

    Spans whose label the schema drops are left out (and counted in `dropped`), as model
    suggestions are, with the relations that point at them. Spans of labels the schema neither has,
    maps nor drops are left out the same way and counted in `unknown`: the caller decides whether
    the line stands without them (parse_jsonl_object)."""
    raw_spans = obj.get("spans") or []
    if not isinstance(raw_spans, list):
        return "'spans' must be a list"
    rows: list[list[Any]] = []
    index: dict[tuple[int, int, str], int] = {}
    by_token_end: dict[int, int] = {}
    resolved: dict[str, tuple[str, str] | None] = {}  # label as written -> (schema label, kind)
    gone: set[tuple[Any, Any, Any]] = set()  # (start, end, label) of dropped spans
    gone_token_ends: set[int] = set()
    unknown = UnknownLabels() if unknown is None else unknown
    row_of: dict[int, int] = {}  # position in `spans` -> row (dropped spans have none)
    size = len(text)
    for n, span in enumerate(raw_spans, 1):
        if type(span) is not dict:
            return f"span {n} is not an object"
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if type(start) is not int or type(end) is not int:  # bool is not a whole number here
            return f"span {n} needs whole-number 'start' and 'end' (got {start!r}, {end!r})"
        if not 0 <= start < end <= size:
            return f"span {n} ({start}, {end}) is not inside the text of {size} characters with start < end"
        if type(label) is not str or not label:  # a list or object here is no label either (nor hashable)
            return f"span {n} has no label" if label is None or label == "" else f"span {n} needs a 'label' string"
        found = resolved.get(label, False)
        if found is False:
            if schema is None:
                found = (label, "entity")
            else:
                name = schema.resolve_label(label)
                found = (name, schema.kind_of(name)) if name else None
            resolved[label] = found
        if found is None:
            if schema is not None and label in schema.drop:
                if dropped is not None:
                    dropped[label] = dropped.get(label, 0) + 1
            else:
                unknown.add(label, n)
            gone.add((start, end, label))
            if type(span.get("token_end")) is int:
                gone_token_ends.add(span["token_end"])
            continue
        row_of[n - 1] = index[(start, end, found[0])] = len(rows)
        token_end = span.get("token_end")
        if type(token_end) is int:
            by_token_end[token_end] = len(rows)
        rows.append([start, end, *found])

    relations = obj.get("relations") or []
    if not isinstance(relations, list):
        return "'relations' must be a list"
    speakers: dict[int, dict[str, int]] = {}
    for n, rel in enumerate(relations, 1):
        if not isinstance(rel, dict) or rel.get("label") not in _LINKS:
            continue
        ends = []
        for side in ("head", "child"):
            ref = rel.get(f"{side}_span")
            found = None
            if isinstance(ref, dict):
                label = ref.get("label")
                if schema is not None and isinstance(label, str):
                    label = schema.resolve_label(label) or label
                key = (ref.get("start"), ref.get("end"), label)
                if all(type(part) in (int, str) for part in key):  # a list or object in JSON is unhashable
                    found = index.get(key)  # type: ignore[arg-type]
                    if found is None and key in gone:
                        break
            if found is None and _int(rel.get(side)):
                found = by_token_end.get(rel[side])
                if found is None and rel[side] in gone_token_ends:
                    break
            if found is None:
                return f"relation {n} ({rel['label']}) points at a span that is not in 'spans'"
            ends.append(found)
        if len(ends) < 2:  # it points at a span whose label the schema drops
            continue
        speakers.setdefault(ends[0], {})[_LINKS[rel["label"]]] = ends[1]
    # A span's own `speaker` ({start, end[, label]}) counts as a SPEAKER relation too.
    by_offsets: dict[tuple[int, int], int] | None = None
    for n, span in enumerate(raw_spans):
        ref = span.get("speaker")
        if not isinstance(ref, dict) or n not in row_of:
            continue
        row = row_of[n]
        if "speaker" in speakers.get(row, {}):
            continue
        if by_offsets is None:
            by_offsets = {(row[0], row[1]): i for i, row in enumerate(rows)}
        start, end = ref.get("start"), ref.get("end")
        if not _int(start) or not _int(end) or not 0 <= start < end <= len(text):
            return f"span {n + 1} has a 'speaker' without whole-number 'start' and 'end' inside the text"
        if (start, end) not in by_offsets:
            by_offsets[(start, end)] = len(rows)
            label = ref.get("label") if isinstance(ref.get("label"), str) else "SPEAKER"
            if schema is not None:
                label = schema.resolve_label(label) or schema.speaker_label
            rows.append([start, end, label, schema.kind_of(label) if schema else "speaker"])
        speakers.setdefault(row, {})["speaker"] = by_offsets[(start, end)]
    for head, links in speakers.items():
        rows[head][4:] = [links.get("speaker"), links.get("speaker_entity")]
        if "cue" in links:  # the cue's own span; its offsets (cue_start, cue_end) are the model's, not a line's
            rows[head][6:] = [None, None, links["cue"]]
    return rows


def _slow_token_problem(raw: list[Any], text: str) -> str:
    for n, tok in enumerate(raw, 1):
        if not isinstance(tok, dict) or not _int(tok.get("start")) or not _int(tok.get("end")):
            return f"token {n} needs whole-number 'start' and 'end'"
        if not 0 <= tok["start"] <= tok["end"] <= len(text):
            return f"token {n} is not inside the text"
    return "'tokens' are not in order"


_START, _END = operator.itemgetter("start"), operator.itemgetter("end")


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


ANSWERS = ("accept", "reject", "ignore")


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


def parse_jsonl_object(obj: Any, where: str, schema: Schema | None, pack: bool = False) -> ArticleDraft | Problem:
    """A parsed JSONL line as an article, or why it is not one.

    With `pack`, tokens and spans come out already encoded for the store (encoded_tokens,
    packed_spans), as import wants them: the given token dicts are never zipped into pairs
    only to be unzipped again, and a worker sends bytes back instead of thousands of tuples.
    """
    if not isinstance(obj, dict):
        return Problem(where, "each line must be a JSON object with a 'text'")
    if "spans" not in obj:
        obj = _from_doccano(obj)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return Problem(where, "no 'text' (or it is empty); each line needs the article text")
    if too_long := _too_long(text):
        return Problem(where, too_long)
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        return Problem(where, "'meta' must be an object")
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


def jsonl_lines(path: Path, advance: Advance = _noop) -> Iterator[tuple[int, bytes] | Problem]:
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


def read_jsonl(path: Path, schema: Schema | None, advance: Advance = _noop, pack: bool = False) -> Iterator[Item]:
    """One article a line; a bad line is a Problem naming FILE:LINE and the rest go on."""
    for item in jsonl_lines(path, advance):
        yield item if isinstance(item, Problem) else parse_raw_line(path, item[0], item[1], schema, pack)


def read_paths(paths: Iterable[str | Path], schema: Schema | None = None, advance: Advance = _noop,
               pack: bool = False, jsonl: Callable[[Path], Iterator[Item]] | None = None) -> Iterator[Item]:
    """Every article (or problem) under `paths`, in a stable order; `pack` as in parse_jsonl_object.
    `jsonl` reads a JSONL file in another way (ingest/parallel.py: in worker processes)."""
    for found in list_files(paths):
        if isinstance(found, Problem):
            yield found
        elif found.suffix.lower() == ".jsonl":
            yield from jsonl(found) if jsonl else read_jsonl(found, schema, advance, pack)
        else:
            yield from read_txt(found, advance)
