"""Schema migrations, numbered by PRAGMA user_version.

Each migration is a function of a sqlite-utils Database, applied once, in order, inside one
transaction with the new user_version. We keep the version in user_version (not a table)
so that a database from a newer annotator is recognised before anything is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported only to migrate: the app opens faster without it
    import sqlite_utils


def _v1_initial(db: sqlite_utils.Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "hash": str,
            "title": str,
            "source": str,
            "date": str,
            "dateline": str,
            "text": str,
            "meta": str,  # JSON object
            "tokens": bytes,  # export's token JSON, compressed (see store/codec.py); computed once at import
            "token_bounds": bytes,  # token starts then ends, packed int32
            "imported_at": float,
        },
        pk="id",
        not_null={"hash", "text", "meta", "imported_at"},
    )
    db["articles"].create_index(["hash"], unique=True)
    db["spans"].create(
        {
            "id": int,
            "article_id": int,
            "start": int,
            "end": int,
            "label": str,
            "kind": str,  # entity | quote | speaker
            "origin": str,  # model | manual | import
            "speaker_span_id": int,  # quotes: the speaker as written beside the cue
            "speaker_entity_span_id": int,  # quotes: the entity that mention resolves to
            "cue_start": int,
            "cue_end": int,
            "created_by": str,  # manual spans: the annotator who made them (only they see them)
            "created_at": float,
        },
        pk="id",
        not_null={"article_id", "start", "end", "label", "kind", "origin", "created_at"},
        foreign_keys=[
            ("article_id", "articles", "id"),
            ("speaker_span_id", "spans", "id"),
            ("speaker_entity_span_id", "spans", "id"),
        ],
    )
    db["spans"].create_index(["article_id", "start"])
    # The log: append-only, never updated, never deleted.
    db["decisions"].create(
        {
            "id": int,
            "span_id": int,
            "article_id": int,
            "annotator": str,
            "action": str,  # accept | reject | relabel | adjust | speaker | undo
            "label": str,
            "start": int,
            "end": int,
            "speaker_span_id": int,
            "undoes": int,  # undo rows: the decision they reverse
            "session": str,
            "created_at": float,
        },
        pk="id",
        not_null={"span_id", "article_id", "annotator", "action", "created_at"},
        foreign_keys=[
            ("span_id", "spans", "id"),
            ("article_id", "articles", "id"),
            ("undoes", "decisions", "id"),
        ],
    )
    db["decisions"].create_index(["annotator", "article_id", "id"])
    # No (span_id, ...) index: a span's decisions are found through (annotator, article_id), a few
    # hundred rows at most, and every imported span would pay for the extra index.
    # Partial: only undo rows are in it, so the million plain decisions cost it nothing.
    db.execute("CREATE INDEX idx_decisions_undoes ON decisions (undoes) WHERE undoes IS NOT NULL")
    # Derived from the log in the same transaction as each decision: each annotator's current
    # state of each span they touched, so screens, stats and export read one row per span
    # instead of replaying the log. Rebuildable from `decisions` at any time.
    db.execute(
        """
        CREATE TABLE states (
            span_id INTEGER NOT NULL REFERENCES spans(id),
            annotator TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            status TEXT NOT NULL,
            label TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            speaker_span_id INTEGER,
            speaker_entity_span_id INTEGER,
            decision_id INTEGER NOT NULL,
            PRIMARY KEY (span_id, annotator)
        ) WITHOUT ROWID
        """
    )
    db["states"].create_index(["article_id", "annotator"])
    db.execute(
        """
        CREATE TABLE progress (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL,
            status TEXT NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (article_id, annotator)
        ) WITHOUT ROWID
        """
    )
    db["progress"].create_index(["annotator", "status", "article_id"])


def _v2_reviews(db: sqlite_utils.Database) -> None:
    """Adjudication (issue 6): who reviews which article, and the reviewer's choices as a log.

    Reviews live apart from `progress` and `decisions`, so a reviewer never fills an annotator's
    slot in routing and never shows up as an annotator in agreement figures.
    """
    db.execute(
        """
        CREATE TABLE reviews (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            reviewer TEXT NOT NULL,
            status TEXT NOT NULL,  -- doing | gold
            updated_at REAL NOT NULL,
            PRIMARY KEY (article_id, reviewer)
        ) WITHOUT ROWID
        """
    )
    db["reviews"].create_index(["status", "article_id"])
    # Append-only like `decisions`: an item's resolution is its latest row; item '*' holds the
    # article's whole gold as it stood when the reviewer finished it.
    db.execute(
        """
        CREATE TABLE review_decisions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            reviewer TEXT NOT NULL,
            item TEXT NOT NULL,   -- the disagreement's key (JSON), or '*'
            spans TEXT NOT NULL,  -- JSON list of the chosen spans
            session TEXT,
            created_at REAL NOT NULL
        )
        """
    )
    db["review_decisions"].create_index(["article_id", "reviewer", "item", "id"])


def _v3_span_models(db: sqlite_utils.Database) -> None:
    """Model in the loop (issue 16): which model suggested each span.

    NULL for spans no model made (manual, imported) and for suggestions made before this was
    recorded; `annotator suggest` fills it for the suggestions it writes, import for its own.
    """
    db["spans"].add_column("model", str)



def _v4_annotators_day(db: sqlite_utils.Database) -> None:
    """Active time and flags (issue 19), one row per article and annotator each.

    `activity` is a running total, updated in the same transaction as each action (a decision, an
    undo, a flag, done), so a killed app loses none of it: active_s grows by the gap since
    last_at, cut at the schema's idle_after; opening an article moves last_at to the moment it
    opened, so the time it was closed never counts. `flags` holds the current note; clearing a flag
    deletes its row.
    """
    db.execute(
        """
        CREATE TABLE activity (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL,
            active_s REAL NOT NULL,
            actions INTEGER NOT NULL,
            last_at REAL NOT NULL,
            PRIMARY KEY (article_id, annotator)
        ) WITHOUT ROWID
        """
    )
    db["activity"].create_index(["annotator"])
    db.execute(
        """
        CREATE TABLE flags (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL,
            note TEXT NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (annotator, article_id)
        ) WITHOUT ROWID
        """
    )
    db["flags"].create_index(["article_id"])


def _v5_article_scores(db: sqlite_utils.Database) -> None:
    """Which article next (issue 28): each article's uncertainty under the model that last scored
    it, and its rank in the `uncertain` order (1 first), written by `suggest` and `learn` after a
    scoring, read by routing. Plain DDL (no WITHOUT ROWID), portable to PostgreSQL."""
    db.execute(
        """
        CREATE TABLE article_scores (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            model TEXT NOT NULL,
            uncertainty REAL NOT NULL,
            rank INTEGER NOT NULL,
            scored_at REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_article_scores_rank ON article_scores (rank)")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1_initial, _v2_reviews, _v3_span_models,
                                                               _v4_annotators_day, _v5_article_scores]
LATEST = len(MIGRATIONS)
