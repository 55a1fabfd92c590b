"""Scale and speed: annotated-JSONL import, export, and a 100,000-article database.

    python benchmarks/scale.py [--articles 2000] [--big 100000] [--workdir DIR] [--labelstudio-venv /tmp/ls-venv]

Builds, from the bundled seeds, a corpus of annotated articles (about 80 spans each, every copy made
unique) and measures in one run:
  * import (annotated JSONL -> database) and export (database -> JSONL) in spans per second,
    each with its peak memory (each step runs in its own process: ru_maxrss of that process);
  * on a database of --big articles (10 spans each, so 1,000,000 spans at 100,000 articles):
    the time until `annotator annotate` shows its first article (the store calls the app makes
    before its first paint, plus the app's own open time when the TUI is importable), `stats`,
    and export's peak memory.
With --labelstudio-venv (benchmarks/labelstudio.py installs label-studio there if missing), the
same run measures Label Studio on the same articles and spans, and prints the ratios: a ratio only
counts when both sides ran in the same run, on the same machine. The machine is shared, so the two
sides take turns, --rounds times (3), each in a fresh database or project, and the medians are
compared; each round's figures and load are printed too. Label Studio (its SQLite database, on
127.0.0.1 only, legacy API token) gets the corpus as tasks, each line's spans and speaker links as
one annotation (`annotator export --format labelstudio` of the imported database, made before any
clock starts; no tokens, which Label Studio does not take, while annotator's lines carry every token):
  * import: from the start of one POST /api/projects/ID/import of all tasks until GET
    /api/projects/ID counts every task and annotation (after a warm-up import into another project);
  * export: from POST /api/projects/ID/exports (a JSON snapshot) until its download is read.
annotator's import is import_paths of the JSONL lines in a fresh process, as `annotator import
FILE.jsonl --no-extract` runs it (its start, the interpreter's and the imports' aside); its export is
export_jsonl, as `annotator export`. --big 0 leaves the big database out.
Prints a human summary and one JSON line.

Figures (import; 2,000 articles, 164,620 spans; Label Studio 1.23.2; 2 vCPU shared with other
people's spaCy training and benchmarks: the load averages are the machine's, not ours). Each line is
one run, medians of its 3 rounds, and the three rounds' own ratios:

| run (UTC) | code | load (1 min) | annotator spans/s | Label Studio spans/s | ratio | rounds |
|---|---|---|---|---|---|---|
| 2026-12-04 16:25 | before (11ad29c) | 3.5-6.0 | 29,651 | 8,846 | 3.35 | 3.49, 3.26, 3.32 |
| 2026-12-04 16:30 | after | 2.5-2.9 | 63,798 | 21,654 | 2.95 | 2.79, 3.30, 2.98 |
| 2026-12-04 16:47 | after | 4.2-6.2 | 38,077 | 10,186 | 3.74 | 2.81, 3.72, 5.82 |
| 2026-12-04 16:52 | before (11ad29c) | 7.7-9.6 | 31,198 | 9,767 | 3.19 | 3.44, 3.97, 3.19 |
| 2026-12-04 17:36 | after (merged with the TUI work) | 1.4-1.7 | 115,410 | 26,522 | **4.35** | 2.82, 4.93, 4.65 |
| 2026-12-04 18:55 | after (with this evening's TUI work) | 0.3-1.2 | 98,650 | 24,041 | **4.10** | 4.99, 3.88, 4.39 |

Export in the same runs: 7.25x, 8.44x, 9.63x, 6.62x, 13.28x and 11.68x Label Studio's. Import is 4x
Label Studio's in the runs at the lowest load (17:36, one other benchmark beside it; 18:55, nothing
else running), not in the loaded ones. Both sides slow down with the load, but not alike: Label Studio is one process at normal
priority, annotator's import a writer and two parsers at nice 10 (ingest/parallel.py), which on a busy
machine get little of it. Alternated on the same load (7.2-7.4), the import's CPU went from 2.73 s to
2.51 s (main 1.27 to 1.08, parsers 1.47 to 1.43) and its wall time from 4.63 to 4.32 s, mean of 4 each:
no foreign-key checks and a bigger page cache during its transactions, and the token bounds read in
C. Tried and left out: parsing in the writer while the niced parsers lag (slower: the writer got half
a core), one pass of C-level checks for a line's spans (no measurable gain a line), checkpoints put off
to the end (no gain), synchronous=OFF (10% faster, but a power cut mid-import could corrupt the file).
Where the time goes: a line's parse is 0.57 ms (orjson.loads 0.22, tokens 0.3, spans 0.1); the
writer's SQLite 0.45 ms an article (spans from json_each half of it, decisions and states most of
the rest).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGETS = {
    "import_spans_per_s": 100_000,
    "export_spans_per_s": 200_000,
    "export_peak_mb_1m": 200,
    "first_screen_s": 1.0,
}
LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP"]


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would carry the parent's over exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed_texts() -> list[str]:
    from annotator.ingest import read_paths

    return [d.text for d in read_paths([REPO / "seeds"]) if hasattr(d, "text")]


def annotated_line(text: str, tokens: list[tuple[int, int]], n: int, spans_wanted: int, rng: random.Random) -> dict:
    """An accepted line with entity spans on token boundaries, a few quotes with speakers."""
    words = [i for i, (s, e) in enumerate(tokens) if text[s:e].strip()]
    step = max(1, len(words) // spans_wanted)
    spans, taken = [], set()
    for k in range(0, len(words) - 3, step):
        i = words[k]
        j = words[min(k + rng.randint(0, 2), len(words) - 1)]
        if i in taken or j < i:
            continue
        taken.update(range(i, j + 1))
        spans.append({"start": tokens[i][0], "end": tokens[j][1], "label": rng.choice(LABELS)})
        if len(spans) >= spans_wanted:
            break
    relations = []
    for q in range(min(3, len(spans) // 20)):  # a few quotes over stretches after a speaker span
        speaker = spans[q * 20]
        start = speaker["end"] + 1
        quote = {"start": start, "end": min(len(text), start + 60), "label": "QUOTE"}
        if quote["end"] > quote["start"]:
            spans.append(quote)
            relations.append({"head": 0, "child": 0, "label": "SPEAKER", "head_span": quote, "child_span": speaker})
    return {
        "text": text,
        "meta": {"source": "bench", "copy": n},
        "tokens": [
            {"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e : e + 1] == " "}
            for i, (s, e) in enumerate(tokens)
        ],
        "spans": spans,
        "relations": relations,
        "answer": "accept",
        "_annotator_id": "bench",
        "_timestamp": 1700000000,
    }


def build_corpus(path: Path, articles: int, spans_each: int) -> int:
    from annotator.tokens import token_offsets

    rng = random.Random(7)
    texts = seed_texts()
    total = 0
    with path.open("w", encoding="utf-8") as out:
        for n in range(articles):
            base = texts[n % len(texts)]
            text = f"[{n}] {base}"  # each copy unique
            (tokens,) = token_offsets([text])
            line = annotated_line(text, list(tokens), n, spans_each, rng)
            total += len(line["spans"])
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return total


def run_step(*args: str) -> dict:
    """Run one measured step in a fresh process; it prints one JSON line."""
    done = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- steps, each in its own process ------------------------------------------------------


def step_import(db: str, corpus: str) -> dict:
    from annotator.ingest import import_paths
    from annotator.schema import load_schema
    from annotator.store import Store

    schema = load_schema(REPO / "schemas" / "news.yaml")
    start = time.perf_counter()
    with Store(db) as store:
        summary = import_paths(store, [corpus], schema, extract=False)
    seconds = time.perf_counter() - start
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # parsing workers, if any
    return {"seconds": seconds, "spans": summary.spans, "articles": summary.imported,
            "peak_mb": peak_mb() + workers_mb}


def step_export(db: str, out: str) -> dict:
    """What `annotator export` runs (several cores for big exports)."""
    from annotator.export.parallel import export_jsonl
    from annotator.store import Store

    start = time.perf_counter()
    with Store(db, create=False) as store:
        lines, spans = export_jsonl(store, Path(out))
    # Workers' peaks count too: their largest (ru_maxrss of reaped children) added to ours.
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": time.perf_counter() - start, "spans": spans, "lines": lines,
            "peak_mb": peak_mb() + workers_mb}


def step_build_big(db: str, articles: int) -> dict:
    """A big database fast: short unique articles, 10 suggested spans each, every one done by 'bench'."""
    from annotator.model import ArticleDraft, SpanDraft
    from annotator.store import Store
    from annotator.tokens import token_offsets

    texts = ["\n\n".join(t.split("\n\n")[:3]) for t in seed_texts()]
    start = time.perf_counter()
    with Store(db) as store:
        chunk = 2000
        for base in range(0, articles, chunk):
            batch = [f"[{n}] {texts[n % len(texts)]}" for n in range(base, min(articles, base + chunk))]
            tokens = list(token_offsets(batch))
            with store.write() as conn:
                for n, (text, toks) in enumerate(zip(batch, tokens, strict=True)):
                    words = [t for t in toks if text[t[0] : t[1]].strip()][1:]
                    spans = tuple(SpanDraft(s, e, LABELS[i % 5]) for i, (s, e) in enumerate(words[::3][:10]))
                    store.insert_article(conn, ArticleDraft(text, spans=spans), f"big-{base + n}", toks, "model")
            with store.write() as conn:  # everyone's work done, so export has a million spans to write
                conn.execute(
                    'INSERT INTO states (span_id, annotator, article_id, status, label, start, "end", decision_id)'
                    " SELECT id, 'bench', article_id, 'accepted', label, start, \"end\", 0 FROM spans WHERE article_id > ?",
                    (base,),
                )
                conn.execute(
                    "INSERT OR IGNORE INTO progress (article_id, annotator, status, updated_at)"
                    " SELECT id, 'bench', 'done', 0 FROM articles WHERE id > ?",
                    (base,),
                )
        spans = store.stats()["spans"]
    return {"seconds": time.perf_counter() - start, "spans": spans, "peak_mb": peak_mb()}


def step_first_screen(db: str) -> dict:
    """What the app reads before its first paint, for an annotator new to the database."""
    start = time.perf_counter()
    from annotator.store import Store

    with Store(db, create=False) as store:
        article_id = store.next_article("newcomer", overlap=None)
        article = store.article(article_id)
        spans = store.spans(article_id, "newcomer")
        store.position(article_id)
        store.progress("newcomer", article_id)
    return {
        "seconds": time.perf_counter() - start,
        "spans": len(spans),
        "chars": len(article.text),
        "peak_mb": peak_mb(),
    }


KEYLAT = REPO.parent / "shared" / "tools" / "keylat.py"  # the team's tools folder (benchmarks/evaldata.py)


def app_first_screen(db: str) -> float | None:
    """Seconds from spawn until `annotator annotate` has painted its first article (keylat's open_s)."""
    if not KEYLAT.exists():
        return None
    app = str(Path(sys.executable).with_name("annotator"))
    done = subprocess.run(
        [sys.executable, str(KEYLAT), "--cols", "120", "--rows", "36", "--key", "j", "--n", "3",
         "--ready", "article 1 of", "--open-quiet", "300", "--quit", "q",
         "--", app, "annotate", "--db", db, "--annotator", "newcomer", "--overlap", "all"],
        capture_output=True, text=True, timeout=180)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])["open_s"]
    except (IndexError, KeyError, ValueError):
        return None


def step_stats(db: str) -> dict:
    start = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("annotator")), "stats", "--db", db, "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return {"seconds": time.perf_counter() - start, "articles": json.loads(done.stdout)["articles"]}


STEPS = {
    "_import": step_import,
    "_export": step_export,
    "_build_big": step_build_big,
    "_first_screen": step_first_screen,
    "_stats": step_stats,
}


def label_studio_tasks(db: str, work: Path) -> tuple[list[dict], str, int]:
    """The imported articles as Label Studio tasks (annotator's own export), its labeling config, and their spans."""
    tasks_file = work / "tasks.json"
    subprocess.run([str(Path(sys.executable).with_name("annotator")), "export", "--db", db, "-o", str(tasks_file),
                    "--format", "labelstudio", "--force"], check=True, capture_output=True)
    tasks = json.loads(tasks_file.read_text())
    spans = sum(r.get("type") == "labels" for t in tasks for a in t["annotations"] for r in a["result"])
    return tasks, tasks_file.with_suffix(".xml").read_text(), spans


def load() -> str:
    """The load average (1, 5, 15 min): the machine is shared, so each figure goes with it."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def ours(work: Path, corpus: Path, n: int) -> dict:
    """annotator's import into a fresh database, then its export, each in a process of its own."""
    db = work / f"scale-{n}.db"
    imp = run_step("_import", str(db), str(corpus))
    exp = run_step("_export", str(db), str(work / "export.jsonl"))
    return {"db": str(db), "import": imp, "export": exp}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in STEPS:
        args = [int(a) if a.isdigit() else a for a in sys.argv[2:]]
        print(json.dumps(STEPS[sys.argv[1]](*args)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--spans", type=int, default=80)
    parser.add_argument("--big", type=int, default=100_000, help="Articles of the big database (0: none).")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--labelstudio-venv", type=Path, default=None,
                        help="Measure Label Studio too, from this venv (made and filled if missing).")
    parser.add_argument("--rounds", type=int, default=3,
                        help="With --labelstudio-venv: rounds of both sides in turn; medians are compared.")
    opts = parser.parse_args()
    work = opts.workdir or Path(tempfile.mkdtemp(prefix="annotator-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    for old in work.glob("*.db*"):
        old.unlink()

    corpus = work / "corpus.jsonl"
    corpus_spans = build_corpus(corpus, opts.articles, opts.spans)
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rounds = []  # per round: annotator's figures, Label Studio's, the load before each
    if opts.labelstudio_venv:
        sys.path.insert(0, str(Path(__file__).parent))
        import labelstudio

        exe = labelstudio.ensure_label_studio(opts.labelstudio_venv)
        first_load, first = load(), ours(work, corpus, 0)
        tasks, config, ls_spans = label_studio_tasks(first["db"], work)
        with labelstudio.running(exe, work, config) as server:
            for n in range(opts.rounds):
                ours_load = first_load if n == 0 else load()
                mine = first if n == 0 else ours(work, corpus, n)
                ls_load = load()
                ls_imp = labelstudio.timed_import(server, tasks, config)
                ls_exp = labelstudio.timed_export(server, ls_imp["project"])
                rounds.append({"load": ours_load, **mine, "ls_load": ls_load, "ls_import": ls_imp, "ls_export": ls_exp})
        version = labelstudio.version(exe)
    else:
        rounds.append({"load": load(), **ours(work, corpus, 0)})
    imp = {"spans": rounds[0]["import"]["spans"], "seconds": statistics.median([r["import"]["seconds"] for r in rounds]),
           "peak_mb": max(r["import"]["peak_mb"] for r in rounds)}
    exp = {"spans": rounds[0]["export"]["spans"], "seconds": statistics.median([r["export"]["seconds"] for r in rounds]),
           "peak_mb": max(r["export"]["peak_mb"] for r in rounds)}
    result = {
        "utc": started_at,
        "load": [r["load"] for r in rounds],
        "articles": opts.articles,
        "corpus_spans": corpus_spans,
        "import_spans_per_s": round(imp["spans"] / imp["seconds"]),
        "import_peak_mb": round(imp["peak_mb"], 1),
        "export_spans_per_s": round(exp["spans"] / exp["seconds"]),
        "export_peak_mb": round(exp["peak_mb"], 1),
    }
    if opts.labelstudio_venv:
        ls_import_s = statistics.median([r["ls_import"]["seconds"] for r in rounds])
        ls_export_s = statistics.median([r["ls_export"]["seconds"] for r in rounds])
        result["label_studio"] = {
            "version": version, "tasks": rounds[0]["ls_import"]["tasks"], "spans": ls_spans,
            "annotations": rounds[0]["ls_import"]["annotations"], "load": [r["ls_load"] for r in rounds],
            "import_spans_per_s": round(ls_spans / ls_import_s), "export_spans_per_s": round(ls_spans / ls_export_s),
        }
        result["rounds"] = [{
            "load": r["load"], "import_spans_per_s": round(r["import"]["spans"] / r["import"]["seconds"]),
            "export_spans_per_s": round(r["export"]["spans"] / r["export"]["seconds"]), "ls_load": r["ls_load"],
            "ls_import_spans_per_s": round(ls_spans / r["ls_import"]["seconds"]),
            "ls_import_answered_s": round(r["ls_import"]["answered_s"], 2),
            "ls_export_spans_per_s": round(ls_spans / r["ls_export"]["seconds"]),
        } for r in rounds]
        for step in ("import", "export"):
            result[f"{step}_vs_label_studio"] = round(result[f"{step}_spans_per_s"]
                                                      / result["label_studio"][f"{step}_spans_per_s"], 2)
    if opts.big:
        result.update(big_database(opts.big, work))
    result["targets_met"] = {
        "import": result["import_spans_per_s"] >= TARGETS["import_spans_per_s"],
        "export": result["export_spans_per_s"] >= TARGETS["export_spans_per_s"],
    }
    if opts.big:
        result["targets_met"].update({
            "export_memory": result["big_export_peak_mb"] < TARGETS["export_peak_mb_1m"],
            "first_screen": (result["first_screen_app_s"] if result["first_screen_app_s"] is not None
                             else result["first_screen_store_s"]) < TARGETS["first_screen_s"],
        })
    print(f"{started_at}, load before each round: {'; '.join(result['load'])}")
    ls = result.get("label_studio")
    for r in result.get("rounds", []):
        print(f"  round: import {r['import_spans_per_s']:,} against {r['ls_import_spans_per_s']:,} spans/s,"
              f" export {r['export_spans_per_s']:,} against {r['ls_export_spans_per_s']:,}"
              f" (load {r['load']}; {r['ls_load']} before Label Studio's)")
    for step in ("import", "export"):
        versus = (f"  {result[f'{step}_vs_label_studio']}x Label Studio {ls['version']}'s"
                  f" {ls[f'{step}_spans_per_s']:,} (medians of {len(rounds)} rounds in turn)"
                  if ls else "  (--labelstudio-venv: against Label Studio)")
        print(f"{step}  {result[f'{step}_spans_per_s']:>9,} spans/s  peak {result[f'{step}_peak_mb']} MB{versus}")
    if opts.big:
        print(
            f"{opts.big:,} articles, {result['big_spans']:,} spans: first screen {result['first_screen_app_s']} s"
            f" (the app over a pty; its store reads {result['first_screen_store_s']} s),"
            f" stats {result['stats_s']} s, export {result['big_export_s']} s with peak {result['big_export_peak_mb']} MB"
        )
    print(json.dumps(result))


def big_database(articles: int, work: Path) -> dict:
    big_db = str(work / "big.db")
    build = run_step("_build_big", big_db, str(articles))
    first = run_step("_first_screen", big_db)
    stats = run_step("_stats", big_db)
    app_open = app_first_screen(big_db)
    big_export = run_step("_export", big_db, str(work / "big-export.jsonl"))
    return {
        "big_articles": articles,
        "big_spans": build["spans"],
        "big_build_s": round(build["seconds"], 1),
        "first_screen_store_s": round(first["seconds"], 3),
        "first_screen_app_s": round(app_open, 3) if app_open is not None else None,
        "stats_s": round(stats["seconds"], 3),
        "big_export_spans": big_export["spans"],
        "big_export_s": round(big_export["seconds"], 1),
        "big_export_peak_mb": round(big_export["peak_mb"], 1),
    }


if __name__ == "__main__":
    main()
