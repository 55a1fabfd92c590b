"""Gold export (`annotator export --gold`): one line per article, adjudicated where a reviewer did.

- An article a reviewer finished: the reviewer's frozen gold, `_annotator_id` = the reviewer.
- Otherwise an article one or more annotators marked done, and nobody is still working on: the spans
  all of them agree on (exact offsets, label and speaker), `_annotator_id` = "gold". With one
  annotator that is their work. An article someone still has open waits for them.
The lines have the normal export's shape (GoldArticle → formats/jsonl.py: task_of), so JSONL and DocBin both work;
`meta.gold` says "reviewed" or "agreed" and `meta.annotators` whose work it came from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.agreement import Mark, agreed
from annotator.formats.jsonl import write_jsonl
from annotator.model import Article, GoldArticle, GoldSpan
from annotator.store import Store
from annotator.store.codec import decode_bounds, token_json
from annotator.store.review import article_tokens, gold_record, iter_gold_ids, still_annotating, works_of

GOLD = "gold"


def gold_spans(marks: Iterable[Mark]) -> tuple[GoldSpan, ...]:
    """Marks as GoldSpans with ids of their own; a quote's speaker links point at the span there at
    those offsets (an entity or speaker mention, not a quote), and are dropped when none is."""
    ordered = sorted(set(marks), key=Mark.sort_key)
    at: dict[tuple[int, int], int] = {}
    for i, mark in enumerate(ordered, 1):
        if mark.kind != "quote":
            at.setdefault((mark.start, mark.end), i)
    out = []
    for i, mark in enumerate(ordered, 1):
        speaker = at.get(mark.speaker) if mark.speaker else None
        entity = at.get(mark.entity) if mark.entity else None
        out.append(GoldSpan(i, mark.start, mark.end, mark.label, mark.kind, speaker, entity or speaker))
    return tuple(out)


def iter_adjudicated(store: Store) -> Iterator[GoldArticle]:
    """The gold of each article in id order, streamed."""
    for article_id in iter_gold_ids(store):
        article = store.article(article_id)
        if article is None:
            continue
        record = gold_record(store, article_id)
        works = works_of(store, article_id)
        names = [w.annotator for w in works]
        if record is not None:
            who, marks, when = record
            how = "reviewed"
        elif works and not still_annotating(store, article_id):
            who, marks, when, how = GOLD, list(agreed(works)), max(w.timestamp for w in works), "agreed"
        else:
            continue
        meta = {**article.meta, "gold": how, "annotators": names}
        work = store.work_meta([article_id])
        # Under keys of their own: `flag` and `active_seconds` on a line are one annotator's (import reads them so).
        flags = {name: work[(article_id, name)]["flag"] for name in names if "flag" in work.get((article_id, name), {})}
        active = {name: work[(article_id, name)]["active_seconds"] for name in names
                  if "active_seconds" in work.get((article_id, name), {})}
        if flags:
            meta["flags"] = flags
        if active:
            meta["annotators_active_seconds"] = active
        yield _gold_article(store, dataclasses.replace(article, meta=meta), who, gold_spans(marks), int(when))


def _gold_article(store: Store, article: Article, who: str, spans: tuple[GoldSpan, ...], when: int) -> GoldArticle:
    """A GoldArticle, with the stored token JSON and bounds when GoldArticle carries them."""
    fields = [f.name for f in dataclasses.fields(GoldArticle)]
    if "token_json" not in fields:
        return GoldArticle(article, who, "done", spans, when)
    tokens, bounds = article_tokens(store, article.id)
    starts, ends = decode_bounds(bounds)
    return GoldArticle(article, who, "done", spans, when, token_json(tokens), starts, ends)  # type: ignore[call-arg]


def write_gold_jsonl(store: Store, path: Path) -> tuple[int, int]:
    """The whole gold as a JSONL file (the app's export key, a download under `annotator serve`)."""
    return write_jsonl(iter_adjudicated(store), path)
