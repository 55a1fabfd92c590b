"""Where the benchmarks read the evaluation data. It is never copied into the repo.

`--data DIR` names the folder (a benchmark that reads one file also takes that file). Without it,
the team's folder `eval` under `shared` beside this repo's folder, when it exists. Elsewhere,
rebuild the files from the public corpora (docs/extraction.md, "Evaluation data"):
- polnear-train.jsonl, polnear-dev.jsonl: PolNeAR (github.com/networkdynamics/PolNeAR, its
  data/train and data/dev splits), one article a line: {"id", "text", "quotes": [{"start", "end",
  "text", "speaker": {"start", "end", "text"} | null, "cue": {...} | null}]};
- conll2003-train.jsonl, conll2003-valid.jsonl: the English CoNLL-2003 named-entity data, each
  article's text rebuilt from its tokens (title line, then the body), with character spans
  labelled PER, ORG, LOC, MISC: {"id", "text", "spans": [{"start", "end", "label"}]}.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEAM_FOLDERS = ROOT.parent / "shared"  # the team's machine keeps eval/, tools/ and corpus/ here
WHERE = ("PolNeAR: github.com/networkdynamics/PolNeAR; CoNLL-2003: its English NER data;"
         " benchmarks/evaldata.py says how each file is made")


def team_folder(name: str) -> Path:
    """A folder of the team's machine beside the repo (eval, tools, corpus); it may not exist."""
    return TEAM_FOLDERS / name


def data_file(data: Path | None, name: str) -> Path:
    """--data as a file is that file; as a folder, or absent (the team's eval folder), its `name`.
    A file that is not there stops the benchmark with one line saying where the data comes from."""
    if data is not None and not data.is_dir():
        path = data
    else:
        path = (data or team_folder("eval")) / name
    if not path.exists():
        sys.exit(f"{path}: no such file; give --data DIR, a folder with {name} ({WHERE})")
    return path
