"""BBC citron's JSON (bbc/citron docs/data_format.md): a file a document, `{"text", "quotes": [{"cue",
"sources", "contents"}], "coreference_groups"?}`, each span `{"start", "end", "text"}`.

Import: a quote becomes a quote span from its first content's start to its last content's end, its
first source a SPEAKER-linked speaker span, its cue a CUE-linked cue span. What the store has no
place for (a quote's further sources, coreferences, confidence and id; the file's coreference
groups) is kept in the article's meta (`citron`), with the quotes as they came, so that export
writes an unchanged quote back exactly. Export: a folder, a JSON file an article and annotator.
"""

from __future__ import annotations

import json
import json.scanner
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.formats._attributions import Attribution, annotated_line, attributions_of, labels, span_problem
from annotator.formats._common import atomic_file, replaced_folder
from annotator.formats.base import Item, Problem, read_text
from annotator.formats.brat import name_of
from annotator.formats.jsonl import parse_jsonl_object
from annotator.formats.registry import Format, ReadOptions, WriteJob
from annotator.model import GoldArticle

META = "citron"
_QUOTES_KEY = re.compile(rb'(?<!\\)"quotes"\s*:\s*\[')


# -- import --------------------------------------------------------------------------------------


def parse_with_lines(text: str) -> tuple[Any, dict[int, int]] | str:
    """The JSON value of `text` and the line each of its objects opens on (by id), or why it is not
    JSON ("LINE: message"). json's pure-Python scanner, its object parser wrapped to note where."""
    decoder = json.JSONDecoder()
    opened: dict[int, int] = {}
    parse_object = decoder.parse_object

    def noting(s_and_end, *args):
        obj, end = parse_object(s_and_end, *args)
        opened[id(obj)] = s_and_end[1] - 1  # the index of its "{"
        return obj, end

    decoder.parse_object = noting  # type: ignore[method-assign]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        value = decoder.decode(text)
    except json.JSONDecodeError as exc:
        return f"{exc.lineno}: not valid JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return "1: not valid JSON (nested too deeply)"
    return value, {key: text.count("\n", 0, at) + 1 for key, at in opened.items()}


def _bounds(span: Any, text: str, what: str) -> tuple[int, int] | str:
    """A citron span's (start, end), checked against the text, or why it is wrong."""
    if not isinstance(span, dict):
        return f"the {what} must be an object with 'start', 'end' and 'text'"
    for key in ("start", "end"):
        if key not in span:
            return f"the {what} has no '{key}'"
    bounds = (span["start"], span["end"])
    if problem := span_problem(text, bounds, what):
        return problem
    if "text" in span and span["text"] != text[bounds[0]:bounds[1]]:
        return (f"the {what}'s 'text' {span['text']!r} is not the text at ({bounds[0]}, {bounds[1]}),"
                f" {text[bounds[0]:bounds[1]]!r}")
    return bounds  # type: ignore[return-value]


def _attribution(quote: Any, text: str, n: int) -> Attribution | tuple[str, Any]:
    """A citron quote as an attribution, or (why not, the object at fault)."""
    if not isinstance(quote, dict):
        return f"quote {n} must be an object with 'cue', 'sources' and 'contents'", quote
    for key in ("cue", "sources", "contents"):
        if key not in quote:
            return f"quote {n} has no '{key}' (citron quotes need cue, sources and contents)", quote
    if not isinstance(quote["sources"], list) or not isinstance(quote["contents"], list) or not quote["contents"]:
        return f"quote {n}: 'sources' must be a list and 'contents' a list of at least one span", quote
    found = []
    for what, span in [("cue", quote["cue"]), *(("source", s) for s in quote["sources"][:1]),
                       *(("content", c) for c in quote["contents"])]:
        if span is None and what == "cue":  # a quote without a cue (as our export writes one)
            found.append(None)
            continue
        bounds = _bounds(span, text, what)
        if isinstance(bounds, str):
            return f"quote {n}: {bounds}", span
        found.append(bounds)
    cue, rest = found[0], found[1:]
    source = rest.pop(0) if quote["sources"] else None
    return Attribution(tuple(sorted(rest)), source, cue)  # type: ignore[arg-type]


def document(path: Path, obj: Any, lines: dict[int, int], options: ReadOptions) -> Item:
    where = str(path)
    if not isinstance(obj, dict):
        return Problem(f"{where}:1", "a citron file is one JSON object with 'text' and 'quotes'")
    for key in ("text", "quotes"):
        if key not in obj:
            return Problem(f"{where}:{lines.get(id(obj), 1)}", f"no '{key}' (a citron file needs text and quotes)")
    text, quotes = obj["text"], obj["quotes"]
    if not isinstance(text, str) or not text.strip():
        return Problem(f"{where}:1", "'text' must be the document's text")
    if not isinstance(quotes, list):
        return Problem(f"{where}:1", "'quotes' must be a list")
    names = labels(options.schema)
    if isinstance(names, str):
        return Problem(where, names)
    attributions = []
    for n, quote in enumerate(quotes, 1):
        found = _attribution(quote, text, n)
        if isinstance(found, tuple):  # the line of the object at fault, else of its quote
            message, culprit = found
            line = lines.get(id(culprit)) or lines.get(id(quote)) or lines.get(id(obj), 1)
            return Problem(f"{where}:{line}", message)
        attributions.append(found)
    meta: dict[str, Any] = {"file": path.name, META: {key: value for key, value in obj.items() if key != "text"}}
    line = annotated_line(text, meta, attributions, names, options.annotator)
    return parse_jsonl_object(line, f"{where}:1", options.schema, options.pack)


def read(path: Path, options: ReadOptions) -> Iterator[Item]:
    text = read_text(path, options.advance)
    if isinstance(text, Problem):
        yield text
        return
    parsed = parse_with_lines(text)
    if isinstance(parsed, str):
        line, message = parsed.split(": ", 1)
        yield Problem(f"{path}:{line}", message)
        return
    yield document(path, *parsed, options)


def sniff(head: bytes, suffix: str) -> bool:
    return suffix == ".json" and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" and bool(_QUOTES_KEY.search(head))


# -- export --------------------------------------------------------------------------------------


def _span(text: str, bounds: tuple[int, int]) -> dict[str, Any]:
    return {"start": bounds[0], "end": bounds[1], "text": text[bounds[0]:bounds[1]]}


def _key(quote: dict[str, Any]) -> tuple:
    """What identifies a quote across import and export: its content's bounds, first source, cue."""
    contents, sources, cue = quote["contents"], quote["sources"], quote["cue"]
    return (min(c["start"] for c in contents), max(c["end"] for c in contents),
            (sources[0]["start"], sources[0]["end"]) if sources else None,
            (cue["start"], cue["end"]) if cue else None)


def document_of(gold: GoldArticle) -> dict[str, Any]:
    """The citron document of one annotator's finished work: quotes that came from a citron file
    and are unchanged as they came, in their order; then the others in text order."""
    text = gold.article.text
    made = []
    for a in attributions_of(gold):
        made.append({"cue": _span(text, (a.cue.start, a.cue.end)) if a.cue else None,
                     "sources": [_span(text, (a.source.start, a.source.end))] if a.source else [],
                     "contents": [_span(text, part) for part in a.parts]})
    kept = gold.article.meta.get(META) or {}
    pending = {_key(quote): quote for quote in made}
    quotes = []
    for original in kept.get("quotes") or []:
        if pending.pop(_key(original), None) is not None:
            quotes.append(original)
    quotes += pending.values()
    return {"text": text, "quotes": quotes, **{k: v for k, v in kept.items() if k != "quotes"}}


def write(job: WriteJob) -> tuple[int, int]:
    count = quotes = 0
    with replaced_folder(job.output, "a citron export") as partial:
        for gold in job.golds():
            doc = document_of(gold)
            with atomic_file(partial / f"{name_of(gold)}.json") as out:
                json.dump(doc, out, ensure_ascii=False, indent=4)
                out.write("\n")
            count += 1
            quotes += len(doc["quotes"])
    return count, quotes


FORMAT = Format(
    name="citron",
    title="BBC citron JSON (a file a document: text, quotes with cue, sources and contents; -o DIR)",
    keeps="the text, every attribution (contents in parts, sources, cue); what the store has no place for "
          "(further sources, coreferences, confidence, id, coreference groups) rides in meta, so import → export "
          "gives the same JSON for unchanged quotes; --annotator makes them that annotator's finished work",
    loses="entities, meta, tokens, answer and time (citron holds none); a changed quote's further sources, "
          "coreferences, confidence and id; a quote without a cue is written with \"cue\": null",
    suffixes=(".json",),
    read=read,
    write=write,
    sniff=sniff,
    folder=True,
    order=28,
)
