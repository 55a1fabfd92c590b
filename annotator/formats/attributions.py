"""Attribution gold as JSONL, one article a line, as the shared PolNeAR evaluation files give it:
`{"id", "text", "attributions": [{"form", "content": {"start", "end", "text"}, "parts": [[start, end], ...],
"source": {...} | null, "cue": {...} | null}]}`.

Read only when named (`--format attributions`): such a file is also plain JSONL articles, which is
how it imports without it (text only, suggestions from the model). With it, each attribution
becomes a quote span with its source and cue, as suggestions or, with --annotator, that
annotator's finished work. The form is not read: it follows from the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.formats._attributions import Attribution, annotated_line, labels, span_problem
from annotator.formats.base import Item, Problem
from annotator.formats.jsonl import jsonl_lines, parse_jsonl_object
from annotator.formats.registry import Format, ReadOptions


def _bounds(span: Any, text: str, what: str) -> tuple[int, int] | None | str:
    if span is None:
        return None
    if not isinstance(span, dict):
        return f"the {what} must be an object with 'start' and 'end', or null"
    bounds = (span.get("start"), span.get("end"))
    return span_problem(text, bounds, what) or bounds  # type: ignore[return-value]


def attribution(obj: Any, text: str, n: int) -> Attribution | str:
    if not isinstance(obj, dict) or "content" not in obj:
        return f"attribution {n} needs a 'content'"
    content = _bounds(obj["content"], text, "content")
    if content is None or isinstance(content, str):
        return f"attribution {n}: {content or 'the content is null'}"
    parts = obj.get("parts") or [list(content)]
    if not isinstance(parts, list):
        return f"attribution {n}: 'parts' must be a list of [start, end]"
    for part in parts:
        if problem := span_problem(text, tuple(part) if isinstance(part, list) else part, "part"):
            return f"attribution {n}: {problem}"
    found = []
    for what in ("source", "cue"):
        bounds = _bounds(obj.get(what), text, what)
        if isinstance(bounds, str):
            return f"attribution {n}: {bounds}"
        found.append(bounds)
    ordered = tuple(sorted(tuple(p) for p in parts))
    if (ordered[0][0], ordered[-1][1]) != content:
        return f"attribution {n}: its parts do not run from the content's start to its end"
    return Attribution(ordered, *found)  # type: ignore[arg-type]


def line_item(obj: Any, where: str, options: ReadOptions) -> Item:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
        return Problem(where, "each line must be an object with a 'text'")
    text, raw = obj["text"], obj.get("attributions")
    if not isinstance(raw, list):
        return Problem(where, "no 'attributions' list (give the file without --format attributions to import its text)")
    names = labels(options.schema)
    if isinstance(names, str):
        return Problem(where, names)
    found = []
    for n, item in enumerate(raw, 1):
        got = attribution(item, text, n)
        if isinstance(got, str):
            return Problem(where, got)
        found.append(got)
    meta = {"article_id": obj["id"]} if isinstance(obj.get("id"), str | int) else {}
    return parse_jsonl_object(annotated_line(text, meta, found, names, options.annotator), where, options.schema,
                              options.pack)


def read(path: Path, options: ReadOptions) -> Iterator[Item]:
    for got in jsonl_lines(path, options.advance):
        if isinstance(got, Problem):
            yield got
            continue
        number, raw = got
        where = f"{path}:{number}"
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            yield Problem(where, f"not valid JSON ({exc})")
            continue
        yield line_item(obj, where, options)


FORMAT = Format(
    name="attributions",
    title="attribution gold JSONL (text and attributions: content, parts, source, cue; as the PolNeAR eval files)",
    keeps="the text, the id (as meta article_id), every attribution's content, parts, source and cue; "
          "--annotator makes them that annotator's finished work; import only, and only when named",
    loses="the form (it follows from the text) and the spans' 'text' (it is the text's)",
    suffixes=(".jsonl",),
    read=read,
    order=70,
)
