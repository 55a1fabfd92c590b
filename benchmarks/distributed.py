"""Words per second of `annotator extract --ray` with 1 and 2 Ray workers against one process.

    python benchmarks/distributed.py [--data FILE.jsonl|FOLDER ...] [--limit N] [--workers 1,2]

The corpus is made at run time in a temporary folder, texts only (so the model runs on every
article; the gold spans of an eval file would otherwise be kept as they are): by default the
texts of conll2003-train.jsonl of the eval folder and the articles of the team's wikinews corpus
(benchmarks/evaldata.py; --data FILE|FOLDER ... reads others),
never copied into the repository. All in one run, on the same corpus and model:

- one process: today's `annotator extract` (nlp.pipe, no Ray); its startup is loading the model;
- a local Ray cluster started once (its startup reported apart), then `--ray` with 1 worker and
  with 2: each run's startup is until every actor has loaded the model and begun its first chunk.

Steady state: for the one process, words over the time of the run after the model is loaded;
for Ray, the words extracted while every actor was busy (from the moment the last actor started
its first chunk to the moment the first actor finished its last one, chunks counted pro rata)
over that window's length. End to end: all the words over the whole wall time, startup
included (the cluster's start excluded, as a running cluster has it behind it). The driver's
own CPU time during each Ray run is reported too: it should be small. Prints the figures, then
one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.evaldata import team_folder  # noqa: E402

DEFAULT_DATA = [team_folder("eval") / "conll2003-train.jsonl", team_folder("corpus") / "wikinews"]


def load_texts(paths: list[Path]) -> list[str]:
    texts = []
    for path in paths:
        if path.is_dir():
            texts += [p.read_text(encoding="utf-8") for p in sorted(path.rglob("*.txt"))]
        else:
            with open(path, encoding="utf-8") as handle:
                texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def steady_rate(results: list[dict]) -> tuple[float, float, float]:
    """(words/s while every actor was busy, window seconds, first chunk start - run start)."""
    by_pid: dict[int, list[dict]] = {}
    for r in results:
        by_pid.setdefault(r["pid"], []).append(r)
    t0 = max(min(r["started"] for r in rs) for rs in by_pid.values())
    t1 = min(max(r["ended"] for r in rs) for rs in by_pid.values())
    if t1 <= t0:  # too few chunks to overlap: from the last start to the end
        t1 = max(r["ended"] for r in results)
    words = 0.0
    for r in results:
        span = r["ended"] - r["started"]
        overlap = max(0.0, min(r["ended"], t1) - max(r["started"], t0))
        if span > 0:
            words += r["words"] * overlap / span
    return words / (t1 - t0), t1 - t0, t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, nargs="+", default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="only the first N texts")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    load_before = [round(x, 2) for x in os.getloadavg()]
    started_at = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())

    import ray

    from annotator.cli.extract_cmd import run_extract
    from annotator.export.extracted import ExtractionJob
    from annotator.extract import distributed, load_extractor
    from annotator.schema import default_schema_path, load_schema

    texts = load_texts(args.data)
    if args.limit:
        texts = texts[: args.limit]
    words = sum(len(t.split()) for t in texts)
    work = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    try:
        corpus = work / "corpus.jsonl"
        with open(corpus, "w", encoding="utf-8") as handle:
            for n, text in enumerate(texts):
                handle.write(json.dumps({"text": text, "meta": {"id": n}}) + "\n")
        print(f"corpus: {len(texts)} texts, {words:,} words, {corpus.stat().st_size / 1e6:.1f} MB; "
              f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.2f}", file=sys.stderr)

        # One process: today's annotator extract (the model loaded first, timed apart).
        began = time.perf_counter()
        load_extractor(load_schema(default_schema_path()))
        one_startup = time.perf_counter() - began
        began = time.perf_counter()
        run_extract([corpus], work / "one.jsonl", batch_size=args.batch_size)
        one_run = time.perf_counter() - began
        one = {"startup_s": round(one_startup, 2), "run_s": round(one_run, 2),
               "steady_words_per_s": round(words / one_run), "end_to_end_words_per_s": round(words / (one_startup + one_run))}
        print(f"1 process: startup {one_startup:.1f} s (model), {words / one_run:,.0f} words/s steady, "
              f"{words / (one_startup + one_run):,.0f} words/s end to end", file=sys.stderr)
        expected = sorted((work / "one.jsonl").read_bytes().splitlines())

        began = time.perf_counter()
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level="ERROR", log_to_driver=False)
        cluster_start = time.perf_counter() - began
        print(f"local Ray cluster: started in {cluster_start:.1f} s", file=sys.stderr)
        ray_runs = {}
        try:
            for workers in (int(w) for w in args.workers.split(",")):
                out = work / f"ray-{workers}"
                distributed.prepare_output(str(out), True)
                results: list[dict] = []
                cpu = cpu_seconds()
                wall0 = time.time()
                began = time.perf_counter()
                summary = distributed.run(ExtractionJob(batch_size=args.batch_size), [str(corpus)], str(out),
                                          workers, lambda line: print(line, file=sys.stderr), on_result=results.append)
                wall = time.perf_counter() - began
                driver_cpu = cpu_seconds() - cpu
                got = sorted(line for shard in sorted(out.glob("part-*.jsonl")) for line in shard.read_bytes().splitlines())
                assert got == expected, "the Ray run's lines differ from the one-process run's"
                steady, window, t0 = steady_rate(results)
                idle = 0.0  # between an actor's chunks: the hand-over of the next one
                for pid in {r["pid"] for r in results}:
                    mine = sorted((r for r in results if r["pid"] == pid), key=lambda r: r["started"])
                    idle += sum(b["started"] - a["ended"] for a, b in zip(mine, mine[1:], strict=False))
                ray_runs[workers] = {
                    "chunks": summary.chunks, "actors": len({r["pid"] for r in results}),
                    "startup_s": round(t0 - wall0, 2), "model_load_s": round(max(r["load_seconds"] for r in results), 2),
                    "steady_words_per_s": round(steady), "steady_window_s": round(window, 1),
                    "run_s": round(wall, 2), "end_to_end_words_per_s": round(words / wall),
                    "driver_cpu_s": round(driver_cpu, 2), "idle_between_chunks_s": round(idle, 2),
                    "actor_max_rss_mb": max(r["max_rss_mb"] for r in results),
                }
                print(f"{workers} worker(s): {summary.chunks} chunks; startup {t0 - wall0:.1f} s (actors up, model "
                      f"loaded); {steady:,.0f} words/s steady ({window:.0f} s window), {words / wall:,.0f} words/s "
                      f"end to end ({wall:.1f} s); driver CPU {driver_cpu:.1f} s; actors idle between chunks {idle:.1f} s; "
                      f"actor RSS {ray_runs[workers]['actor_max_rss_mb']:.0f} MB", file=sys.stderr)
        finally:
            ray.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result = {"benchmark": "distributed", "texts": len(texts), "words": words, "cpus": os.cpu_count(),
              "at": started_at, "load_before": load_before, "one_process": one, "cluster_start_s": round(cluster_start, 2),
              "ray": {str(k): v for k, v in ray_runs.items()}}
    if 1 in ray_runs and 2 in ray_runs:
        result["ratio_2_workers_to_1_process"] = round(ray_runs[2]["steady_words_per_s"] / one["steady_words_per_s"], 2)
        result["ratio_2_workers_to_1_worker"] = round(ray_runs[2]["steady_words_per_s"] / ray_runs[1]["steady_words_per_s"], 2)
        result["ratio_2_workers_to_1_process_end_to_end"] = round(
            ray_runs[2]["end_to_end_words_per_s"] / one["end_to_end_words_per_s"], 2)
        print(f"2 workers / 1 process: {result['ratio_2_workers_to_1_process']:.2f} steady (target 1.7), "
              f"{result['ratio_2_workers_to_1_process_end_to_end']:.2f} end to end", file=sys.stderr)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
