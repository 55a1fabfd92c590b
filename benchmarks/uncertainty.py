"""Does the stored uncertainty point at the articles the model gets wrong? (issue 28)

    python benchmarks/uncertainty.py [--model NAME|DIR] [--limit N]

On the CoNLL-2003 validation articles: each article's uncertainty as `suggest` computes it
(learn/ranking.py: beam doubt of entity candidates plus quote doubt), summed per article and, for
comparison, per token, against the corrections the model's suggestions actually need there
(missed plus wrong spans, learn/scoring.py). Prints Spearman correlations, how long the articles
each aggregate puts first are, and one JSON line. Data read from --data DIR (benchmarks/evaldata.py), never copied.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCHEMA = ROOT / "schemas" / "conll.yaml"


def spearman(x: list[float], y: list[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(x, y).statistic)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the eval folder (benchmarks/evaldata.py)")
    parser.add_argument("--valid", type=Path, default=None, help="default: conll2003-valid.jsonl of --data")
    parser.add_argument("--model", default=None, help="A pipeline folder or model name (default: the schema's)")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    from benchmarks.evaldata import data_file

    args.valid = args.valid or data_file(args.data, "conll2003-valid.jsonl")

    from annotator.extract import extract_doc, load_extractor
    from annotator.learn.ranking import uncertainties
    from annotator.learn.scoring import score
    from annotator.schema import load_schema

    schema = load_schema(SCHEMA)
    valid = [json.loads(line) for line in args.valid.open(encoding="utf-8")][:args.limit]
    extractor = load_extractor(schema, model=args.model)
    docs = list(extractor.nlp.pipe([a["text"] for a in valid], batch_size=32))
    doubt = uncertainties(extractor.nlp, docs, extractor.policy.map)
    tokens = [len(doc) for doc in docs]
    wrong = []
    for doc, a in zip(docs, valid, strict=True):
        predicted = [(d.start, d.end, d.label) for d in extract_doc(doc, extractor.policy) if d.kind == "entity"]
        wrong.append(score([predicted], [[(s["start"], s["end"], s["label"]) for s in a["spans"]]]).corrections)
    per_token = [u / max(t, 1) for u, t in zip(doubt, tokens, strict=True)]
    wrong_per_token = [w / max(t, 1) for w, t in zip(wrong, tokens, strict=True)]
    n = len(valid)
    k = max(1, n // 4)

    def first(values):
        top = sorted(range(n), key=lambda i: -values[i])[:k]
        return (round(sum(tokens[i] for i in top) / k, 1), round(sum(wrong[i] for i in top) / k, 2),
                round(sum(wrong[i] for i in top) / max(1, sum(tokens[i] for i in top)) * 100, 2))

    out = {
        "articles": n, "model": extractor.model_name,
        "spearman_sum_vs_corrections": round(spearman(doubt, wrong), 3),
        "spearman_per_token_vs_corrections_per_token": round(spearman(per_token, wrong_per_token), 3),
        "spearman_tokens_vs_corrections": round(spearman(tokens, wrong), 3),
        "all_tokens_mean": round(sum(tokens) / n, 1), "all_corrections_mean": round(sum(wrong) / n, 2),
        "all_corrections_per_100_tokens": round(sum(wrong) / sum(tokens) * 100, 2),
        # the first quarter by each aggregate: (tokens an article, corrections an article, corrections per 100 tokens)
        "first_quarter_by_sum": first(doubt), "first_quarter_by_per_token": first(per_token),
        "first_quarter_by_length": first(tokens),
    }
    for key, value in out.items():
        print(f"{key}: {value}")
    print(json.dumps({"benchmark": "uncertainty", **out}))


if __name__ == "__main__":
    main()
