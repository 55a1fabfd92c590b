"""Key-to-repaint latency and open time of the annotation app, beside two Textual apps and SLATE.

Builds two articles (1,000 words with 100 entity spans; 50,000 words with 5,000), opens each in
`annotator annotate`, in the bare Textual app of benchmarks/bare_app.py, in the minimal Textual
app of benchmarks/minimal_app.py, and in SLATE (pip install
slate-nlp, the ACL 2019 terminal annotation tool) inside a pseudo-terminal of 120x36, and measures
with keylat.py (the team's tools folder beside the repo, benchmarks/evaldata.py; --keylat PATH) from the write of a key to the last byte of its repaint:
  move   j in the app (next span), j in the bare app (highlight one line down), j in the minimal
         app (status line rewritten), ';' in SLATE (next token)
  decide a in the app (accept, committed, move to the next undecided), a in the bare app (status
         line rewritten, highlight moved), a in the minimal app (status line rewritten), ' a' in
         SLATE (label)
and the open time (spawn to the last byte before a quiet screen, once the status line is drawn).

The bare app is the floor of Textual itself on this machine: the same article's text, already
wrapped, in a line-API widget with cached lines; a key repaints the two lines the highlight
leaves and reaches (and the status line for a), which is the least an annotator key repaints,
with no store, no spans and no layout. Its open is Textual's start-up and one frame. Ratios are
app / bare: what the app adds to Textual.

The minimal app is what a Textual user would write first: one Static holding the article's text
in a VerticalScroll, and a status line that j and a rewrite (nothing else moves). Its keys repaint
one line, so app / minimal is what the app's keys cost beyond Textual's least possible repaint;
its open wraps the whole article in the Static.

The machine is shared and noisy, so each size runs --rounds rounds, each round interleaving
bare, minimal, app (and SLATE) runs of both keys; figures are medians over the rounds (the open: over
every run of the round's two keys). The load average is printed with them.

SLATE is not a dependency. Install it into a throwaway venv and point the benchmark at it:
    python3 -m venv /tmp/slatevenv && /tmp/slatevenv/bin/pip install slate-nlp
    python benchmarks/tui.py --slate /tmp/slatevenv/bin/slate
Without it (no --slate, no `slate` on PATH) SLATE is skipped with a message.

Targets: p95 of j and a <= 2.0x the bare app's at both sizes, open of the 50,000-word article
<= 1.6x the bare app's; against the minimal app, p95 of a <= 2.0x and open <= 1.5x for the
50,000-word article; and, absolute, p95 <= 20 ms, open <= 0.5 s for the 50,000-word article.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.model import ArticleDraft, SpanDraft  # noqa: E402
from annotator.store import Store  # noqa: E402
from benchmarks.evaldata import team_folder  # noqa: E402

KEYLAT = Path(sys.argv[sys.argv.index("--keylat") + 1]) if "--keylat" in sys.argv[:-1] else team_folder("tools") / "keylat.py"

LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP"]
TARGET_P95_MS = 20.0
TARGET_OPEN_S = 0.5
TARGET_P95_RATIO = 2.0  # app / bare Textual app
TARGET_OPEN_RATIO = 1.6
TARGET_MINIMAL_P95_RATIO = 2.0  # app / minimal Textual app: p95 of a (decide) at 50,000 words
TARGET_MINIMAL_OPEN_RATIO = 1.5  # app / minimal Textual app: open of the 50,000-word article


def build_text(words: int, seed: int = 7) -> list[list[str]]:
    """Paragraphs (lists of words) of seed-article vocabulary, 60 words each."""
    vocab = re.findall(r"\S+", " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").rglob("*.txt"))))
    rng = random.Random(seed)
    flat = [rng.choice(vocab) for _ in range(words)]
    return [flat[i : i + 60] for i in range(0, words, 60)]


def spans_for(paragraphs: list[list[str]], count: int, seed: int = 11) -> list[tuple[int, int, int, str]]:
    """(paragraph, first word, last word, label): one- or two-word entities, spread evenly."""
    positions = [(p, w) for p, words in enumerate(paragraphs) for w in range(len(words) - 1)]
    step = max(1, len(positions) // count)
    rng = random.Random(seed)
    out = []
    for p, w in positions[::step][:count]:
        out.append((p, w, w + rng.choice((0, 1)), rng.choice(LABELS)))
    return out


def make_app_db(folder: Path, paragraphs: list[list[str]], spans: list[tuple[int, int, int, str]]) -> Path:
    text_parts = [" ".join(words) for words in paragraphs]
    text = "\n\n".join(text_parts)
    offsets: list[list[tuple[int, int]]] = []
    base = 0
    for part in text_parts:
        offsets.append([(base + m.start(), base + m.end()) for m in re.finditer(r"\S+", part)])
        base += len(part) + 2
    drafts = tuple(SpanDraft(offsets[p][a][0], offsets[p][b][1], label) for p, a, b, label in spans)
    tokens = [pair for row in offsets for pair in row]
    db = folder / "bench.db"
    with Store(db) as store, store.write() as conn:
        store.insert_article(conn, ArticleDraft(text=text, title="Benchmark article", source="bench",
                                                date="2024-01-01", spans=drafts), f"bench-{len(tokens)}", tokens, "model")
    return db


def make_slate_files(folder: Path, paragraphs: list[list[str]], spans: list[tuple[int, int, int, str]]) -> Path:
    doc = folder / "doc.txt"
    doc.write_text("\n".join(" ".join(words) for words in paragraphs) + "\n", encoding="utf-8")
    label_keys = {label: "label:" + "asdv"[i % 4] for i, label in enumerate(LABELS)}
    lines = [f"(({p}, {a}), ({p}, {b})) - {label_keys[label]}" for p, a, b, label in spans]
    (folder / "doc.txt.annotations").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return doc


def write_bare_files(folder: Path, paragraphs: list[list[str]], spans: list[tuple[int, int, int, str]],
                     width: int = 66) -> list[str]:
    """What the bare app shows: the text wrapped to its left pane; for its right one, one row a span
    with the text line the span starts on (where the bare app's text highlight goes with it)."""
    lines: list[str] = []
    line_of: dict[tuple[int, int], int] = {}  # (paragraph, word) -> line
    for p, words in enumerate(paragraphs):
        word = 0
        for line in textwrap.wrap(" ".join(words), width, break_long_words=False, break_on_hyphens=False):
            for _ in line.split():
                line_of[(p, word)] = len(lines)
                word += 1
            lines.append(line)
        lines.append("")
    rows = [f"{line_of[(p, a)]}\t · {label} {' '.join(paragraphs[p][a : b + 1])}" for p, a, b, label in spans]
    (folder / "bare-text.txt").write_text("\n".join(lines), encoding="utf-8")
    (folder / "bare-rows.txt").write_text("\n".join(rows), encoding="utf-8")
    return [str(folder / "bare-text.txt"), str(folder / "bare-rows.txt")]


def write_minimal_file(folder: Path, paragraphs: list[list[str]]) -> str:
    """What the minimal app shows: the article's text as the app stores it (paragraphs, blank lines)."""
    path = folder / "minimal-text.txt"
    path.write_text("\n\n".join(" ".join(words) for words in paragraphs), encoding="utf-8")
    return str(path)


def keylat(cmd: list[str], key: str, n: int, cwd: Path, ready: str | None, warmup: int = 3) -> dict:
    args = [sys.executable, str(KEYLAT), "--cols", "120", "--rows", "36", "--key", key, "--n", str(n),
            "--warmup", str(warmup), "--quiet", "40"]
    if ready:
        args += ["--ready", ready]
    result = subprocess.run([*args, "--", *cmd], cwd=cwd, capture_output=True, text=True, timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines or json.loads(lines[-1]).get("p95_ms") is None:
        raise RuntimeError(f"keylat gave no result for {cmd}: {lines[-1:]} {result.stderr[-2000:]}")
    return json.loads(lines[-1])


def median(values: list[float]) -> float:
    return statistics.median(values)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


CASES = {"move": ("j", "j", ";"), "decide": ("a", "a", " a")}  # app key, bare and minimal key, SLATE key


def measure_size(words: int, count: int, args: argparse.Namespace) -> dict:
    """Rounds of interleaved runs (bare, minimal, app, SLATE; j then a) on one article: every run's figures."""
    paragraphs = build_text(words)
    spans = spans_for(paragraphs, count)
    runs: dict[tuple[str, str], list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = make_app_db(folder, paragraphs, spans)
        bare = [sys.executable, str(ROOT / "benchmarks" / "bare_app.py"), *write_bare_files(folder, paragraphs, spans)]
        minimal = [sys.executable, str(ROOT / "benchmarks" / "minimal_app.py"), write_minimal_file(folder, paragraphs)]
        for round_ in range(args.rounds):
            for case, (app_key, bare_key, slate_key) in CASES.items():
                db = folder / f"app-{round_}-{case}.db"
                shutil.copy(template, db)  # every app run starts from the same undecided article
                app = [sys.executable, "-m", "annotator", "annotate", "--db", str(db),
                       "--schema", str(ROOT / "schemas" / "news.yaml"), "--annotator", "bench"]
                runs.setdefault(("bare", case), []).append(keylat(bare, bare_key, args.n, ROOT, ready="decided"))
                runs.setdefault(("minimal", case), []).append(keylat(minimal, bare_key, args.n, ROOT, ready="decided"))
                runs.setdefault(("app", case), []).append(keylat(app, app_key, args.n, ROOT, ready="decided"))
                if args.slate:
                    slate_dir = folder / f"slate-{round_}-{case}"
                    slate_dir.mkdir()
                    doc = make_slate_files(slate_dir, paragraphs, spans)
                    runs.setdefault(("slate", case), []).append(
                        keylat([args.slate, "-o", "-l", str(slate_dir / "log"), str(doc)], slate_key, args.n,
                               slate_dir, ready=None))
    return runs


def summary(runs: list[dict]) -> dict[str, float]:
    return {"p50": median([r["p50_ms"] for r in runs]), "p95": median([r["p95_ms"] for r in runs])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=60, help="measured keys per run")
    parser.add_argument("--keylat", default=str(KEYLAT), help="keylat.py, the key-latency tool (read at import)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per size (medians are printed)")
    parser.add_argument("--slate", default=shutil.which("slate"), help="the slate executable")
    parser.add_argument("--sizes", default="1000:100,50000:5000", help="words:spans,...")
    args = parser.parse_args()
    if not KEYLAT.exists():
        print(f"keylat.py not found at {KEYLAT}", file=sys.stderr)
        return 2
    if not args.slate:
        print("SLATE skipped: install it with `python3 -m venv /tmp/slatevenv && /tmp/slatevenv/bin/pip install "
              "slate-nlp`, then pass --slate /tmp/slatevenv/bin/slate", file=sys.stderr)
    failures = []
    loads = [load_average()]
    header = (f"{'article':>22} {'case':>6} {'key':>3} │ {'app p50':>7} {'p95':>6} │ {'bare p50':>8} {'p95':>6} │"
              f" {'p95 ratio':>9} │ {'min. p50':>8} {'p95':>6} │ {'p95 ratio':>9} │ {'SLATE p50':>9} {'p95':>6}")
    lines, opens, records = [header], [], []
    for size in args.sizes.split(","):
        words, count = (int(x) for x in size.split(":"))
        runs = measure_size(words, count, args)
        loads.append(load_average())
        label = f"{words:>7,} words {count:>5,} sp"
        for case, (app_key, _, _) in CASES.items():
            ours, floor = summary(runs[("app", case)]), summary(runs[("bare", case)])
            least = summary(runs[("minimal", case)])
            ratio = ours["p95"] / max(floor["p95"], 0.01)
            minimal_ratio = ours["p95"] / max(least["p95"], 0.01)
            line = (f"{label} {case:>6} {app_key:>3} │ {ours['p50']:>7.1f} {ours['p95']:>6.1f} │ {floor['p50']:>8.1f}"
                    f" {floor['p95']:>6.1f} │ {ratio:>8.2f}x │ {least['p50']:>8.1f} {least['p95']:>6.1f} │"
                    f" {minimal_ratio:>8.2f}x │")
            if ("slate", case) in runs:
                theirs = summary(runs[("slate", case)])
                line += f" {theirs['p50']:>9.1f} {theirs['p95']:>6.1f}"
            else:
                line += f" {'skipped':>9}"
            lines.append(line)
            records.append({"words": words, "spans": count, "case": case, "key": app_key, "app": ours, "bare": floor,
                            "p95_ratio": round(ratio, 3), "minimal": least,
                            "p95_ratio_minimal": round(minimal_ratio, 3)})
            if words >= 50000 and case == "decide" and minimal_ratio > TARGET_MINIMAL_P95_RATIO:
                failures.append(f"{words} words: {case} p95 {ours['p95']:.1f} ms = {minimal_ratio:.2f}x the minimal "
                                f"app's {least['p95']:.1f} ms > {TARGET_MINIMAL_P95_RATIO}x")
            if ratio > TARGET_P95_RATIO:
                failures.append(f"{words} words: {case} p95 {ours['p95']:.1f} ms = {ratio:.2f}x the bare app's "
                                f"{floor['p95']:.1f} ms > {TARGET_P95_RATIO}x")
            if ours["p95"] > TARGET_P95_MS:
                failures.append(f"{words} words: {case} p95 {ours['p95']:.1f} ms > {TARGET_P95_MS} ms")
        app_open = median([r["open_s"] for case in CASES for r in runs[("app", case)]])
        bare_open = median([r["open_s"] for case in CASES for r in runs[("bare", case)]])
        minimal_open = median([r["open_s"] for case in CASES for r in runs[("minimal", case)]])
        opens.append((label, app_open, bare_open, minimal_open))
        if words >= 50000:
            if app_open / minimal_open > TARGET_MINIMAL_OPEN_RATIO:
                failures.append(f"{words} words: open {app_open:.2f} s = {app_open / minimal_open:.2f}x the minimal "
                                f"app's {minimal_open:.2f} s > {TARGET_MINIMAL_OPEN_RATIO}x")
            if app_open / bare_open > TARGET_OPEN_RATIO:
                failures.append(f"{words} words: open {app_open:.2f} s = {app_open / bare_open:.2f}x the bare app's "
                                f"{bare_open:.2f} s > {TARGET_OPEN_RATIO}x")
            if app_open > TARGET_OPEN_S:
                failures.append(f"{words} words: open {app_open:.2f} s > {TARGET_OPEN_S} s")
    print("\n".join(lines))
    print(f"{'article':>22} │ {'app open s':>10} │ {'bare open s':>11} │ {'ratio':>6} │ {'min. open s':>11} │"
          f" {'ratio':>6}")
    for label, app_open, bare_open, minimal_open in opens:
        print(f"{label} │ {app_open:>10.3f} │ {bare_open:>11.3f} │ {app_open / bare_open:>5.2f}x │"
              f" {minimal_open:>11.3f} │ {app_open / minimal_open:>5.2f}x")
    print(f"(ms from key write to last byte of repaint over a pty, 120x36; medians over {args.rounds} interleaved "
          f"rounds of {args.n} keys; ratios = app / bare Textual app, app / minimal Textual app; load average (1, 5, 15 min) at the start and "
          f"after each size: {' | '.join(loads)})")
    for failure in failures:
        print("TARGET MISSED:", failure)
    print(json.dumps({"benchmark": "tui", "keys": records, "opens": [
        {"article": label.strip(), "app_s": round(a, 3), "bare_s": round(b, 3), "ratio": round(a / b, 3),
         "minimal_s": round(m, 3), "ratio_minimal": round(a / m, 3)}
        for label, a, b, m in opens], "load": loads, "missed": failures,
        "targets": {"p95_ratio": TARGET_P95_RATIO, "open_ratio": TARGET_OPEN_RATIO,
                    "p95_ratio_minimal_decide_50000": TARGET_MINIMAL_P95_RATIO,
                    "open_ratio_minimal_50000": TARGET_MINIMAL_OPEN_RATIO,
                    "p95_ms": TARGET_P95_MS, "open_s": TARGET_OPEN_S}}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
