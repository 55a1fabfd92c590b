"""Train the learned attribution (`learned.py`) from gold quotes with speakers.

Rows are PolNeAR-format dicts, `{"text", "quotes": [{"start", "end", "speaker": {"start", "end"} | None}]}`,
as PolNeAR's training split holds them (docs/extraction.md, Evaluation data) and as `annotator train` builds them from a team's
accepted quotes. Each row's text is parsed by the pipeline it is given (up to, not including, the
attribution component); the quotes are found by their marks and the rules run, exactly as at run
time; then

- every candidate speaker of every found quote is labelled by whether its head lies in the gold
  speaker of the gold quote the found one matches (leniently), and a logistic regression learns
  them (scikit-learn; L2, fixed solver: the same data gives the same weights);
- every found quote is labelled by whether it matches a gold quote, and a second regression learns
  that from the quote's features plus the speaker scorer's confidence, taken out of fold so that it
  is as unsure as on unseen text;
- the quote threshold is the one that maximises end-to-end F1 out of fold, each article scored by
  the speaker and quote scorers of the inner folds that did not see it.

`cross_validate` reports k-fold figures (each fold trained on the others, from scratch).
scikit-learn is needed to train only; the weights it produces are plain JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from annotator.extract.attribution import attribute
from annotator.extract.features import DocContext, quote_features
from annotator.extract.learned import LinearScorer, QuoteModel, choose, ranked_candidates, score_context
from annotator.extract.merging import merge_examples
from annotator.extract.quotes import find_quotes
from annotator.extract.scoring import gold_quotes, lenient, overlap, score

SPEAKER_C = 0.5
QUOTE_C = 0.5
MERGE_C = 0.5
PAIR_WEIGHT_SCALE = 10.0  # pairs of a quote share this weight (about its average number of pairs)
MERGE_THRESHOLD = 0.5
OWN_THRESHOLD_ARTICLES = 200  # below this, a refit keeps its prior's quote threshold
INNER_FOLDS = 3


@dataclass(slots=True)
class QuoteExample:
    qi: int
    label: int  # 1: the found quote matches a gold quote
    cand_feats: list[dict[str, float]] = field(default_factory=list)
    cand_labels: list[int] = field(default_factory=list)


@dataclass(slots=True)
class ArticleExample:
    ctx: DocContext
    golds: list[dict]
    quotes: list[QuoteExample]


@dataclass(slots=True)
class Parsed:
    """One gold article with its parsed Doc: the unit that training, folds and scoring share."""

    doc: object
    row: dict


def prepare(doc, row: dict, find=find_quotes) -> ArticleExample:
    """The training view of one parsed article, its quotes found by `find` (text -> quotes)."""
    quotes = find(doc.text)
    golds = gold_quotes(row)
    if not quotes:
        return ArticleExample(None, golds, [])  # type: ignore[arg-type]
    ctx = DocContext(doc, quotes, attribute(doc, quotes))
    examples = []
    for qi, q in enumerate(quotes):
        span = (q.start, q.end)
        matched = [g for g in golds if lenient(span, g["span"])]
        gold = max(matched, key=lambda g: overlap(span, g["span"])) if matched else None
        ex = QuoteExample(qi, int(gold is not None))
        rule_prev = ctx.rules[qi - 1].head if qi and ctx.rules[qi - 1] is not None else None
        for cand, feats in ranked_candidates(ctx, qi, rule_prev):
            hit = gold is not None and gold["speaker"] is not None and any(
                overlap((doc[i].idx, doc[i].idx + len(doc[i].text)), gold["speaker"]) > 0
                for i in (cand.head, cand.pronoun)
                if i is not None
            )
            ex.cand_feats.append(feats)
            ex.cand_labels.append(int(hit))
        examples.append(ex)
    return ArticleExample(ctx, golds, examples)


def _fit(rows: list[dict[str, float]], labels: list[int], c: float, prior: LinearScorer | None) -> LinearScorer:
    """A logistic regression over feature dicts."""
    from sklearn.feature_extraction import DictVectorizer

    if len(set(labels)) < 2:
        return LinearScorer(dict(prior.weights) if prior else {"bias": 5.0 if labels and labels[0] else -5.0})
    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    return _logistic(vec.get_feature_names_out(), x, labels, c, prior, len(labels))


def _logistic(names, x, labels: list[int], c: float, prior: LinearScorer | None, n: int, weights=None) -> LinearScorer:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, fit_intercept=False, max_iter=3000, solver="lbfgs")
    model.fit(x, labels, sample_weight=weights)
    weights = {str(name): float(w) for name, w in zip(names, model.coef_[0], strict=True) if w}
    if prior is not None:
        # Refit beside a prior model: the new weights are averaged with the prior's, weighted by
        # how much data each saw, so a few team articles adjust the model rather than replace it.
        share = prior_share(n)
        merged = {k: v * share for k, v in prior.weights.items()}
        for k, v in weights.items():
            merged[k] = merged.get(k, 0.0) + v * (1 - share)
        weights = merged
    return LinearScorer(weights)


def prior_share(n_new: int, n_prior: int = 60_000) -> float:
    return n_prior / (n_prior + n_new)


def _fit_ranker(articles: Sequence[ArticleExample], c: float, prior: LinearScorer | None, seed: int) -> LinearScorer:
    """A pairwise ranker: logistic regression on (gold speaker - other candidate) differences,
    each pair's sign flipped at random (seeded) so both classes are seen. Only real quotes whose
    gold speaker is among the candidates teach who speaks."""
    import random

    import numpy as np
    from sklearn.feature_extraction import DictVectorizer

    rows: list[dict[str, float]] = []
    pos_idx: list[int] = []
    neg_idx: list[int] = []
    weights: list[float] = []
    for art in articles:
        for ex in art.quotes:
            if not ex.label or not any(ex.cand_labels) or all(ex.cand_labels):
                continue
            base = len(rows)
            rows.extend(ex.cand_feats)
            pos = [base + i for i, hit in enumerate(ex.cand_labels) if hit]
            neg = [base + i for i, hit in enumerate(ex.cand_labels) if not hit]
            for p in pos:
                pos_idx.extend([p] * len(neg))
                neg_idx.extend(neg)
            # Each quote weighs the same, however many candidates it has (accuracy is per quote).
            weights.extend([PAIR_WEIGHT_SCALE / (len(pos) * len(neg))] * (len(pos) * len(neg)))
    if not pos_idx:
        return LinearScorer(dict(prior.weights) if prior else {})
    vec = DictVectorizer()
    x = vec.fit_transform(rows).tocsr()
    rng = random.Random(seed)
    signs = np.array([1.0 if rng.random() < 0.5 else -1.0 for _ in pos_idx])
    from scipy.sparse import diags

    diffs = diags(signs) @ (x[pos_idx] - x[neg_idx])
    labels = (signs > 0).astype(int).tolist()
    return _logistic(vec.get_feature_names_out(), diffs, labels, c, prior, len(pos_idx), weights)


def _best(scorer: LinearScorer, ex: QuoteExample) -> tuple[float, dict | None]:
    index, p = choose(scorer, ex.cand_feats)
    return p, ex.cand_feats[index] if index >= 0 else None


def _folds(n: int, k: int, seed: int) -> list[list[int]]:
    import random

    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def fit(
    parsed: Sequence[Parsed],
    seed: int = 0,
    prior: QuoteModel | None = None,
    speaker_c: float = SPEAKER_C,
    quote_c: float = QUOTE_C,
    merge_c: float = MERGE_C,
) -> QuoteModel:
    """The merge, speaker and quote scorers and the quote threshold, from gold articles."""
    m_rows: list[dict[str, float]] = []
    m_labels: list[int] = []
    for p in parsed:
        for feats, label in merge_examples(p.doc.text, [(q["start"], q["end"]) for q in p.row["quotes"]]):
            m_rows.append(feats)
            m_labels.append(label)
    merge = _fit(m_rows, m_labels, merge_c, prior.merge if prior else None)
    finder = QuoteModel(LinearScorer(), LinearScorer(), merge=merge, merge_threshold=MERGE_THRESHOLD)
    articles = [prepare(p.doc, p.row, finder.find_quotes) for p in parsed]
    model = _fit_attribution(articles, seed, prior, speaker_c, quote_c)
    model.merge, model.merge_threshold = merge, MERGE_THRESHOLD
    if prior is not None and len(parsed) < OWN_THRESHOLD_ARTICLES:
        # A few team articles adjust the weights; a threshold picked on them alone would be noise.
        model.quote_threshold = prior.quote_threshold
    model.meta = {"seed": seed, "articles": len(parsed), "quotes": sum(len(a.quotes) for a in articles),
                  "speaker_c": speaker_c, "quote_c": quote_c, "merge_c": merge_c}
    return model


def _fit_attribution(
    articles: Sequence[ArticleExample], seed: int, prior: QuoteModel | None, speaker_c: float, quote_c: float
) -> QuoteModel:
    """The speaker ranker, the quote scorer and its threshold, from prepared articles."""
    speaker_prior, quote_prior = (prior.speaker, prior.quote) if prior else (None, None)
    speaker = _fit_ranker(articles, speaker_c, speaker_prior, seed)
    # The quote scorer learns from the speaker scorer's out-of-fold confidence.
    q_rows: list[dict[str, float]] = []
    q_labels: list[int] = []
    folds = _folds(len(articles), INNER_FOLDS, seed) if len(articles) >= INNER_FOLDS else [list(range(len(articles)))]
    oof_speakers = _out_of_fold(folds, lambda held: _fit_ranker(
        [a for i, a in enumerate(articles) if i not in held] or list(articles), speaker_c, speaker_prior, seed))
    owner: list[int] = []  # the article of each row
    for i, art in enumerate(articles):
        for ex in art.quotes:
            best_p, best_f = _best(oof_speakers[i], ex)
            q_rows.append(quote_features(art.ctx, ex.qi, best_p, best_f))
            q_labels.append(ex.label)
            owner.append(i)
    quote = _fit(q_rows, q_labels, quote_c, quote_prior)
    # The threshold is chosen on quote scores out of fold as well: a scorer judging the quotes it
    # learned from is surer of them than it will be of new ones.
    def fit_quotes(held: set[int]) -> LinearScorer:
        keep = [k for k, i in enumerate(owner) if i not in held] or list(range(len(owner)))
        return _fit([q_rows[k] for k in keep], [q_labels[k] for k in keep], quote_c, quote_prior)

    oof_quotes = _out_of_fold(folds, fit_quotes)
    model = QuoteModel(speaker, quote, speaker_threshold=0.0, quote_threshold=0.5)
    model.quote_threshold = _best_threshold(articles, model, oof_speakers, oof_quotes)
    return model


def _out_of_fold(folds: list[list[int]], fit: Callable[[set[int]], LinearScorer]) -> dict[int, LinearScorer]:
    """For each article, the scorer `fit` made without its fold (fit gets the fold's article indexes)."""
    out: dict[int, LinearScorer] = {}
    for fold in folds:
        scorer = fit(set(fold))
        out.update((i, scorer) for i in fold)
    return out


def _best_threshold(
    articles, model: QuoteModel, oof_speakers: dict[int, LinearScorer], oof_quotes: dict[int, LinearScorer]
) -> float:
    """The quote threshold with the best end-to-end F1 (then lenient F1), out of fold: each article
    scored by the speaker and quote scorers of the inner folds that did not see it."""
    scored = []
    for i, art in enumerate(articles):
        trial = QuoteModel(oof_speakers[i], oof_quotes[i], model.speaker_threshold, 0.0)
        scored.append((art.golds, score_context(art.ctx, trial) if art.ctx is not None else []))
    best_t, best = 0.5, (-1.0, -1.0)
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        pairs = [(golds, [_prediction(s) for s in found if s.p_quote >= t]) for golds, found in scored]
        figures = score(pairs)
        # End-to-end F1 is the headline (quotes an annotator need not touch); lenient F1 breaks ties.
        key = (round(figures["end_to_end"]["f1"], 3), figures["lenient"]["f1"])
        if key > best:
            best_t, best = t, key
    return best_t


def _prediction(s) -> dict:
    return {"span": (s.quote.start, s.quote.end), "speaker": s.attribution.speaker if s.attribution else None}


def predictions(art: ArticleExample, model: QuoteModel) -> list[dict]:
    """The kept quotes of a prepared article with their speakers, in the scorer's shape."""
    if art.ctx is None:
        return []
    return [_prediction(s) for s in score_context(art.ctx, model) if s.keep]


def evaluate(parsed: Sequence[Parsed], model: QuoteModel) -> dict:
    """The metrics of scoring.py for `model` on gold articles."""
    return score([(gold_quotes(p.row), predict(p, model)) for p in parsed])


def predict(p: Parsed, model: QuoteModel) -> list[dict]:
    return predictions(prepare(p.doc, p.row, model.find_quotes), model)


def cross_validate(parsed: Sequence[Parsed], k: int = 5, seed: int = 0, **kw) -> dict:
    """k-fold figures: each fold predicted by a model trained from scratch on the other folds."""
    pairs = []
    for fold in _folds(len(parsed), k, seed):
        held = set(fold)
        model = fit([p for i, p in enumerate(parsed) if i not in held], seed=seed, **kw)
        pairs.extend((gold_quotes(parsed[i].row), predict(parsed[i], model)) for i in fold)
    return score(pairs)


def prepare_all(
    nlp, rows: Iterable[dict], batch_size: int = 32, progress: Callable[[int], None] | None = None
) -> list[Parsed]:
    """Parse each row's text with `nlp`, without the attribution component."""
    rows = list(rows)
    disable = [name for name in ("annotator_quotes",) if name in nlp.pipe_names]
    out = []
    with nlp.select_pipes(disable=disable):
        docs = nlp.pipe((r["text"] for r in rows), batch_size=batch_size)
        for n, (doc, row) in enumerate(zip(docs, rows, strict=True)):
            out.append(Parsed(doc, row))
            if progress:
                progress(n + 1)
    return out


def train_quote_model(rows: Iterable[dict], nlp, seed: int = 0, prior: QuoteModel | None = None) -> QuoteModel:
    """Parse and fit in one call (what `annotator train-quotes` and `annotator train` use)."""
    return fit(prepare_all(nlp, rows), seed=seed, prior=prior)
