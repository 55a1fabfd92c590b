"""The annotator’s day: active time and flags with notes, as SQL on an open connection.

Active time is a running total per (article, annotator) in `activity` (migration v3), updated in the
transaction of each action, so what a killed app had counted is kept. Each action adds the gap
since the previous one, cut at `idle_after` (a coffee break counts as that much, no more);
opening an article moves the clock to now without adding anything, so the time an article
was closed never counts, however long.
"""

from __future__ import annotations

from typing import Any

from annotator.model import heading_of
from annotator.store import routing
from annotator.store.base import Database
from annotator.store.dialect import Connection

# Keys of an exported line's `meta` that belong to one annotator's work, not to the article:
# export writes them, import takes them back out of the article's meta into that annotator's rows.
ACTIVE_KEY = "active_seconds"
FLAG_KEY = "flag"
WORK_META = (ACTIVE_KEY, FLAG_KEY)


# Old rows named `activity.…` (unqualified, PostgreSQL finds them ambiguous beside `excluded`);
# GREATEST and LEAST are PostgreSQL's, and ours on SQLite (store/connection.py).
_COUNT_ACTION = (
    "INSERT INTO activity (article_id, annotator, active_s, actions, last_at) VALUES (?, ?, 0, 1, ?)"
    " ON CONFLICT (article_id, annotator) DO UPDATE SET"
    " active_s = activity.active_s + LEAST(GREATEST(excluded.last_at - activity.last_at, 0), ?),"
    " actions = activity.actions + 1, last_at = GREATEST(activity.last_at, excluded.last_at)"
)
_START_STRETCH = (
    "INSERT INTO activity (article_id, annotator, active_s, actions, last_at) VALUES (?, ?, 0, 0, ?)"
    " ON CONFLICT (article_id, annotator) DO UPDATE SET last_at = GREATEST(activity.last_at, excluded.last_at)"
)


def count_action(conn: Connection, article_id: int, annotator: str, now: float, idle_after: float,
                 run: Any = None) -> None:
    """One action on the article: add the gap since the last one, cut at idle_after.
    `run(conn, sql, params)`: how to send it (dialect.later), else at once."""
    if run is None:
        conn.execute(_COUNT_ACTION, (article_id, annotator, now, idle_after))
    else:
        run(conn, _COUNT_ACTION, (article_id, annotator, now, idle_after))


def start_stretch(conn: Connection, article_id: int, annotator: str, now: float) -> None:
    """The article is open again: the next action counts its gap from now."""
    conn.execute(_START_STRETCH, (article_id, annotator, now))


def add_active(conn: Connection, article_id: int, annotator: str, seconds: float, now: float) -> None:
    """Active time that arrives as a figure (an imported line's meta): added to what is there."""
    conn.execute(
        "INSERT INTO activity (article_id, annotator, active_s, actions, last_at) VALUES (?, ?, ?, 0, ?)"
        " ON CONFLICT (article_id, annotator) DO UPDATE SET active_s = activity.active_s + excluded.active_s",
        (article_id, annotator, seconds, now),
    )


def set_flag(conn: Connection, article_id: int, annotator: str, note: str, now: float) -> None:
    """Flag with this note, or clear the flag when the note is empty."""
    if note:
        conn.execute(
            "INSERT INTO flags (article_id, annotator, note, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (annotator, article_id) DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at",
            (article_id, annotator, note, now),
        )
    else:
        conn.execute("DELETE FROM flags WHERE article_id = ? AND annotator = ?", (article_id, annotator))


def work_meta(conn: Connection, article_ids: list[int]) -> dict[tuple[int, str], dict[str, Any]]:
    """For export: {(article, annotator): {"active_seconds": s, "flag": note}} of these articles."""
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for at in range(0, len(article_ids), 500):
        chunk = article_ids[at:at + 500]
        marks = ",".join("?" * len(chunk))
        for article_id, who, active in conn.execute(
                f"SELECT article_id, annotator, active_s FROM activity WHERE article_id IN ({marks})", chunk):
            out.setdefault((article_id, who), {})[ACTIVE_KEY] = round(active, 1)
        for article_id, who, note in conn.execute(
                f"SELECT article_id, annotator, note FROM flags WHERE article_id IN ({marks})", chunk):
            out.setdefault((article_id, who), {})[FLAG_KEY] = note
    return out


def duration(seconds: float | None) -> str:
    """120.5 -> '2m 01s', 4000 -> '1h 06m', None -> '–': for stats and the review screen."""
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def median(values: list[float]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def annotator_figures(conn: Connection) -> dict[str, dict[str, Any]]:
    """Per annotator: active hours, articles finished, median active seconds per finished article,
    standing decisions (undone ones and undo rows left out), the log's size, decisions and articles done
    per active hour."""
    out: dict[str, dict[str, Any]] = {}
    for who, logged, undos, undone in conn.execute(
            "SELECT annotator, count(*), count(*) FILTER (WHERE action = 'undo'),"
            " count(*) FILTER (WHERE action = 'undo' AND undoes IS NOT NULL) FROM decisions GROUP BY annotator"):
        # Each undo row reverses one decision: standing = the log less the undo rows and what they undid.
        out[who] = {"decisions": logged - undos - undone, "decision_log": logged}
    for (who,) in conn.execute("SELECT DISTINCT annotator FROM progress UNION SELECT DISTINCT annotator FROM activity"):
        out.setdefault(who, {"decisions": 0, "decision_log": 0})
    for who, row in out.items():
        active = conn.execute("SELECT coalesce(sum(active_s), 0) FROM activity WHERE annotator = ?", (who,)).fetchone()[0]
        finished = [r[0] for r in conn.execute(
            "SELECT coalesce(a.active_s, 0) FROM progress p LEFT JOIN activity a"
            " ON a.article_id = p.article_id AND a.annotator = p.annotator"
            " WHERE p.annotator = ? AND p.status = 'done'", (who,))]
        flagged = conn.execute("SELECT count(*) FROM flags WHERE annotator = ?", (who,)).fetchone()[0]
        middle = median(finished)
        row |= {
            "articles_done": len(finished),
            "active_seconds": round(active, 1),
            "active_hours": round(active / 3600, 3),
            "median_active_s": round(middle, 1) if middle is not None else None,
            # Counts each span an "accept all" takes as a decision: hundreds an hour for one keystroke.
            "decisions_per_active_hour": round(row["decisions"] / (active / 3600), 1) if active > 0 else None,
            # The rate that bulk decisions do not inflate (issue 36 #12): what the table shows.
            "articles_per_active_hour": round(len(finished) / (active / 3600), 1) if active > 0 else None,
            "flagged": flagged,
        }
    return dict(sorted(out.items()))


def flag_rows(conn: Connection, annotator: str | None = None) -> list[dict[str, Any]]:
    """Every flag (or one annotator's): article, heading parts, annotator, note, when; in article order."""
    sql = ("SELECT f.article_id, a.title, substr(a.text, 1, 200), f.annotator, f.note, f.updated_at,"
           " coalesce(p.status, 'todo') FROM flags f JOIN articles a ON a.id = f.article_id"
           " LEFT JOIN progress p ON p.article_id = f.article_id AND p.annotator = f.annotator")
    params: tuple[Any, ...] = ()
    if annotator is not None:
        sql += " WHERE f.annotator = ?"
        params = (annotator,)
    return [
        {"article_id": aid, "heading": heading_of(title, text), "annotator": who, "note": note,
         "updated_at": when, "status": status}
        for aid, title, text, who, note, when, status in conn.execute(sql + " ORDER BY f.article_id, f.annotator", params)
    ]


# -- on an open database ------------------------------------------------------------------------


def open_article(db: Database, article_id: int, annotator: str) -> None:
    """The annotator opened the article: active time counts again from now."""
    with db.write() as conn:
        start_stretch(conn, article_id, annotator, db.clock())


def active_seconds(db: Database, article_id: int, annotator: str) -> float:
    row = db.one("SELECT active_s FROM activity WHERE article_id = ? AND annotator = ?", (article_id, annotator))
    return row[0] if row else 0.0


def flag_article(db: Database, article_id: int, annotator: str, note: str) -> str | None:
    """Flag the article with a note (one line), or clear the flag with an empty one; the flag now."""
    note = " ".join(note.split())
    with db.write() as conn:
        now = db.clock()
        set_flag(conn, article_id, annotator, note, now)
        routing.keep_place(conn, article_id, annotator, now)
        count_action(conn, article_id, annotator, now, db.idle_after)
    return note or None


def flag_of(db: Database, article_id: int, annotator: str) -> str | None:
    row = db.one("SELECT note FROM flags WHERE article_id = ? AND annotator = ?", (article_id, annotator))
    return row[0] if row else None


def next_flagged(db: Database, annotator: str, after: int) -> int | None:
    """This annotator's next flagged article after `after`, going round to the first; None when none."""
    row = db.one("SELECT article_id FROM flags WHERE annotator = ? ORDER BY article_id <= ?, article_id LIMIT 1",
                 (annotator, after))
    return row[0] if row else None


def work_meta_of(db: Database, article_ids: list[int]) -> dict[tuple[int, str], dict[str, Any]]:
    """What export adds to `meta` of each (article, annotator): active seconds, the flag's note."""
    with db.connection() as conn:
        return work_meta(conn, list(article_ids))


def record_work_meta(db: Database, conn: Connection, article_id: int, annotator: str, meta: dict[str, Any]) -> None:
    """An imported line's active seconds and flag, inside write(): back as that annotator's."""
    active, note = meta.get(ACTIVE_KEY), meta.get(FLAG_KEY)
    if isinstance(active, int | float) and not isinstance(active, bool) and active >= 0:
        add_active(conn, article_id, annotator, float(active), db.clock())
    if isinstance(note, str) and note.strip():
        set_flag(conn, article_id, annotator, " ".join(note.split()), db.clock())
