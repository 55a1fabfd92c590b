"""Key-to-repaint latency of the annotation app beside SLATE, on the same text and spans.

Builds two articles (1,000 words with 100 entity spans; 50,000 words with 5,000), opens each in
`annotator annotate` and in SLATE (pip install slate-nlp, the ACL 2019 terminal annotation tool)
inside a pseudo-terminal, and measures with ../shared/tools/keylat.py from the write of a key to
the last byte of its repaint:
  move   j in the app (next span), ';' in SLATE (next token)
  decide a in the app (accept, committed, move to the next undecided), ' a' in SLATE (label)
and the open time of the app (until the status line is drawn and the screen is quiet).

SLATE is not a dependency. Install it into a throwaway venv and point the benchmark at it:
    python3 -m venv /tmp/slatevenv && /tmp/slatevenv/bin/pip install slate-nlp
    python benchmarks/tui.py --slate /tmp/slatevenv/bin/slate
Without it (no --slate, no `slate` on PATH) SLATE is skipped with a message.

Targets: p95 <= 20 ms for j and a at both sizes; open <= 0.5 s for the 50,000-word article.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.model import ArticleDraft, SpanDraft  # noqa: E402
from annotator.store import Store  # noqa: E402

KEYLAT = Path("/work/shared/tools/keylat.py")
if not KEYLAT.exists():
    KEYLAT = ROOT.parent / "shared" / "tools" / "keylat.py"

LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP"]
TARGET_P95_MS = 20.0
TARGET_OPEN_S = 0.5


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


def keylat(cmd: list[str], key: str, n: int, cwd: Path, ready: str | None, warmup: int = 3) -> dict:
    args = [sys.executable, str(KEYLAT), "--cols", "120", "--rows", "36", "--key", key, "--n", str(n),
            "--warmup", str(warmup), "--quiet", "40"]
    if ready:
        args += ["--ready", ready]
    result = subprocess.run([*args, "--", *cmd], cwd=cwd, capture_output=True, text=True, timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"keylat gave no result for {cmd}: {result.stderr[-2000:]}")
    return json.loads(lines[-1])


def bare_open(folder: Path) -> float:
    """Open time of a bare Textual app (one Static) in this run: the floor on this machine now."""
    script = folder / "bare.py"
    script.write_text("from textual.app import App\nfrom textual.widgets import Static\n"
                      "class Bare(App):\n    def compose(self):\n        yield Static('decided')\nBare().run()\n")
    return keylat([sys.executable, str(script)], "j", 1, folder, ready="decided", warmup=0)["open_s"]


def import_time() -> float:
    import time

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import annotator.cli, annotator.tui.app"], cwd=ROOT, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=60, help="measured keys per case")
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
    rows = []
    for size in args.sizes.split(","):
        words, count = (int(x) for x in size.split(":"))
        paragraphs = build_text(words)
        spans = spans_for(paragraphs, count)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            db = make_app_db(folder, paragraphs, spans)
            app = [sys.executable, "-m", "annotator", "annotate", "--db", str(db),
                   "--schema", str(ROOT / "schemas" / "news.yaml"), "--annotator", "bench"]
            cases = {"move": ("j", ";"), "decide": ("a", " a")}
            for case, (app_key, slate_key) in cases.items():
                ours = keylat(app, app_key, args.n, ROOT, ready="decided")
                theirs = None
                if args.slate:
                    slate_dir = folder / f"slate-{case}"
                    slate_dir.mkdir()
                    doc = make_slate_files(slate_dir, paragraphs, spans)
                    theirs = keylat([args.slate, "-o", "-l", str(slate_dir / "log"), str(doc)], slate_key, args.n,
                                    slate_dir, ready=None)
                rows.append((words, count, case, app_key, ours, slate_key, theirs))
                if ours["p95_ms"] is None or ours["p95_ms"] > TARGET_P95_MS:
                    failures.append(f"{words} words: {case} p95 {ours['p95_ms']} ms > {TARGET_P95_MS}")
                if case == "move" and words >= 50000 and ours["open_s"] > TARGET_OPEN_S:
                    failures.append(f"{words} words: open {ours['open_s']} s > {TARGET_OPEN_S}")

    print(f"{'article':>22} {'case':>7} {'app key':>8} {'p50':>7} {'p95':>7} {'open s':>7} │"
          f" {'SLATE key':>9} {'p50':>7} {'p95':>7} │ {'p50 ratio':>9} {'p95 ratio':>9}")
    for words, count, case, app_key, ours, slate_key, theirs in rows:
        line = (f"{words:>7,} words {count:>5,} sp {case:>7} {app_key!r:>8} {ours['p50_ms']:>7.1f} {ours['p95_ms']:>7.1f}"
                f" {ours['open_s']:>7.2f} │")
        if theirs and theirs.get("p95_ms"):
            ratio = theirs["p95_ms"] / max(ours["p95_ms"], 0.01)
            ratio50 = theirs["p50_ms"] / max(ours["p50_ms"], 0.01)
            line += (f" {slate_key!r:>9} {theirs['p50_ms']:>7.1f} {theirs['p95_ms']:>7.1f} │ {ratio50:>8.1f}x"
                     f" {ratio:>8.1f}x")
        else:
            line += f" {'skipped':>9} {'':>7} {'':>7} │"
        print(line)
    print("(ms from key write to last byte of repaint over a pty, 120x36; ratio = SLATE / app: above 1, the app is faster)")
    bare = bare_open(folder_for_bare := Path(tempfile.mkdtemp()))
    shutil.rmtree(folder_for_bare, ignore_errors=True)
    print(f"for scale, in this run: a bare Textual app opens in {bare:.2f} s; `python -c 'import annotator.cli, "
          f"annotator.tui.app'` alone takes {import_time():.2f} s")
    for failure in failures:
        print("TARGET MISSED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
