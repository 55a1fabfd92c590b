"""Inter-annotator agreement and disagreement, computed from plain values (no SQL, no textual).

What is compared is what export writes: each annotator's accepted spans of an article they marked
done, as `Mark`s (kind, offsets, label, and for quotes the offsets of the speaker and of the
entity it resolves to). `annotator.store.review` reads these from the database.

- Span F1 per label, for a pair: exact offsets and label; symmetric, 2·both / (2·both + only_a + only_b),
  summed over the articles both finished (micro-averaged).
- Cohen's kappa, for a pair: accept/reject of the same suggested spans (model or imported
  suggestions; a suggestion left undecided in a finished article is not exported, so it counts as
  rejected, exactly as the export treats it).
- Fleiss' kappa: the same accept/reject items over articles finished by three or more annotators
  (raters per item may vary: Fleiss' P_i with each item's own n_i).
- Disagreements of one article: the marks not everyone has, grouped by kind and overlapping offsets;
  each group lists the distinct versions (the subset of the group each annotator has) and who chose them.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, NamedTuple

from annotator.model import jaccard, overlaps

Offsets = tuple[int, int]


class Mark(NamedTuple):
    """One exported span as content: two annotators agree on it when the tuples are equal."""

    kind: str
    start: int
    end: int
    label: str
    speaker: Offsets | None = None  # quotes: the speaker mention (SPEAKER relation)
    entity: Offsets | None = None  # quotes: the entity it resolves to, when not the mention itself
    cue: Offsets | None = None  # quotes: the cue span (CUE relation)

    def to_json(self) -> list[Any]:
        return [self.kind, self.start, self.end, self.label,
                list(self.speaker) if self.speaker else None, list(self.entity) if self.entity else None,
                list(self.cue) if self.cue else None]

    @classmethod
    def from_json(cls, value: Sequence[Any]) -> Mark:
        kind, start, end, label, speaker, entity, *rest = value  # reviews stored before cues have six
        cue = rest[0] if rest else None
        return cls(kind, start, end, label, tuple(speaker) if speaker else None,  # type: ignore[arg-type]
                   tuple(entity) if entity else None, tuple(cue) if cue else None)  # type: ignore[arg-type]

    def sort_key(self) -> tuple[int, int, str, str, Offsets, Offsets]:
        return (self.start, -self.end, self.kind, self.label, self.speaker or (-1, -1), self.entity or (-1, -1))


@dataclass(frozen=True, slots=True)
class Work:
    """One annotator's finished version of one article."""

    annotator: str
    marks: frozenset[Mark]
    verdicts: dict[int, bool] = field(default_factory=dict)  # suggested span id -> kept (exported)
    timestamp: float = 0.0


# -- the measures ----------------------------------------------------------------------------


def f1(both: int, only_a: int, only_b: int) -> float | None:
    """Span F1 of two annotators (symmetric); None when neither marked anything."""
    total = 2 * both + only_a + only_b
    return 2 * both / total if total else None


def cohen_kappa(pairs: Iterable[tuple[bool, bool]]) -> float | None:
    """Cohen's kappa of two raters' yes/no on the same items.

    None when there are no items, or when both raters gave one answer throughout (chance
    agreement 1: kappa is undefined there, whatever the observed agreement).
    """
    table: Counter[tuple[bool, bool]] = Counter(pairs)
    n = sum(table.values())
    if n == 0:
        return None
    observed = (table[(True, True)] + table[(False, False)]) / n
    a_yes = (table[(True, True)] + table[(True, False)]) / n
    b_yes = (table[(True, True)] + table[(False, True)]) / n
    expected = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(items: Iterable[Sequence[int]]) -> float | None:
    """Fleiss' kappa from per-item category counts, e.g. [[accepts, rejects], ...].

    Items rated by fewer than two raters are skipped; items may have different numbers of raters
    (each item's agreement P_i uses its own n_i; category shares pool all ratings).
    None without items or when every rating fell into one category.
    """
    agreements: list[float] = []
    totals: Counter[int] = Counter()
    ratings = 0
    for counts in items:
        n = sum(counts)
        if n < 2:
            continue
        agreements.append((sum(c * c for c in counts) - n) / (n * (n - 1)))
        for category, c in enumerate(counts):
            totals[category] += c
        ratings += n
    if not agreements:
        return None
    observed = sum(agreements) / len(agreements)
    expected = sum((c / ratings) ** 2 for c in totals.values())
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


# -- one article -----------------------------------------------------------------------------


def agreed(works: Sequence[Work]) -> frozenset[Mark]:
    """The marks every annotator has."""
    if not works:
        return frozenset()
    common = set(works[0].marks)
    for work in works[1:]:
        common &= work.marks
    return frozenset(common)


@dataclass(frozen=True, slots=True)
class Version:
    marks: tuple[Mark, ...]  # empty: "none of these"
    annotators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Overlapping marks of one kind that not everyone has, and each distinct version of them."""

    kind: str
    start: int
    end: int
    marks: tuple[Mark, ...]
    versions: tuple[Version, ...]

    @property
    def key(self) -> str:
        """Stable identity of this disagreement (a reviewer's choice is stored under it)."""
        return json.dumps([m.to_json() for m in self.marks], separators=(",", ":"))

    def version_of(self, marks: Iterable[Mark]) -> int | None:
        """Which version (index) a choice equals, or None for a choice no annotator made."""
        chosen = tuple(sorted(set(marks) & set(self.marks), key=Mark.sort_key))
        for i, version in enumerate(self.versions):
            if version.marks == chosen:
                return i
        return None


def disagreements(works: Sequence[Work]) -> list[Disagreement]:
    """The article's disagreements in text order (none when fewer than two annotators)."""
    if len(works) < 2:
        return []
    common = agreed(works)
    contested: dict[str, set[Mark]] = defaultdict(set)
    for work in works:
        for mark in work.marks - common:
            contested[mark.kind].add(mark)
    groups: list[list[Mark]] = []
    for marks in contested.values():
        current: list[Mark] = []
        reach = -1
        for mark in sorted(marks, key=Mark.sort_key):
            if current and mark.start >= reach:
                groups.append(current)
                current = []
            reach = max(reach, mark.end) if current else mark.end
            current.append(mark)
        if current:
            groups.append(current)
    out = []
    for group in groups:
        members = set(group)
        by_choice: dict[tuple[Mark, ...], list[str]] = {}
        for work in works:
            choice = tuple(sorted(work.marks & members, key=Mark.sort_key))
            by_choice.setdefault(choice, []).append(work.annotator)
        versions = sorted(
            (Version(choice, tuple(names)) for choice, names in by_choice.items()),
            key=lambda v: (-len(v.annotators), v.annotators),  # most support first, then by name
        )
        ordered = tuple(sorted(group, key=Mark.sort_key))
        out.append(Disagreement(group[0].kind, min(m.start for m in group), max(m.end for m in group),
                                ordered, tuple(versions)))
    out.sort(key=lambda d: (d.start, -d.end, d.kind))
    return out


# -- a whole database ------------------------------------------------------------------------


@dataclass
class _Pair:
    articles: int = 0
    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    speaker: list[int] = field(default_factory=lambda: [0, 0, 0])
    attribution: list[int] = field(default_factory=lambda: [0, 0, 0])  # contents matched leniently
    cue_same: int = 0  # of those, how many have overlapping cues (of those where both have one)
    cue_both: int = 0
    source_same: int = 0
    source_both: int = 0
    verdicts: list[tuple[bool, bool]] = field(default_factory=list)


def _count(counts: dict[str, list[int]], a: Iterable[Any], b: Iterable[Any], label_of: Any) -> None:
    a, b = set(a), set(b)
    for item in a & b:
        counts[label_of(item)][0] += 1
    for item in a - b:
        counts[label_of(item)][1] += 1
    for item in b - a:
        counts[label_of(item)][2] += 1


def _spans(marks: Iterable[Mark]) -> set[tuple[int, int, str]]:
    return {(m.start, m.end, m.label) for m in marks}


def _speakers(marks: Iterable[Mark]) -> set[tuple[int, int, Offsets]]:
    return {(m.start, m.end, m.speaker) for m in marks if m.kind == "quote" and m.speaker}


def same_attributions(a: Iterable[Mark], b: Iterable[Mark], threshold: float = 0.5) -> list[tuple[Mark, Mark]]:
    """Pairs of the two versions' quotes that are the same attribution: contents with character
    Jaccard >= `threshold`, best first, each used once (as the extraction benchmark matches them;
    annotators rarely draw an indirect content's bounds to the character)."""
    qa = [m for m in a if m.kind == "quote"]
    qb = [m for m in b if m.kind == "quote"]
    shared = ((jaccard((x.start, x.end), (y.start, y.end)), i, j) for i, x in enumerate(qa) for j, y in enumerate(qb))
    pairs = sorted((-share, i, j) for share, i, j in shared if share >= threshold)
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((qa[i], qb[j]))
    return out


def _count_attributions(pair: _Pair, a: Iterable[Mark], b: Iterable[Mark]) -> None:
    a, b = list(a), list(b)
    matched = same_attributions(a, b)
    n_a = sum(1 for m in a if m.kind == "quote")
    n_b = sum(1 for m in b if m.kind == "quote")
    pair.attribution[0] += len(matched)
    pair.attribution[1] += n_a - len(matched)
    pair.attribution[2] += n_b - len(matched)
    for x, y in matched:
        if x.cue and y.cue:
            pair.cue_both += 1
            pair.cue_same += overlaps(x.cue, y.cue)
        if x.speaker and y.speaker:
            pair.source_both += 1
            pair.source_same += overlaps(x.speaker, y.speaker)


def _figures(both: int, only_a: int, only_b: int) -> dict[str, Any]:
    return {"f1": f1(both, only_a, only_b), "both": both, "only_a": only_a, "only_b": only_b}


def report(articles: Iterable[tuple[int, str, Sequence[Work]]], top: int = 10) -> dict[str, Any]:
    """Agreement over (article id, heading, works) for every article finished by two or more.

    Returns a JSON-ready dict: `pairs` (per pair of annotators: articles, F1 per label and over all
    labels, speaker-link F1, Cohen's kappa and its item count), `fleiss` (or None when no article
    had three or more annotators), `articles` compared, and `most_disagreement` (top articles by
    number of disagreements, then lowest mean pairwise F1).
    """
    pairs: dict[tuple[str, str], _Pair] = defaultdict(_Pair)
    fleiss_items: list[tuple[int, int]] = []
    ranked: list[dict[str, Any]] = []
    compared = 0
    for article_id, heading, works in articles:
        works = sorted(works, key=lambda w: w.annotator)
        if len(works) < 2:
            continue
        compared += 1
        f1s = []
        for a, b in combinations(works, 2):
            pair = pairs[(a.annotator, b.annotator)]
            pair.articles += 1
            _count(pair.counts, _spans(a.marks), _spans(b.marks), lambda s: s[2])
            both = len(_spans(a.marks) & _spans(b.marks))
            f1s.append(f1(both, len(_spans(a.marks)) - both, len(_spans(b.marks)) - both))
            sa, sb = _speakers(a.marks), _speakers(b.marks)
            pair.speaker[0] += len(sa & sb)
            pair.speaker[1] += len(sa - sb)
            pair.speaker[2] += len(sb - sa)
            _count_attributions(pair, a.marks, b.marks)
            for span_id in a.verdicts.keys() & b.verdicts.keys():
                pair.verdicts.append((a.verdicts[span_id], b.verdicts[span_id]))
        if len(works) > 2:
            ids = set().union(*(w.verdicts.keys() for w in works))
            for span_id in sorted(ids):
                said = [w.verdicts[span_id] for w in works if span_id in w.verdicts]
                fleiss_items.append((sum(said), len(said) - sum(said)))
        groups = disagreements(works)
        if groups:
            known = [x for x in f1s if x is not None]
            ranked.append({
                "article_id": article_id, "heading": heading, "annotators": [w.annotator for w in works],
                "disagreements": len(groups),
                "mean_f1": sum(known) / len(known) if known else None,
            })
    out_pairs = []
    for (a, b), pair in sorted(pairs.items()):
        total = [sum(c[i] for c in pair.counts.values()) for i in range(3)]
        out_pairs.append({
            "a": a, "b": b, "articles": pair.articles,
            "f1": _figures(*total),
            "labels": {label: _figures(*c) for label, c in sorted(pair.counts.items())},
            "speaker_f1": _figures(*pair.speaker),
            # every form of attribution: the same content (Jaccard >= 0.5), then its cue and source
            "attribution_f1": _figures(*pair.attribution),
            "cue_agreement": round(pair.cue_same / pair.cue_both, 4) if pair.cue_both else None,
            "source_agreement": round(pair.source_same / pair.source_both, 4) if pair.source_both else None,
            "kappa": cohen_kappa(pair.verdicts), "kappa_items": len(pair.verdicts),
        })
    fleiss = None
    if fleiss_items:
        fleiss = {"kappa": fleiss_kappa(fleiss_items), "items": len(fleiss_items)}
    ranked.sort(key=lambda r: (-r["disagreements"], r["mean_f1"] if r["mean_f1"] is not None else 2.0,
                               r["article_id"]))
    return {"articles": compared, "pairs": out_pairs, "fleiss": fleiss, "most_disagreement": ranked[:top]}
