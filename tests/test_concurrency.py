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

from annotator.model import ArticleDraft, SpanDraft
from annotator.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import concurrency  # noqa: E402

CTX = mp.get_context("fork")


def make_articles(path: Path, count: int) -> None:
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


def race(path: Path, processes: int, overlap: int | None) -> dict[str, list[int]]:
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
def test_routing_race_never_hands_an_article_to_more_than_overlap(tmp_path, overlap):
    path, articles, processes = tmp_path / "race.db", 30, 5
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


def test_overlap_one_gives_two_annotators_different_articles_and_two_the_same(tmp_path):
    path = tmp_path / "two.db"
    make_articles(path, 4)
    with Store(path) as alice, Store(path) as bob:
        assert (alice.next_article("alice", 1), bob.next_article("bob", 1)) == (1, 2)
        assert (alice.next_article("alice", 1), bob.next_article("bob", 1)) == (1, 2)  # they resume
        assert (alice.next_article("carol", 2), bob.next_article("dave", 2)) == (1, 2)
        assert alice.next_article("erin", 2) == 3  # 1 and 2 have their two


def test_no_decision_lost_under_many_writers(tmp_path):
    figures = concurrency.run(processes=4, decisions=150, path=tmp_path / "bench.db")
    assert figures["written"] == figures["expected"] == figures["states"] == 600
    assert figures["errors"] == 0


def test_a_busy_database_makes_a_writer_wait_not_fail(tmp_path):
    path = tmp_path / "busy.db"
    make_articles(path, 1)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock for a while
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
