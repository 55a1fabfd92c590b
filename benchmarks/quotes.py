"""Score quotation and speaker extraction against a gold split (PolNeAR dev by default).

    python benchmarks/quotes.py [--data DIR|polnear-dev.jsonl] [--train FILE] [--model NAME] [--cv 5]

Runs the extractor's pipeline in-process (what `annotator extract` uses) once over the data and
scores, side by side, the rules alone and the learned attribution (the default), with the metrics
of the evaluation data (annotator/extract/scoring.py; the data: benchmarks/evaldata.py): lenient and strict P/R/F1, speaker
accuracy and end-to-end P/R/F1 — over every quote offered ("all", the headline: what an annotator
sees) and over the attributed quotes only ("attributed"). Then K-fold cross-validation of the
learned model on the training split (each fold trained from scratch on the others): the gap
between it and dev estimates what unseen articles will see. A table goes to stderr, one JSON
line to stdout.

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


from annotator.extract.scoring import gold_quotes, lenient, match, score, speaker_ok, strict  # noqa: E402
from benchmarks.evaldata import data_file  # noqa: E402

# Issue 15's targets on PolNeAR dev (the learned attribution).
TARGETS = {"end_to_end": 0.88, "lenient": 0.93, "strict": 0.88, "speaker_accuracy": 0.95}


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None, help="the eval folder, or the dev file (benchmarks/evaldata.py)")
    parser.add_argument("--train", type=Path, default=None, help="cross-validated on (never the dev file; default: polnear-train.jsonl of --data)")
    parser.add_argument("--cv", type=int, default=5, help="folds of cross-validation on --train (0: skip)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--errors", type=Path, default=None, help="write per-quote misses here (local use)")
    args = parser.parse_args(argv)
    data_dir = args.data if args.data is not None and args.data.is_dir() else None
    args.train = args.train or (data_file(data_dir, "polnear-train.jsonl") if args.cv else None)
    args.data = data_file(args.data, "polnear-dev.jsonl")

    from annotator.extract import load_extractor

    rows = load_gold(args.data)
    if args.limit:
        rows = rows[: args.limit]
    extractor = load_extractor(model=args.model)
    # Quotations as the quote component draws them: the attribution component (every form, scored by
    # benchmarks/attributions.py) would add indirect contents that this gold does not hold.
    from annotator.extract.component import ATTRIBUTIONS

    off = [ATTRIBUTIONS] if ATTRIBUTIONS in extractor.nlp.pipe_names else []
    started = time.perf_counter()
    with extractor.nlp.select_pipes(disable=off):
        docs = list(extractor.nlp.pipe((r["text"] for r in rows), n_process=args.n_process, batch_size=args.batch_size))
    seconds = time.perf_counter() - started

    result = {"data": str(args.data), "model": extractor.model_name, "articles": len(rows), "seconds": round(seconds, 2)}
    learned_pairs = []
    for name in ("rules", "learned"):
        pairs_all, pairs_attr = [], []
        for row, doc in zip(rows, docs, strict=True):
            golds = gold_quotes(row)
            preds = predictions_from_drafts(_drafts(extractor, doc, learned=name == "learned"))
            pairs_all.append((golds, preds))
            pairs_attr.append((golds, [p for p in preds if p["speaker"] is not None]))
        if name == "learned":
            learned_pairs = pairs_all
        result[name] = {"all": score(pairs_all), "attributed": score(pairs_attr)}
    result["targets"] = TARGETS
    result["targets_met"] = _meets(result["learned"]["all"])
    if args.errors:
        _write_errors(args.errors, rows, learned_pairs)
    if args.cv and args.train.exists() and extractor.model_name is not None:
        from annotator.extract.training import cross_validate, prepare_all

        started = time.perf_counter()
        articles = prepare_all(extractor.nlp, load_gold(args.train))
        result["cross_validation"] = {
            "data": str(args.train),
            "folds": args.cv,
            "learned": cross_validate(articles, k=args.cv),
            "seconds": round(time.perf_counter() - started, 1),
        }
    _print_table(result)
    print(json.dumps(result))
    return 0


def _drafts(extractor, doc, learned: bool):
    """The drafts the extractor makes of a Doc, or with `learned` False those of the rules alone."""
    from annotator.extract import extract_doc
    from annotator.extract.drafts import QUOTES_ATTR

    if learned or not doc.has_extension(QUOTES_ATTR):
        return extract_doc(doc, extractor.policy)
    kept = doc._.get(QUOTES_ATTR)
    doc._.set(QUOTES_ATTR, None)
    try:
        return extract_doc(doc, extractor.policy)
    finally:
        doc._.set(QUOTES_ATTR, kept)


def _print_table(result: dict) -> None:
    rows = [("rules, dev", result["rules"]["all"]), ("learned, dev", result["learned"]["all"])]
    if "cross_validation" in result:
        rows.append((f"learned, {result['cross_validation']['folds']}-fold CV on train", result["cross_validation"]["learned"]))
    print(f"{'':34} {'end-to-end':>10} {'lenient':>8} {'strict':>8} {'speaker':>8}", file=sys.stderr)
    for name, s in rows:
        print(
            f"{name:34} {s['end_to_end']['f1']:10.3f} {s['lenient']['f1']:8.3f} {s['strict']['f1']:8.3f} "
            f"{s['speaker_accuracy']:8.3f}",
            file=sys.stderr,
        )
    t = result["targets"]
    print(f"{'targets (dev)':34} {t['end_to_end']:10.2f} {t['lenient']:8.2f} {t['strict']:8.2f} "
          f"{t['speaker_accuracy']:8.2f}", file=sys.stderr)


def _write_errors(path: Path, rows: list[dict], pairs) -> None:
    """Misses and false alarms, for looking at locally; never commit the file (it quotes the data)."""
    with open(path, "w", encoding="utf-8") as out:
        for row, (golds, preds) in zip(rows, pairs, strict=True):
            text = row["text"]
            m = match(preds, golds, lenient)
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
                    if not speaker_ok(p, g):
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
