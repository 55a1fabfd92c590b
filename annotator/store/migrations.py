"""Schema migrations, numbered by PRAGMA user_version.

Each migration is a function of a sqlite-utils Database, applied once, in order, inside one
transaction with the new user_version. We keep the version in user_version (not a table)
so that a database from a newer annotator is recognised before anything is read.
"""

from __future__ import annotations

from collections.abc import Callable

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
            "tokens": str,  # JSON [[start, end], ...] from spaCy's tokenizer, computed once at import
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
    db["decisions"].create_index(["span_id", "annotator", "id"])
    db["decisions"].create_index(["undoes"])
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
    db["states"].create_index(["annotator", "article_id"])
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


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1_initial]
LATEST = len(MIGRATIONS)
