"""`annotator learn --every N`: retrain after every N newly finished articles, keep the new model
only when it does at least as well on the held-back articles, then re-suggest untouched articles.

Ctrl-C and SIGTERM set a flag that training checks between batches; the model folder is only ever
replaced by a rename (pipeline.write_atomically), so stopping never leaves half a model behind.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.learn.snapshot import MIN_ARTICLES


@dataclass
class Round:
    finished: int
    kept: bool
    new_f1: float
    current_f1: float
    resuggested: int = 0
    ranked: int = 0  # articles the kept model ranked for the uncertain order
    stopped: bool = False


@dataclass
class Stopper:
    """Set by SIGTERM or SIGINT; what training polls."""

    event: threading.Event = field(default_factory=threading.Event)

    def __call__(self) -> bool:
        return self.event.is_set()

    def install(self) -> Callable[[], None]:
        def handler(signum, frame):  # noqa: ARG001 - signal's signature
            self.event.set()

        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
        return lambda: [signal.signal(sig, old) for sig, old in previous.items()]


def finished_count(store: Any, annotator: str | None = None, gold: bool = False) -> int:
    from annotator.store import learning

    return learning.finished_count(store, annotator, gold)


def trained_on(output: Path) -> int:
    """How many finished articles the model at `output` learnt from (0: no model there yet)."""
    import json

    try:
        meta = json.loads((output / "meta.json").read_text())
    except (OSError, ValueError):
        return 0
    articles = (meta.get("annotator") or {}).get("articles") or {}
    return len(articles.get("train", ())) + len(articles.get("held_back", ()))


def current_scorer(schema: Any, output: Path) -> Callable[[Any, list], float]:
    """keep(): the new model's held-back F1 against the model at `output` (or the base's, when none)."""
    def keep(result, held) -> bool:
        current = result.base.f1
        if (output / "config.cfg").exists():
            import spacy

            from annotator.extract.matmul import use_numpy_matmul
            from annotator.learn.scoring import score
            from annotator.learn.train import predict

            nlp = use_numpy_matmul(spacy.load(output))
            current = score(predict(nlp, [a.text for a in held], schema), [a.entities for a in held]).f1
        keep.current_f1 = current
        return result.trained.f1 >= current

    keep.current_f1 = 0.0
    return keep


def learn_round(db: Path, schema: Any, output: Path, *, base: str | None, seed: int, settings: Any,
                annotator: str | None, gold: bool, should_stop: Callable[[], bool],
                train: Callable, resuggest: Callable) -> Round:
    """One round: snapshot, train, keep or drop, re-suggest. `train` and `resuggest` draw the display."""
    from annotator.learn.snapshot import read_snapshot
    from annotator.store import Store

    with Store(db, create=False) as store:
        snapshot = read_snapshot(store, schema, annotator=annotator, gold=gold)
    print(f"round: training on {len(snapshot.articles)} finished articles", flush=True)
    keep = current_scorer(schema, output)
    trained = train(snapshot, keep)
    done = Round(len(snapshot.articles), trained.kept, trained.result.trained.f1, keep.current_f1)
    if trained.kept and not should_stop():
        with Store(db, create=False) as store:
            summary = resuggest(store, str(output))
            done.resuggested, done.ranked = summary.resuggested, summary.ranked
    return done


def wait_for_work(db: Path, every: int, since: int, annotator: str | None, gold: bool,
                  should_stop: Callable[[], bool], event: threading.Event, poll: float) -> int | None:
    """Block until `every` more articles are finished than `since` (and enough to train on); the
    count then, or None when told to stop."""
    from annotator.store import Store

    while not should_stop():
        with Store(db, create=False) as store:
            count = finished_count(store, annotator, gold)
        if count >= max(since + every, MIN_ARTICLES):
            return count
        event.wait(poll)
    return None
