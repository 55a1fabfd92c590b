"""Schema migrations, numbered: SQLite keeps the number in PRAGMA user_version, PostgreSQL in `annotator_meta`.

Each migration is a list of DDL statements in one portable dialect (SQLite's, which PostgreSQL
runs after store/postgres.py's `ddl()` maps its types: INTEGER -> bigint, INTEGER PRIMARY KEY ->
bigint identity, REAL -> double precision, BLOB -> bytea, TEXT -> text COLLATE "C" so text sorts
by code point as SQLite's BINARY does; WITHOUT ROWID dropped). A statement PostgreSQL must run
differently goes in `postgres` (the same number of statements, or a whole list of its own).
All of a database's missing migrations run in one transaction with the new version.

Adding one (docs/architecture.md): append `Migration("what it adds", ("CREATE TABLE …", …))`
to MIGRATIONS. We keep SQLite's version in user_version (not a table) so that a database from a
newer annotator is recognised before anything is read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    name: str
    statements: tuple[str, ...]  # portable DDL: SQLite runs it as it is, PostgreSQL through postgres.ddl()
    postgres: tuple[str, ...] | None = None  # PostgreSQL's own statements, where they must differ


_V1_INITIAL = Migration("articles, spans, the decision log, states, progress", (
    """CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        hash TEXT NOT NULL,
        title TEXT,
        source TEXT,
        date TEXT,
        dateline TEXT,
        text TEXT NOT NULL,
        meta TEXT NOT NULL,      -- JSON object
        tokens BLOB,             -- export's token JSON, compressed (see store/codec.py); computed once at import
        token_bounds BLOB,       -- token starts then ends, packed int32
        imported_at REAL NOT NULL
    )""",
    "CREATE UNIQUE INDEX idx_articles_hash ON articles (hash)",
    """CREATE TABLE spans (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        label TEXT NOT NULL,
        kind TEXT NOT NULL,      -- entity | quote | speaker
        origin TEXT NOT NULL,    -- model | manual | import
        speaker_span_id INTEGER REFERENCES spans(id),         -- quotes: the speaker as written beside the cue
        speaker_entity_span_id INTEGER REFERENCES spans(id),  -- quotes: the entity that mention resolves to
        cue_start INTEGER,
        cue_end INTEGER,
        created_by TEXT,         -- manual spans: the annotator who made them (only they see them)
        created_at REAL NOT NULL
    )""",
    "CREATE INDEX idx_spans_article_id_start ON spans (article_id, start)",
    # The log: append-only, never updated, never deleted.
    """CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        span_id INTEGER NOT NULL REFERENCES spans(id),
        article_id INTEGER NOT NULL REFERENCES articles(id),
        annotator TEXT NOT NULL,
        action TEXT NOT NULL,    -- accept | reject | relabel | adjust | speaker | undo
        label TEXT,
        start INTEGER,
        "end" INTEGER,
        speaker_span_id INTEGER,
        undoes INTEGER REFERENCES decisions(id),  -- undo rows: the decision they reverse
        session TEXT,
        created_at REAL NOT NULL
    )""",
    # No (span_id, ...) index: a span's decisions are found through (annotator, article_id), a few
    # hundred rows at most, and every imported span would pay for the extra index.
    "CREATE INDEX idx_decisions_annotator_article_id_id ON decisions (annotator, article_id, id)",
    # Partial: only undo rows are in it, so the million plain decisions cost it nothing.
    "CREATE INDEX idx_decisions_undoes ON decisions (undoes) WHERE undoes IS NOT NULL",
    # Derived from the log in the same transaction as each decision: each annotator's current
    # state of each span they touched, so screens, stats and export read one row per span
    # instead of replaying the log. Rebuildable from `decisions` at any time.
    """CREATE TABLE states (
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
    ) WITHOUT ROWID""",
    "CREATE INDEX idx_states_article_id_annotator ON states (article_id, annotator)",
    """CREATE TABLE progress (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        annotator TEXT NOT NULL,
        status TEXT NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (article_id, annotator)
    ) WITHOUT ROWID""",
    "CREATE INDEX idx_progress_annotator_status_article_id ON progress (annotator, status, article_id)",
))

# Adjudication (issue 6): who reviews which article, and the reviewer's choices as a log. Reviews
# live apart from `progress` and `decisions`, so a reviewer never fills an annotator's slot in
# routing and never shows up as an annotator in agreement figures.
_V2_REVIEWS = Migration("reviews and the reviewers' log", (
    """CREATE TABLE reviews (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        reviewer TEXT NOT NULL,
        status TEXT NOT NULL,  -- doing | gold
        updated_at REAL NOT NULL,
        PRIMARY KEY (article_id, reviewer)
    ) WITHOUT ROWID""",
    "CREATE INDEX idx_reviews_status_article_id ON reviews (status, article_id)",
    # Append-only like `decisions`: an item's resolution is its latest row; item '*' holds the
    # article's whole gold as it stood when the reviewer finished it.
    """CREATE TABLE review_decisions (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        reviewer TEXT NOT NULL,
        item TEXT NOT NULL,   -- the disagreement's key (JSON), or '*'
        spans TEXT NOT NULL,  -- JSON list of the chosen spans
        session TEXT,
        created_at REAL NOT NULL
    )""",
    "CREATE INDEX idx_review_decisions_article_id_reviewer_item_id ON review_decisions (article_id, reviewer, item, id)",
))

# Model in the loop (issue 16): which model suggested each span. NULL for spans no model made
# (manual, imported) and for suggestions made before this was recorded.
_V3_SPAN_MODELS = Migration("the model of each suggestion", ("ALTER TABLE spans ADD COLUMN model TEXT",))

# Active time and flags (issue 19), one row per article and annotator each. `activity` is a
# running total, updated in the same transaction as each action, so a killed app loses none of it
# (store/day.py). `flags` holds the current note; clearing a flag deletes its row.
_V4_ANNOTATORS_DAY = Migration("active time and flags", (
    """CREATE TABLE activity (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        annotator TEXT NOT NULL,
        active_s REAL NOT NULL,
        actions INTEGER NOT NULL,
        last_at REAL NOT NULL,
        PRIMARY KEY (article_id, annotator)
    ) WITHOUT ROWID""",
    "CREATE INDEX idx_activity_annotator ON activity (annotator)",
    """CREATE TABLE flags (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        annotator TEXT NOT NULL,
        note TEXT NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (annotator, article_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX idx_flags_article_id ON flags (article_id)",
))

# Which article next (issue 28): each article's uncertainty under the model that last scored it,
# and its rank in the `uncertain` order (1 first), written by `suggest` and `learn` after a
# scoring, read by routing (store/ordering.py). article_id is a key, not an identity: NOT NULL
# keeps postgres.ddl() from making it one.
_V5_ARTICLE_SCORES = Migration("article scores for the uncertain order", (
    """CREATE TABLE article_scores (
        article_id INTEGER NOT NULL PRIMARY KEY REFERENCES articles(id),
        model TEXT NOT NULL,
        uncertainty REAL NOT NULL,
        rank INTEGER NOT NULL,
        scored_at REAL NOT NULL
    )""",
    "CREATE INDEX idx_article_scores_rank ON article_scores (rank)",
))

# Every attribution (issue 33): a quote's cue is a span of its own (kind cue), linked from the quote
# as its speaker is. Quotes suggested before keep their cue's offsets (cue_start, cue_end) only.
# An annotator's `cue` decision links the quote to another cue span (states.cue_span_id; NULL: the
# suggestion's own cue stands).
_V6_CUE_SPANS = Migration("the cue span of each attribution", (
    "ALTER TABLE spans ADD COLUMN cue_span_id INTEGER",
    "ALTER TABLE states ADD COLUMN cue_span_id INTEGER",
))

# PostgreSQL decides on the server (issue 34): one key's decision is one call of annotator_decide,
# one statement in a transaction of its own (store/decisions.py, dialect.DECIDE), prepared, its plans
# cached by the server. It takes the writers' lock shared and its annotator's own lock, waiting at
# most p_wait_ms (postgres.PgConnection.begin_own_write's locks), and commits without waiting for
# the disk, as begin_own_write does; then it does what decisions.append does on SQLite: read the span and the
# annotator's standing decisions on it, fold them with the new one (session.fold_state's rule, said
# again in SQL: tests/test_store.py checks the two agree), log the decision, write the state, keep the
# annotator's place and count the action (routing.keep_place, day.count_action); it returns the span
# as it now stands (SpanView's columns, the cue as its two offsets), or no row when there is no such
# span. SQLite has nothing to add. A change to the fold, or to those writes, is a new migration
# that replaces the function (CREATE OR REPLACE), as this one made it.
_DECIDE_FUNCTION = """CREATE OR REPLACE FUNCTION annotator_decide(
    p_span bigint, p_speaker bigint, p_annotator text, p_action text, p_label text, p_start bigint, p_end bigint,
    p_session text, p_now double precision, p_idle_after double precision, p_lock integer, p_wait_ms integer)
RETURNS TABLE (id bigint, article_id bigint, kind text, origin text, suggested_label text, suggested_start bigint,
    suggested_end bigint, status text, label text, start bigint, "end" bigint, speaker_span_id bigint,
    speaker_entity_span_id bigint, cue_start bigint, cue_end bigint, created_by text, cue_span_id bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
    sp record;
    d record;
    v_status text := 'undecided';
    v_label text;
    v_start bigint;
    v_end bigint;
    v_speaker bigint;
    v_entity bigint;
    v_cue bigint;
    v_id bigint;
BEGIN
    -- In this order (a select list is evaluated left to right): the wait, then the locks.
    PERFORM set_config('lock_timeout', p_wait_ms::text, true), set_config('synchronous_commit', 'off', true),
            pg_advisory_xact_lock_shared(p_lock), pg_advisory_xact_lock(p_lock, hashtext(p_annotator));
    SELECT s.id, s.article_id, s.kind, s.origin, s.label, s.start, s."end", s.speaker_span_id,
           s.speaker_entity_span_id, s.cue_start, s.cue_end, s.created_by, s.cue_span_id
      INTO sp FROM spans s WHERE s.id = p_span;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_label := sp.label; v_start := sp.start; v_end := sp."end";
    v_speaker := sp.speaker_span_id; v_entity := sp.speaker_entity_span_id;
    -- session.fold_state: the standing decisions (neither an undo nor undone), oldest first, then the new one.
    FOR d IN
        SELECT x.action, x.label, x.start, x."end", x.speaker_span_id, k.kind AS speaker_kind FROM (
            SELECT 0 AS last, o.id, o.action, o.label, o.start, o."end", o.speaker_span_id FROM decisions o
             WHERE o.annotator = p_annotator AND o.article_id = sp.article_id AND o.span_id = p_span
               AND o.action <> 'undo' AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = o.id)
            UNION ALL
            SELECT 1, NULL, p_action, p_label, p_start, p_end, p_speaker) x
        LEFT JOIN spans k ON k.id = x.speaker_span_id
        ORDER BY x.last, x.id
    LOOP
        IF d.action IN ('accept', 'relabel') THEN
            v_status := 'accepted'; v_label := coalesce(nullif(d.label, ''), v_label);
        ELSIF d.action = 'reject' THEN
            v_status := 'rejected';
        ELSIF d.action = 'adjust' THEN
            v_status := 'accepted'; v_start := d.start; v_end := d."end";
        ELSIF d.action = 'speaker' THEN
            v_status := 'accepted'; v_speaker := d.speaker_span_id;
            v_entity := CASE WHEN d.speaker_kind = 'entity' THEN d.speaker_span_id END;
        ELSIF d.action = 'cue' THEN
            v_status := 'accepted'; v_cue := d.speaker_span_id;
        END IF;
    END LOOP;
    INSERT INTO decisions (span_id, article_id, annotator, action, label, start, "end", speaker_span_id, undoes,
                           session, created_at)
    VALUES (p_span, sp.article_id, p_annotator, p_action, p_label, p_start, p_end, p_speaker, NULL, p_session, p_now)
    RETURNING decisions.id INTO v_id;
    INSERT INTO states AS t (span_id, annotator, article_id, status, label, start, "end", speaker_span_id,
                             speaker_entity_span_id, cue_span_id, decision_id)
    VALUES (p_span, p_annotator, sp.article_id, v_status, v_label, v_start, v_end, v_speaker, v_entity, v_cue, v_id)
    ON CONFLICT ON CONSTRAINT states_pkey DO UPDATE SET article_id = excluded.article_id, status = excluded.status,
        label = excluded.label, start = excluded.start, "end" = excluded."end",
        speaker_span_id = excluded.speaker_span_id, speaker_entity_span_id = excluded.speaker_entity_span_id,
        cue_span_id = excluded.cue_span_id, decision_id = excluded.decision_id;
    INSERT INTO progress AS g (article_id, annotator, status, updated_at) VALUES (sp.article_id, p_annotator, 'doing', p_now)
    ON CONFLICT ON CONSTRAINT progress_pkey DO UPDATE SET updated_at = excluded.updated_at WHERE g.status = 'doing';
    INSERT INTO activity AS a (article_id, annotator, active_s, actions, last_at) VALUES (sp.article_id, p_annotator, 0, 1, p_now)
    ON CONFLICT ON CONSTRAINT activity_pkey DO UPDATE SET
        active_s = a.active_s + LEAST(GREATEST(excluded.last_at - a.last_at, 0), p_idle_after),
        actions = a.actions + 1, last_at = GREATEST(a.last_at, excluded.last_at);
    RETURN QUERY SELECT sp.id, sp.article_id, sp.kind::text, sp.origin::text, sp.label::text, sp.start, sp."end",
        v_status, v_label, v_start, v_end, v_speaker, v_entity, sp.cue_start, sp.cue_end, sp.created_by::text,
        coalesce(v_cue, sp.cue_span_id);
END
$fn$"""
_V7_DECIDE_ON_SERVER = Migration("PostgreSQL: a decision in one call", (), (_DECIDE_FUNCTION,))

MIGRATIONS: list[Migration] = [_V1_INITIAL, _V2_REVIEWS, _V3_SPAN_MODELS, _V4_ANNOTATORS_DAY, _V5_ARTICLE_SCORES,
                               _V6_CUE_SPANS, _V7_DECIDE_ON_SERVER]
LATEST = len(MIGRATIONS)

# Every table, in an order that keeps foreign keys satisfied (`annotator migrate` copies in it).
# A migration that adds a table adds it here too.
TABLES = ("articles", "spans", "decisions", "states", "progress", "reviews", "review_decisions", "activity", "flags",
          "article_scores")


def statements(migration: Migration, dialect: str) -> tuple[str, ...]:
    if dialect == "sqlite":
        return migration.statements
    from annotator.store.postgres import ddl

    return migration.postgres or tuple(ddl(s) for s in migration.statements)
