"""Learned merging: which marked parts of a paragraph are one quotation.

The gold convention joins the parts of one attribution's content into one span: a quote
interrupted by its attribution (“A,” she said, noting that … “B.”) and a statement quoted in
fragments (called it “rigged” and “a disgrace”). `quotes.merge_parts` decides that by rules; here
the rules' decision is one feature of a logistic regression over the gap between two parts (its
length, reporting verbs, sentence ends, participles, its first and last words) and the parts'
own shape. Parts in different paragraphs are never joined (the gold almost never does).

Text only: no spaCy.
"""

from __future__ import annotations

import math
import re

from annotator.extract.attribution import _is_title
from annotator.extract.lexicon import CORE_FORMS, PARTICIPLES, SPEECH_FORMS
from annotator.extract.quotes import QuoteCandidate, _is_attribution_gap, _is_fragment_gap, _pair_marks

_WORD = re.compile(r"[^\W_][\w'’\-]*")
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+[\"“‘'`]?[A-Z]")
_MARKS = "“”\"'»«`’‘„ \xa0"
_SUBORDINATORS = frozenset("after before when while because since but although though until as if".split())


def _bucket(n: int) -> str:
    return str(n) if n < 3 else str(2 ** math.ceil(math.log2(n)))


def mergeable(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Only parts of one paragraph, not too far apart, are ever considered."""
    gap = text[a[1] : b[0]]
    return "\n" not in gap and len(gap) <= 400


def pair_features(text: str, a: tuple[int, int], b: tuple[int, int]) -> dict[str, float]:
    gap = text[a[1] : b[0]]
    words = [w.lower() for w in _WORD.findall(gap)]
    inner_a = text[a[0] : a[1]].strip(_MARKS).rstrip()
    inner_b = text[b[0] : b[1]].strip(_MARKS)
    wa, wb = _WORD.findall(inner_a), _WORD.findall(inner_b)
    end_a = inner_a[-1:] if inner_a[-1:] in ".,?!:;—-…" else "word"
    gap_end = gap.strip()[-1:] if gap.strip()[-1:] in ".,:;—-–" else ("none" if not gap.strip() else "word")
    interrupted = _is_attribution_gap(gap)
    fragment = _is_fragment_gap(text, a, b)
    f: dict[str, float] = {
        "bias": 1.0,
        f"rule_interrupted={interrupted}&end_a={end_a}": 1.0,
        f"rule_fragment={fragment}": 1.0,
        f"gap_words={_bucket(len(words))}": 1.0,
        f"end_a={end_a}": 1.0,
        f"end_a={end_a}&gap_end={gap_end}": 1.0,
        f"b_starts={'upper' if inner_b[:1].isupper() else 'lower' if inner_b[:1].islower() else 'other'}": 1.0,
        f"len_a={_bucket(len(wa))}": 1.0,
        f"len_b={_bucket(len(wb))}": 1.0,
        f"sentence_ends={min(len(_SENTENCE_END.findall(gap)), 2)}": 1.0,
    }
    speech = [w for w in words if w in SPEECH_FORMS]
    f[f"speech={min(len(speech), 2)}&end_a={end_a}"] = 1.0
    if any(w in CORE_FORMS for w in words):
        f["core_speech"] = 1.0
    if any(w in PARTICIPLES for w in words):
        f["participle"] = 1.0
    if any(w in _SUBORDINATORS for w in words):
        f["subordinator"] = 1.0
    if words:
        f[f"gap_first={words[0]}"] = 1.0
        f[f"gap_last={words[-1]}"] = 1.0
    if _is_title(text[a[0] : a[1]]) or _is_title(text[b[0] : b[1]]):
        f["title_part"] = 1.0
    return f


def merge_quotes(text: str, scorer, threshold: float, parts: list[tuple[int, int]] | None = None) -> list[QuoteCandidate]:
    """The quotations of `text`: its marked parts, joined where the scorer says they are one."""
    if parts is None:
        parts = _pair_marks(text)
    out: list[QuoteCandidate] = []
    for part in parts:
        if out:
            last = out[-1]
            prev = last.parts[-1]
            if mergeable(text, prev, part) and scorer.probability(pair_features(text, prev, part)) >= threshold:
                last.parts.append(part)
                last.end = part[1]
                continue
        out.append(QuoteCandidate(part[0], part[1], [part]))
    return out


def merge_examples(text: str, golds: list[tuple[int, int]]):
    """(features, label) for every mergeable pair of consecutive parts: 1 when one gold quote
    holds both."""
    parts = _pair_marks(text)
    for a, b in zip(parts, parts[1:], strict=False):
        if not mergeable(text, a, b):
            continue
        same = any(g[0] <= a[0] + 2 and g[1] >= b[1] - 2 for g in golds)
        if not same and _in_gold(a, golds) != _in_gold(b, golds):
            # One part quoted, the other in no gold quote (a scare quote, or a part the annotator
            # skipped): nothing says whether the two belong together, so the pair teaches nothing.
            continue
        yield pair_features(text, a, b), int(same)


def _in_gold(part: tuple[int, int], golds: list[tuple[int, int]]) -> bool:
    return any(g[0] < part[1] and g[1] > part[0] for g in golds)
