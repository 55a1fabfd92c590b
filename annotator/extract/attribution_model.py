"""The learned attribution of every form: three linear scorers over `reported.py`'s candidates.

- the cue scorer gives each token the probability that it heads a cue ("said", "according",
  "statement"); a token whose probability times its content's share (below) reaches
  `cue_threshold` becomes an attribution;
- the content scorer picks, among the spans the parse hangs on the cue, the one that is what was
  said (the clausal complement, the clause the cue modifies, the object);
- the source scorer picks, among the cue's subject, agent, "according to" object and the noun
  phrases of its sentence, the one who said it; below `source_threshold` the attribution has none.

Weights are plain JSON (feature name -> weight), like the quote model's: no pickle, no learner at
run time. `predict` works on a parsed Doc and returns `Found` attributions in text order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.extract.learned import LinearScorer, softmax
from annotator.extract.reported import (
    Candidate,
    char_span,
    content_candidates,
    content_features,
    cue_features,
    cue_sites,
    no_source_features,
    quote_depth,
    source_candidates,
    source_features,
)
from annotator.model import attribution_form as form_of
from annotator.model import jaccard, overlaps

FORMAT = "annotator-attribution/1"
DEFAULT_WEIGHTS = Path(__file__).with_name("weights") / "attributions.json"
# What a cue inside a surer attribution's content keeps of its confidence (nested_discounted). On a
# held-out fifth of PolNeAR's training split: lenient F1 0.723 -> 0.730 at threshold 0.25 (0 drops
# them: 0.731, with indirect recall 0.592 against 0.603).
NESTED_FACTOR = 0.5

Span = tuple[int, int]


@dataclass(slots=True)
class Found:
    """One attribution found in a Doc (character spans)."""

    content: Span
    parts: list[Span]
    source: Span | None
    source_head: int | None  # token index of the source's head (to resolve it to an entity)
    cue: Span
    form: str
    p: float  # the cue's probability times its content's share: how sure the model is of this attribution


@dataclass(slots=True)
class AttributionModel:
    cue: LinearScorer
    content: LinearScorer
    source: LinearScorer
    cue_threshold: float = 0.5
    source_threshold: float = 0.0
    # An attribution's confidence is the cue's probability times its content's softmax share (of
    # every candidate within Jaccard 0.5 of the chosen one) to this power: a cue whose content is a
    # toss-up is less likely to be one (0: the cue alone).
    share_weight: float = 0.0
    # "Nobody" must outscore the best candidate by this much: a missed source costs more than a
    # wrong one (it fails the source's accuracy, where a found one can be corrected in a key).
    no_source_margin: float = 0.0
    meta: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "cue_threshold": self.cue_threshold,
            "source_threshold": self.source_threshold,
            "share_weight": self.share_weight,
            "no_source_margin": self.no_source_margin,
            "meta": self.meta,
            "cue": dict(sorted(self.cue.weights.items())),
            "content": dict(sorted(self.content.weights.items())),
            "source": dict(sorted(self.source.weights.items())),
        }

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_dict(cls, data: dict, source: str = "weights") -> AttributionModel:
        from annotator.errors import UserError

        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise UserError(f"{source}: not attribution weights (expected format {FORMAT!r})")
        return cls(
            cue=LinearScorer(dict(data["cue"])),
            content=LinearScorer(dict(data["content"])),
            source=LinearScorer(dict(data["source"])),
            cue_threshold=float(data.get("cue_threshold", 0.5)),
            source_threshold=float(data.get("source_threshold", 0.0)),
            share_weight=float(data.get("share_weight", 0.0)),
            no_source_margin=float(data.get("no_source_margin", 1e9)),
            meta=dict(data.get("meta", {})),
        )

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "weights") -> AttributionModel:
        from annotator.errors import UserError

        try:
            loaded = json.loads(data)
        except ValueError:
            raise UserError(f"{source}: not attribution weights (not JSON)") from None
        return cls.from_dict(loaded, source)

    @classmethod
    def from_disk(cls, path: Path) -> AttributionModel:
        return cls.from_bytes(Path(path).read_bytes(), str(path))

    def to_disk(self, path: Path) -> None:
        Path(path).write_bytes(self.to_bytes())


def load_default_model() -> AttributionModel | None:
    """The shipped weights, or None when the package carries none."""
    if not DEFAULT_WEIGHTS.exists():
        return None
    return AttributionModel.from_disk(DEFAULT_WEIGHTS)


def cue_extent(doc, i: int) -> Span:
    """The cue's words around its head token: "according to", "told reporters" stays "told", "said"."""
    t = doc[i]
    lo = hi = i
    for c in t.children:
        if c.dep_ in ("prt", "neg", "aux") and abs(c.i - i) <= 2:
            lo, hi = min(lo, c.i), max(hi, c.i)
        if t.lower_ == "according" and c.lower_ == "to":
            hi = max(hi, c.i)
    return char_span(doc, lo, hi)


def predict(doc, model: AttributionModel, quotes: Sequence[Found] = ()) -> list[Found]:
    """Every attribution the model finds in a parsed Doc at its threshold (of confidence: the cue's
    probability times its content's share), the surer of two duplicates kept, in text order.
    `quotes`, the quotations the quote component kept, make a cue inside them less likely."""
    found = candidates(doc, model, model.cue_threshold)
    return select(nested_discounted(found, quotes), model.cue_threshold)


def candidates(doc, model: AttributionModel, threshold: float) -> list[Found]:
    """Each cue site at or above `threshold` with its content and source, duplicates and all
    (training tries several thresholds on one pass: `select`)."""
    if not doc.has_annotation("DEP"):
        return []
    inside = quote_depth(doc)
    text = doc.text  # a Doc joins its tokens' text on each read: once, not once per attribution
    found: list[Found] = []
    for i in cue_sites(doc):
        p = model.cue.probability(cue_features(doc, i, inside))
        if p < threshold:
            continue
        att = _attribution(doc, text, i, p, model, inside)
        if att is not None:
            found.append(att)
    return found


def nested_discounted(found: Sequence[Found], quotes: Sequence[Found] = ()) -> list[Found]:
    """`found`, where an attribution whose cue lies inside the content of a surer one (or of a
    quotation at least as sure) has its confidence times NESTED_FACTOR. News annotation seldom
    counts a report inside another's content as an attribution of its own ("…, whom he considers a
    friend, he said"): 124 of 19,831 gold cues in PolNeAR's training split, where the model put 5%
    of its answers there (a held-out fifth: 28% of those right, against 80% of the others)."""
    outers = [*found, *quotes]
    return [replace(f, p=round(f.p * NESTED_FACTOR, 4))
            if any(o is not f and o.p >= f.p and o.content[0] <= f.cue[0] and f.cue[1] <= o.content[1] for o in outers)
            else f for f in found]


def select(found: list[Found], threshold: float) -> list[Found]:
    """`predict`'s answer at another threshold, from `candidates` at a lower one."""
    return _without_duplicates([f for f in found if f.p >= threshold])


def _attribution(doc, text: str, i: int, p: float, model: AttributionModel, inside: list[int]) -> Found | None:
    contents = content_candidates(doc, i)
    if not contents:
        return None
    shares = softmax(model.content, [content_features(doc, i, c, inside, contents) for c in contents])
    content = contents[max(range(len(shares)), key=shares.__getitem__)]
    # How likely the content is right as scoring counts it: the share of every candidate that would
    # be the same content (Jaccard >= 0.5: "a deal" and "a deal with Iran" are one answer, and a
    # cue torn between them is not in doubt).
    share = sum(x for x, c in zip(shares, contents, strict=True) if jaccard(c.span, content.span) >= 0.5)
    cue = cue_extent(doc, i)
    source = _source(doc, i, content.span, model)
    parts = _parts(content.span, [cue] + ([source.span] if source else []))
    return Found(
        content=content.span,
        parts=parts,
        source=source.span if source else None,
        source_head=source.head if source else None,
        cue=cue,
        form=form_of(text, content.span),
        p=round(p * share**model.share_weight, 4),
    )


def _source(doc, i: int, content: Span, model: AttributionModel) -> Candidate | None:
    """The best source candidate of the cue at token i, or None when "nobody" wins. The source is
    outside the content, or in the cue's own clause where the cue interrupts the content ("X, Ms.
    Tchen said, Y": the parse makes the whole sentence the content, with the cue and source as
    holes in it)."""
    t = doc[i]
    own = (t.left_edge.idx, t.right_edge.idx + len(t.right_edge))
    interrupted = content[0] < own[0] and own[1] < content[1]
    # A cue inside its content ("the kind of job that many economists say is the future", where
    # the relative clause is the content): what the cue's clause holds before it is a hole too.
    embedded = content[0] <= t.idx < content[1]
    sources = [s for s in source_candidates(doc, i)
               if not overlaps(s.span, content) or interrupted and own[0] <= s.span[0] and s.span[1] <= own[1]
               or embedded and own[0] <= s.span[0] and s.span[1] <= t.idx]
    if not sources:
        return None
    scores = [model.source.score(source_features(doc, i, s)) for s in sources]
    best = max(range(len(scores)), key=scores.__getitem__)
    # "Nobody" competes with the candidates: the cue may name no source ("it was reported").
    nobody = model.source.score(no_source_features(doc, i)) - model.no_source_margin
    return sources[best] if scores[best] >= max(model.source_threshold, nobody) else None


def _parts(content: Span, inside: list[Span]) -> list[Span]:
    """The content's pieces around the cue and source that interrupt it ("X, he said, Y")."""
    parts = [content]
    for hole in sorted(inside):
        out = []
        for a, b in parts:
            if hole[0] > a and hole[1] < b:
                out += [(a, hole[0]), (hole[1], b)]
            else:
                out.append((a, b))
        parts = out
    return [(a, b) for a, b in parts if b > a]


def _without_duplicates(found: list[Found]) -> list[Found]:
    """Two cues that found much the same content (Jaccard >= 0.5) are one attribution: the surer
    one stays. Two attributions of one article almost never share that much content (8 pairs in
    19,832 attributions in PolNeAR's training split), while two cues of one attribution often find
    it ("said in a statement", "told reporters")."""
    kept: list[Found] = []
    for f in sorted(found, key=lambda f: -f.p):
        same = next((k for k, other in enumerate(kept) if jaccard(f.content, other.content) >= 0.5), None)
        if same is None:
            kept.append(f)
        elif kept[same].source is None and f.source is not None:
            # The other cue named who said it. A copy: `select` runs on one list at several thresholds.
            kept[same] = replace(kept[same], source=f.source, source_head=f.source_head)
    return sorted(kept, key=lambda f: f.content)
