"""The SQL of teams work: whose finished work to compare, and adjudication by a reviewer.

How a review is stored (migration v2):
- `reviews` (article_id, reviewer, status doing|gold, updated_at): a reviewer claims an article
  (inside BEGIN IMMEDIATE, so two reviewers never take the same one) and finishes it ('gold').
- `review_decisions`: an append-only log like `decisions`. Each row is the reviewer's choice for
  one disagreement (item = the disagreement's key, spans = the chosen marks as JSON); the latest row
  for an item stands. When the reviewer finishes the article, one more row with item '*' holds the
  article's whole gold (agreed marks plus every choice), frozen: later edits by annotators do not
  change an adjudicated article.
- The reviewer's own version (when every annotator's is wrong): rows with item '+' hold the whole
  version as it stood after each of their edits (the spans as the annotation screen sees them,
  annotator/review_draft.py), and a row '-' takes back the latest '+' still standing (undo). While
  one stands, it is the article's gold, whatever was chosen for each disagreement.
Reviews never touch `progress`, `decisions` or `states`: a reviewer takes no annotator's slot in
routing, never appears as an annotator in agreement, and may review an article they annotated.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from annotator.agreement import Disagreement, Mark, Work, agreed, disagreements
from annotator.errors import UserError
from annotator.model import Article, SpanView, heading_of, speaker_links
from annotator.store import articles, day, work
from annotator.store.base import Database
from annotator.store.paging import paged_ids
from annotator.store.routing import IDLE_CLAIM_S
from annotator.store.rows import SpanRow

WHOLE = "*"  # review_decisions.item of the article's frozen gold
OWN = "+"  # review_decisions.item of one state of the reviewer's own version
UNDO_OWN = "-"  # review_decisions.item that takes back the latest standing OWN row


def view_of(row: Sequence[Any]) -> SpanView:
    """A stored row of the reviewer's own version as a SpanView."""
    fields = list(row)
    fields[13] = tuple(fields[13]) if fields[13] else None  # the cue, a list in JSON
    return SpanView(*fields)



def own_export_rows(views: Iterable[Sequence[Any]]) -> list[SpanRow]:
    """What export writes of the version (Store.exported_spans' rule): the accepted spans, and the
    speakers of accepted quotes unless rejected."""
    spans = [view_of(v) for v in views]
    by_id = {v.id: v for v in spans}
    kept = {v.id for v in spans if v.status == "accepted"}
    for v in spans:
        if v.status == "accepted" and v.kind == "quote":
            kept |= {i for i in (v.speaker_span_id, v.speaker_entity_span_id)
                     if i in by_id and by_id[i].status != "rejected"}
    return [SpanRow(v.id, v.start, v.end, v.label, v.kind, v.speaker_span_id, v.speaker_entity_span_id)
            for v in spans if v.id in kept]


# -- what annotators finished ----------------------------------------------------------------


def finished_annotators(store: Database, article_id: int) -> list[str]:
    """Annotators who marked the article done, by name."""
    return [row["annotator"] for row in store.rows("SELECT annotator FROM progress WHERE article_id = ? AND status = 'done' ORDER BY annotator",
        (article_id,))]


def marks_of(rows: Iterable[SpanRow]) -> frozenset[Mark]:
    """Rows of Store.exported_spans as Marks: quotes carry their speaker's offsets when exported too."""
    rows = [SpanRow._make(row) for row in rows]
    where = {row.span_id: (row.start, row.end) for row in rows}
    out = set()
    for row in rows:
        if row.kind == "quote":
            linked = {label: where.get(ref) for ref, label in speaker_links(row.speaker_id, row.entity_id, row.cue_id)}
            out.add(Mark(row.kind, row.start, row.end, row.label, linked.get("SPEAKER"), linked.get("SPEAKER_ENTITY"),
                         linked.get("CUE")))
        else:
            out.add(Mark(row.kind, row.start, row.end, row.label))
    return frozenset(out)


def suggested_ids(store: Database, article_id: int) -> list[int]:
    """The article's shared suggestions (model or imported), not anyone's own spans."""
    return [row["id"] for row in store.rows("SELECT id FROM spans WHERE article_id = ? AND created_by IS NULL ORDER BY id", (article_id,))]


def exported_rows(store: Database, article_id: int, annotator: str) -> list[SpanRow]:
    """What export writes of this annotator's article (Store.exported_spans: the same rule)."""
    return work.exported_spans(store, [article_id]).get((article_id, annotator), [])


def finished_at(store: Database, article_id: int, annotator: str) -> float:
    row = store.row("SELECT updated_at FROM progress WHERE article_id = ? AND annotator = ?",
                 (article_id, annotator))
    return row["updated_at"] if row else 0.0


def article_tokens(store: Database, article_id: int) -> tuple[Any, ...]:
    """The article row's stored token columns (whatever the current schema keeps), for export."""
    columns = store.columns("articles")
    wanted = [c for c in ("tokens", "token_bounds") if c in columns]
    return tuple(store.row(f"SELECT {', '.join(wanted)} FROM articles WHERE id = ?", (article_id,)))


def work_of(store: Database, article_id: int, annotator: str, suggested: Sequence[int] | None = None) -> Work:
    rows, last = exported_rows(store, article_id, annotator), finished_at(store, article_id, annotator)
    kept = {row.span_id for row in rows}
    ids = suggested if suggested is not None else suggested_ids(store, article_id)
    return Work(annotator, marks_of(rows), {sid: sid in kept for sid in ids}, last)


def works_of(store: Database, article_id: int) -> list[Work]:
    suggested = suggested_ids(store, article_id)
    return [work_of(store, article_id, name, suggested) for name in finished_annotators(store, article_id)]


def iter_article_ids(store: Database, min_annotators: int = 2, batch: int = 500) -> Iterator[int]:
    """Articles that at least `min_annotators` marked done, in id order, read in batches."""
    return paged_ids(lambda last: store.rows("SELECT article_id FROM progress WHERE status = 'done' AND article_id > ?"
        " GROUP BY article_id HAVING count(*) >= ? ORDER BY article_id LIMIT ?", (last, min_annotators, batch)), batch)


def iter_compared(store: Database, min_annotators: int = 2, batch: int = 500) -> Iterator[tuple[int, str, list[Work]]]:
    """(article id, heading, works) of every article finished by several annotators: agreement's input.

    Read in batches of articles, a handful of queries each (the same works as works_of, which reads
    one article at a time for the review screen).
    """
    ids_iter = iter_article_ids(store, min_annotators, batch)
    while ids := list(islice(ids_iter, batch)):
        marks = ",".join("?" * len(ids))
        heads = {row["id"]: heading_of(row["title"], row["opening"]) for row in store.rows(f"SELECT id, title, substr(text, 1, 400) AS opening FROM articles WHERE id IN ({marks})", ids)}
        done: dict[int, list[tuple[str, float]]] = {}
        for row in store.rows("SELECT article_id, annotator, updated_at FROM progress WHERE status = 'done'"
                        f" AND article_id IN ({marks}) ORDER BY article_id, annotator", ids):
            done.setdefault(row["article_id"], []).append((row["annotator"], row["updated_at"]))
        rows = work.exported_spans(store, ids)
        suggested: dict[int, list[int]] = {}
        for row in store.rows(f"SELECT article_id, id FROM spans WHERE article_id IN ({marks})"
                        " AND created_by IS NULL ORDER BY id", ids):
            suggested.setdefault(row["article_id"], []).append(row["id"])
        for article_id in ids:
            works = []
            for who, when in done.get(article_id, []):
                got = rows.get((article_id, who), [])
                kept = {row.span_id for row in got}
                works.append(Work(who, marks_of(got), {sid: sid in kept for sid in suggested.get(article_id, [])}, when))
            yield article_id, heads.get(article_id, ""), works


# -- adjudication ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewItem:
    disagreement: Disagreement
    choice: tuple[Mark, ...] | None  # None: not resolved yet

    @property
    def chosen_version(self) -> int | None:
        return None if self.choice is None else self.disagreement.version_of(self.choice)


@dataclass(frozen=True, slots=True)
class ReviewArticle:
    """One article as the reviewer sees it: what everyone agreed on and what is left to decide."""

    article: Article
    reviewer: str
    status: str  # todo | doing | gold
    works: tuple[Work, ...]
    agreed: frozenset[Mark]
    items: tuple[ReviewItem, ...]
    # Each annotator's active seconds and flag note on the article (store/day.py), as export writes them.
    work: dict[str, dict[str, Any]] = field(default_factory=dict)
    own: tuple[Mark, ...] | None = None  # the reviewer's own version, when one stands: then it is the gold

    @property
    def annotators(self) -> list[str]:
        return [w.annotator for w in self.works]

    @property
    def unresolved(self) -> int:
        if self.own is not None:
            return 0
        return sum(1 for item in self.items if item.choice is None)

    def gold(self) -> list[Mark]:
        if self.own is not None:
            return sorted(set(self.own), key=Mark.sort_key)
        chosen = {m for item in self.items for m in (item.choice or ())}
        return sorted(self.agreed | chosen, key=Mark.sort_key)


def _choices(store: Database, article_id: int, reviewer: str) -> dict[str, tuple[Mark, ...]]:
    rows = store.rows("SELECT item, spans FROM review_decisions WHERE article_id = ? AND reviewer = ?"
                      " AND item NOT IN (?, ?, ?) ORDER BY id", (article_id, reviewer, WHOLE, OWN, UNDO_OWN))
    return {row["item"]: tuple(Mark.from_json(m) for m in json.loads(row["spans"])) for row in rows}


def review_status(store: Database, article_id: int, reviewer: str) -> str:
    row = store.row("SELECT status FROM reviews WHERE article_id = ? AND reviewer = ?", (article_id, reviewer))
    return row["status"] if row else "todo"


def load_review(store: Database, article_id: int, reviewer: str) -> ReviewArticle:
    article = articles.article(store, article_id)
    if article is None:
        raise UserError(f"no article {article_id}")
    works = works_of(store, article_id)
    chosen = _choices(store, article_id, reviewer)
    items = tuple(ReviewItem(d, chosen.get(d.key)) for d in disagreements(works))
    work = {who: meta for (_, who), meta in day.work_meta_of(store, [article_id]).items()}
    own = own_version(store, article_id, reviewer)
    return ReviewArticle(article, reviewer, review_status(store, article_id, reviewer), tuple(works),
                         agreed(works), items, work, None if own is None else tuple(marks_of(own)))


def own_version(store: Database, article_id: int, reviewer: str) -> list[SpanRow] | None:
    """The reviewer's own version as export rows (what it exports), or None when none stands."""
    views = own_views(store, article_id, reviewer)
    return None if views is None else own_export_rows(views)


def own_views(store: Database, article_id: int, reviewer: str) -> list[Any] | None:
    """The standing state of the reviewer's own version (rows of SpanView fields), or None."""
    stack = []
    for row in store.rows("SELECT item, spans FROM review_decisions WHERE article_id = ? AND reviewer = ?"
                          " AND item IN (?, ?) ORDER BY id", (article_id, reviewer, OWN, UNDO_OWN)):
        if row["item"] == OWN:
            stack.append(row["spans"])
        elif stack:
            stack.pop()
    return json.loads(stack[-1]) if stack else None


def save_own(store: Database, article_id: int, reviewer: str, views: Sequence[Sequence[Any]] | None) -> None:
    """One edit of the reviewer's own version (views: its new state; None: take back the latest).

    Committed before it returns; on an article already finished, the frozen gold is renewed.
    """
    item, spans = (UNDO_OWN, "[]") if views is None else (OWN, json.dumps(list(views), separators=(",", ":")))
    status = review_status(store, article_id, reviewer)
    with store.write() as conn:
        conn.execute("INSERT INTO review_decisions (article_id, reviewer, item, spans, session, created_at)"
                     " VALUES (?, ?, ?, ?, ?, ?)", (article_id, reviewer, item, spans, store.session, time.time()))
        if status != "gold":
            _set_review(conn, article_id, reviewer, "doing")
    if status == "gold":
        finish(store, load_review(store, article_id, reviewer), force=True)


def _set_review(conn, article_id: int, reviewer: str, status: str) -> None:
    conn.execute(
        "INSERT INTO reviews (article_id, reviewer, status, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (article_id, reviewer) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
        (article_id, reviewer, status, time.time()),
    )


def _log(conn, store: Database, article_id: int, reviewer: str, item: str, marks: Iterable[Mark]) -> None:
    spans = json.dumps([m.to_json() for m in sorted(marks, key=Mark.sort_key)], separators=(",", ":"))
    conn.execute(
        "INSERT INTO review_decisions (article_id, reviewer, item, spans, session, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)", (article_id, reviewer, item, spans, store.session, time.time()))


def choose(store: Database, review: ReviewArticle, index: int, marks: Iterable[Mark]) -> ReviewArticle:
    """Resolve disagreement `index` with these marks (a version's, or none to reject them all).

    Committed before it returns. On an article already finished, the frozen gold is renewed.
    """
    item = review.items[index]
    marks = tuple(sorted(set(marks), key=Mark.sort_key))
    with store.write() as conn:
        _log(conn, store, review.article.id, review.reviewer, item.disagreement.key, marks)
        if review.status != "gold":
            _set_review(conn, review.article.id, review.reviewer, "doing")
    updated = load_review(store, review.article.id, review.reviewer)
    if updated.status == "gold" and updated.unresolved == 0:
        return finish(store, updated)
    return updated


def pick(store: Database, review: ReviewArticle, index: int, version: int) -> ReviewArticle:
    """Take one annotator's version of disagreement `index`."""
    versions = review.items[index].disagreement.versions
    if not 0 <= version < len(versions):
        raise UserError(f"no version {version + 1} of this disagreement")
    return choose(store, review, index, versions[version].marks)


def finish(store: Database, review: ReviewArticle, force: bool = False) -> ReviewArticle:
    """Freeze the article's gold (agreed marks plus every choice) under the reviewer; status gold.

    Unresolved disagreements refuse unless force (then their marks are left out of the gold).
    """
    if review.unresolved and not force:
        raise UserError(f"{review.unresolved} disagreements left in article {review.article.id}")
    with store.write() as conn:
        _log(conn, store, review.article.id, review.reviewer, WHOLE, review.gold())
        _set_review(conn, review.article.id, review.reviewer, "gold")
    return load_review(store, review.article.id, review.reviewer)


# Another reviewer holds an article when they finished it, or are reviewing it and were active
# lately: a claim left idle for IDLE_CLAIM_S is free to take, as in annotation.
_HELD_BY_OTHER = ("SELECT 1 FROM reviews r WHERE r.article_id = {article} AND r.reviewer != ?"
                  " AND (r.status != 'doing' OR r.updated_at >= ?)")


def _candidates(store: Database, reviewer: str, after: int, descending: bool, batch: int = 200,
                idle_s: float = IDLE_CLAIM_S) -> Iterator[int]:
    """Articles several annotators finished that no other reviewer holds, from `after` on."""
    return paged_ids(lambda last: store.rows("SELECT p.article_id FROM progress p WHERE p.status = 'done'"
        f" AND p.article_id {'<' if descending else '>'} ?"
        f" AND NOT EXISTS ({_HELD_BY_OTHER.format(article='p.article_id')})"
        f" GROUP BY p.article_id HAVING count(*) >= 2 ORDER BY p.article_id {'DESC' if descending else ''}"
        " LIMIT ?", (last, reviewer, time.time() - idle_s, batch)), batch, start=after)


def _claim(store: Database, article_id: int, reviewer: str, idle_s: float = IDLE_CLAIM_S) -> bool:
    """Take the article for this reviewer unless another reviewer holds it."""
    with store.write() as conn:
        taken = conn.execute(_HELD_BY_OTHER.format(article="?"),
                             (article_id, reviewer, time.time() - idle_s)).fetchone()
        if taken:
            return False
        if conn.execute("SELECT 1 FROM reviews WHERE article_id = ? AND reviewer = ?",
                        (article_id, reviewer)).fetchone() is None:
            _set_review(conn, article_id, reviewer, "doing")
        return True


def next_review(store: Database, reviewer: str, after: int | None = None, step: int = 1,
                include_gold: bool = False) -> int | None:
    """The next article for this reviewer (claimed for them), or None when nothing is left.

    after=None: where they left off, else the first article with disagreements nobody finished.
    With `after`, the next (step 1) or previous (step -1) one, and then articles they finished
    count too when include_gold (so they can go back to one).
    """
    if after is None:
        row = store.row("SELECT article_id FROM reviews WHERE reviewer = ? AND status = 'doing'"
                     " ORDER BY article_id LIMIT 1", (reviewer,))
        if row:
            return row["article_id"]
        after, step = 0, 1
    descending = step < 0
    for article_id in _candidates(store, reviewer, after, descending):
        status = review_status(store, article_id, reviewer)
        if status == "gold" and not include_gold:
            continue
        if status == "todo" and not disagreements(works_of(store, article_id)):
            continue
        if _claim(store, article_id, reviewer):
            return article_id
    return None


def gold_record(store: Database, article_id: int) -> tuple[str, list[Mark], float] | None:
    """The latest finished review of the article: (reviewer, marks, when), or None."""
    row = store.row("SELECT d.reviewer, d.spans, d.created_at FROM review_decisions d JOIN reviews r"
                 " ON r.article_id = d.article_id AND r.reviewer = d.reviewer AND r.status = 'gold'"
                 " WHERE d.article_id = ? AND d.item = ? ORDER BY d.id DESC LIMIT 1", (article_id, WHOLE))
    if row is None:
        return None
    return row["reviewer"], [Mark.from_json(m) for m in json.loads(row["spans"])], row["created_at"]


def still_annotating(store: Database, article_id: int) -> list[str]:
    """Annotators who have the article open and not finished ('doing')."""
    return [row["annotator"] for row in store.rows("SELECT annotator FROM progress WHERE article_id = ? AND status = 'doing' ORDER BY annotator",
        (article_id,))]


def iter_gold_ids(store: Database, batch: int = 500) -> Iterator[int]:
    """Articles with any gold to export: someone finished them, or a reviewer did."""
    return paged_ids(lambda last: store.rows("SELECT article_id FROM (SELECT article_id FROM progress WHERE status = 'done' AND article_id > :a"
        " UNION SELECT article_id FROM reviews WHERE status = 'gold' AND article_id > :a) AS finished"
        " ORDER BY article_id LIMIT :n", {"a": last, "n": batch}), batch)


def review_summary(store: Database) -> dict[str, int]:
    """Counts for `stats`: articles finished by several annotators, and reviewed ones."""
    multi = store.row("SELECT count(*) FROM (SELECT article_id FROM progress WHERE status = 'done'"
                   " GROUP BY article_id HAVING count(*) >= 2) AS several")[0]  # PostgreSQL < 16 wants the alias
    gold = store.row("SELECT count(DISTINCT article_id) FROM reviews WHERE status = 'gold'")[0]
    doing = store.row("SELECT count(DISTINCT article_id) FROM reviews WHERE status = 'doing'")[0]
    return {"multi_annotated": multi, "reviewed": gold, "in_review": doing}
