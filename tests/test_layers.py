"""The layers hold: import-linter's contracts in pyproject.toml (the core never imports textual, the
TUI never imports sqlite3, sqlite_utils or spaCy, extraction never imports the store, and the layers:
commands over apps over import and export over formats over store and extraction)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports;"
         " raise SystemExit(lint_imports(no_cache=True, no_logo=True))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 kept, 0 broken" in done.stdout


def test_no_tui_module_is_over_450_lines():
    # Small modules, one job each: a screen that outgrows this moves a part into its own module.
    long = {str(path.relative_to(ROOT)): n for path in (ROOT / "annotator" / "tui").rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}
