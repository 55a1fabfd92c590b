"""The learned attribution: two linear scorers over the features of `features.py`.

- the speaker scorer ranks the candidate mentions of a quote (trained on pairs: the gold speaker
  against each other candidate); the best one is chosen when its softmax share clears
  `speaker_threshold`, else none;
- the quote scorer gives each quote found by its marks the probability that it is an attributed
  quotation (not a scare quote, title, slogan or nickname); below `quote_threshold` it is dropped.

Weights are plain JSON (feature name -> weight): safe to load, easy to read, small. Scoring is a
sum of a few dozen weights per candidate; no numpy, no learner needed at run time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from annotator.extract.attribution import Attribution, _char_span, _mention_extent, attribute
from annotator.extract.features import Candidate, DocContext, candidate_features, quote_features
from annotator.extract.merging import merge_quotes
from annotator.extract.quotes import QuoteCandidate, find_quotes

FORMAT = "annotator-quote-attribution/1"
DEFAULT_WEIGHTS = Path(__file__).with_name("weights") / "quotes.json"


@dataclass(slots=True)
class LinearScorer:
    weights: dict[str, float] = field(default_factory=dict)

    def score(self, features: dict[str, float]) -> float:
        w = self.weights
        return sum(w.get(name, 0.0) * value for name, value in features.items())

    def probability(self, features: dict[str, float]) -> float:
        z = self.score(features)
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


def softmax(scorer: LinearScorer, candidates: list[dict[str, float]]) -> list[float]:
    """Each candidate's softmax share among all of them (how sure the ranking is)."""
    scores = [scorer.score(f) for f in candidates]
    top = max(scores, default=0.0)
    weights = [math.exp(max(-50.0, s - top)) for s in scores]
    total = sum(weights)
    return [w / total for w in weights]


def choose(scorer: LinearScorer, candidates: list[dict[str, float]]) -> tuple[int, float]:
    """The best-scoring candidate and its softmax share among all of the quote's candidates
    (how sure the ranking is), or (-1, 0.0) when there are none."""
    if not candidates:
        return -1, 0.0
    shares = softmax(scorer, candidates)
    best = max(range(len(shares)), key=shares.__getitem__)
    return best, shares[best]


@dataclass(slots=True)
class QuoteModel:
    speaker: LinearScorer
    quote: LinearScorer
    speaker_threshold: float = 0.0
    quote_threshold: float = 0.5
    meta: dict = field(default_factory=dict)
    merge: LinearScorer | None = None  # None: the rules of quotes.merge_parts join parts
    merge_threshold: float = 0.5

    def find_quotes(self, text: str) -> list[QuoteCandidate]:
        if self.merge is None:
            return find_quotes(text)
        return merge_quotes(text, self.merge, self.merge_threshold)

    def to_dict(self) -> dict:
        out = {
            "format": FORMAT,
            "speaker_threshold": self.speaker_threshold,
            "quote_threshold": self.quote_threshold,
            "merge_threshold": self.merge_threshold,
            "meta": self.meta,
            "speaker": dict(sorted(self.speaker.weights.items())),
            "quote": dict(sorted(self.quote.weights.items())),
        }
        if self.merge is not None:
            out["merge"] = dict(sorted(self.merge.weights.items()))
        return out

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), indent=0, sort_keys=False, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_dict(cls, data: dict, source: str = "weights") -> QuoteModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"{source}: not annotator quote-attribution weights (format {FORMAT!r})")
        return cls(
            speaker=LinearScorer({str(k): float(v) for k, v in data["speaker"].items()}),
            quote=LinearScorer({str(k): float(v) for k, v in data["quote"].items()}),
            speaker_threshold=float(data.get("speaker_threshold", 0.0)),
            quote_threshold=float(data.get("quote_threshold", 0.5)),
            meta=dict(data.get("meta", {})),
            merge=LinearScorer({str(k): float(v) for k, v in data["merge"].items()}) if "merge" in data else None,
            merge_threshold=float(data.get("merge_threshold", 0.5)),
        )

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "weights") -> QuoteModel:
        return cls.from_dict(json.loads(data.decode("utf-8")), source)

    @classmethod
    def from_disk(cls, path: Path) -> QuoteModel:
        return cls.from_bytes(Path(path).read_bytes(), str(path))

    def to_disk(self, path: Path) -> None:
        Path(path).write_bytes(self.to_bytes())


def load_default_model() -> QuoteModel:
    return QuoteModel.from_disk(DEFAULT_WEIGHTS)


@dataclass(slots=True)
class Scored:
    """One quote with what the model made of it."""

    quote: QuoteCandidate
    attribution: Attribution | None  # the chosen speaker (None: no speaker)
    p_quote: float
    p_speaker: float
    keep: bool


def ranked_candidates(ctx: DocContext, qi: int, previous_head: int | None):
    """(candidate, features) pairs for quote `qi`, each with its rank by distance on its side."""
    cands = ctx.candidates(qi, previous_head)
    q_lo, q_hi = ctx.spans[qi]

    def distance(c: Candidate) -> int:
        h = c.syntactic
        return q_lo - h if h < q_lo else h - q_hi if h > q_hi else 0

    out = []
    ranks = {"before": 0, "after": 0, "inside": 0}
    cue_subjects = 0
    for c in sorted(cands, key=distance):
        h = c.syntactic
        side = "before" if h < q_lo else "after" if h > q_hi else "inside"
        feats = candidate_features(ctx, qi, c, ranks[side])
        if h in ctx.cue_subject:
            # The nearest subject of a reporting verb is the usual speaker; farther ones less so.
            feats[f"cue_subject_rank={min(cue_subjects, 2)}"] = 1.0
            cue_subjects += 1
        out.append((c, feats))
        ranks[side] += 1
    return out


def _previous_head(ctx: DocContext, qi: int, chosen: list[int | None]) -> int | None:
    """The speaker chosen for the quote before, when it is in the same or the previous paragraph."""
    if qi == 0 or chosen[qi - 1] is None:
        return None
    prev_para = ctx.para_of[ctx.spans[qi - 1][1]]
    if ctx.para_of[ctx.spans[qi][0]] - prev_para > 1:
        return None
    return chosen[qi - 1]


def score_doc(doc, model: QuoteModel, quotes: list[QuoteCandidate] | None = None) -> list[Scored]:
    """Every quote of `doc` found by its marks, scored; the Doc must be parsed."""
    if quotes is None:
        quotes = model.find_quotes(doc.text)
    if not quotes:
        return []
    return score_context(DocContext(doc, quotes, attribute(doc, quotes)), model)


def score_context(ctx: DocContext, model: QuoteModel) -> list[Scored]:
    """The quotes of one prepared Doc, scored (training scores its cached contexts this way)."""
    out: list[Scored] = []
    chosen: list[int | None] = []
    for qi, q in enumerate(ctx.quotes):
        ranked = ranked_candidates(ctx, qi, _previous_head(ctx, qi, chosen))
        index, best_p = choose(model.speaker, [feats for _, feats in ranked])
        best, best_f = ranked[index] if index >= 0 else (None, None)
        p_quote = model.quote.probability(quote_features(ctx, qi, best_p, best_f))
        keep = p_quote >= model.quote_threshold
        att = None
        if best is not None and best_p >= model.speaker_threshold:
            att = _attribution_for(ctx, qi, best, out)
        chosen.append(best.head if att is not None and keep else None)
        out.append(Scored(q, att, p_quote, best_p, keep))
    return out


def _attribution_for(ctx: DocContext, qi: int, cand: Candidate, earlier: list[Scored]) -> Attribution:
    """The chosen head as a mention: the rules' extent when they chose it, else its parse extent."""
    rule = ctx.rules[qi]
    view, doc = ctx.view, ctx.doc
    if cand.pronoun is not None:
        # "Marc Morial, the chief executive, who": from the noun phrase to its pronoun.
        verb = ctx.cue_subject.get(cand.pronoun)
        cue = _char_span(doc, verb, verb) if verb is not None else None
        return Attribution(_char_span(doc, doc[cand.head].left_edge.i, cand.pronoun), cand.head, cue, False,
                           "model+relative")
    if rule is not None and rule.head == cand.head and rule.speaker is not None:
        return Attribution(rule.speaker, rule.head, rule.cue, rule.inherited, "model+" + rule.how)
    if cand.previous and earlier and earlier[-1].attribution is not None:
        prev = earlier[-1].attribution
        if prev.head == cand.head:
            return Attribution(prev.speaker, prev.head, None, True, "model+previous")
    q = ctx.quotes[qi]
    lo, hi = _mention_extent(view, cand.head, q, max(0, cand.head - 25), min(len(doc) - 1, cand.head + 25))
    cue = ctx.cue_subject.get(cand.head)
    cue_span = _char_span(doc, cue, cue) if cue is not None else None
    return Attribution(_char_span(doc, lo, hi), cand.head, cue_span, False, "model")
