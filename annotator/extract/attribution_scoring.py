"""Score predicted attributions (content, source, cue) against gold, every form.

The measure the project reports (docs/extraction.md), computed one way for the benchmark and for
training's cross-validation:

- each gold content matches at most one predicted content, best character Jaccard first (whole
  spans, first to last character);
- lenient: Jaccard >= 0.5; strict: Jaccard >= 0.8; precision, recall and F1 over all articles;
- source / cue accuracy: of the leniently matched gold attributions that have one, the share whose
  predicted source / cue overlaps it;
- end-to-end F1: a lenient match whose source is right (or neither has one);
- recall by form: lenient recall of the gold direct, mixed and indirect attributions.

A prediction or gold item is a dict: `{"span": (s, e), "source": (s, e) | None, "cue": (s, e) | None,
"form": str}` (gold needs `form`).
"""

from __future__ import annotations

from collections import Counter

from annotator.model import jaccard, overlaps

Span = tuple[int, int]
FORMS = ("direct", "mixed", "indirect")


def match(preds: list[dict], golds: list[dict], threshold: float) -> dict[int, int]:
    """gold index -> prediction index, best Jaccard first, each used at most once."""
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            j = jaccard(p["span"], g["span"])
            if j >= threshold:
                pairs.append((-j, gi, pi))
    pairs.sort()
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, gi, pi in pairs:
        if gi not in out and pi not in used:
            out[gi] = pi
            used.add(pi)
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


def source_right(pred: dict, gold: dict) -> bool:
    if gold.get("source") is None:
        return pred.get("source") is None
    return overlaps(pred.get("source"), gold["source"])


def score(articles: list[tuple[list[dict], list[dict]]]) -> dict:
    """Figures over all articles, each a (predictions, golds) pair."""
    n_pred = n_gold = tp_len = tp_strict = tp_e2e = 0
    src_n = src_ok = cue_n = cue_ok = 0
    by_form: Counter = Counter()
    hit_form: Counter = Counter()
    for preds, golds in articles:
        n_pred += len(preds)
        n_gold += len(golds)
        lenient = match(preds, golds, 0.5)
        tp_len += len(lenient)
        tp_strict += len(match(preds, golds, 0.8))
        for g in golds:
            by_form[g.get("form", "indirect")] += 1
        for gi, pi in lenient.items():
            g, p = golds[gi], preds[pi]
            hit_form[g.get("form", "indirect")] += 1
            if g.get("source") is not None:
                src_n += 1
                src_ok += overlaps(p.get("source"), g["source"])
            if g.get("cue") is not None:
                cue_n += 1
                cue_ok += overlaps(p.get("cue"), g["cue"])
            tp_e2e += source_right(p, g)
    return {
        "lenient": _prf(tp_len, n_pred, n_gold),
        "strict": _prf(tp_strict, n_pred, n_gold),
        "end_to_end": _prf(tp_e2e, n_pred, n_gold),
        "source_accuracy": round(src_ok / src_n, 4) if src_n else 0.0,
        "cue_accuracy": round(cue_ok / cue_n, 4) if cue_n else 0.0,
        "recall_by_form": {f: round(hit_form[f] / by_form[f], 4) if by_form[f] else 0.0 for f in FORMS},
        "predicted": n_pred,
        "gold": n_gold,
    }


def gold_attributions(row: dict) -> list[dict]:
    """The gold of one `*-attributions.jsonl` row in the shape `score` takes."""
    out = []
    for a in row["attributions"]:
        c = a["content"]
        out.append(
            {
                "span": (int(c["start"]), int(c["end"])),
                "source": (int(a["source"]["start"]), int(a["source"]["end"])) if a.get("source") else None,
                "cue": (int(a["cue"]["start"]), int(a["cue"]["end"])) if a.get("cue") else None,
                "form": a.get("form", "indirect"),
            }
        )
    return out
