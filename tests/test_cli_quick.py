"""`annotator annotate` is read without Typer (cli/quick.py); every other form still goes to Typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli.quick import annotate_arguments

ROOT = Path(__file__).resolve().parent.parent


def test_plain_annotate_options_are_read_both_ways():
    assert annotate_arguments(["annotate", "--db", "x.db", "--annotator=bob", "--overlap", "all"]) == {
        "db": Path("x.db"), "schema": None, "annotator": "bob", "overlap": "all", "seed": None, "order": None}
    assert annotate_arguments(["annotate"])["db"] == Path("annotations.db")


@pytest.mark.parametrize("argv", [
    ["annotate", "--help"], ["annotate", "--db"], ["annotate", "--db", "a", "--db", "b"], ["annotate", "--db="],
    ["annotate", "--db", "--annotator"], ["annotate", "x.db"], ["annotate", "--bogus", "1"], ["export"], ["--help"],
])
def test_anything_else_goes_to_typer(argv):
    assert annotate_arguments(argv) is None


def test_a_mistyped_database_is_one_line_either_way(cli, tmp_path):
    missing = tmp_path / "missing.db"
    quick = cli("annotate", "--db", missing, "--annotator", "alice")
    typer = cli("annotate", "--annotator", "alice", "--db", missing, "--schema", ROOT / "schemas" / "news.yaml",
                "--overlap", "1", "--db", missing)  # a repeated option: Typer reads this line
    assert quick[0] == typer[0] == 3
    assert quick[2] == typer[2] and quick[2].startswith(f"annotator: {missing}: no such database")
    assert cli("annotate", "--bogus")[0] == 2  # Typer's usage error, as before


def test_opening_the_app_imports_neither_typer_nor_pydantic(tmp_path):
    code = ("import sys; sys.argv = ['annotator', 'annotate', '--db', sys.argv[1]]\n"
            "from annotator.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(name for name in ('typer', 'pydantic', 'click') if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "missing.db")], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
