"""Score predicted quotations and speakers against gold (docs/extraction.md, Evaluation data).

Used by `benchmarks/quotes.py` and by the attribution training's cross-validation, so the figures
of both are computed one way.

- lenient match: the prediction covers at least 30% of the gold span;
- strict match: character Jaccard at least 0.8; each gold matches at most one prediction;
- speaker accuracy: of the leniently matched gold quotes with a speaker, the share whose
  predicted speaker overlaps it;
- end to end: a prediction counts only when it matches leniently and its speaker is right
  (or neither has one).
"""

from __future__ import annotations

Span = tuple[int, int]


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def lenient(pred: Span, gold: Span) -> bool:
    """The prediction covers at least 30% of the gold span."""
    return overlap(pred, gold) >= 0.3 * (gold[1] - gold[0])


def strict(pred: Span, gold: Span) -> bool:
    """Character Jaccard of the two spans at least 0.8."""
    inter = overlap(pred, gold)
    union = (pred[1] - pred[0]) + (gold[1] - gold[0]) - inter
    return union > 0 and inter / union >= 0.8


def match(preds: list[dict], golds: list[dict], test) -> dict[int, int]:
    """gold index -> prediction index; each gold and each prediction used at most once."""
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if test(p["span"], g["span"]):
                pairs.append((-overlap(p["span"], g["span"]), gi, pi))
    pairs.sort()
    used_g: dict[int, int] = {}
    used_p: set[int] = set()
    for _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g[gi] = pi
        used_p.add(pi)
    return used_g


def _prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> dict[str, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


def speaker_ok(pred: dict, gold: dict) -> bool:
    gs, ps = gold["speaker"], pred["speaker"]
    if gs is None or ps is None:
        return gs is None and ps is None
    return overlap(ps, gs) > 0


def score(articles: list[tuple[list[dict], list[dict]]]) -> dict:
    """articles: (gold quotes, predicted quotes), each {"span": (s, e), "speaker": (s, e) | None}."""
    n_gold = n_pred = 0
    len_tp = strict_tp = e2e_tp = 0
    spk_total = spk_ok = 0
    for golds, preds in articles:
        n_gold += len(golds)
        n_pred += len(preds)
        m_len = match(preds, golds, lenient)
        m_strict = match(preds, golds, strict)
        len_tp += len(m_len)
        strict_tp += len(m_strict)
        for gi, pi in m_len.items():
            g, p = golds[gi], preds[pi]
            if g["speaker"] is not None:
                spk_total += 1
                if p["speaker"] is not None and overlap(p["speaker"], g["speaker"]) > 0:
                    spk_ok += 1
        # End to end: a prediction is right when it matches leniently and its speaker is right.
        m_e2e = match(preds, golds, lambda p, g: lenient(p, g))
        e2e_tp += sum(1 for gi, pi in m_e2e.items() if speaker_ok(preds[pi], golds[gi]))
    return {
        "gold": n_gold,
        "predicted": n_pred,
        "lenient": _prf(len_tp, n_pred, len_tp, n_gold),
        "strict": _prf(strict_tp, n_pred, strict_tp, n_gold),
        "speaker_accuracy": round(spk_ok / spk_total, 4) if spk_total else 0.0,
        "end_to_end": _prf(e2e_tp, n_pred, e2e_tp, n_gold),
    }


def gold_quotes(row: dict) -> list[dict]:
    """A PolNeAR-format row's quotes as {"span", "speaker"} pairs."""
    out = []
    for q in row["quotes"]:
        sp = q.get("speaker")
        out.append({"span": (q["start"], q["end"]), "speaker": (sp["start"], sp["end"]) if sp else None})
    return out
