"""Train the attribution model (`attribution_model.py`) from gold attributions.

Rows are `{"text", "attributions": [{"content": {"start", "end"}, "source": {...} | None,
"cue": {...} | None, "form"}]}` (PolNeAR's attribution files, and what `annotator train` builds from
a team's accepted quotes). Each text is parsed by the pipeline it is given; then

- every cue site is labelled by whether it is the syntactic head of a gold cue, and a logistic
  regression learns it;
- for each gold cue found among the sites, its content candidates are labelled (the one with the
  best Jaccard against the gold content, at least 0.5, is the positive) and a second regression
  learns them; so does a third for its source candidates (positive: the head lies in the gold source);
- the cue threshold is the one that maximises end-to-end F1 out of fold.

scikit-learn is needed to train only; the weights are plain JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator.extract.attribution_model import AttributionModel, candidates, nested_discounted, predict, select
from annotator.extract.attribution_scoring import gold_attributions, score
from annotator.extract.combined import combine, doc_quotes
from annotator.extract.learned import LinearScorer
from annotator.extract.reported import (
    content_candidates,
    content_features,
    cue_features,
    cue_sites,
    no_source_features,
    quote_depth,
    source_candidates,
    source_features,
)
from annotator.extract.training import prior_share
from annotator.model import jaccard

CUE_C = 0.3
CONTENT_C = 0.3
SOURCE_C = 0.3
FOLDS = 3
PRUNE = 0.02
# The confidence is the cue's probability times the content's share to this power. Chosen on a
# held-out fifth of PolNeAR's training split: with the best candidate's own share, lenient F1 0.679
# at 0 and 0.689 at 0.5; with the share of every candidate within Jaccard 0.5 of it, 0.712 at 0.5
# and 0.715 at 1 (the product is then the chance the attribution is right, as scored).
SHARE_WEIGHT = 1.0
# Chosen on the same held-out fifth: end-to-end F1 0.620 with no "nobody", 0.627 at margin 0 (but
# source accuracy 0.923 -> 0.918), 0.628 at 1 (0.924), 0.626 at 2.
NO_SOURCE_MARGIN = 1.0
THRESHOLDS = tuple(round(0.2 + 0.05 * k, 2) for k in range(13))
# Of thresholds whose lenient F1 out of fold is within this of the best, the lowest wins: lenient F1
# is flat across 0.2-0.3 (precision buys recall one for one there), and a missed attribution costs an
# annotator a span, a source and a cue to mark by hand where a wrong one costs a key to reject.
# Five folds of four fifths each (2026-12-07), at 0.2 / 0.25 / 0.3: lenient 0.706 / 0.707 / 0.705,
# end-to-end 0.650 / 0.655 / 0.657, indirect recall 0.615 / 0.582 / 0.552.
RECALL_TOLERANCE = 0.005


@dataclass(slots=True)
class Example:
    """One article's training rows and its gold."""

    doc: object
    golds: list[dict]
    cue_rows: list[tuple[dict, int]] = field(default_factory=list)
    content_groups: list[list[tuple[dict, int]]] = field(default_factory=list)  # one per gold: its candidates
    source_groups: list[list[tuple[dict, int]]] = field(default_factory=list)


def cue_head(doc, span: tuple[int, int]) -> int | None:
    """The token that heads a character span in the parse (its head lies outside the span)."""
    sp = doc.char_span(span[0], span[1], alignment_mode="expand")
    if sp is None or not len(sp):
        return None
    return sp.root.i


def gold_cue_site(doc, gold: dict, sites: list[int]) -> int | None:
    """The token of a gold cue the model should learn to fire on: of the cue's words that are cue
    sites, the one whose content candidates come closest to the gold content ("sure" of "is not
    sure", "responsibility" of "claimed responsibility for"), the cue's syntactic head on a tie."""
    root = cue_head(doc, gold["cue"])
    if root is None:
        return None
    start, end = gold["cue"]
    inside = [i for i in sites if start <= doc[i].idx < end]
    if len(inside) < 2:
        return root

    def closeness(i: int) -> tuple[float, bool]:
        best = max((jaccard(c.span, gold["span"]) for c in content_candidates(doc, i)), default=0.0)
        return best, i == root

    return max(inside, key=closeness)


def prepare(doc, row: dict) -> Example:
    golds = gold_attributions(row)
    ex = Example(doc, golds)
    inside = quote_depth(doc)
    heads: dict[int, list[dict]] = {}
    sites = cue_sites(doc)
    for g in golds:
        if g["cue"] is not None:
            h = gold_cue_site(doc, g, sites)
            if h is not None:
                heads.setdefault(h, []).append(g)
    for i in sites:
        ex.cue_rows.append((cue_features(doc, i, inside), int(i in heads)))
    for i, gs in heads.items():
        cands = content_candidates(doc, i)
        feats = [content_features(doc, i, c, inside, cands) for c in cands]
        sources = source_candidates(doc, i)  # a cue's candidates are the same for each of its golds
        source_feats = [source_features(doc, i, c) for c in sources]
        nobody = no_source_features(doc, i)
        for g in gs:
            js = [jaccard(c.span, g["span"]) for c in cands]
            if not js or max(js) < 0.5:
                continue
            best = max(range(len(js)), key=js.__getitem__)
            ex.content_groups.append([(f, int(k == best)) for k, f in enumerate(feats)])
            if g["source"] is None:
                ex.source_groups.append([(nobody, 1)] + [(f, 0) for f in source_feats])
                continue
            s0, s1 = g["source"]
            inside_gold = [k for k, c in enumerate(sources) if s0 <= doc[c.head].idx < s1]
            if inside_gold:
                best = max(inside_gold, key=lambda k: jaccard(sources[k].span, g["source"]))
                ex.source_groups.append([(nobody, 0)] + [(f, int(k == best)) for k, f in enumerate(source_feats)])
    return ex


def prepare_all(rows: Iterable[dict], nlp, batch_size: int = 32) -> list[Example]:
    rows = list(rows)
    docs = nlp.pipe((r["text"] for r in rows), batch_size=batch_size)
    return [prepare(doc, row) for doc, row in zip(docs, rows, strict=True)]


def _fit(rows: list[tuple[dict, int]], c: float) -> LinearScorer:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    labels = [y for _, y in rows]
    if len(set(labels)) < 2:
        return LinearScorer({"bias": 5.0 if labels and labels[0] else -5.0})
    vec = DictVectorizer()
    x = vec.fit_transform([f for f, _ in rows])
    model = LogisticRegression(C=c, max_iter=2000, solver="lbfgs")
    model.fit(x, labels)
    # Weights under PRUNE are dropped: nine in ten of the cue model's (rare word pairs), with no change
    # in the held-out figures, and a shipped file a quarter of the size.
    weights = {str(n): round(float(w), 5) for n, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)
               if abs(w) >= PRUNE}
    weights["bias"] = weights.get("bias", 0.0) + float(model.intercept_[0])
    return LinearScorer(weights)


def _fit_ranker(groups: list[list[tuple[dict, int]]], c: float) -> LinearScorer:
    """A conditional logit: weights under which each group's positive has the highest softmax share
    among its group (the cue's content candidates compete; they are not judged one by one). L2 with
    the strength 1/c, as LogisticRegression's C; fitted by L-BFGS."""
    import numpy as np
    from scipy.optimize import minimize
    from sklearn.feature_extraction import DictVectorizer

    groups = [g for g in groups if len(g) > 1 and any(y for _, y in g)]
    if not groups:
        return LinearScorer({})
    vec = DictVectorizer()
    x = vec.fit_transform([f for g in groups for f, _ in g]).tocsr()
    y = np.array([y for g in groups for _, y in g], dtype=float)
    sizes = np.array([len(g) for g in groups])
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    member = np.repeat(np.arange(len(groups)), sizes)
    positives = np.add.reduceat(y, starts)

    def loss(w):
        s = x @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[member])
        total = np.add.reduceat(e, starts)
        share = e / total[member]
        value = -(s @ y) + ((top + np.log(total)) * positives).sum() + 0.5 / c * (w @ w)
        grad = x.T @ (share * positives[member] - y) + w / c
        return value, grad

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    return LinearScorer({str(n): round(float(v), 5) for n, v in zip(vec.get_feature_names_out(), w, strict=True)
                         if abs(v) >= PRUNE})


def fit(examples: Sequence[Example], cue_threshold: float = 0.5) -> AttributionModel:
    cue = _fit([r for ex in examples for r in ex.cue_rows], CUE_C)
    content = _fit_ranker([g for ex in examples for g in ex.content_groups], CONTENT_C)
    source = _fit_ranker([g for ex in examples for g in ex.source_groups], SOURCE_C)
    return AttributionModel(cue, content, source, cue_threshold=cue_threshold, source_threshold=-1e9,
                            share_weight=SHARE_WEIGHT, no_source_margin=NO_SOURCE_MARGIN)


def predictions(doc, model: AttributionModel) -> list[dict]:
    return [{"span": f.content, "source": f.source, "cue": f.cue, "form": f.form} for f in predict(doc, model)]


def evaluate(examples: Sequence[Example], model: AttributionModel) -> dict:
    return score([(predictions(ex.doc, model), ex.golds) for ex in examples])


def _folds(n: int, k: int) -> list[list[int]]:
    return [list(range(f, n, k)) for f in range(k)]


def best_threshold(examples: Sequence[Example], k: int = FOLDS) -> tuple[float, dict]:
    """The cue threshold with the best lenient F1 out of fold (the lowest within RECALL_TOLERANCE of
    it), scored as the component answers (with the quotes the quote component kept on each Doc),
    and each threshold's figures."""
    folds = _folds(len(examples), k)
    results: dict[float, list] = {t: [] for t in THRESHOLDS}
    for held in folds:
        held_set = set(held)
        model = fit([ex for j, ex in enumerate(examples) if j not in held_set])
        for j in held:
            doc = examples[j].doc
            quotes = doc_quotes(doc)
            found = nested_discounted(candidates(doc, model, min(THRESHOLDS)), quotes)
            text = doc.text  # joined from the tokens on each read: once, not once per threshold
            for t in THRESHOLDS:
                kept = combine(text, quotes, select(found, t))
                preds = [{"span": f.content, "source": f.source, "cue": f.cue} for f in kept]
                results[t].append((preds, examples[j].golds))
    figures = {}
    for t, r in results.items():
        s = score(r)
        figures[t] = {"lenient": s["lenient"]["f1"], "end_to_end": s["end_to_end"]["f1"],
                      "source_accuracy": s["source_accuracy"], "indirect_recall": s["recall_by_form"].get("indirect", 0.0)}
    top = max(f["lenient"] for f in figures.values())
    best = min(t for t, f in figures.items() if f["lenient"] >= top - RECALL_TOLERANCE)
    return best, figures


def train_attribution_model(rows: Iterable[dict], nlp, tune: bool = True,
                            prior: AttributionModel | None = None) -> AttributionModel:
    """Fit on `rows` (parsed by `nlp`, up to but not including the attribution components). With
    `tune`, the cue threshold is chosen by 3-fold cross-validation, else the prior's (or 0.5) is
    kept. With a `prior`, the new weights are averaged with its weights by how many articles each
    saw, so that a team's few articles adjust the shipped model rather than replace it."""
    examples = prepare_all(rows, nlp)
    threshold, curve = best_threshold(examples) if tune else (prior.cue_threshold if prior else 0.5, {})
    model = fit(examples, threshold)
    meta = {"articles": len(examples), "threshold_f1_out_of_fold": {str(k): v for k, v in curve.items()}}
    if prior is not None:
        seen = int(prior.meta.get("articles", 840)) if isinstance(prior.meta, dict) else 840
        share = prior_share(len(examples), seen)
        for name in ("cue", "content", "source"):
            old, new = getattr(prior, name).weights, getattr(model, name).weights
            merged = {k: v * share for k, v in old.items()}
            for k, v in new.items():
                merged[k] = merged.get(k, 0.0) + v * (1 - share)
            getattr(model, name).weights = merged
        meta.update({"prior_articles": seen, "articles": seen + len(examples)})
    model.meta = meta
    return model


