"""Issue 36 #1: the app without a terminal refuses in one line with status 2, instead of writing escape
codes into a file and spinning on a stdin that never types (it once ran at 99% CPU for 10 minutes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tui.conftest import build_db

HANG = 60  # seconds: only a guard, so that a regression fails instead of hanging the suite


def run(args: list[str], cwd: Path, stdin, stdout) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"}
    done = subprocess.run([sys.executable, "-m", "annotator", *args], cwd=cwd, stdin=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, env=env, timeout=HANG)
    return done.returncode, done.stderr


@pytest.mark.parametrize("args", [["annotate", "--db", "{db}", "--annotator", "alice"], []],
                         ids=["annotate", "bare"])
def test_no_terminal_is_refused_in_one_line(tmp_path, args):
    db = build_db(tmp_path / "annotations.db")
    (tmp_path / "seeds").mkdir()  # the bare command would import it into an empty database
    out = tmp_path / "out"
    with open(os.devnull) as devnull, open(out, "w") as stdout:
        code, err = run([a.format(db=db) for a in args], tmp_path, devnull, stdout)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("annotator: the annotation app needs a terminal, and stdin")
    assert out.read_text() == ""  # no escape codes written into the file


def test_a_terminal_on_stdin_and_a_file_on_stdout_is_refused_too(tmp_path):
    db = build_db(tmp_path / "a.db")
    master, slave = os.openpty()
    try:
        with open(tmp_path / "out", "w") as stdout:
            code, err = run(["annotate", "--db", str(db)], tmp_path, slave, stdout)
    finally:
        os.close(master)
        os.close(slave)
    assert code == 2 and "and stdout is not one" in err and err.count("\n") == 1
    assert (tmp_path / "out").read_text() == ""


def test_bare_annotator_without_a_terminal_imports_nothing(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("Reuters said so.\n", encoding="utf-8")
    with open(os.devnull) as devnull:
        code, err = run([], tmp_path, devnull, subprocess.DEVNULL)
    assert code == 2 and "needs a terminal" in err
    assert not (tmp_path / "annotations.db").exists()
