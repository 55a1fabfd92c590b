"""One big article through `annotator import`: where the time goes (issue 36: a 300 kB article with
10,559 spans took 12.5 s to import).

    python benchmarks/big_article.py [--kb 300] [--model NAME] [--profile]

Builds one article of about --kb kilobytes from the bundled seeds (paragraphs repeated in turn),
and times apart:
  * loading the model (once a process, not per article);
  * the model, component by component: spaCy's (tokenizer, tok2vec, tagger, parser, ..., ner) and
    our learned quote attribution (annotator_quotes), then our extraction on the parsed Doc;
  * the import outside the model: import_paths of the file as `annotator import FILE.txt` runs it,
    with the model's spans replayed instead of recomputed (reading, tokens for the store, writing);
  * the same import with --no-extract.
The machine is shared: the CPU time of the part outside the model is printed beside its wall time.
--profile prints the top of a cProfile of the import outside the model.
Prints a human summary and one JSON line.

Figures (2026-12-06 21:15 UTC, 2 shared vCPUs at load 9.6-10.4, en_core_web_sm 3.8; 300 kB, 57,389
tokens, 4,612 spans): the import outside the model 0.58 s (0.24 s of CPU); the model 30.4 s: spaCy's
components 29.3 s (ner 11.5, tok2vec 7.0, parser 4.6, attribute_ruler 3.6, lemmatizer 1.6,
tokenizer 1.0) and our quote attribution 1.1 s; our extraction on the Doc 0.16 s. Before (same
load): outside the model 3.4 s (the text tokenized twice, offsets read token by token) and the
quote attribution 38.7 s (quadratic: Doc.text and Token.sent walked the whole Doc once a quote).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from annotator import extract  # noqa: E402
from annotator.ingest import import_paths  # noqa: E402
from annotator.schema import load_schema  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.tokens import offsets_of  # noqa: E402


def big_text(kb: int) -> str:
    paragraphs = []
    for path in sorted((REPO / "seeds").rglob("*.txt")):
        body = path.read_text(encoding="utf-8").split("\n", 1)[1]
        paragraphs += [p.strip() for p in body.split("\n\n") if p.strip()]
    out, size = [], 0
    while size < kb * 1000:
        for paragraph in paragraphs:
            out.append(paragraph)
            size += len(paragraph.encode()) + 2
            if size >= kb * 1000:
                break
    return "\n\n".join(out)


class Replay:
    """The extractor import_paths loads, replaying spans found beforehand: the import then runs
    everything but the model, which is what "outside the model" times."""

    def __init__(self, inner, spans, tokens) -> None:
        self.inner, self.spans, self.tokens = inner, spans, tokens

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def pipe(self, texts, n_process=1, batch_size=64):
        for _ in texts:
            yield self.spans

    def pipe_with_tokens(self, texts, n_process=1, batch_size=64):
        for _ in texts:
            yield self.spans, self.tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument("--model", default=None)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    schema = load_schema(REPO / "schemas" / "news.yaml")
    work = Path(tempfile.mkdtemp(prefix="big-article-"))
    article = work / "big.txt"
    text = big_text(args.kb)
    article.write_text(text, encoding="utf-8")

    start = time.perf_counter()
    extractor = extract.load_extractor(schema, args.model)
    load_s = time.perf_counter() - start
    # The model, one component at a time, then our extraction on its Doc.
    components: dict[str, float] = {}
    start = time.perf_counter()
    doc = extractor.nlp.make_doc(text)
    components["tokenizer"] = time.perf_counter() - start
    for name, component in extractor.nlp.pipeline:
        start = time.perf_counter()
        doc = component(doc)
        components[name] = time.perf_counter() - start
    start = time.perf_counter()
    spans = extract.extract_doc(doc, extractor.policy)
    extract_s = time.perf_counter() - start
    tokens = offsets_of(doc)  # what Extractor.pipe_with_tokens hands the import with the spans

    real_load = extract.load_extractor
    extract.load_extractor = lambda *a, **k: Replay(extractor, spans, tokens)  # import_paths loads it from here
    profile = cProfile.Profile() if args.profile else None
    try:
        with Store(work / "a.db") as store:
            start, cpu = time.perf_counter(), time.process_time()
            if profile:
                profile.enable()
            summary = import_paths(store, [article], schema, extract=True)
            if profile:
                profile.disable()
            outside_s, outside_cpu_s = time.perf_counter() - start, time.process_time() - cpu
    finally:
        extract.load_extractor = real_load
    assert summary.imported == 1 and summary.spans == len(spans)

    with Store(work / "b.db") as store:
        start = time.perf_counter()
        import_paths(store, [article], schema, extract=False)
        no_extract_s = time.perf_counter() - start

    ours = components.pop("annotator_quotes", 0.0)
    spacy_s = sum(components.values())
    figures = {
        "kb": round(article.stat().st_size / 1000), "chars": len(text), "spans": len(spans),
        "model": extractor.model_name, "model_load_s": round(load_s, 2), "spacy_s": round(spacy_s, 2),
        "spacy_components_s": {k: round(v, 2) for k, v in components.items()},
        "quote_attribution_s": round(ours, 2), "extract_doc_s": round(extract_s, 2),
        "outside_model_s": round(outside_s, 2), "outside_model_cpu_s": round(outside_cpu_s, 2), "no_extract_import_s": round(no_extract_s, 2),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"{figures['kb']} kB article ({len(text):,} characters, {len(doc):,} tokens), {len(spans):,} spans, "
          f"model {extractor.model_name} (loaded in {load_s:.2f} s, once a process)")
    print(f"the model: spaCy {spacy_s:.2f} s ({', '.join(f'{k} {v:.2f}' for k, v in components.items())}), "
          f"our quote attribution component {ours:.2f} s, our extraction on the Doc {extract_s:.2f} s")
    print(f"the import outside the model: {outside_s:.2f} s, {outside_cpu_s:.2f} s of CPU (reading, tokens for the store, writing "
          f"{len(spans):,} spans); with --no-extract: {no_extract_s:.2f} s")
    print(f"load average {figures['load']}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
