"""Entity scores: precision, recall and F1 per label, and corrections (missed plus wrong spans).

A predicted span is right when its bounds and label are exactly those of an annotated span.
Corrections count what an annotator has to fix: every wrong suggestion and every missed span
(a wrong label is one of each, as in the issue's figures).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Span = tuple[int, int, str]


@dataclass
class Scores:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    articles: int = 0

    def add(self, predicted: Iterable[Span], gold: Iterable[Span]) -> None:
        predicted, gold = set(predicted), set(gold)
        for span in predicted & gold:
            self.tp[span[2]] += 1
        for span in predicted - gold:
            self.fp[span[2]] += 1
        for span in gold - predicted:
            self.fn[span[2]] += 1
        self.articles += 1

    @property
    def labels(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def prf(self, label: str | None = None) -> tuple[float, float, float]:
        if label is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def f1(self) -> float:
        return self.prf()[2]

    @property
    def corrections(self) -> int:
        return sum(self.fp.values()) + sum(self.fn.values())

    @property
    def corrections_per_article(self) -> float:
        return self.corrections / self.articles if self.articles else 0.0

    def as_dict(self) -> dict:
        per_label = {}
        for label in self.labels:
            p, r, f = self.prf(label)
            per_label[label] = {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4),
                                "gold": self.tp[label] + self.fn[label]}
        p, r, f = self.prf()
        return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "articles": self.articles,
                "corrections_per_article": round(self.corrections_per_article, 2), "per_label": per_label}


def score(predicted: Sequence[Iterable[Span]], gold: Sequence[Iterable[Span]]) -> Scores:
    scores = Scores()
    for p, g in zip(predicted, gold, strict=True):
        scores.add(p, g)
    return scores
