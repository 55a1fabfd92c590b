"""Many annotators on one database at once: no decision lost, nobody waits long, no crash.

    python benchmarks/concurrency.py [--processes 8] [--decisions 2000] [--db PATH|URL]
                                     [--backends sqlite,postgresql] [--pg-url postgresql://…]

By default both backends run, one after the other: SQLite in a temporary file, and PostgreSQL in a
database of --pg-url (it must not exist yet or be empty) or, without one, of a server the benchmark
starts itself from the binaries the pgserver package ships (tests/pg.py), with PostgreSQL's
default, durable settings (fsync on, synchronous_commit on). --db runs one backend on that database.

Each process is one annotator: it claims articles with Store.next_article (overlap all, so everyone
gets every article), decides every span of each (accept, reject or relabel; one commit each, as the
app does), marks the article done, and goes on until it made its share of decisions. All start
at one barrier. Prints one JSON line, then a human summary: decisions written against expected
(must be equal), errors, the worst and 99th-percentile wait for one decision, decisions per second.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.model import ArticleDraft, SpanDraft  # noqa: E402
from annotator.store import Store  # noqa: E402

SPANS_PER_ARTICLE = 10
ACTIONS = ("accept", "reject", "relabel")


def make_database(path: Path | str, spans: int) -> None:
    """Enough articles of SPANS_PER_ARTICLE spans each for `spans` decisions per annotator."""
    words = " ".join(f"word{i}" for i in range(SPANS_PER_ARTICLE * 2))
    with Store(path) as store, store.write() as conn:
        for n in range(-(-spans // SPANS_PER_ARTICLE)):
            text = f"Article {n}. {words}"
            drafts = tuple(SpanDraft(12 + 8 * i, 17 + 8 * i, "ORG") for i in range(SPANS_PER_ARTICLE))
            store.insert_article(conn, ArticleDraft(text, spans=drafts), f"bench-{n}", [], "model")


def annotate(path: str, name: str, decisions: int, barrier, results) -> None:
    waits: list[float] = []
    errors = 0
    with Store(path) as store:
        barrier.wait()
        made = 0
        while made < decisions:
            article = store.next_article(name, None)
            if article is None:
                break
            for i, span in enumerate(store.spans(article, name)):
                if made >= decisions:
                    break
                action = ACTIONS[(i + made) % 3]
                began = time.perf_counter()
                try:
                    store.decide(name, span.id, action, label="PERSON" if action == "relabel" else None)
                except Exception:  # a busy database must retry inside the store, never reach here
                    errors += 1
                waits.append(time.perf_counter() - began)
                made += 1
            store.set_status(article, name, "done")
    results.put((name, made, errors, waits))


def run(processes: int = 8, decisions: int = 2000, path: Path | str | None = None) -> dict:
    """Run the benchmark; returns its figures (also used by tests/test_concurrency.py, small)."""
    tmp = None
    if path is None:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "bench.db"
    try:
        make_database(path, decisions)
        ctx = mp.get_context("fork")
        barrier, results = ctx.Barrier(processes + 1), ctx.Queue()
        workers = [ctx.Process(target=annotate, args=(str(path), f"annotator{i}", decisions, barrier, results))
                   for i in range(processes)]
        for worker in workers:
            worker.start()
        barrier.wait()
        began, utc, load_before = time.perf_counter(), time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()), os.getloadavg()[0]
        outcomes = [results.get(timeout=600) for _ in workers]
        seconds = time.perf_counter() - began
        for worker in workers:
            worker.join()
        with Store(path) as store:
            written = store.conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
            states = store.conn.execute("SELECT count(*) FROM states").fetchone()[0]
        waits = sorted(w for _, _, _, ws in outcomes for w in ws)
        expected = processes * decisions
        return {
            "benchmark": "concurrency", "backend": "postgresql" if isinstance(path, str) else "sqlite",
            "processes": processes, "decisions_per_process": decisions,
            "expected": expected, "written": written, "made": sum(m for _, m, _, _ in outcomes),
            "states": states, "errors": sum(e for _, _, e, _ in outcomes),
            "worst_wait_ms": round(waits[-1] * 1000, 2) if waits else None,
            "p99_wait_ms": round(waits[int(len(waits) * 0.99) - 1] * 1000, 2) if waits else None,
            "median_wait_ms": round(waits[len(waits) // 2] * 1000, 2) if waits else None,
            "seconds": round(seconds, 2), "decisions_per_s": round(written / seconds) if seconds else None,
            # The machine is shared: when the leg ran, and the 1-minute load average before and after it.
            "utc": utc, "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        }
    finally:
        if tmp is not None:
            tmp.cleanup()


def _postgres_database(url: str | None, no_fsync: bool = False) -> tuple[str, object | None]:
    """(URL of an empty database, the server we started or None)."""
    if url is not None:
        return url, None
    from tests import pg

    server = pg.start(fast=no_fsync)  # by default PostgreSQL's own settings: every commit flushed to disk
    import psycopg

    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute("CREATE DATABASE bench")
    return server.url("bench"), server


def main() -> None:
    from annotator.dburl import database, shown

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--decisions", type=int, default=2000, help="decisions per process")
    parser.add_argument("--db", default=None, help="one database to create, a path or a postgresql:// URL"
                        " (default: both backends, temporary databases)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="which to run without --db")
    parser.add_argument("--pg-url", default=None, help="PostgreSQL database to use (default: start a server)")
    parser.add_argument("--pg-no-fsync", action="store_true", help="the server we start: fsync and"
                        " synchronous_commit off (as the tests run it), to see what flushing each commit costs")
    args = parser.parse_args()
    legs: list[tuple[Path | str | None, object | None]] = []
    if args.db is not None:
        legs.append((database(args.db), None))
    else:
        for backend in args.backends.split(","):
            legs.append((None, None) if backend == "sqlite" else _postgres_database(args.pg_url, args.pg_no_fsync))
    ok = True
    for where, server in legs:
        try:
            figures = run(args.processes, args.decisions, where)
        finally:
            if server is not None:
                server.stop()  # type: ignore[attr-defined]
        if where is not None:
            figures["db"] = shown(where)
        ok = _report(figures) and ok
    sys.exit(0 if ok else 1)


def _report(figures: dict) -> bool:
    print(json.dumps(figures))
    ok = figures["written"] == figures["expected"] and figures["errors"] == 0
    print(f"{figures['backend']}: {figures['processes']} processes wrote {figures['written']:,} of {figures['expected']:,} decisions"
          f" ({'none lost' if ok else 'MISMATCH'}), {figures['errors']} errors, in {figures['seconds']} s:"
          f" {figures['decisions_per_s']:,} decisions/s; wait per decision median {figures['median_wait_ms']} ms,"
          f" p99 {figures['p99_wait_ms']} ms, worst {figures['worst_wait_ms']} ms"
          f" ({figures['utc']} UTC, load {figures['load'][0]} -> {figures['load'][1]})", flush=True)
    return ok


if __name__ == "__main__":
    main()
