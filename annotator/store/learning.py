"""SQL for the model in the loop: which articles nobody has touched, replacing their suggestions,
and how annotators answered each model's suggestions (`stats --corrections`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from annotator.store import bulk
from annotator.store.dialect import Connection, IntegrityError
from annotator.store.paging import pages

# Nobody has opened, decided on, added to, or reviewed the article; and every span it has is a
# model's suggestion (an article imported with its own spans keeps them). Each check is an index
# lookup: a decision always leaves a `states` row (decisions has no index by article alone), and a
# span made and then undone is still a span with its maker. An open is recorded by the `activity`
# row the session writes when it opens an article (Store.start_stretch, one upsert on the store's
# worker thread, off the key path): browsing to an article with `]` and reading it without deciding
# anything counts as opening it, so suggest never changes what someone may be reading.
_UNTOUCHED = """
NOT EXISTS (SELECT 1 FROM progress p WHERE p.article_id = a.id)
AND NOT EXISTS (SELECT 1 FROM activity ac WHERE ac.article_id = a.id)
AND NOT EXISTS (SELECT 1 FROM states st WHERE st.article_id = a.id)
AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.article_id = a.id)
AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.article_id = a.id AND (s.origin != 'model' OR s.created_by IS NOT NULL))
"""

Suggestion = tuple  # (start, end, label, kind, speaker (start, end) | None, entity (start, end) | None, cue | None)


def untouched_count(store: Any) -> int:
    return store.rows(f"SELECT count(*) FROM articles a WHERE {_UNTOUCHED}")[0][0]


def finished_count(store: Any, annotator: str | None = None, gold: bool = False) -> int:
    """Articles finished (by `annotator`, or anyone); with gold, reviewed ones are counted too."""
    done = "SELECT count(DISTINCT article_id) FROM progress WHERE status = 'done'"
    if gold:
        return (store.rows("SELECT count(DISTINCT article_id) FROM reviews WHERE status = 'gold'")[0][0]
                + store.rows(done)[0][0])
    if annotator:
        return store.rows(done + " AND annotator = ?", (annotator,))[0][0]
    return store.rows(done)[0][0]


def article_texts(store: Any, limit: int) -> list[str]:
    """The text of up to `limit` articles, finished or not, the newest first: what the team's corpus
    reads like (learn/relabel.py learns from the company names keep)."""
    return [row["text"] for row in store.rows("SELECT text FROM articles ORDER BY id DESC LIMIT ?", (limit,))]


def untouched_batches(store: Any, batch: int = 64) -> Iterator[list[tuple[int, str]]]:
    """(article id, text) of untouched articles, in id order, `batch` at a time (each read on its own,
    so an article someone opens meanwhile is passed over at write time, not here)."""
    for rows in pages(lambda last: store.rows(f"SELECT a.id, a.text FROM articles a WHERE a.id > ? AND {_UNTOUCHED}"
                                        " ORDER BY a.id LIMIT ?", (last, batch)), batch):
        yield [(row["id"], row["text"]) for row in rows]


def suggestions_of(conn: Connection, article_id: int) -> tuple[set[Suggestion], dict[Suggestion, str | None]]:
    """The article's model suggestions in a form that compares across ids, and each one's model."""
    rows = conn.execute('SELECT id, start, "end", label, kind, speaker_span_id, speaker_entity_span_id,'
                        " cue_start, cue_end, model FROM spans WHERE article_id = ?", (article_id,)).fetchall()
    bounds = {row[0]: (row[1], row[2]) for row in rows}
    out: dict[Suggestion, str | None] = {}
    for _, start, end, label, kind, speaker, entity, cue_start, cue_end, model in rows:
        cue = (cue_start, cue_end) if cue_start is not None else None
        out[(start, end, label, kind, bounds.get(speaker), bounds.get(entity), cue)] = model
    return set(out), out


def as_suggestions(drafts: Sequence[Any]) -> set[Suggestion]:
    out = set()
    for d in drafts:
        speaker = (drafts[d.speaker].start, drafts[d.speaker].end) if d.speaker is not None else None
        entity = (drafts[d.speaker_entity].start, drafts[d.speaker_entity].end) if d.speaker_entity is not None else None
        out.add((d.start, d.end, d.label, d.kind, speaker, entity, tuple(d.cue) if d.cue else None))
    return out


def still_untouched(conn: Connection, article_id: int) -> bool:
    return conn.execute(f"SELECT 1 FROM articles a WHERE a.id = ? AND {_UNTOUCHED}", (article_id,)).fetchone() is not None


def replace_suggestions(conn: Connection, article_id: int, drafts: Sequence[Any], model: str) -> bool:
    """Inside write(): the article's model suggestions become `drafts`. False, and nothing changed,
    when a decision names one of its spans (the log's foreign key refuses the delete): a decision
    someone undid leaves no state and no progress row, but the log still points at its span."""
    from annotator.store.codec import encode_spans

    conn.execute("SAVEPOINT resuggest")
    try:
        # Speaker links point within the article: clear them first so no row points at a deleted one.
        conn.execute("UPDATE spans SET speaker_span_id = NULL, speaker_entity_span_id = NULL WHERE article_id = ?",
                     (article_id,))
        conn.execute("DELETE FROM spans WHERE article_id = ? AND origin = 'model' AND created_by IS NULL",
                     (article_id,))
    except IntegrityError:
        conn.execute("ROLLBACK TO resuggest")
        conn.execute("RELEASE resuggest")
        return False
    if drafts:
        bulk.insert_span_rows(conn, article_id, encode_spans(drafts), "model", model=model)
    conn.execute("RELEASE resuggest")
    return True


def suggestions_by_model(store: Any) -> dict[str, int]:
    rows = store.rows("SELECT coalesce(model, '(not recorded)'), count(*) FROM spans WHERE origin = 'model'"
                " GROUP BY 1 ORDER BY count(*) DESC, 1")
    return {row[0]: row[1] for row in rows}


def answered_suggestions(store: Any, model: str | None = None) -> list[tuple]:
    """(model label, status, label now, start moved or end moved) for each annotator's current answer to
    each entity suggestion, in finished or unfinished work alike; `model` narrows to one model's."""
    sql = ('SELECT s.label, st.status, st.label, CAST((st.start != s.start OR st."end" != s."end") AS INTEGER)'
           " FROM states st JOIN spans s ON s.id = st.span_id"
           " WHERE s.origin = 'model' AND s.kind = 'entity'")
    params: tuple = ()
    if model is not None:
        sql += " AND s.model = ?"
        params = (model,)
    return [tuple(row) for row in store.rows(sql, params)]


def missed_spans(store: Any) -> list[tuple]:
    """(label, count) of entity spans annotators added themselves (what the model missed), accepted."""
    return [tuple(row) for row in store.rows("SELECT st.label, count(*) FROM states st JOIN spans s ON s.id = st.span_id"
        " WHERE s.created_by IS NOT NULL AND s.kind = 'entity' AND st.status = 'accepted' GROUP BY st.label"
        " ORDER BY count(*) DESC, st.label")]
