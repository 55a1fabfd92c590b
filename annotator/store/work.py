"""Finished work, as export, agreement and review read it: whose work on which article, and the
spans each piece of work keeps."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from annotator.store import day
from annotator.store.articles import article_of
from annotator.store.base import Database
from annotator.store.codec import decode_bounds, token_json
from annotator.store.paging import pages
from annotator.store.rows import ExportPiece, SpanRow, WorkRow


def _work_filter(annotator: str | None, include_unfinished: bool) -> str:
    statuses = "" if include_unfinished else " AND status IN ('done', 'rejected', 'ignored')"
    return statuses + (" AND annotator = :annotator" if annotator is not None else "")


def count_work(db: Database, annotator: str | None, include_unfinished: bool) -> int:
    where = _work_filter(annotator, include_unfinished)
    return db.one("SELECT count(*) FROM progress WHERE TRUE" + where, {"annotator": annotator})[0]


def work_bounds(db: Database, annotator: str | None, include_unfinished: bool, parts: int) -> list[int]:
    """Article ids that cut the finished work into `parts` runs of about equal size (for workers)."""
    where = _work_filter(annotator, include_unfinished)
    params = {"annotator": annotator}
    total = count_work(db, annotator, include_unfinished)
    cuts = []
    for part in range(1, parts):
        row = db.one("SELECT article_id FROM progress WHERE TRUE" + where +
                     " ORDER BY article_id, annotator LIMIT 1 OFFSET :n", {**params, "n": total * part // parts})
        if row and (not cuts or row[0] > cuts[-1]):
            cuts.append(row[0])
    return cuts


def iter_work(db: Database, annotator: str | None = None, include_unfinished: bool = False,
              batch: int = 500, after: int = 0, upto: int | None = None) -> Iterator[list[WorkRow]]:
    """Batches of finished work, in article order, for articles after `after` and up to `upto` (inclusive)."""
    where = _work_filter(annotator, include_unfinished) + " AND article_id > :after"
    if upto is not None:
        where += " AND article_id <= :upto"

    def fetch(last: tuple[int, str]) -> list[WorkRow]:
        return [WorkRow._make(row) for row in db.query(
            "SELECT article_id, annotator, status, updated_at FROM progress"
            " WHERE (article_id > :a OR (article_id = :a AND annotator > :n))" + where +
            " ORDER BY article_id, annotator LIMIT :batch",
            {"a": last[0], "n": last[1], "annotator": annotator, "batch": batch, "upto": upto, "after": after},
        )]

    yield from pages(fetch, batch, start=(0, ""), key=lambda row: (row.article_id, row.annotator))


def iter_export(db: Database, annotator: str | None = None, include_unfinished: bool = False,
                after: int = 0, upto: int | None = None) -> Iterator[ExportPiece]:
    """Each piece of finished work, in article order. A few queries per batch of 500, whatever the size."""
    for work in iter_work(db, annotator, include_unfinished, after=after, upto=upto):
        ids = sorted({row.article_id for row in work})
        marks = ",".join("?" * len(ids))
        articles = {
            row[0]: row for row in db.query(
                "SELECT id, hash, text, title, source, date, dateline, meta, NULL, tokens, token_bounds"
                f" FROM articles WHERE id IN ({marks})", ids)
        }
        spans = exported_spans(db, ids)
        extra = day.work_meta_of(db, ids)
        for article_id, who, status, updated_at in work:
            row = articles[article_id]
            starts, ends = decode_bounds(row[10])
            yield ExportPiece(article_of(row[:9]), token_json(row[9]), starts, ends, who, status, updated_at,
                              spans.get((article_id, who), []), extra.get((article_id, who), {}))


def exported_spans(db: Database, article_ids: Sequence[int]) -> dict[tuple[int, str], list[SpanRow]]:
    """What export writes of each (article, annotator) among these articles: the spans they accepted (relabelled,
    adjusted, manual included), plus the speaker mentions of their accepted quotes that they
    did not decide on themselves, unless they rejected them. A few queries, whatever the count.
    The one rule for export, agreement and review."""
    if not article_ids:
        return {}  # `IN ()` is SQLite's only, and there is nothing to read
    marks = ",".join("?" * len(article_ids))
    rows: dict[tuple[int, str], list[SpanRow]] = {}
    for row in db.query(
        'SELECT st.article_id, st.annotator, s.id, st.start, st."end", st.label, s.kind, st.speaker_span_id,'
        " st.speaker_entity_span_id, coalesce(st.cue_span_id, s.cue_span_id) FROM states st"
        " JOIN spans s ON s.id = st.span_id"
        f" WHERE st.article_id IN ({marks}) AND st.status = 'accepted' ORDER BY st.article_id, st.annotator, s.id",
        list(article_ids),
    ):
        rows.setdefault((row[0], row[1]), []).append(SpanRow._make(row[2:]))
    wanted = {
        key: ({sid for row in got if row.kind == "quote" for sid in (row.speaker_id, row.entity_id, row.cue_id)
               if sid is not None}
              - {r.span_id for r in got})
        for key, got in rows.items()
    }
    base, states = _speakers(db, sorted(set().union(*wanted.values())) if wanted else [])
    for (article_id, who), ids in wanted.items():
        for sid in sorted(ids):
            if sid not in base:
                continue
            _, start, end, label, kind = base[sid]
            state = states.get((sid, who))
            if state is not None:
                if state[2] == "rejected":
                    continue
                start, end, label = state[3], state[4], state[5]
            rows[(article_id, who)].append(SpanRow(sid, start, end, label, kind, None, None))
    return rows


def _speakers(db: Database, every: list[int]) -> tuple[dict[int, tuple], dict[tuple[int, str], tuple]]:
    """The speaker spans named by quotes, as suggested and as each annotator left them."""
    base: dict[int, tuple] = {}
    states: dict[tuple[int, str], tuple] = {}
    for at in range(0, len(every), 500):
        chunk = every[at:at + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(f'SELECT id, start, "end", label, kind FROM spans WHERE id IN ({marks})', chunk):
            base[row[0]] = tuple(row)
        for row in db.query(
                f'SELECT span_id, annotator, status, start, "end", label FROM states WHERE span_id IN ({marks})',
                chunk):
            states[(row[0], row[1])] = tuple(row)
    return base, states


def undecided_suggestions(db: Database, article_ids: Sequence[int]) -> dict[int, list[SpanRow]]:
    """For each article, the shared suggestions that nobody has decided on (Label Studio's predictions)."""
    out: dict[int, list[SpanRow]] = {}
    for at in range(0, len(article_ids), 500):
        chunk = list(article_ids[at:at + 500])
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            'SELECT s.article_id, s.id, s.start, s."end", s.label, s.kind, s.speaker_span_id,'
            f" s.speaker_entity_span_id, s.cue_span_id FROM spans s WHERE s.article_id IN ({marks}) AND s.created_by IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM states st WHERE st.span_id = s.id) ORDER BY s.id", chunk):
            out.setdefault(row[0], []).append(SpanRow._make(row[1:]))
    return out
