"""Words per second of extraction against bare `nlp.pipe` of the same model on the same texts.

    python benchmarks/throughput.py [--data FILE.jsonl|FOLDER] [--model NAME] [--repeat 3]

Both runs use the same pipeline object, batch size and process count, interleaved chunk by chunk
(alternating which goes first), and the best of `--repeat` rounds is kept for each (the machine is
shared; the best round is the least disturbed). The overhead is what quote finding, attribution and draft building add on top of the
model's single pass (bare runs the base model's pipes only: our `annotator_quotes` component is
switched off there). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))



def load_texts(path: Path) -> list[str]:
    if path.is_dir():
        return [p.read_text(encoding="utf-8") for p in sorted(path.rglob("*.txt"))]
    texts = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None, help="a FILE.jsonl, a folder of articles, or the eval"
                        " folder (its polnear-dev.jsonl; benchmarks/evaldata.py)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=8, help="texts per interleaved chunk")
    parser.add_argument("--limit", type=int, default=0, help="only the first N texts")
    args = parser.parse_args(argv)
    if args.data is None or (args.data / "polnear-dev.jsonl").exists():
        from benchmarks.evaldata import data_file

        args.data = data_file(args.data, "polnear-dev.jsonl")

    from annotator.extract import extract_doc, load_extractor

    texts = load_texts(args.data)
    if args.limit:
        texts = texts[: args.limit]
    words = sum(len(t.split()) for t in texts)
    extractor = load_extractor(model=args.model)
    nlp = extractor.nlp
    from annotator.extract.component import NAME

    # Bare: the base model's own pipes, without the quote attribution component we add.
    ours = [NAME] if NAME in nlp.pipe_names else []

    def bare_pipe(chunk, **kw):
        with nlp.select_pipes(disable=ours):
            yield from nlp.pipe(chunk, **kw)

    # Warm up (first batches allocate).
    for _ in nlp.pipe(texts[:8]):
        pass

    def timed(run, chunk: list[str]) -> float:
        start = time.perf_counter()
        for _ in run(chunk, n_process=args.n_process, batch_size=args.batch_size):
            pass
        return time.perf_counter() - start

    # Interleave the two in chunks (alternating which goes first) so that both see the same load
    # on a shared machine; each round covers every text once with each.
    chunk_size = args.chunk
    chunks = [texts[i : i + chunk_size] for i in range(0, len(texts), chunk_size)]
    bare_times, full_times = [], []
    for _ in range(args.repeat):
        b_total = f_total = 0.0
        for k, chunk in enumerate(chunks):
            if k % 2:
                f_total += timed(extractor.pipe, chunk)
                b_total += timed(bare_pipe, chunk)
            else:
                b_total += timed(bare_pipe, chunk)
                f_total += timed(extractor.pipe, chunk)
        bare_times.append(b_total)
        full_times.append(f_total)
    # The extraction step alone, on parsed docs (what the overhead is made of): our component
    # (quote finding, rules, learned scoring) and the drafts.
    docs = list(bare_pipe(texts, batch_size=args.batch_size))
    component = nlp.get_pipe(NAME) if ours else None
    start = time.perf_counter()
    quotes = 0
    for doc in docs:
        if component is not None:
            component(doc)
        quotes += sum(1 for d in extract_doc(doc, extractor.policy) if d.kind == "quote")
    extract_only = time.perf_counter() - start

    b, f = min(bare_times), min(full_times)
    result = {
        "model": extractor.model_name,
        "texts": len(texts),
        "words": words,
        "quotes": quotes,
        "bare_words_per_s": round(words / b),
        "extract_words_per_s": round(words / f),
        "ratio": round(f / b, 3),
        "overhead": round(f / b - 1, 3),
        "extraction_step_s": round(extract_only, 3),
        "extraction_step_share": round(extract_only / b, 3),
        "bare_s": [round(x, 2) for x in bare_times],
        "extract_s": [round(x, 2) for x in full_times],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
