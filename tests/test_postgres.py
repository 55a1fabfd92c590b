"""PostgreSQL as the store, through the command line: a URL wherever --db is taken, bad URLs as one
line with status 3 (never a traceback, never a password), the same exports as SQLite, overlap claims
under concurrent processes, and `annotator migrate` between the two.

The server is real (tests/conftest.py: pg_server, pg_url); nothing here is a mock.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from annotator.dburl import is_url, redact
from annotator.store import Store
from annotator.store.migrations import LATEST
from annotator.store.postgres import translate
from tests.conftest import REPO, SEEDS


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # free once the socket closes: nothing listens there


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env={**os.environ, **(env or {})})


def test_urls_are_told_from_paths_and_shown_without_their_password():
    assert is_url("postgresql://bob@db/x") and is_url("postgres://bob@db/x") and is_url("POSTGRESQL://h/x")
    assert not is_url("annotations.db") and not is_url("postgresql.db")
    assert redact("postgresql://bob:s3cret@db.example:5433/team?sslmode=require&password=two") == \
        "postgresql://bob@db.example:5433/team?sslmode=require"


def test_serve_hands_each_tab_the_url_as_it_is():
    from annotator.cli.serve_cmd import serve_command

    command = serve_command("postgresql://bob:pw@db:5433/team", False, "alice", None)
    assert command.endswith("annotate --db postgresql://bob:pw@db:5433/team --annotator alice")


def test_the_sql_is_translated_once_for_postgresql():
    sql, returning = translate("INSERT OR IGNORE INTO articles (hash, text) VALUES (?, ?)")
    assert sql == "INSERT INTO articles (hash, text) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING id" and returning
    sql, _ = translate("INSERT OR REPLACE INTO states (span_id, annotator, status) VALUES (:a, :b, '50%:x?')")
    assert sql == ("INSERT INTO states (span_id, annotator, status) VALUES (%(a)s, %(b)s, '50%%:x?')"
                   " ON CONFLICT (span_id, annotator) DO UPDATE SET status = excluded.status")
    assert translate("SELECT x::bigint FROM temp.t WHERE y = ?")[0] == "SELECT x::bigint FROM pg_temp.t WHERE y = %s"


@pytest.mark.parametrize("command", ["stats", "export", "import", "annotate"])
def test_a_url_that_does_not_connect_is_one_line_status_3(command, tmp_path):
    port = _closed_port()
    url = f"postgresql://bob:hunter2@127.0.0.1:{port}/x"
    args = {"stats": ["stats", "--db", url], "export": ["export", "--db", url, "-o", str(tmp_path / "o.jsonl")],
            "import": ["import", str(SEEDS), "--no-extract", "--db", url], "annotate": ["annotate", "--db", url]}
    done = _run(*args[command])
    assert done.returncode == 3, done.stderr
    assert done.stderr == (f"annotator: postgresql://bob@127.0.0.1:{port}/x: cannot connect to 127.0.0.1:{port}"
                           " (connection refused)\n")
    assert "hunter2" not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_no_such_database_and_unknown_role_are_one_line(pg_server, cli):
    code, _, err = cli("stats", "--db", pg_server.url("nosuchdb"))
    assert code == 3 and err.count("\n") == 1
    assert 'cannot connect to 127.0.0.1' in err and 'database "nosuchdb" does not exist' in err
    code, _, err = cli("stats", "--db", pg_server.url("postgres", user="mallory"))
    assert code == 3 and 'role "mallory" does not exist' in err


def test_wrong_password_is_one_line_without_the_password(pg_server, cli):
    import psycopg

    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS carol")
        admin.execute("CREATE ROLE carol LOGIN PASSWORD 'right'")
    hba = pg_server.base / "data" / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text("host all carol 127.0.0.1/32 scram-sha-256\n" + original)
    pg_server._run("pg_ctl", "-D", str(pg_server.base / "data"), "reload")
    try:
        url = f"postgresql://carol:wrong-one@127.0.0.1:{pg_server.port}/postgres"
        code, out, err = cli("stats", "--db", url)
        assert code == 3 and err.count("\n") == 1 and "wrong-one" not in err + out
        assert 'password authentication failed for user "carol"' in err
    finally:
        hba.write_text(original)
        pg_server._run("pg_ctl", "-D", str(pg_server.base / "data"), "reload")


def test_without_psycopg_a_url_says_how_to_install_it(tmp_path):
    # A folder on the path whose psycopg cannot be imported: as where the extra is not installed.
    (tmp_path / "psycopg").mkdir()
    (tmp_path / "psycopg" / "__init__.py").write_text("raise ImportError('no psycopg here')\n")
    done = _run("stats", "--db", "postgresql://bob:pw@127.0.0.1/x",
                env={"PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])})
    assert done.returncode == 3
    assert done.stderr == ("annotator: postgresql://bob@127.0.0.1/x: a PostgreSQL database needs psycopg:"
                           " pip install 'annotator[postgres]'\n")


def test_the_app_does_not_import_psycopg_for_an_sqlite_database():
    code = ("import sys; from annotator.store import Store; import annotator.cli.quick, annotator.tui;"
            " print('psycopg' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO).stdout == "False\n"


def _session_work(db) -> None:
    """Decisions as the app makes them (annotation sessions), on two annotators, one article each done."""
    from annotator.schema import load_schema
    from annotator.session import AnnotationSession

    schema = load_schema(REPO / "schemas" / "news.yaml")
    with Store(db, create=False) as store:
        for name in ("alice", "bob"):
            session = AnnotationSession(store, schema, name, overlap=2)
            loaded = session.open()
            if not loaded.spans:  # imported without extraction: the annotator marks what they see
                store.add_span(name, loaded.article.id, 0, 3, "ORG", "entity")
                store.add_span(name, loaded.article.id, 5, 9, "PERSON", "entity")
                store.add_span(name, loaded.article.id, 12, 20, "GPE", "entity")
            spans = store.spans(loaded.article.id, name)
            store.decide(name, spans[0].id, "reject")
            if len(spans) > 2:
                store.decide(name, spans[1].id, "relabel", label="ORG" if spans[1].label != "ORG" else "PERSON")
            store.undo(name, loaded.article.id)
            store.set_flag(loaded.article.id, name, f"{name} was unsure")
            if name == "bob":  # so that a reviewer has something to settle
                store.decide(name, spans[1].id, "reject")
            store.finish(loaded.article.id, name, accept=[s.id for s in spans[1 if name == "alice" else 2:3]])
            store.next_article(name, overlap=2)


@pytest.mark.parametrize("extract", [False, True], ids=["no-extract", "extract"])
def test_cli_end_to_end_with_a_url_exports_what_sqlite_exports(pg_url, tmp_path, cli, extract, monkeypatch):
    if extract:
        pytest.importorskip("spacy")
    import time

    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)  # the same moments on both: exports carry them
    sqlite_db = tmp_path / "a.db"
    flags = [] if extract else ["--no-extract"]
    for db in (sqlite_db, pg_url):
        code, out, err = cli("import", SEEDS, "--db", db, *flags)
        assert code == 0, err
        _session_work(db)
    outputs = {}
    for name, db in (("sqlite", sqlite_db), ("postgresql", pg_url)):
        for fmt, suffix in (("jsonl", "jsonl"), ("labelstudio", "json"), ("conll", "conll")):
            target = tmp_path / f"{name}.{suffix}"
            code, _, err = cli("export", "--db", db, "-o", target, "--format", fmt, "--include-unfinished")
            assert code == 0, err
            outputs[(name, fmt)] = target.read_bytes()
        code, out, err = cli("stats", "--db", db, "--json")
        assert code == 0, err
        outputs[(name, "stats")] = json.loads(out)
        code, out, err = cli("agreement", "--db", db, "--json")
        assert code == 0, err
        outputs[(name, "agreement")] = json.loads(out)
    assert outputs[("sqlite", "agreement")]  # alice and bob finished the same article
    for fmt in ("jsonl", "labelstudio", "conll", "stats", "agreement"):
        assert outputs[("postgresql", fmt)] == outputs[("sqlite", fmt)], fmt
    assert len(outputs[("sqlite", "jsonl")].splitlines()) >= 2


def _claimer(url: str, name: str, barrier, results) -> None:
    got = []
    with Store(url) as store:
        barrier.wait()
        while (article := store.next_article(name, 1)) is not None:
            got.append(article)
            store.set_status(article, name, "done")
    results.put((name, got))


def test_overlap_claims_under_concurrent_processes_never_collide(pg_url, cli):
    """Two (and more) annotator processes claiming at once on PostgreSQL: each article to one of them."""
    import multiprocessing as mp

    assert cli("import", SEEDS, "--db", pg_url, "--no-extract")[0] == 0
    with Store(pg_url) as store:
        total = store.article_count()
    ctx = mp.get_context("spawn")  # fresh interpreters: real separate processes, as two terminals
    barrier, results = ctx.Barrier(4), ctx.Queue()
    workers = [ctx.Process(target=_claimer, args=(pg_url, f"p{i}", barrier, results)) for i in range(4)]
    for worker in workers:
        worker.start()
    got = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    claimed = [a for claims in got.values() for a in claims]
    assert sorted(claimed) == list(range(1, total + 1))  # each article once, none lost


def _all_rows(db) -> dict[str, list[tuple]]:
    from annotator.store.copy import _ORDER
    from annotator.store.migrations import TABLES

    with Store(db, create=False) as store:
        out = {}
        for table in TABLES:
            names = ", ".join(f'"{n}"' for n in store.columns(table))
            out[table] = [tuple(row) for row in store.query(
                f"SELECT {names} FROM {table} ORDER BY {_ORDER.get(table, 'id')}")]
        return out


@pytest.mark.parametrize("extract", [False, True], ids=["no-extract", "extract"])
def test_migrate_copies_sqlite_to_postgresql_and_back_exactly(pg_url, tmp_path, cli, extract):
    if extract:
        pytest.importorskip("spacy")
    sqlite_db = tmp_path / "team.db"
    assert cli("import", SEEDS, "--db", sqlite_db, *([] if extract else ["--no-extract"]))[0] == 0
    _session_work(sqlite_db)
    from annotator.store import review

    with Store(sqlite_db) as store:  # a reviewer settles the first disagreement and finishes
        article = review.next_review(store, "rita")
        assert article is not None
        settled = review.load_review(store, article, "rita")
        if settled.items:
            settled = review.pick(store, settled, 0, 0)
        review.finish(store, settled, force=True)
    code, out, err = cli("migrate", "--from", sqlite_db, "--to", pg_url)
    assert code == 0, err
    assert out.startswith(f"copied {sqlite_db} to {pg_url}: ") and "articles" in out
    back = tmp_path / "back.db"
    code, _, err = cli("migrate", "--from", pg_url, "--to", back)
    assert code == 0, err
    rows = _all_rows(sqlite_db)
    assert rows["decisions"] and rows["activity"] and rows["flags"] and rows["review_decisions"] and rows["reviews"]
    assert _all_rows(pg_url) == rows == _all_rows(back)
    for flags in ([], ["--gold"], ["--format", "labelstudio"], ["--include-unfinished"]):
        exported = []
        for n, db in enumerate((sqlite_db, pg_url, back)):
            target = tmp_path / f"out{n}.{'json' if 'labelstudio' in flags else 'jsonl'}"
            code, _, err = cli("export", "--db", db, "-o", target, "--force", *flags)
            assert code == 0, err
            exported.append(target.read_bytes())
        assert exported[0] and exported[0] == exported[1] == exported[2], flags
    with Store(pg_url) as store:  # the copy goes on where the original left off: new ids follow the copied ones
        with store.write() as conn:
            from annotator.model import ArticleDraft, SpanDraft

            article = store.insert_article(conn, ArticleDraft("New text here.", spans=(SpanDraft(0, 3, "ORG"),)),
                                           "new-one", [(0, 3)], "model")
        assert article == len(rows["articles"]) + 1
        span = store.spans(article, "zoe")[0]
        store.decide("zoe", span.id, "accept")
        assert store.decisions("zoe")[0].id == len(rows["decisions"]) + 1


def test_migrate_refuses_a_target_that_is_not_empty(pg_url, tmp_path, cli):
    sqlite_db = tmp_path / "team.db"
    assert cli("import", SEEDS, "--db", sqlite_db, "--no-extract")[0] == 0
    assert cli("migrate", "--from", sqlite_db, "--to", pg_url)[0] == 0
    before = _all_rows(pg_url)
    code, out, err = cli("migrate", "--from", sqlite_db, "--to", pg_url)
    assert code == 1 and out == ""
    assert err.startswith(f"annotator: {pg_url}: not empty (") and "migrate copies into an empty database only" in err
    assert _all_rows(pg_url) == before
    other = tmp_path / "other.db"
    assert cli("import", SEEDS, "--db", other, "--no-extract")[0] == 0
    code, _, err = cli("migrate", "--from", pg_url, "--to", other)
    assert code == 1 and "not empty" in err
    code, _, err = cli("migrate", "--from", tmp_path / "missing.db", "--to", tmp_path / "new.db")
    assert code == 3 and "no such database" in err and not (tmp_path / "new.db").exists()


def test_newer_and_foreign_postgresql_databases_are_status_3_and_untouched(pg_url, tmp_path, cli):
    import psycopg

    assert cli("import", SEEDS, "--db", pg_url, "--no-extract")[0] == 0
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE annotator_meta SET value = '99' WHERE key = 'version'")
    commands = (["stats"], ["export", "-o", str(tmp_path / "o.jsonl")], ["import", str(SEEDS), "--no-extract"],
                ["annotate"], ["migrate", "--from", pg_url, "--to", str(tmp_path / "c.db")])
    for args in commands:
        code, out, err = cli(*args, *([] if args[0] == "migrate" else ["--db", pg_url]))
        assert code == 3, (args, err)
        assert err == (f"annotator: {pg_url}: made by a newer annotator (database version 99, this one knows"
                       f" {LATEST}); upgrade annotator\n")
    assert not (tmp_path / "o.jsonl").exists() and not (tmp_path / "c.db").exists()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP TABLE annotator_meta")  # now: someone else's tables, no marker
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    for args in commands[:4]:
        code, out, err = cli(*args, "--db", pg_url)
        assert code == 3 and err == (f"annotator: {pg_url}: a PostgreSQL database, but not an annotator database"
                                     " (it has other tables); give another --db\n"), (args, err)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('annotator_meta')").fetchone()[0] is None
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == articles
