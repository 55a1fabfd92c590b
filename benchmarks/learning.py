"""The model-in-the-loop learning curve on CoNLL-2003 (issue 16).

    python benchmarks/learning.py [--sizes 0,50,200,946] [--seed 0] [--max-epochs 30] [--settings JSON]

For each N: a fresh database where a team has finished the first N training articles (imported as
answered lines, as `annotator import` reads them) and imported the rest unopened, as a team
works through a corpus (no labels of theirs are read), `annotator train` on it (timed: snapshot,
training, writing the pipeline), then the trained pipeline's suggestions (the extractor that
import and suggest use) scored on the validation articles: entity F1 and corrections an article
(missed plus wrong spans; a wrong label is one of each). N = 0 is the base model, its labels
mapped by schemas/conll.yaml. Prints a table and one JSON line.

Targets (this 2-core machine): F1 >= 0.79 after 50, >= 0.87 after 200, >= 0.90 after all 946;
corrections an article after 200 at most half the base model's; training on 200 under 3 minutes.
The data is read from ../shared/eval, never copied.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EVAL = ROOT.parent / "shared" / "eval"
SCHEMA = ROOT / "schemas" / "conll.yaml"
TARGETS = {50: 0.79, 200: 0.87, 946: 0.90}


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def finished_db(db: Path, articles: list[dict], n: int, schema) -> None:
    """The first N articles as one team's finished work, the rest imported and not yet opened."""
    from annotator.ingest import import_paths
    from annotator.store import Store

    lines = db.with_suffix(".jsonl")
    with lines.open("w", encoding="utf-8") as out:
        for i, article in enumerate(articles[:n]):
            out.write(json.dumps({"text": article["text"], "spans": article["spans"], "answer": "accept",
                                  "_annotator_id": "team", "_timestamp": 1_700_000_000 + i}) + "\n")
        for article in articles[n:]:
            out.write(json.dumps({"text": article["text"]}) + "\n")
    with Store(db) as store:
        import_paths(store, [lines], schema, extract=False)


def suggestions(model: str | None, texts: list[str], schema) -> list[list[tuple[int, int, str]]]:
    """What annotators would be shown: the extractor's entity drafts."""
    from annotator.extract import load_extractor

    extractor = load_extractor(schema, model=model)
    return [[(d.start, d.end, d.label) for d in drafts if d.kind == "entity"]
            for drafts in extractor.pipe(texts, batch_size=32)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, default=EVAL / "conll2003-train.jsonl")
    parser.add_argument("--valid", type=Path, default=EVAL / "conll2003-valid.jsonl")
    parser.add_argument("--sizes", default="0,50,200,946")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--settings", default="{}", help='Training settings to change, as JSON: {"patience": 2}')
    parser.add_argument("--keep", type=Path, default=None, help="Keep the trained pipelines in this folder.")
    args = parser.parse_args()

    from annotator.learn.pipeline import train_pipeline
    from annotator.learn.scoring import score
    from annotator.learn.snapshot import read_snapshot
    from annotator.learn.train import Settings
    from annotator.schema import load_schema
    from annotator.store import Store

    schema = load_schema(SCHEMA)
    train, valid = read(args.train), read(args.valid)
    texts = [a["text"] for a in valid]
    gold = [[(s["start"], s["end"], s["label"]) for s in a["spans"]] for a in valid]
    settings = Settings(**({"max_epochs": args.max_epochs} if args.max_epochs else {}), **json.loads(args.settings))
    rows = []
    with tempfile.TemporaryDirectory(prefix="learning-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in [int(x) for x in args.sizes.split(",")]:
            row = {"n": n}
            model = None
            if n:
                db = Path(tmp) / f"team-{n}.db"
                finished_db(db, train, n, schema)
                started = time.perf_counter()
                with Store(db, create=False) as store:
                    snapshot = read_snapshot(store, schema)
                out = work / f"conll-{n}"
                def on_epoch(e, n=n):
                    print(f"  N={n} epoch {e.epoch}: held-back F1 {e.f1:.3f}{' *' if e.best else ''}",
                          file=sys.stderr, flush=True)

                trained = train_pipeline(snapshot, schema, out, seed=args.seed, settings=settings, database=str(db),
                                         on_epoch=on_epoch)
                row["train_s"] = round(time.perf_counter() - started, 1)
                row["epochs"] = len(trained.result.epochs) - 1
                row["best_epoch"] = trained.result.best_epoch
                row["held_back_f1"] = round(trained.result.trained.f1, 4)
                row["relabel"] = trained.meta.get("relabel")
                model = str(out)
            scores = score(suggestions(model, texts, schema), gold)
            row |= {"f1": round(scores.f1, 4), "p": round(scores.prf()[0], 4), "r": round(scores.prf()[1], 4),
                    "corrections": round(scores.corrections_per_article, 2),
                    "per_label": {lab: round(scores.prf(lab)[2], 4) for lab in scores.labels}}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    base = next((r for r in rows if r["n"] == 0), None)
    print(f"{'N':>5} {'F1':>6} {'P':>6} {'R':>6} {'corr/art':>9} {'train s':>8} {'epochs':>7}  target")
    for r in rows:
        target = TARGETS.get(r["n"])
        verdict = "" if target is None else f"F1 >= {target}: {'met' if r['f1'] >= target else 'MISSED'}"
        print(f"{r['n']:>5} {r['f1']:>6.3f} {r['p']:>6.3f} {r['r']:>6.3f} {r['corrections']:>9.1f} "
              f"{r.get('train_s', 0):>8.1f} {r.get('epochs', 0):>7}  {verdict}")
    checks = {}
    two = next((r for r in rows if r["n"] == 200), None)
    if base and two:
        checks["corrections_halved_at_200"] = two["corrections"] <= base["corrections"] / 2
    if two:
        checks["train_200_under_180s"] = two["train_s"] < 180
    for r in rows:
        if r["n"] in TARGETS:
            checks[f"f1_at_{r['n']}"] = r["f1"] >= TARGETS[r["n"]]
    print(json.dumps({"benchmark": "learning", "seed": args.seed, "rows": rows, "checks": checks}))


if __name__ == "__main__":
    main()
