"""The store: decisions append, state folds, undo reverses, status and progress, open/migrate errors."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.errors import DatabaseError
from annotator.model import ArticleDraft, SpanDraft
from annotator.store import Store, migrations

TEXT = "UN envoy Staffan de Mistura said: “Spoilers will not prevail.” He left."


def add_article(store: Store, text: str = TEXT, digest: str = "h1") -> int:
    spans = (
        SpanDraft(0, 2, "ORG"),
        SpanDraft(9, 27, "ORG"),
        SpanDraft(34, 62, "QUOTE", "quote", speaker=1, speaker_entity=1),
    )
    with store.write() as conn:
        return store.insert_article(conn, ArticleDraft(text, spans=spans), digest, [(0, 2)], "model")


def test_spans_start_undecided_in_text_order(store):
    article = add_article(store)
    views = store.spans(article, "alice")
    assert [(v.start, v.label, v.status) for v in views] == [(0, "ORG", "undecided"), (9, "ORG", "undecided"),
                                                              (34, "QUOTE", "undecided")]
    assert views[2].speaker_span_id == views[1].id


def test_decisions_fold_into_state_and_log_is_append_only(store):
    article = add_article(store)
    un, envoy, quote = store.spans(article, "alice")
    assert store.decide("alice", envoy.id, "relabel", label="PERSON").label == "PERSON"
    assert store.decide("alice", un.id, "reject").status == "rejected"
    adjusted = store.decide("alice", quote.id, "adjust", start=35, end=61)
    assert (adjusted.start, adjusted.end, adjusted.status) == (35, 61, "accepted")
    assert adjusted.adjusted and not adjusted.relabelled
    # another annotator sees none of it
    assert {v.status for v in store.spans(article, "bob")} == {"undecided"}
    assert [d.action for d in store.decisions("alice")] == ["relabel", "reject", "adjust"]
    assert store.progress("alice", article).spans_decided == 3


def test_undo_walks_back_every_decision_and_appends(store):
    article = add_article(store)
    un, envoy, _ = store.spans(article, "alice")
    store.decide("alice", un.id, "accept")
    store.decide("alice", envoy.id, "relabel", label="PERSON")
    store.decide("alice", envoy.id, "reject")
    assert store.undo("alice", article).status == "accepted"  # back to the relabel
    assert store.span(envoy.id, "alice").label == "PERSON"
    assert store.undo("alice", article).label == "ORG"
    assert store.undo("alice", article).id == un.id
    assert store.undo("alice", article) is None
    assert {v.status for v in store.spans(article, "alice")} == {"undecided"}
    actions = [d.action for d in store.decisions("alice")]
    assert actions == ["accept", "relabel", "reject", "undo", "undo", "undo"]


def test_undo_is_per_annotator(store):
    article = add_article(store)
    un = store.spans(article, "alice")[0]
    store.decide("alice", un.id, "accept")
    assert store.undo("bob", article) is None
    assert store.span(un.id, "alice").status == "accepted"


def test_speaker_decision_and_manual_spans_are_private(store):
    article = add_article(store)
    un, envoy, quote = store.spans(article, "alice")
    he = store.add_span("alice", article, 63, 65, "SPEAKER", "speaker")
    assert he.origin == "manual" and he.status == "accepted"
    assert len(store.spans(article, "alice")) == 4 and len(store.spans(article, "bob")) == 3
    changed = store.decide("alice", quote.id, "speaker", speaker_span_id=he.id)
    assert changed.speaker_span_id == he.id and changed.speaker_entity_span_id is None
    assert store.decide("alice", quote.id, "speaker", speaker_span_id=None).speaker_span_id is None
    store.undo("alice", article)
    store.undo("alice", article)
    store.undo("alice", article)  # the manual span's own acceptance: it disappears
    assert len(store.spans(article, "alice")) == 3


def test_next_article_resumes_then_claims_with_overlap(store):
    first = add_article(store, "one", "a")
    second = add_article(store, "two", "b")
    assert store.next_article("alice") == first
    assert store.next_article("alice") == first  # resumes the article in progress
    assert store.next_article("bob", overlap=1) == second  # first is taken
    assert store.next_article("carol", overlap=1) is None
    assert store.next_article("carol", overlap=2) == first
    store.set_status(first, "alice", "done")
    assert store.status(first, "alice") == "done"
    assert store.next_article("alice", overlap=None) == second
    assert store.progress("alice").articles_done == 1


def test_a_place_left_idle_is_free_for_others_and_decisions_keep_it(store):
    first, second = add_article(store, "one", "a"), add_article(store, "two", "b")
    assert store.next_article("bob", overlap=1) == first
    with store.write() as conn:  # bob opened it an hour ago and did nothing since
        conn.execute("UPDATE progress SET updated_at = updated_at - 3600 WHERE annotator = 'bob'")
    assert store.neighbour(second, -1, "alice", overlap=1) == first
    span = store.spans(first, "bob")[0]
    store.decide("bob", span.id, "accept")  # a decision: bob is active again
    assert store.neighbour(second, -1, "alice", overlap=1) is None
    with store.write() as conn:
        conn.execute("UPDATE progress SET updated_at = updated_at - 3600 WHERE annotator = 'bob'")
    assert store.next_article("alice", overlap=1) == first
    assert store.next_article("carol", overlap=1) == second  # alice is active on the first now
    assert store.status(first, "bob") == "doing"  # bob's work stays his


def test_position_and_neighbours(store):
    ids = [add_article(store, f"text {i}", str(i)) for i in range(3)]
    assert store.position(ids[1]) == (2, 3)
    assert store.neighbour(ids[1], 1) == ids[2]
    assert store.neighbour(ids[0], -1) is None
    store.set_status(ids[1], "bob", "doing")  # article 2 is full at overlap 1, not at 2
    assert store.neighbour(ids[0], 1, "alice", overlap=1) == ids[2]
    assert store.neighbour(ids[2], -1, "alice", overlap=1) == ids[0]
    assert store.neighbour(ids[0], 1, "alice", overlap=2) == ids[1]
    assert store.neighbour(ids[0], 1, "bob", overlap=1) == ids[1]  # their own article is always there
    assert store.neighbour(ids[0], 1, "alice", overlap=None) == ids[1]


def test_reopen_keeps_everything(db_at, backend):
    with Store(db_at) as store:
        article = add_article(store)
        store.decide("alice", store.spans(article, "alice")[0].id, "accept")
    with Store(db_at) as store:
        assert store.spans(article, "alice")[0].status == "accepted"
        if backend == "sqlite":
            assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def _version(store: Store) -> int:
    if store.dialect == "sqlite":
        return store.conn.execute("PRAGMA user_version").fetchone()[0]
    return int(store.conn.execute("SELECT value FROM annotator_meta WHERE key = 'version'").fetchone()[0])


def test_older_database_is_migrated_and_sqlite_backed_up(db_at, backend, tmp_path, monkeypatch):
    with Store(db_at) as store:
        add_article(store)
    notes = migrations.Migration("notes", ("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
                                           "INSERT INTO notes (text) VALUES ('migrated')"))
    newer = [*migrations.MIGRATIONS, notes]
    monkeypatch.setattr("annotator.store.connection.MIGRATIONS", newer)
    monkeypatch.setattr("annotator.store.connection.LATEST", len(newer))
    with Store(db_at) as store:
        assert _version(store) == len(newer)
        assert store.conn.execute("SELECT id, text FROM notes").fetchall() == [(1, "migrated")]
        assert store.article_count() == 1
    with Store(db_at) as store:  # migrated once only
        assert store.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 1
    if backend == "sqlite":
        backups = list(tmp_path.glob(f"test.db.v{migrations.LATEST}-*.bak"))
        assert len(backups) == 1
        with sqlite3.connect(backups[0]) as old:
            assert old.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST


def test_a_failed_migration_leaves_the_database_as_it_was(db_at, monkeypatch):
    with Store(db_at) as store:
        add_article(store)
    broken = migrations.Migration("broken", ("CREATE TABLE half (id INTEGER PRIMARY KEY)", "CREATE TABLE spans (x TEXT)"))
    monkeypatch.setattr("annotator.store.connection.MIGRATIONS", [*migrations.MIGRATIONS, broken])
    monkeypatch.setattr("annotator.store.connection.LATEST", migrations.LATEST + 1)
    with pytest.raises(Exception):  # noqa: B017 - each backend says it its own way
        Store(db_at)
    monkeypatch.undo()
    with Store(db_at) as store:
        assert _version(store) == migrations.LATEST and store.article_count() == 1
        assert "half" not in {row[0] for row in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'" if store.dialect == "sqlite" else
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").fetchall()}


def test_newer_database_is_refused(db_at):
    with Store(db_at) as store:
        if store.dialect == "sqlite":
            store.conn.execute("PRAGMA user_version = 99")
        else:
            store.conn.execute("UPDATE annotator_meta SET value = '99' WHERE key = 'version'")
    with pytest.raises(DatabaseError, match="newer annotator"):
        Store(db_at)


def test_not_a_database_and_foreign_database(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(DatabaseError, match="not an annotator database"):
        Store(junk)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(DatabaseError, match="not an annotator database"):
        Store(other)
    with pytest.raises(DatabaseError, match="no such database"):
        Store(tmp_path / "missing.db", create=False)


def test_foreign_and_empty_postgresql_databases(pg_url):
    import psycopg

    with pytest.raises(DatabaseError, match="no annotator database there yet"):
        Store(pg_url, create=False)  # reading commands create nothing
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM information_schema.tables"
                            " WHERE table_schema = 'public'").fetchone()[0] == 0
        conn.execute("CREATE TABLE customers (id int)")
    with pytest.raises(DatabaseError, match="not an annotator database") as refused:
        Store(pg_url)
    assert str(refused.value).count("\n") == 0 and pg_url in str(refused.value)
    with psycopg.connect(pg_url, autocommit=True) as conn:  # left as it was
        assert conn.execute("SELECT count(*) FROM information_schema.tables"
                            " WHERE table_schema = 'public'").fetchone()[0] == 1


def test_stats_counts(store):
    article = add_article(store)
    store.decide("alice", store.spans(article, "alice")[0].id, "accept")
    store.set_status(article, "alice", "done")
    figures = store.stats()
    assert (figures["articles"], figures["spans"], figures["decisions"]) == (1, 3, 1)
    assert figures["spans_by_label"] == {"ORG": 2, "QUOTE": 1}
    alice = figures["annotators"]["alice"]
    assert (alice["decisions"], alice["decision_log"], alice["articles_done"]) == (1, 1, 1)


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_active_time_adds_the_gaps_between_actions_and_cuts_idle_ones(store):
    article = add_article(store)
    store.clock = clock = FakeClock()
    store.idle_after = 120
    spans = store.spans(article, "alice")
    store.start_stretch(article, "alice")  # opened: reading time before the first decision counts
    clock.advance(30)
    store.decide("alice", spans[0].id, "accept")
    clock.advance(3600)  # lunch: counts as 120 s
    store.decide("alice", spans[1].id, "reject")
    clock.advance(10)
    store.undo("alice", article)
    assert store.active_seconds(article, "alice") == 30 + 120 + 10
    clock.advance(86400)  # closed overnight, opened again: the night never counts
    store.start_stretch(article, "alice")
    clock.advance(5)
    store.set_status(article, "alice", "done")
    assert store.active_seconds(article, "alice") == 165
    figures = store.stats()
    alice = figures["annotators"]["alice"]
    # 2 decisions and one undo of the second: 1 standing, 3 in the log.
    assert (alice["decisions"], alice["decision_log"], figures["decisions"], figures["decision_log"]) == (1, 3, 1, 3)
    assert alice["median_active_s"] == 165 and alice["articles_done"] == 1
    assert alice["decisions_per_active_hour"] == round(1 / (165 / 3600), 1)


def test_flags_edit_clear_and_go_round(store):
    first, second = add_article(store), add_article(store, TEXT + " Again, and more.", "h2")
    assert store.set_flag(first, "alice", "  not sure   about\nthe ORG ") == "not sure about the ORG"
    assert store.flag(first, "alice") == "not sure about the ORG"
    assert store.status(first, "alice") == "doing"  # a flag takes the article's place like a decision
    store.set_flag(second, "alice", "speaker?")
    assert store.next_flagged("alice", first) == second
    assert store.next_flagged("alice", second) == first  # round to the first
    assert store.set_flag(first, "alice", "") is None
    assert store.flag(first, "alice") is None
    assert store.next_flagged("alice", second) == second
    assert store.next_flagged("bob", 0) is None
    assert [row["note"] for row in store.flags()] == ["speaker?"]


def test_a_snapshot_sees_one_state_while_another_process_writes(db_at):
    """Store.snapshot (training's read, migrate's source): later commits by others stay out of it."""
    with Store(db_at) as reader, Store(db_at) as writer:
        add_article(reader)
        with reader.snapshot() as conn:
            before = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            add_article(writer, "Another text.", "h2")  # committed meanwhile, through its own connection
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == before == 1
        assert reader.article_count() == 2


def test_imported_active_time_adds_to_what_is_there(store):
    from annotator.store import day

    article = add_article(store)
    for seconds in (30.0, 12.5):
        with store.write() as conn:
            day.add_active(conn, article, "alice", seconds, 1_000.0)
    assert store.active_seconds(article, "alice") == 42.5


def test_finish_accepts_in_bulk_what_one_decision_at_a_time_would(store):
    """finish() writes its accepts in bulk (benchmarks/accept_all.py): the states it leaves are those
    the fold of each span's decisions gives, a speaker set before is kept, others' spans untouched."""
    article = add_article(store)
    un, envoy, quote = store.spans(article, "alice")
    store.decide("alice", un.id, "reject")
    store.decide("alice", quote.id, "speaker", speaker_span_id=un.id)  # a state, still undecided
    store.decide("bob", envoy.id, "reject")
    store.finish(article, "alice", [envoy.id, quote.id])
    after = {v.id: (v.status, v.label, v.start, v.end, v.speaker_span_id) for v in store.spans(article, "alice")}
    assert after == {un.id: ("rejected", "ORG", 0, 2, None), envoy.id: ("accepted", "ORG", 9, 27, None),
                     quote.id: ("accepted", "QUOTE", 34, 62, un.id)}
    from annotator.store import decisions

    with store.write() as conn:  # fold every span again from the log: nothing changes
        for span_id in after:
            decisions.refresh_state(conn, span_id, "alice")
    assert {v.id: (v.status, v.label, v.start, v.end, v.speaker_span_id) for v in store.spans(article, "alice")} == after
    assert [(d.span_id, d.action) for d in store.decisions("alice")][-2:] == [(envoy.id, "accept"), (quote.id, "accept")]
    assert store.spans(article, "bob")[1].status == "rejected"
    assert store.status(article, "alice") == "done"


def _random_decisions(store: Store, article: int, seed: int, steps: int = 40) -> list:
    """A seeded run of every kind of decision (and undos) by two annotators on one article: what each
    call returned, then every span as each annotator sees it and the states table."""
    import random

    rng = random.Random(seed)
    spans = store.spans(article, "alice")
    quote = next(v for v in spans if v.kind == "quote")
    seen: list = []
    for _ in range(steps):
        who, span = rng.choice(("alice", "bob")), rng.choice(spans)
        action = rng.choice(("accept", "reject", "relabel", "relabel", "adjust", "speaker", "cue", "undo"))
        if action == "undo":
            seen.append(store.undo(who, article))
        elif action in ("speaker", "cue"):
            seen.append(store.decide(who, quote.id, action, speaker_span_id=rng.choice(spans).id))
        else:
            seen.append(store.decide(who, span.id, action, label=rng.choice(("PERSON", "", None, "ORG")),
                                     start=span.start + rng.choice((0, 1)), end=span.end - rng.choice((0, 1))))
    seen += [store.spans(article, who) for who in ("alice", "bob")]
    seen.append(store.conn.execute('SELECT span_id, annotator, article_id, status, label, start, "end",'
                                   " speaker_span_id, speaker_entity_span_id, cue_span_id, decision_id FROM states"
                                   " ORDER BY span_id, annotator").fetchall())
    return seen


@pytest.mark.parametrize("seed", range(6))
def test_postgresql_decides_on_the_server_as_sqlite_folds_in_python(tmp_path, pg_url, seed):
    """A decision on PostgreSQL is one call of annotator_decide (migration 7): its fold in SQL, its
    writes and the span it returns are those of decisions.append on SQLite, step by step."""
    runs = []
    for where in (tmp_path / "test.db", pg_url):
        with Store(where) as store:
            article = add_article(store)
            runs.append([tuple(map(tuple, row)) if isinstance(row, list) else row
                         for row in _random_decisions(store, article, seed)])
    assert runs[0] == runs[1]


def test_a_postgresql_database_of_version_6_gets_the_decision_function(pg_url, monkeypatch):
    """Databases made before migration 7 are migrated on open and then decide on the server; an SQLite
    file of version 6 is moved to 7 without a backup (migration 7 has nothing for SQLite)."""
    monkeypatch.setattr("annotator.store.connection.MIGRATIONS", migrations.MIGRATIONS[:6])
    monkeypatch.setattr("annotator.store.connection.LATEST", 6)
    with Store(pg_url) as store:
        article = add_article(store)
        assert store.conn.execute("SELECT to_regproc('annotator_decide') IS NULL").fetchone()[0]
    monkeypatch.undo()
    with Store(pg_url) as store:
        assert _version(store) == migrations.LATEST == 7
        span = store.spans(article, "alice")[0]
        assert store.decide("alice", span.id, "relabel", label="PERSON").label == "PERSON"
        assert store.conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1


def test_an_sqlite_database_of_version_6_is_moved_to_7_without_a_backup(tmp_path, monkeypatch):
    path = tmp_path / "v6.db"
    monkeypatch.setattr("annotator.store.connection.MIGRATIONS", migrations.MIGRATIONS[:6])
    monkeypatch.setattr("annotator.store.connection.LATEST", 6)
    with Store(path) as store:
        add_article(store)
    monkeypatch.undo()
    with Store(path) as store:
        assert _version(store) == 7 and store.article_count() == 1
    assert not list(tmp_path.glob("*.bak"))


def test_at_overlap_all_next_article_resumes_then_claims_the_next(store):
    """PostgreSQL looks for the unfinished article and claims in one round trip at overlap all
    (dialect.RESUME_WITH_CLAIM): the same answers as SQLite's look, then claim."""
    first, second = add_article(store), add_article(store, digest="h2")
    assert store.next_article("alice", None) == first
    assert store.next_article("alice", None) == first  # resumed, nothing more claimed
    assert store.status(first, "alice") == "doing" and store.status(second, "alice") == "todo"
    store.set_status(first, "alice", "done")
    assert store.next_article("alice", None) == second
    assert store.next_article("bob", None) == first  # everyone gets every article
    store.set_status(second, "alice", "done")
    assert store.next_article("alice", None) is None
