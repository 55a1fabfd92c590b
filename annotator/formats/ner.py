"""Prodigy `ner` tasks (`ner_manual`), for `prodigy train --ner`: entity spans only, without
overlaps (Prodigy's ner recipes refuse them; our quotes hold entities), tokens and hashes as
in our default line (prodigy.py)."""

from __future__ import annotations

from annotator.formats._common import atomic_file, meta_of
from annotator.formats.prodigy import ANSWERS, task_line
from annotator.formats.registry import Format, WriteJob
from annotator.model import GoldArticle, GoldSpan


def entities(gold: GoldArticle, kinds: dict[str, str]) -> list[GoldSpan]:
    """Entity spans; where they overlap, the longest (then the first) is kept, as spaCy's filter_spans."""
    found = [s for s in gold.spans if kinds.get(s.label, s.kind) == "entity"]
    kept: list[GoldSpan] = []
    for span in sorted(found, key=lambda s: (s.start - s.end, s.start)):
        if all(span.end <= other.start or other.end <= span.start for other in kept):
            kept.append(span)
    return kept


def line_of(gold: GoldArticle, kinds: dict[str, str]) -> bytes:
    article = gold.article
    spans = [(s.start, s.end, s.label) for s in entities(gold, kinds)]
    return task_line(article.text, {**meta_of(article), **gold.work}, gold.token_json, gold.token_starts, gold.token_ends, spans, [],
                     {"answer": ANSWERS.get(gold.status, "accept"), "_view_id": "ner_manual",
                      "_timestamp": gold.timestamp, "_annotator_id": gold.annotator, "_session_id": gold.annotator})


def write(job: WriteJob) -> tuple[int, int]:
    kinds = {label.name: label.kind for label in job.label_schema.labels}
    count = spans = 0
    with atomic_file(job.output, "wb") as out:
        for gold in job.golds():
            line = line_of(gold, kinds)
            out.write(line + b"\n")
            count += 1
            spans += line.count(b'"token_start"')
    return count, spans


FORMAT = Format(
    name="ner",
    title="Prodigy ner_manual tasks (entities only, no overlaps; for `prodigy train --ner`)",
    keeps="text, meta, tokens, entity spans (the longest where they overlap), answer, annotator, time; our "
          "import reads it back",
    loses="quotes, speaker mentions and speaker links; entities overlapped by longer ones",
    suffixes=(".jsonl",),
    write=write,
    order=15,
)
