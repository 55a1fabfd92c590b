"""How unsure the model is of each article, and the `uncertain` order that makes (issue 28).

`suggest` (and so `learn`, after each kept retrain) scores every untouched article as it
re-suggests it, from the same Docs: no second pass of the pipeline. The ranking is written once
per scoring (store/ordering.py); routing only reads the stored rank.

- **Entities.** The recognizer's beam (spaCy's `beam_parse`, width BEAM_WIDTH) gives each
  candidate entity (start, end, label) a probability: the share of the beam's parses that hold
  it. min(p, 1 - p) is the chance the model's call on that span is wrong (it keeps spans above
  one half); their sum over the article is the number of entity corrections the model expects to
  need there.
- **Labels.** After a few hundred articles most corrections are labels, which the recognizer's
  window cannot judge and its beam is sure of (a county side read as a place all through a
  scorecard). The label second opinion (`learn/relabel.py`, when the pipeline has one) gives each
  entity's final label a probability p from the whole article, and 1 - p is the chance that label
  is wrong (not min(p, 1 - p): the final label is the recognizer's vote and the second opinion's
  together, so one the second opinion finds unlikely is a likely mistake, not a sure call). On
  CoNLL validation with a pipeline trained on 200 articles, Spearman between an article's
  uncertainty and the corrections it needs goes from 0.42 to 0.77 with it (0.68 with min(p, 1 -
  p); the entity count alone: 0.55), and the quarter of articles ranked first needs 15.4
  corrections an article against 10.7.
- **Quotes.** The quote attribution's p_quote (`doc._.annotator_quotes`) the same way:
  min(p, 1 - p) for each quote found by its marks.
- **Per article: the sum,** not the mean. The sum is the expected number of corrections, which
  is what an annotator's time goes on (docs/learning.md: corrections an article) and what
  teaching the model needs; the mean per token ranks a two-line brief with one doubtful name
  above a long report with twenty, and the brief teaches one name. The cost of the sum is that
  long articles come first (docs/learning.md gives the figures).
- **Diversity** (maximal marginal relevance). Articles are taken greedily: each next one is the
  one with the highest uncertainty percentile minus MMR_WEIGHT times its largest TF-IDF cosine
  similarity to any article already taken. A near-duplicate of a taken article (cosine near 1)
  drops by half the ranking, so a batch is not ten copies of one results table. Only the
  MMR_POOL most uncertain articles are diversified; the rest follow by uncertainty.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

BEAM_WIDTH = 8
# The label second opinion's doubt counts as much as the beam's: both are expected corrections.
RELABEL_DOUBT = 1.0
BEAM_DENSITY = 0.0001
MMR_WEIGHT = 0.5
MMR_POOL = 3000
HASH_FEATURES = 1 << 18


def recognizer(nlp: Any) -> Any | None:
    """The pipeline's entity recognizer (spaCy's `ner`), or None."""
    for name, pipe in getattr(nlp, "pipeline", ()):
        if name == "ner" and hasattr(pipe, "beam_parse"):
            return pipe
    return None


def entity_probabilities(ner: Any, docs: Sequence[Any]) -> list[dict[tuple[int, int, str], float]]:
    """For each Doc, each candidate entity's probability under the recognizer's beam."""
    if ner is None or not docs:
        return [{} for _ in docs]
    beams = ner.beam_parse(list(docs), beam_width=BEAM_WIDTH, beam_density=BEAM_DENSITY)
    out = []
    for beam in beams:
        probs: dict[tuple[int, int, str], float] = defaultdict(float)
        for p, ents in ner.moves.get_beam_parses(beam):
            for start, end, label in ents:
                probs[(start, end, label)] += p
        out.append(dict(probs))
    return out


def doubt(p: float) -> float:
    """The chance that the model's call on something it gives probability p is wrong."""
    return min(p, 1.0 - p) if 0.0 <= p <= 1.0 else 0.0


def uncertainties(nlp: Any, docs: Sequence[Any], label_map: Callable[[str], str | None] | None = None) -> list[float]:
    """Each Doc's expected corrections: entity candidates', final labels' and quotes' doubt, summed. With
    `label_map` (the extractor's LabelPolicy.map), candidates whose label the schema drops
    (a base model's DATE, CARDINAL…) count for nothing: nobody corrects what is never shown."""
    from annotator.extract.component import NAME as QUOTES

    ents = entity_probabilities(recognizer(nlp), docs)
    out = []
    for doc, probs in zip(docs, ents, strict=True):
        total = sum(doubt(p) for (_, _, label), p in probs.items() if label_map is None or label_map(label))
        for quote in (doc._.get(QUOTES) if doc.has_extension(QUOTES) else None) or ():
            total += doubt(float(quote[6]))
        if RELABEL_DOUBT:
            total += RELABEL_DOUBT * label_doubt(nlp, doc)
        out.append(total)
    return out


def label_doubt(nlp: Any, doc: Any) -> float:
    """How many of the Doc's final entity labels the pipeline's label second opinion expects to be
    wrong: the sum of 1 - p(label), as the component recorded it when it ran."""
    from annotator.learn.relabel import LABEL_CHANCES, NAME

    if NAME not in getattr(nlp, "pipe_names", ()):
        return 0.0
    return sum(1.0 - p for p in doc._.get(LABEL_CHANCES) or () if p is not None)


class Ranker:
    """Collects (article id, uncertainty, text) a batch at a time, keeping only hashed word counts
    of the text (no vocabulary to fit, so memory stays small), and ranks them at the end."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.ids: list[int] = []
        self.scores: list[float] = []
        self.counts: list[Any] = []
        self.vectorizer = HashingVectorizer(n_features=HASH_FEATURES, alternate_sign=False, norm=None,
                                            stop_words="english", lowercase=True)

    def add(self, article_ids: Sequence[int], scores: Sequence[float], texts: Sequence[str]) -> None:
        self.ids.extend(article_ids)
        self.scores.extend(scores)
        self.counts.append(self.vectorizer.transform(texts))

    def __len__(self) -> int:
        return len(self.ids)

    def ranked(self, weight: float | None = None, pool: int = MMR_POOL) -> list[tuple[int, float]]:
        """(article id, uncertainty), the first to hand out first (weight: MMR_WEIGHT)."""
        weight = MMR_WEIGHT if weight is None else weight
        if not self.ids:
            return []
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import TfidfTransformer

        vectors = TfidfTransformer(sublinear_tf=True).fit_transform(sp.vstack(self.counts).tocsr())
        order = diversified(self.scores, vectors, weight, pool)
        return [(self.ids[i], self.scores[i]) for i in order]


def diversified(scores: Sequence[float], vectors: Any, weight: float = MMR_WEIGHT,
                pool: int = MMR_POOL) -> list[int]:
    """Indexes in the order to hand out: maximal marginal relevance over L2-normalised rows of
    `vectors`, relevance the uncertainty's percentile (1 = the most uncertain). Ties by index."""
    import numpy as np

    n = len(scores)
    by_score = sorted(range(n), key=lambda i: (-scores[i], i))
    head, tail = by_score[:pool], by_score[pool:]
    m = len(head)
    if m <= 1 or weight <= 0:
        return by_score
    relevance = np.array([1.0 - k / (m - 1) for k in range(m)])  # head is in score order
    rows = vectors[head]
    closest = np.zeros(m)
    left = np.ones(m, dtype=bool)
    out = []
    for _ in range(m):
        gain = np.where(left, relevance - weight * closest, -np.inf)
        pick = int(np.argmax(gain))  # the first of equal gains: the more uncertain
        out.append(head[pick])
        left[pick] = False
        sims = np.asarray((rows @ rows[pick].T).todense()).ravel()
        np.maximum(closest, sims, out=closest)
    return out + tail
