"""doccano JSONL: `label: [[start, end, LABEL]]` (sequence labelling), or, when the schema has
quotes and so speaker links, `entities` and `relations` as doccano's relation projects write them.

Lines also carry `meta`, `answer`, `_annotator_id` and `_timestamp` (doccano keeps extra keys as
metadata), so that our own import reads an export back exactly (jsonl.py reads doccano).
"""

from __future__ import annotations

from typing import Any

import orjson

from annotator.formats._common import atomic_file, links, meta_of, ordered
from annotator.formats.prodigy import ANSWERS
from annotator.formats.registry import Format, WriteJob
from annotator.model import GoldArticle


def line_of(gold: GoldArticle, relations: bool) -> dict[str, Any]:
    article = gold.article
    meta = {**meta_of(article), **gold.work}  # as our JSONL: active seconds and flag note go back to the annotator
    spans = ordered(gold.spans)
    line: dict[str, Any] = {"id": meta["article_id"], "text": article.text}
    if relations:
        ids = {span.id: n for n, span in enumerate(spans, 1)}
        line["entities"] = [{"id": ids[s.id], "label": s.label, "start_offset": s.start, "end_offset": s.end}
                            for s in spans]
        line["relations"] = [{"id": n, "from_id": ids[quote.id], "to_id": ids[speaker.id], "type": label}
                             for n, (quote, speaker, label) in enumerate(links(spans), 1)]
    else:
        line["label"] = [[s.start, s.end, s.label] for s in spans]
    line.update(meta=meta, answer=ANSWERS.get(gold.status, "accept"), _annotator_id=gold.annotator,
                _timestamp=gold.timestamp)
    return line


def write(job: WriteJob) -> tuple[int, int]:
    relations = bool(job.label_schema.labels_of("quote"))
    count = spans = 0
    with atomic_file(job.output, "wb") as out:
        for gold in job.golds():
            out.write(orjson.dumps(line_of(gold, relations)) + b"\n")
            count += 1
            spans += len(gold.spans)
    return count, spans


FORMAT = Format(
    name="doccano",
    title="doccano JSONL (label triples; entities and relations when the schema has quotes)",
    keeps="text, meta, every span and label, SPEAKER, SPEAKER_ENTITY and CUE relations (relation projects), answer, "
          "annotator and time; export → import → export is exact",
    loses="tokens (re-made on import); doccano itself keeps one user's labels a file, not the annotator name",
    suffixes=(".jsonl",),
    write=write,
    order=60,
)
