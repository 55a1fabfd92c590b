"""Kill at any moment: nothing the screen showed is lost, and the database stays sound.

The app runs on a pseudo-terminal (`annotator annotate`); the test presses keys (j/k/a/x/u/])
with random gaps and sends SIGKILL (or, as a dropped SSH link does, hangs the terminal up and
sends SIGHUP) at a random moment: often while a decision is being committed or painted. Then:

- what the screen showed last (pyte reads the pty) must be in the database: the span statuses it
  showed equal the database's decision log folded up to its end, or to a point at most as many
  decisions back as deciding keys were pressed (a decision may be committed and not yet shown;
  never the other way round);
- `PRAGMA integrity_check` is ok;
- the app opens again on the same database, and its first screen agrees with the log exactly.

KILLS (env ANNOTATOR_KILLS, default 50) sessions of a second or so each; the seed is printed and
can be fixed with ANNOTATOR_KILL_SEED.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

pyte = pytest.importorskip("pyte")

from annotator.model import ArticleDraft, SpanDraft  # noqa: E402
from annotator.store import Store  # noqa: E402
from tests.ptyapp import PtyApp, Shown  # noqa: E402
from tests.reliability import REPO, integrity  # noqa: E402

NEWS = REPO / "schemas" / "news.yaml"
KILLS = int(os.environ.get("ANNOTATOR_KILLS", "50"))
ARTICLES = 30
LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "MISC", "QUOTE"]
KEYS = "aaaaxxxjjkuuu]"


def _article(n: int, rng: random.Random) -> ArticleDraft:
    words = [f"word{n}x{i}" for i in range(rng.randint(6, 10))]
    text = " ".join(words) + "."
    spans, at = [], 0
    for i, word in enumerate(words):
        label = LABELS[(n + i) % len(LABELS)]
        spans.append(SpanDraft(at, at + len(word), label, "quote" if label == "QUOTE" else "entity"))
        at += len(word) + 1
    return ArticleDraft(text, title=f"Report {n}", source="Wire", date="2024-01-01", spans=tuple(spans))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "template.db"
    rng = random.Random(7)
    with Store(path) as store, store.write() as conn:
        for n in range(1, ARTICLES + 1):
            draft = _article(n, rng)
            tokens = [m.span() for m in re.finditer(r"\S+", draft.text)]
            store.insert_article(conn, draft, f"hash-{n}", tokens, "model")
    return path


def fold(rows: list[tuple[int, int, str, int | None]], upto: int) -> dict[int, str]:
    """Span statuses after the first `upto` decisions (id, span_id, action, undoes) of the log."""
    kept = rows[:upto]
    undone = {undoes for _, _, action, undoes in kept if action == "undo"}
    status: dict[int, str] = {}
    for decision_id, span_id, action, _ in kept:
        if action == "undo" or decision_id in undone:
            continue
        if action in ("accept", "relabel", "adjust"):
            status[span_id] = "accepted"
        elif action == "reject":
            status[span_id] = "rejected"
    return status


def database_view(db: Path, annotator: str, position: int) -> tuple[list[tuple[int, str]], list[tuple], int]:
    """((span id, label) in screen order, the annotator's decision log for the article, article id)."""
    conn = sqlite3.connect(str(db))
    try:
        (article_id,) = conn.execute("SELECT id FROM articles ORDER BY id LIMIT 1 OFFSET ?", (position - 1,)).fetchone()
        spans = conn.execute(
            'SELECT id, label FROM spans WHERE article_id = ? ORDER BY start, "end" DESC, id', (article_id,)).fetchall()
        log = conn.execute(
            "SELECT id, span_id, action, undoes FROM decisions WHERE annotator = ? AND article_id = ? ORDER BY id",
            (annotator, article_id)).fetchall()
        return spans, log, article_id
    finally:
        conn.close()


def check(db: Path, annotator: str, history: list[Shown], back: int) -> tuple[bool, str, int, bool]:
    """Does the last whole screen equal the log folded at N - k decisions for some k <= back?

    Returns (ok, why, decided spans shown, torn). A screen is whole when its rows are the article's
    spans (labels in order); a kill in the middle of a paint leaves a torn one, mixing two
    articles: then the screen before it is checked (a decision shows only after its commit, so
    the torn screen holds nothing the log may lack that the one before did not).
    """
    for age, shown in enumerate(reversed(history)):
        if shown.position is None or not shown.rows:
            continue
        spans, log, article_id = database_view(db, annotator, shown.position)
        if [label for _, label in shown.rows] != [label for _, label in spans]:
            continue
        screen = [status for status, _ in shown.rows]
        for k in range(0, min(back, len(log)) + 1):
            state = fold(log, len(log) - k)
            if [state.get(span_id, "undecided") for span_id, _ in spans] == screen:
                return True, "", sum(1 for s in screen if s != "undecided"), age > 0
        return False, (f"article {article_id}: screen {screen} is no state of the last {back} decisions of the log"
                       f" {log}"), 0, age > 0
    return True, "no article on screen", 0, False


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kills = self.hangups = self.checked = self.torn = 0
        self.failures: list[str] = []


def _session(db: Path, annotator: str, rng: random.Random, where: str, tally: Tally) -> None:
    """Open the app, press some keys, kill it at a random moment, check what it showed."""
    app = PtyApp(db, annotator, NEWS)
    try:
        if not app.wait_for(lambda s: s.position is not None and s.rows, limit=30):
            raise AssertionError(f"{where}: the app did not open:\n" + "\n".join(app.text()))
        app.settle(0.03, 1.0)
        ok, why, _, torn = check(db, annotator, [app.shown()], back=0)
        assert ok and not torn, f"{where}, on reopening: {why}"
        app.history = [app.shown()]
        deciding = 0  # keys that append a decision: the log may be ahead of the screen by these
        for _ in range(rng.randint(1, 8)):
            key = rng.choice(KEYS)
            app.press(key)
            deciding += key in "axu"
            if rng.random() < 0.6:
                app.settle(0.02, 0.5)  # let it show
            else:
                app.pump(rng.random() * 0.01)  # or press on while it is still committing
        end = time.monotonic() + rng.random() * 0.05  # the kill lands at a random moment
        while app.pump(max(0.0, end - time.monotonic())) and time.monotonic() < end:
            pass
        hangup = rng.random() < 0.3
        if hangup:  # a dropped SSH link: what is not yet read never reached the user
            os.close(app.master)
            app.closed = True
            os.killpg(app.proc.pid, signal.SIGHUP)
            try:
                app.proc.wait(timeout=30)  # a loaded 2-core CI machine: ending is checked, not its speed
            except subprocess.TimeoutExpired:
                raise AssertionError(f"{where}: the app did not end on SIGHUP") from None
        else:
            app.kill(signal.SIGKILL)  # drains what it wrote: all of that was shown
        ok, why, decided, torn = check(db, annotator, app.history, back=deciding)
        assert ok, f"{where} ({'SIGHUP' if hangup else 'SIGKILL'}): {why}"
        assert integrity(db) == "ok", f"{where}: integrity_check failed"
        with tally.lock:
            tally.kills += 1
            tally.hangups += hangup
            tally.checked += decided
            tally.torn += torn
    finally:
        app.close()


def _worker(db: Path, annotator: str, rounds: int, seed: int, tally: Tally) -> None:
    rng = random.Random(f"{seed}-{annotator}")
    for round_ in range(rounds):
        try:
            _session(db, annotator, rng, f"seed {seed}, {annotator}, round {round_}", tally)
        except Exception as exc:  # noqa: BLE001 - reported by the test's thread
            with tally.lock:
                tally.failures.append(str(exc))
            return


def test_kill_at_any_moment_loses_nothing_shown(template, tmp_path):
    """Two annotators on one database, each killed KILLS/2 times at random moments."""
    seed = int(os.environ.get("ANNOTATOR_KILL_SEED", random.randrange(1 << 30)))
    print(f"kill test seed {seed} ({KILLS} kills)")
    db = tmp_path / "kill.db"
    db.write_bytes(template.read_bytes())
    tally = Tally()
    started = time.monotonic()
    share = {"alice": (KILLS + 1) // 2, "bob": KILLS // 2}
    threads = [threading.Thread(target=_worker, args=(db, name, rounds, seed, tally)) for name, rounds in share.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for failure in tally.failures:
        print(failure)
    assert not tally.failures, tally.failures[0][:2000]
    conn = sqlite3.connect(str(db))
    total = conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
    conn.close()
    print(f"{tally.kills} kills ({tally.hangups} hang-ups, {tally.torn} torn screens), {tally.checked} shown"
          " decisions checked,"
          f" {total} decisions in the log, {time.monotonic() - started:.1f} s")
    assert tally.kills == KILLS and total > 0


def test_export_interrupted_midway_leaves_no_half_file(template, tmp_path, monkeypatch):
    """An export stopped midway (Ctrl-C, an exception) leaves neither a half file under the target name
    nor its temporary file; a SIGKILL can leave only the hidden `.NAME.partial`, never a short NAME."""
    from annotator.export import parallel
    from annotator.formats import jsonl as writers

    db = tmp_path / "work.db"
    db.write_bytes(template.read_bytes())
    with Store(db) as store:
        for article in store.iter_articles():
            store.set_status(article.id, "alice", "done")
        target = tmp_path / "gold.jsonl"
        real, calls = writers.task_of, []

        def task_then_stop(gold):
            calls.append(gold)
            if len(calls) == ARTICLES // 2:
                raise KeyboardInterrupt
            return real(gold)

        monkeypatch.setattr(writers, "task_of", task_then_stop)
        with pytest.raises(KeyboardInterrupt):
            parallel.export_jsonl(store, target, workers=1)
    assert len(calls) == ARTICLES // 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work.db"]
