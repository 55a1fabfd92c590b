"""Many processes on one database: routing never over-assigns, no decision is lost, busy means wait."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.model import ArticleDraft, SpanDraft
from annotator.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import concurrency  # noqa: E402

CTX = mp.get_context("fork")


def make_articles(path: Path | str, count: int) -> None:
    with Store(path) as store, store.write() as conn:
        for n in range(count):
            store.insert_article(conn, ArticleDraft(f"Article number {n}.", spans=(SpanDraft(0, 7, "ORG"),)),
                                 f"a{n}", [], "model")


def claim_all(path: str, name: str, overlap: int | None, barrier, results) -> None:
    """One annotator: claim, finish, claim again, until nothing is left."""
    got = []
    with Store(path) as store:
        barrier.wait()
        while (article := store.next_article(name, overlap)) is not None:
            got.append(article)
            store.set_status(article, name, "done")
    results.put((name, got))


def race(path: Path | str, processes: int, overlap: int | None) -> dict[str, list[int]]:
    barrier, results = CTX.Barrier(processes), CTX.Queue()
    workers = [CTX.Process(target=claim_all, args=(str(path), f"p{i}", overlap, barrier, results))
               for i in range(processes)]
    for worker in workers:
        worker.start()
    got = dict(results.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=10)
    return got


@pytest.mark.parametrize("overlap", [1, 2, None])
def test_routing_race_never_hands_an_article_to_more_than_overlap(db_at, overlap):
    path, articles, processes = db_at, 30, 5
    make_articles(path, articles)
    got = race(path, processes, overlap)
    per_article = Counter(a for claims in got.values() for a in claims)
    for name, claims in got.items():
        assert len(claims) == len(set(claims)), f"{name} got an article twice"
    wanted = processes if overlap is None else overlap
    assert set(per_article) == set(range(1, articles + 1))  # every article handed out ...
    assert set(per_article.values()) == {wanted}  # ... to exactly `overlap` annotators
    with Store(path) as store:
        rows = store.conn.execute("SELECT article_id, count(*) FROM progress GROUP BY article_id").fetchall()
    assert {n for _, n in rows} == {wanted}


def test_overlap_one_gives_two_annotators_different_articles_and_two_the_same(db_at):
    path = db_at
    make_articles(path, 4)
    with Store(path) as alice, Store(path) as bob:
        assert (alice.next_article("alice", 1), bob.next_article("bob", 1)) == (1, 2)
        assert (alice.next_article("alice", 1), bob.next_article("bob", 1)) == (1, 2)  # they resume
        assert (alice.next_article("carol", 2), bob.next_article("dave", 2)) == (1, 2)
        assert alice.next_article("erin", 2) == 3  # 1 and 2 have their two


def test_no_decision_lost_under_many_writers(db_at):
    figures = concurrency.run(processes=4, decisions=150, path=db_at)
    assert figures["written"] == figures["expected"] == figures["states"] == 600
    assert figures["errors"] == 0


def _hold_the_write_lock(path: Path | str):
    """Another process's connection, holding the database's write lock until it commits."""
    if isinstance(path, Path):
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        return holder
    import psycopg

    from annotator.store.postgres import WRITE_LOCK

    holder = psycopg.connect(path, autocommit=True)
    holder.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    return holder


def test_a_busy_database_makes_a_writer_wait_not_fail(db_at):
    path = db_at
    make_articles(path, 1)
    holder = _hold_the_write_lock(path)  # another process holds the write lock for a while
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    with Store(path) as store:
        span = store.spans(1, "alice")[0]
        began = time.perf_counter()
        release.start()
        view = store.decide("alice", span.id, "accept")
        waited = time.perf_counter() - began
    release.join()
    holder.close()
    assert view.status == "accepted" and 0.3 < waited < 5


def test_a_database_busy_past_the_wait_is_one_line_not_a_hang(db_at, monkeypatch):
    make_articles(db_at, 1)
    monkeypatch.setattr("annotator.store.connection.WRITE_WAIT_S", 0.3)
    holder = _hold_the_write_lock(db_at)
    try:
        with Store(db_at) as store:
            span = store.spans(1, "alice")[0]
            with pytest.raises(UserError, match="stayed busy"):
                store.decide("alice", span.id, "accept")
            holder.execute("COMMIT")
            assert store.decide("alice", span.id, "accept").status == "accepted"  # and the store goes on
    finally:
        holder.close()


def test_postgresql_annotators_decide_side_by_side_but_a_claim_runs_alone(pg_url, monkeypatch):
    """A decision takes the writers' lock shared, with its annotator's own (docs/postgres.md): another
    annotator's decision goes through meanwhile; the same annotator's, and a claim, wait their turn."""
    make_articles(pg_url, 2)
    monkeypatch.setattr("annotator.store.connection.WRITE_WAIT_S", 0.3)
    with Store(pg_url) as alice, Store(pg_url) as bob, Store(pg_url) as other:
        span = alice.spans(1, "alice")[0]
        with alice.write(annotator="alice") as conn:
            conn.execute("SELECT 1").fetchone()  # alice's transaction now holds its locks
            assert bob.decide("bob", span.id, "accept").status == "accepted"
            with pytest.raises(UserError, match="stayed busy"):
                other.decide("alice", span.id, "reject")
            with pytest.raises(UserError, match="stayed busy"):
                other.next_article("carol")
        assert other.decide("alice", span.id, "reject").status == "rejected"  # and all go on
        assert other.next_article("carol") is not None


def test_postgresql_a_claim_at_overlap_all_runs_beside_the_others_decisions(pg_url, monkeypatch):
    """At overlap all a claim counts nobody's places: it takes the writers' lock shared, with its
    annotator's own, as a decision does; its own annotator's held write still makes it wait."""
    make_articles(pg_url, 2)
    monkeypatch.setattr("annotator.store.connection.WRITE_WAIT_S", 0.3)
    with Store(pg_url) as alice, Store(pg_url) as other:
        with alice.write(annotator="alice") as conn:
            conn.execute("SELECT 1").fetchone()  # alice's transaction now holds its locks
            assert other.next_article("carol", None) == 1
            with pytest.raises(UserError, match="stayed busy"):
                other.next_article("alice", None)
        assert other.next_article("alice", None) == 1
