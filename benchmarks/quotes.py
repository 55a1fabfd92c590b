"""Score quotation and speaker extraction against a gold split (PolNeAR dev by default).

    python benchmarks/quotes.py [--data ../shared/eval/polnear-dev.jsonl] [--model NAME]

Runs the extractor in-process (the same `Extractor.pipe` that `annotator extract` uses) and
prints one JSON line with the metrics of ../shared/eval/README.md:
lenient and strict precision/recall/F1, speaker accuracy and end-to-end P/R/F1 — once over every
quote offered ("all", the headline: what an annotator sees) and once over the attributed quotes
only ("attributed": unattributed quotes, scare quotes and titles, left out).

The data file is read, never copied: it is measured against, not shipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "polnear-dev.jsonl"

Span = tuple[int, int]


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def lenient(pred: Span, gold: Span) -> bool:
    """The prediction covers at least 30% of the gold span."""
    return _overlap(pred, gold) >= 0.3 * (gold[1] - gold[0])


def strict(pred: Span, gold: Span) -> bool:
    """Character Jaccard of the two spans at least 0.8."""
    inter = _overlap(pred, gold)
    union = (pred[1] - pred[0]) + (gold[1] - gold[0]) - inter
    return union > 0 and inter / union >= 0.8


def _match(preds: list[dict], golds: list[dict], test) -> dict[int, int]:
    """gold index -> prediction index; each gold and each prediction used at most once."""
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if test(p["span"], g["span"]):
                pairs.append((-_overlap(p["span"], g["span"]), gi, pi))
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


def _speaker_ok(pred: dict, gold: dict) -> bool:
    gs, ps = gold["speaker"], pred["speaker"]
    if gs is None or ps is None:
        return gs is None and ps is None
    return _overlap(ps, gs) > 0


def score(articles: list[tuple[list[dict], list[dict]]]) -> dict:
    """articles: (gold quotes, predicted quotes), each {"span": (s, e), "speaker": (s, e) | None}."""
    n_gold = n_pred = 0
    len_tp = strict_tp = e2e_tp = 0
    spk_total = spk_ok = 0
    for golds, preds in articles:
        n_gold += len(golds)
        n_pred += len(preds)
        m_len = _match(preds, golds, lenient)
        m_strict = _match(preds, golds, strict)
        len_tp += len(m_len)
        strict_tp += len(m_strict)
        for gi, pi in m_len.items():
            g, p = golds[gi], preds[pi]
            if g["speaker"] is not None:
                spk_total += 1
                if p["speaker"] is not None and _overlap(p["speaker"], g["speaker"]) > 0:
                    spk_ok += 1
        # End to end: a prediction is right when it matches leniently and its speaker is right.
        m_e2e = _match(preds, golds, lambda p, g: lenient(p, g))
        e2e_tp += sum(1 for gi, pi in m_e2e.items() if _speaker_ok(preds[pi], golds[gi]))
    return {
        "gold": n_gold,
        "predicted": n_pred,
        "lenient": _prf(len_tp, n_pred, len_tp, n_gold),
        "strict": _prf(strict_tp, n_pred, strict_tp, n_gold),
        "speaker_accuracy": round(spk_ok / spk_total, 4) if spk_total else 0.0,
        "end_to_end": _prf(e2e_tp, n_pred, e2e_tp, n_gold),
    }


# Issue 10's targets on PolNeAR dev.
TARGETS = {"end_to_end": 0.82, "lenient": 0.87, "strict": 0.78, "speaker_accuracy": 0.92}


def _meets(scores: dict) -> bool:
    for key, target in TARGETS.items():
        value = scores[key]["f1"] if isinstance(scores[key], dict) else scores[key]
        if value < target:
            return False
    return True


def predictions_from_drafts(drafts) -> list[dict]:
    """The quotes of one article's drafts, with their speaker span (the SPEAKER child)."""
    out = []
    for d in drafts:
        if d.kind != "quote":
            continue
        speaker = None
        if d.speaker is not None:
            s = drafts[d.speaker]
            speaker = (s.start, s.end)
        out.append({"span": (d.start, d.end), "speaker": speaker})
    return out


def load_gold(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def gold_quotes(row: dict) -> list[dict]:
    out = []
    for q in row["quotes"]:
        sp = q.get("speaker")
        out.append({"span": (q["start"], q["end"]), "speaker": (sp["start"], sp["end"]) if sp else None})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", default=None)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--errors", type=Path, default=None, help="write per-quote misses here (local use)")
    args = parser.parse_args(argv)

    from annotator.extract import load_extractor

    rows = load_gold(args.data)
    if args.limit:
        rows = rows[: args.limit]
    extractor = load_extractor(model=args.model)
    started = time.perf_counter()
    all_drafts = list(extractor.pipe((r["text"] for r in rows), n_process=args.n_process, batch_size=args.batch_size))
    seconds = time.perf_counter() - started

    pairs_all, pairs_attr = [], []
    for row, drafts in zip(rows, all_drafts, strict=True):
        golds = gold_quotes(row)
        preds = predictions_from_drafts(drafts)
        pairs_all.append((golds, preds))
        pairs_attr.append((golds, [p for p in preds if p["speaker"] is not None]))
    if args.errors:
        _write_errors(args.errors, rows, pairs_all)
    scores_all, scores_attr = score(pairs_all), score(pairs_attr)
    result = {
        "data": str(args.data),
        "model": extractor.model_name,
        "articles": len(rows),
        "seconds": round(seconds, 2),
        "all": scores_all,
        "attributed": scores_attr,
        "targets_met": {name: _meets(scores) for name, scores in (("all", scores_all), ("attributed", scores_attr))},
    }
    print(json.dumps(result))
    return 0


def _write_errors(path: Path, rows: list[dict], pairs) -> None:
    """Misses and false alarms, for looking at locally; never commit the file (it quotes the data)."""
    with open(path, "w", encoding="utf-8") as out:
        for row, (golds, preds) in zip(rows, pairs, strict=True):
            text = row["text"]
            m = _match(preds, golds, lenient)
            matched_p = set(m.values())

            def show(span, text=text):
                return text[span[0] : span[1]] if span else None

            for gi, g in enumerate(golds):
                if gi not in m:
                    out.write(f"MISS\t{row['id']}\t{show(g['span'])!r}\tSPK={show(g['speaker'])!r}\n")
                else:
                    p = preds[m[gi]]
                    if not strict(p["span"], g["span"]):
                        out.write(f"LOOSE\t{row['id']}\tGOLD={show(g['span'])!r}\tPRED={show(p['span'])!r}\n")
                    if not _speaker_ok(p, g):
                        ctx = text[max(0, g["span"][0] - 150) : g["span"][1] + 150]
                        out.write(
                            f"SPEAKER\t{row['id']}\tgold={show(g['speaker'])!r}\tpred={show(p['speaker'])!r}\t{ctx!r}\n"
                        )
            for pi, p in enumerate(preds):
                if pi not in matched_p:
                    ctx = text[max(0, p["span"][0] - 100) : p["span"][1] + 100]
                    out.write(f"FALSE\t{row['id']}\tspk={show(p['speaker'])!r}\t{show(p['span'])!r}\t{ctx!r}\n")


if __name__ == "__main__":
    raise SystemExit(main())
