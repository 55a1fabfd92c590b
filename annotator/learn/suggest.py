"""`annotator suggest`: a new model's suggestions for the articles nobody has touched.

Articles are read and extracted a batch at a time outside any write, then written in one short
transaction a batch (as import does), where each article is checked again: one an annotator
opened in the meantime keeps what it had. An article whose suggestions come out the same is not
written at all, so running suggest twice with one model changes nothing the second time.

From the same Docs it scores how unsure the model is of each untouched article, and when the run
is complete writes the `uncertain` order's ranking (learn/ranking.py, store/ordering.py) in one
transaction: routing reads the stored rank, never a model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import UserError
from annotator.model import model_id
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
    ranked: int = 0          # articles given a rank in the uncertain order
    model: str = ""


def load_model(schema: Any, model: str) -> Any:
    """The extractor over a trained pipeline's folder or an installed model's name."""
    from annotator.extract import MD, ModelNotFound, load_extractor

    path = Path(model)
    if (path.exists() or "/" in model) and not (path / "config.cfg").exists():
        raise UserError(f"{model}: not a spaCy pipeline folder (no config.cfg); give a folder `annotator train` wrote")
    try:
        return load_extractor(schema, model=str(path) if path.exists() else model)
    except ModelNotFound as exc:
        if model == MD:  # its message says how to install it
            raise exc from None
        raise UserError(f"{model}: no spaCy pipeline at that path or by that name") from None


def suggest(store: Any, schema: Any, model: str, *, batch: int = BATCH,
            advance: Callable[[int], None] = lambda n: None, should_stop: Callable[[], bool] = lambda: False,
            extractor: Any = None, rank: bool = True) -> SuggestSummary:
    from annotator.extract import extract_doc
    from annotator.learn.ranking import Ranker, uncertainties
    from annotator.store import ordering

    extractor = extractor or load_model(schema, model)
    summary = SuggestSummary(model=model_id(model, extractor.nlp))
    ranker = Ranker() if rank else None
    stopped = False
    for rows in learning.untouched_batches(store, batch):
        if should_stop():
            stopped = True
            break
        texts = [text for _, text in rows]
        docs = list(extractor.nlp.pipe(texts, batch_size=batch))
        found = [extract_doc(doc, extractor.policy) for doc in docs]
        if ranker is not None:
            ranker.add([article_id for article_id, _ in rows], uncertainties(extractor.nlp, docs, extractor.policy.map), texts)
        del docs
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
    if ranker is not None and not stopped and not should_stop():
        ranked = ranker.ranked()
        with store.write() as conn:
            summary.ranked = ordering.write_ranking(conn, summary.model, ranked)
    return summary
