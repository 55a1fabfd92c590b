"""How long "accept all" takes on a big article: the store's one transaction, and the app's whole round.

Builds one article of about 300 kB (50,000 words of seed vocabulary) with 10,000 undecided entity
spans, then measures, each --rounds times on a fresh copy of the database:
  store  AnnotationSession.finish(): every undecided span accepted and the article marked done, in
         one transaction (what `d` then `a` in the done dialog commits);
  app    in the app (Textual's Pilot, 80x24, no terminal): from pressing `a` in the done dialog until
         the next screen is settled (the commit, then opening what comes next).
Prints the medians with the load average. Target: app <= 1.0 s.

    .venv/bin/python benchmarks/accept_all.py [--rounds 3] [--words 50000] [--spans 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.schema import load_schema  # noqa: E402
from annotator.session import AnnotationSession  # noqa: E402
from annotator.store import Store  # noqa: E402
from benchmarks.tui import build_text, make_app_db, spans_for  # noqa: E402

TARGET_S = 1.0
WHO = "bench"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def time_store(db: Path) -> float:
    schema = load_schema(ROOT / "schemas" / "news.yaml")
    with Store(db) as store:
        session = AnnotationSession(store, schema, WHO)
        loaded = session.open(None)
        assert loaded.article is not None
        started = time.perf_counter()
        session.finish(loaded.article.id, loaded.spans)
        elapsed = time.perf_counter() - started
        assert store.status(loaded.article.id, WHO) == "done"
        assert all(span.status == "accepted" for span in store.spans(loaded.article.id, WHO))
    return elapsed


async def _time_app(db: Path) -> float:
    from annotator.tui.app import AnnotatorApp

    schema = load_schema(ROOT / "schemas" / "news.yaml")
    with Store(db) as store:
        app = AnnotatorApp(store, schema, WHO)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await app.main.settled()
            await pilot.press("d")
            for _ in range(200):  # the dialog opens once the queued `d` ran
                await pilot.pause(0.01)
                if app.screen is not app.main:
                    break
            started = time.perf_counter()
            await pilot.press("a")
            await pilot.pause()
            await app.main.settled()
            await pilot.pause()
            elapsed = time.perf_counter() - started
        article_id = 1
        assert store.status(article_id, WHO) == "done"
    return elapsed


def time_app(db: Path) -> float:
    return asyncio.run(_time_app(db))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--spans", type=int, default=10_000)
    args = parser.parse_args()
    paragraphs = build_text(args.words)
    spans = spans_for(paragraphs, args.spans)
    loads = [load_average()]
    figures: dict[str, list[float]] = {"store": [], "app": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = make_app_db(folder, paragraphs, spans)
        with Store(template) as store:
            size = len(store.article(1).text.encode())  # type: ignore[union-attr]
            count = len(store.spans(1, WHO))
        for round_ in range(args.rounds):
            for case, measure in (("store", time_store), ("app", time_app)):
                db = folder / f"{case}-{round_}.db"
                shutil.copy(template, db)
                figures[case].append(measure(db))
    loads.append(load_average())
    print(f"accept all: one article of {size / 1000:.0f} kB with {count:,} undecided spans, {args.rounds} rounds")
    for case, values in figures.items():
        print(f"  {case:>5}: median {statistics.median(values):.3f} s  (runs: {', '.join(f'{v:.3f}' for v in values)})")
    print(f"  load average before / after: {loads[0]} / {loads[-1]}")
    app = statistics.median(figures["app"])
    if app > TARGET_S:
        print(f"  over the target: app {app:.2f} s > {TARGET_S} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
