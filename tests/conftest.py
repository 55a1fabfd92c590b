"""Shared fixtures for the unit tests (no textual here; the TUI tests live in tests/tui/)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from annotator.schema import load_schema
from annotator.store import Store

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
NEWS_SCHEMA = REPO / "schemas" / "news.yaml"


@pytest.fixture(autouse=True)
def own_config(tmp_path_factory, monkeypatch):
    """No test reads the keymap of whoever runs the tests (~/.config/annotator/keys.yaml)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def schema():
    return load_schema(NEWS_SCHEMA)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run the real entry point in-process: returns (exit status, stdout, stderr)."""
    from annotator.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["annotator", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def extractor():
    """The default extractor (spaCy model, attribution component), loaded once; skips with no model."""
    from annotator.extract import load_extractor

    ex = load_extractor()
    if ex.model_name is None:
        pytest.skip("no spaCy model installed")
    return ex
