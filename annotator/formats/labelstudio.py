"""Label Studio JSON: tasks with `data.text` and `meta`; finished work as `annotations[].result`
(labels results, and SPEAKER/SPEAKER_ENTITY `relation` results by `from_id`/`to_id`); undecided
suggestions as `predictions` (--include-suggestions). Beside FILE.json, FILE.xml: the labeling
config made from the schema, to create the project from.

Offsets in Label Studio are JavaScript string offsets (UTF-16 code units): converted both ways.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import orjson

from annotator.formats._common import (
    Utf16,
    atomic_file,
    by_article,
    epoch,
    iso,
    json_array_items,
    links,
    meta_of,
    ordered,
    suggestion_spans,
    with_every_article,
)
from annotator.formats.base import Item, Problem, read_text
from annotator.formats.jsonl import parse_jsonl_object
from annotator.formats.registry import Format, ReadOptions, WriteJob
from annotator.model import GoldArticle, GoldSpan
from annotator.schema import Schema
from annotator.store.day import ACTIVE_KEY, FLAG_KEY

FLAGS_KEY = "flags"  # task meta: {annotator: flag note}

FROM_NAME, TO_NAME = "label", "text"  # the names the generated config gives its Labels and Text tags
RELATIONS = ("SPEAKER", "SPEAKER_ENTITY", "CUE")


# -- the labeling config -------------------------------------------------------------------------


def labeling_config(schema: Schema) -> str:
    """The project's labeling config: one Labels tag with the schema's labels and colours, the
    speaker relations, the text."""
    labels = []
    for label in schema.labels:
        attrs = f"value={quoteattr(label.name)} background={quoteattr(label.colour)}"
        if label.key:
            attrs += f" hotkey={quoteattr(label.key)}"
        if label.description:
            attrs += f" hint={quoteattr(label.description)}"
        labels.append(f"    <Label {attrs}/>")
    relations = "\n".join(f"    <Relation value={quoteattr(name)}/>" for name in RELATIONS)
    return (f"<View>\n  <Relations>\n{relations}\n  </Relations>\n"
            f"  <Labels name=\"{FROM_NAME}\" toName=\"{TO_NAME}\">\n" + "\n".join(labels) + "\n  </Labels>\n"
            f"  <Text name=\"{TO_NAME}\" value=\"$text\"/>\n</View>\n")


def config_path(output: Path) -> Path:
    return output.with_suffix(".xml")


# -- export --------------------------------------------------------------------------------------


def results(text: str, spans: tuple[GoldSpan, ...], prefix: str) -> list[dict[str, Any]]:
    """Labels results for the spans, then a relation result for each speaker link."""
    js = Utf16(text)
    out: list[dict[str, Any]] = []
    ids: dict[int, str] = {}
    for n, span in enumerate(ordered(spans), 1):
        ids[span.id] = f"{prefix}{n}"
        out.append({"id": ids[span.id], "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
                    "origin": "manual" if prefix.startswith("a") else "prediction",
                    "value": {"start": js.to_js(span.start), "end": js.to_js(span.end),
                              "text": text[span.start:span.end], "labels": [span.label]}})
    for quote, speaker, label in links(spans):
        out.append({"from_id": ids[quote.id], "to_id": ids[speaker.id], "type": "relation", "direction": "right",
                    "labels": [label]})
    return out


def annotation(gold: GoldArticle, n: int) -> dict[str, Any]:
    """One annotator's work. Label Studio knows its users by email (or its own number) and refuses
    an import naming anyone else: `completed_by` is written for annotators named by an email address
    (who must be members there); every name travels in `_annotator_id` too, which Label Studio
    ignores (the importing user gets the annotation) and our import reads."""
    text = gold.article.text
    out: dict[str, Any] = {"result": results(text, gold.spans, f"a{n}-")}
    if "@" in gold.annotator:
        out["completed_by"] = {"email": gold.annotator}
    out.update(_annotator_id=gold.annotator, was_cancelled=gold.status != "done", ground_truth=False,
               created_at=iso(gold.timestamp), updated_at=iso(gold.timestamp))
    if ACTIVE_KEY in gold.work:  # Label Studio's own name for the seconds spent on an annotation
        out["lead_time"] = gold.work[ACTIVE_KEY]
    return out


def task(article, works: list[GoldArticle], suggestions: tuple[GoldSpan, ...], model: str) -> dict[str, Any]:
    meta = meta_of(article)
    flags = {gold.annotator: gold.work[FLAG_KEY] for gold in works if FLAG_KEY in gold.work}
    if flags:  # Label Studio has no note on an annotation: the task's meta holds each annotator's
        meta[FLAGS_KEY] = flags
    out: dict[str, Any] = {"data": {"text": article.text}, "meta": meta,
                           "annotations": [annotation(gold, n) for n, gold in enumerate(works, 1)]}
    if suggestions:
        out["predictions"] = [{"model_version": model, "result": results(article.text, suggestions, "p")}]
    return out


def write(job: WriteJob) -> tuple[int, int]:
    """A JSON list of tasks, one an article (its annotators' work its annotations), and the config."""
    count = spans = 0
    model = job.label_schema.model or "annotator"
    pieces = with_every_article(job.store, job.golds()) if job.include_suggestions else by_article(job.golds())
    with atomic_file(job.output, "wb") as out:
        out.write(b"[")
        batch: list[tuple[Any, list[GoldArticle]]] = []

        def flush() -> None:
            nonlocal count, spans
            found = job.store.undecided_suggestions([a.id for a, _ in batch]) if job.include_suggestions else {}
            for article, works in batch:
                suggestions = suggestion_spans(found.get(article.id, ()))
                out.write(b",\n" if count else b"\n")
                out.write(orjson.dumps(task(article, works, suggestions, model)))
                count += 1
                spans += sum(len(gold.spans) for gold in works)
            batch.clear()

        for piece in pieces:
            batch.append(piece)
            if len(batch) >= 500:
                flush()
        flush()
        out.write(b"\n]\n")
    with atomic_file(config_path(job.output)) as config:
        config.write(labeling_config(job.label_schema))
    return count, spans


# -- import --------------------------------------------------------------------------------------


def _spans_of(result: Any, text: str, task_n: int, what: str) -> tuple[list[dict], list[dict]] | str:
    """A result list as our spans and relations (head_span/child_span), or why it is wrong."""
    if not isinstance(result, list):
        return f"task {task_n}: {what} 'result' must be a list"
    js = Utf16(text)
    spans: list[dict] = []
    by_id: dict[Any, dict] = {}
    pending = []
    for n, item in enumerate(result, 1):
        if not isinstance(item, dict):
            return f"task {task_n}: {what} result {n} is not an object"
        if item.get("type") == "relation":
            pending.append((n, item))
            continue
        value = item.get("value")
        if not isinstance(value, dict) or "start" not in value:
            continue  # not a span of the text (a choice, a rating): nothing of ours
        start, end, labels = value.get("start"), value.get("end"), value.get("labels")
        if type(start) is not int or type(end) is not int:
            return f"task {task_n}: {what} result {n} needs whole-number value.start and value.end"
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
            return f"task {task_n}: {what} result {n} needs value.labels, a list of label names"
        for label in labels:
            span = {"start": js.from_js(start), "end": js.from_js(end), "label": label}
            spans.append(span)
            by_id.setdefault(item.get("id"), span)
    relations = []
    for n, item in pending:
        head, child = by_id.get(item.get("from_id")), by_id.get(item.get("to_id"))
        if head is None or child is None:
            return f"task {task_n}: {what} result {n} (a relation) points at a region that is not in the result"
        if item.get("direction") == "left":
            head, child = child, head
        for label in item.get("labels") or ["SPEAKER"]:
            relations.append({"label": label, "head_span": head, "child_span": child})
    return spans, relations


def _annotator(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = value.get("email") or value.get("username") or value.get("id")
        return value if isinstance(value, str) else None if value is None else f"user-{value}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"user-{value}"  # Label Studio's own export names users by number
    return None


def task_items(obj: Any, where: str, n: int, options: ReadOptions) -> list[Item]:
    """One task as articles: its predictions as suggestions, each annotation as that annotator's work."""
    if not isinstance(obj, dict):
        return [Problem(where, f"task {n} is not an object")]
    data = obj.get("data", obj)
    if not isinstance(data, dict):
        return [Problem(where, f"task {n}: 'data' must be an object")]
    text = data.get("text")
    if not isinstance(text, str):
        strings = [v for v in data.values() if isinstance(v, str)]
        text = strings[0] if len(strings) == 1 else None
    if text is None:
        return [Problem(where, f"task {n}: no data.text (a task needs the article text)")]
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) and obj.get("meta") else data.get("meta") or {}
    flags = meta.get(FLAGS_KEY) if isinstance(meta, dict) else None
    if isinstance(flags, dict):  # each annotator's flag note goes back to their own work
        meta = {k: v for k, v in meta.items() if k != FLAGS_KEY}
    else:
        flags = {}
    base = {"text": text, "meta": meta}
    items: list[Item] = []
    predicted: list[dict] = []
    predicted_links: list[dict] = []
    for prediction in obj.get("predictions") or []:
        if not isinstance(prediction, dict):
            continue  # Label Studio's quick export names predictions by id only: nothing to read
        found = _spans_of(prediction.get("result"), text, n, "prediction")
        if isinstance(found, str):
            return [Problem(where, found)]
        predicted += found[0]
        predicted_links += found[1]
    annotations = [a for a in obj.get("annotations") or obj.get("completions") or [] if isinstance(a, dict)]
    if predicted or not annotations:
        unique = list({(s["start"], s["end"], s["label"]): s for s in predicted}.values())
        items.append(parse_jsonl_object({**base, "spans": unique, "relations": predicted_links}, where,
                                        options.schema, options.pack))
    for annotation in annotations:
        found = _spans_of(annotation.get("result"), text, n, "annotation")
        if isinstance(found, str):
            items.append(Problem(where, found))
            continue
        stamp = epoch(annotation.get("updated_at")) or epoch(annotation.get("created_at"))
        who = _annotator(annotation.get("_annotator_id") or annotation.get("completed_by"))
        work = {}
        if isinstance(annotation.get("lead_time"), int | float) and not isinstance(annotation["lead_time"], bool):
            work[ACTIVE_KEY] = annotation["lead_time"]
        if isinstance(flags.get(who), str):
            work[FLAG_KEY] = flags[who]
        line = {**base, "meta": {**meta, **work} if work else meta, "spans": found[0], "relations": found[1],
                "answer": "ignore" if annotation.get("was_cancelled") else "accept",
                "_annotator_id": options.annotator or who}
        if stamp is not None:
            line["_timestamp"] = stamp
        items.append(parse_jsonl_object(line, where, options.schema, options.pack))
    return items


def read(path: Path, options: ReadOptions):
    text = read_text(path, options.advance)
    if isinstance(text, Problem):
        yield text
        return
    tasks = json_array_items(text)
    if isinstance(tasks, str):
        yield Problem(f"{path}:{tasks.split(': ', 1)[0]}", tasks.split(": ", 1)[1])
        return
    for n, (line, obj) in enumerate(tasks, 1):
        yield from task_items(obj, f"{path}:{line}", n, options)


def sniff(head: bytes, suffix: str) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return suffix == ".json" or (suffix not in (".jsonl", ".txt") and start == b"[")


FORMAT = Format(
    name="labelstudio",
    title="Label Studio JSON tasks (-o FILE.json; writes the labeling config FILE.xml beside it)",
    keeps="text, meta, every span with its label, SPEAKER, SPEAKER_ENTITY and CUE links as relations, who "
          "(_annotator_id; completed_by for names that are emails) and when; --include-suggestions adds every article, undecided suggestions as predictions; "
          "export → import → export is exact",
    loses="tokens (re-made on import), reject against skip (both are a cancelled annotation, read back as "
          "ignore). Through Label Studio itself: who and when (it gives annotations to the importing "
          "user and its own times; its export names users by number, read as user-N: use --annotator)",
    suffixes=(".json",),
    read=read,
    write=write,
    sniff=sniff,
    suggestions=True,
    also_writes=lambda output: [config_path(output)],
    order=30,
)
