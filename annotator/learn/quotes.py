"""The quote attribution refitted with the team's accepted quotes and speaker links.

The learned attribution (annotator/extract/component.py, `annotator_quotes`) ships weights fitted
on PolNeAR; here they are the prior, and the finished articles in which the team accepted at
least one quote are added as training rows (PolNeAR's format). Articles without an accepted quote
are left out: a team that does not annotate quotes would otherwise teach that nothing is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

QUOTES_PIPE = "annotator_quotes"
ATTRIBUTIONS_PIPE = "annotator_attributions"


def quote_rows(finished: Sequence[Any]) -> list[dict]:
    rows = []
    for item in finished:
        if not item.quotes:
            continue
        rows.append({"text": item.article.text, "quotes": [
            {"start": q.start, "end": q.end,
             "speaker": {"start": q.speaker[0], "end": q.speaker[1]} if q.speaker else None}
            for q in item.quotes]})
    return rows


def refit_quotes(nlp: Any, finished: Sequence[Any], seed: int = 0) -> dict:
    """Give `nlp` the attribution pipe (shipped weights) if it lacks one, then refit it on the team's
    quotes with its current weights as the prior. What was done, for meta.json."""
    from annotator.extract import with_quote_component

    with_quote_component(nlp)
    if QUOTES_PIPE not in nlp.pipe_names:
        return {"refitted": False, "why": "the pipeline has no parser for the attribution"}
    rows = quote_rows(finished)
    if not rows:
        return {"refitted": False, "articles": 0, "why": "no accepted quotes in the finished work"}
    from annotator.extract.training import train_quote_model

    pipe = nlp.get_pipe(QUOTES_PIPE)
    model = train_quote_model(rows, nlp, seed=seed, prior=pipe.model)
    pipe.set_model(model)
    return {"refitted": True, "articles": len(rows), "quotes": sum(len(r["quotes"]) for r in rows)}


def attribution_rows(finished: Sequence[Any]) -> list[dict]:
    """The team's accepted quotes with a cue, as attribution gold (PolNeAR's attribution format)."""
    from annotator.model import attribution_form

    rows = []
    for item in finished:
        with_cue = [q for q in item.quotes if q.cue is not None]
        if not with_cue:
            continue
        text = item.article.text
        rows.append({"text": text, "attributions": [
            {"form": attribution_form(text, (q.start, q.end)), "content": {"start": q.start, "end": q.end},
             "source": {"start": q.speaker[0], "end": q.speaker[1]} if q.speaker else None,
             "cue": {"start": q.cue[0], "end": q.cue[1]}}
            for q in with_cue]})
    return rows


def refit_attributions(nlp: Any, finished: Sequence[Any]) -> dict:
    """Refit the attribution of every form on the team's accepted quotes that have a cue, with the
    pipeline's current weights as the prior. What was done, for meta.json."""
    from annotator.extract import with_quote_component

    with_quote_component(nlp)
    if ATTRIBUTIONS_PIPE not in nlp.pipe_names:
        return {"refitted": False, "why": "the pipeline has no parser for the attribution"}
    rows = attribution_rows(finished)
    if not rows:
        return {"refitted": False, "articles": 0, "why": "no accepted quotes with a cue in the finished work"}
    from annotator.extract.attribution_training import train_attribution_model

    pipe = nlp.get_pipe(ATTRIBUTIONS_PIPE)
    with nlp.select_pipes(disable=[ATTRIBUTIONS_PIPE]):  # the rows need the parse, not the old model's guesses
        trained = train_attribution_model(rows, nlp, tune=False, prior=pipe.model)
    pipe.set_model(trained)
    return {"refitted": True, "articles": len(rows), "attributions": sum(len(r["attributions"]) for r in rows)}

