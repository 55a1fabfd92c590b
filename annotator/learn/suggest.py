"""`annotator suggest`: a new model's suggestions for the articles nobody has touched.

Articles are read and extracted a batch at a time outside any write, then written in one short
transaction a batch (as import does), where each article is checked again: one an annotator
opened in the meantime keeps what it had. An article whose suggestions come out the same is not
written at all, so running suggest twice with one model changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import UserError
from annotator.store import learning

BATCH = 64


@dataclass
class SuggestSummary:
    articles: int = 0        # untouched articles looked at
    resuggested: int = 0     # whose suggestions changed
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    passed_over: int = 0     # opened by someone between reading and writing
    model: str = ""


def model_id(path: str | Path, nlp: Any) -> str:
    """What `spans.model` records: the pipeline's path or name, and for a trained one when it was
    trained (a model retrained in place is another model)."""
    trained = (nlp.meta.get("annotator") or {}).get("trained_at")
    name = str(path)
    return f"{name}@{trained}" if trained else f"{name}@{nlp.meta.get('version', '')}".rstrip("@")


def load_model(schema: Any, model: str) -> Any:
    """The extractor over a trained pipeline's folder or an installed model's name."""
    from annotator.extract import ModelNotFound, load_extractor

    path = Path(model)
    if (path.exists() or "/" in model) and not (path / "config.cfg").exists():
        raise UserError(f"{model}: not a spaCy pipeline folder (no config.cfg); give a folder `annotator train` wrote")
    try:
        return load_extractor(schema, model=str(path) if path.exists() else model)
    except ModelNotFound:
        raise UserError(f"{model}: no spaCy pipeline at that path or by that name") from None


def suggest(store: Any, schema: Any, model: str, *, batch: int = BATCH,
            advance: Callable[[int], None] = lambda n: None, should_stop: Callable[[], bool] = lambda: False,
            extractor: Any = None) -> SuggestSummary:
    extractor = extractor or load_model(schema, model)
    summary = SuggestSummary(model=model_id(model, extractor.nlp))
    for rows in learning.untouched_batches(store, batch):
        if should_stop():
            break
        found = list(extractor.pipe([text for _, text in rows]))
        with store.write() as conn:
            for (article_id, _), drafts in zip(rows, found, strict=True):
                summary.articles += 1
                if not learning.still_untouched(conn, article_id):
                    summary.passed_over += 1
                    continue
                old, _ = learning.suggestions_of(conn, article_id)
                new = learning.as_suggestions(drafts)
                if old == new:  # not written at all: its suggestions keep the model that first made them
                    summary.unchanged += len(new)
                    continue
                if not learning.replace_suggestions(conn, article_id, drafts, summary.model):
                    summary.passed_over += 1  # someone decided on one of its spans: it keeps them all
                    continue
                summary.unchanged += len(old & new)
                summary.added += len(new - old)
                summary.removed += len(old - new)
                summary.resuggested += 1
        advance(len(rows))
    return summary
