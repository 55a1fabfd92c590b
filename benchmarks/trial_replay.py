"""Replay issue 36's trial, a new annotator's first minutes, on a real pseudo-terminal of 80x24.

Imports seeds/ into a fresh database (with the spaCy model, as `make demo` does), opens `annotator
annotate` in a pty, presses the trial's keys from the open to the export, and after each step reads
the screen (pyte) and checks what the annotator should see there: the speaker picker with the current
speaker first, "Staff" finding the mention, the bounds line whole, the edited span still selected,
f then enter clearing the filter, help scrolling with j, the export's path whole. Prints each step's
screen, the time the screen took to settle after its keys, and ok or FAIL; exits 1 on any FAIL.

    .venv/bin/python benchmarks/trial_replay.py [--quiet] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ptyapp import PtyApp  # noqa: E402

COLS, LINES = 80, 24
KEYS = {"enter": "\r", "escape": "\x1b", "right": "\x1b[C", "left": "\x1b[D", "down": "\x1b[B", "up": "\x1b[A"}


def screen(app: PtyApp) -> str:
    return "\n".join(line.rstrip() for line in app.text())


def flat(app: PtyApp) -> str:
    return " ".join(" ".join(app.text()).split())


def rows(app: PtyApp) -> list[str]:
    """The span list's rows, as shown."""
    return [" ".join(line.split("▏", 1)[1].split()) for line in app.text() if "▏" in line]


def follows(app: PtyApp, first: str, second: str) -> bool:
    shown = rows(app)
    return any(a.startswith(first) and b.startswith(second) for a, b in zip(shown, shown[1:], strict=False))


Check = Callable[[PtyApp], bool]
# (what the annotator does, keys, what the screen must then show)
STEPS: list[tuple[str, list[str], str, Check]] = [
    ("open", [], "the first article and its spans",
     lambda a: "article 1 of" in flat(a) and "spans 0/" in flat(a)),
    ("select the first quote", ["j"] * 7, "the quote row with QUOTE and its speaker",
     lambda a: "QUOTE Staffan de Mistura: “" in flat(a)),
    ("speaker picker", ["s"], "the current speaker first and marked",
     lambda a: re.search(r"● UN mediator Staffan de Mistura\s+SPEAKER\s+\(current\)", flat(a)) is not None),
    ("filter the picker", list("Staff"), "the mention found by a word inside it",
     lambda a: "UN mediator Staffan de Mistura SPEAKER" in flat(a) and "Homs GPE" not in flat(a)),
    ("choose Staffan de Mistura", ["enter"], "the speaker confirmed, the quote accepted",
     lambda a: "speaker set: Staffan de Mistura (ORG); quote accepted" in flat(a)),
    ("select the speaker mention", ["j", "j"], "the SPEAKER row",
     lambda a: "SPEAKER UN mediator Staffan" in flat(a)),
    ("bounds mode", ["e"], "the whole BOUNDS line",
     lambda a: "BOUNDS: ← → start, ⇧← ⇧→ end, enter saves, esc cancels" in flat(a)),
    ("move the start two words right, save", ["right", "right", "enter"], "the edited span adjusted (↔)",
     lambda a: "SPEAKER↔ Staffan de Mistura" in flat(a) and "spans 2/" in flat(a)),
    ("relabel the row above it", ["k", "1"], "the row shown above the edited span, no other (NORP Syrian stays)",
     lambda a: follows(a, "✓ ORG→PERSON Staffan de Mistura", "✓ SPEAKER↔ Staffan de Mistura")
     and "NORP→PERSON" not in flat(a) and "spans 3/" in flat(a)),
    ("filter the list to GPE", ["f", *"gpe", "enter"], "only GPE rows, the filter named",
     lambda a: "filter: GPE" in flat(a) and " ORG " not in flat(a).split("▏", 1)[-1].split("alice")[0]),
    ("f then enter", ["f", "enter"], "every span again",
     lambda a: "filter:" not in flat(a) and "ORG" in flat(a)),
    ("help", ["?"], "the keys, and how to scroll them",
     lambda a: "j/k scroll" in flat(a)),
    ("scroll help", ["j"] * 5, "the first lines scrolled away",
     lambda a: "j/k scroll" not in flat(a)),
    ("close help", ["escape"], "the article again",
     lambda a: "spans 3/" in flat(a)),
    ("done: accept the rest", ["d", "a"], "the next article",
     lambda a: "article 2 of" in flat(a) and "articles 1/" in flat(a)),
    ("export", ["E"], "the export's path whole",
     lambda a: re.search(r"exported 1 articles? \(\d+ spans\) to exports/alice-gold-[\d-]+\.jsonl", flat(a)) is not None),
    ("quit", ["q"], "the app gone", lambda a: a.proc.poll() is not None),
]


def run(quiet: bool, folder: Path) -> int:
    db = folder / "trial.db"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "annotator", "import", str(ROOT / "seeds"), "--db", str(db)], check=True,
                   capture_output=True)
    print(f"imported seeds/ in {time.perf_counter() - started:.1f} s; replaying at {COLS}x{LINES}")
    os.chdir(folder)  # the export lands in folder/exports
    app = PtyApp(db, "alice", ROOT / "schemas" / "news.yaml", cols=COLS, lines=LINES)
    failures = 0
    try:
        for name, keys, expect, check in STEPS:
            started = time.perf_counter()
            if not keys:
                app.wait_for(lambda shown: shown.decided is not None)
            for key in keys:
                app.press(KEYS.get(key, key))
                if key == "escape":  # an escape followed at once by a key reads as alt+key
                    app.settle(quiet=0.1)
            # Until the screen shows what it should (at most 10 s: the machine may be busy), then quiet.
            deadline = time.monotonic() + 10
            while not (ok := check(app)) and time.monotonic() < deadline:
                app.pump(0.05)
            elapsed = time.perf_counter() - started
            app.settle(quiet=0.1, limit=2)
            failures += not ok
            print(f"\n== {name}: {' '.join(keys) or '(open)'}  [{elapsed:.2f} s]  {'ok' if ok else 'FAIL'}: {expect}")
            if not quiet or not ok:
                print(screen(app))
    finally:
        app.close()
    print(f"\n{len(STEPS) - failures} of {len(STEPS)} steps as expected; load average {os.getloadavg()[0]:.2f}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quiet", action="store_true", help="print only the screens of failed steps")
    parser.add_argument("--keep", type=Path, help="work in this folder (kept) instead of a temporary one")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args.quiet, args.keep.resolve())
    with tempfile.TemporaryDirectory() as tmp:
        return run(args.quiet, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
