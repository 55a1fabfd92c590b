"""The annotator's day (issue 19) from the command line: stats, export and import of active time and flags,
the schema's guidelines and idle_after."""

from __future__ import annotations

import json

import pytest

from annotator.errors import SchemaError
from annotator.ingest import import_paths
from annotator.model import ArticleDraft, SpanDraft
from annotator.schema import guidelines_problem, load_schema, parse_schema
from annotator.store import Store

from .conftest import NEWS_SCHEMA

TEXT = "UN envoy Staffan de Mistura said: “Spoilers will not prevail.”"


def day_db(path, clock_start: float = 1_800_000_000.0) -> Store:
    store = Store(path)
    now = [clock_start]
    store.clock = lambda: now[0]
    spans = (SpanDraft(0, 2, "ORG"), SpanDraft(9, 27, "PERSON"))
    with store.write() as conn:
        for n in range(2):
            store.insert_article(conn, ArticleDraft(TEXT + " x" * n, spans=spans), f"h{n}", [(0, 2), (9, 27)], "model")

    def act(seconds: float, fn, *args, **kwargs):
        now[0] += seconds
        return fn(*args, **kwargs)

    store.start_stretch(1, "alice")
    ids = [s.id for s in store.spans(1, "alice")]
    act(30, store.decide, "alice", ids[0], "accept")
    act(20, store.decide, "alice", ids[1], "reject")
    act(10, store.undo, "alice", 1)
    act(600, store.decide, "alice", ids[1], "accept")  # a break: 120 s
    act(5, store.set_flag, 1, "alice", "ORG or [bold]GPE[/bold]?")
    act(5, store.set_status, 1, "alice", "done")
    store.start_stretch(2, "bob")
    act(90, store.decide, "bob", store.spans(2, "bob")[0].id, "accept")
    act(10, store.set_status, 2, "bob", "done")
    return store


def test_stats_show_active_time_standing_decisions_and_flags(cli, db_at, tmp_path):
    day_db(db_at).close()
    code, out, _ = cli("stats", "--db", db_at, "--json")
    assert code == 0
    figures = json.loads(out)
    alice = figures["annotators"]["alice"]
    assert alice["decisions"] == 2 and alice["decision_log"] == 4  # 3 decisions and one undo of one
    assert alice["median_active_s"] == 30 + 20 + 10 + 120 + 5 + 5
    assert alice["active_hours"] == round(190 / 3600, 3)
    assert alice["decisions_per_active_hour"] == round(2 / (190 / 3600), 1)
    assert alice["flagged"] == 1 and figures["flags"] == 1
    assert figures["annotators"]["bob"]["median_active_s"] == 100
    code, out, _ = cli("stats", "--db", db_at)
    assert code == 0 and "3m 10s" in out and "decisions 3 standing (5 in the log" in out
    code, out, _ = cli("stats", "--db", db_at, "--flags")
    assert code == 0 and "ORG or [bold]GPE[/bold]?" in out and "alice" in out
    code, out, _ = cli("stats", "--db", db_at, "--flags", "--json", "--annotator", "bob")
    assert json.loads(out) == {"flags": []}


def test_export_carries_the_note_and_the_time_and_import_gives_them_back(cli, db_at, tmp_path, schema):
    day_db(db_at).close()
    out = tmp_path / "gold.jsonl"
    code, _, err = cli("export", "--db", db_at, "-o", out)
    assert code == 0, err
    lines = {line["_annotator_id"]: line for line in map(json.loads, out.read_text().splitlines())}
    assert lines["alice"]["meta"]["flag"] == "ORG or [bold]GPE[/bold]?"
    assert lines["alice"]["meta"]["active_seconds"] == 190.0
    assert lines["bob"]["meta"]["active_seconds"] == 100.0 and "flag" not in lines["bob"]["meta"]
    with Store(tmp_path / "fresh.db") as fresh:
        import_paths(fresh, [out], schema, extract=False)
        assert fresh.flag(1, "alice") == "ORG or [bold]GPE[/bold]?"
        assert fresh.active_seconds(1, "alice") == 190.0
        assert "flag" not in fresh.article(1).meta  # the annotator's, not the article's
    again = tmp_path / "again.jsonl"
    assert cli("export", "--db", tmp_path / "fresh.db", "-o", again)[0] == 0
    assert again.read_bytes() == out.read_bytes()


def test_gold_export_carries_each_annotators_note(cli, db_at, tmp_path):
    store = day_db(db_at)
    store.close()
    out = tmp_path / "gold.jsonl"
    assert cli("export", "--db", db_at, "-o", out, "--gold")[0] == 0
    first = json.loads(out.read_text().splitlines()[0])
    assert first["meta"]["flags"] == {"alice": "ORG or [bold]GPE[/bold]?"}
    assert first["meta"]["annotators_active_seconds"] == {"alice": 190.0}


def test_schema_guidelines_and_idle_after(tmp_path, cli):
    news = load_schema(NEWS_SCHEMA)
    assert news.idle_after == 120 and news.guidelines.endswith("schemas/guidelines/news.md")
    assert guidelines_problem(news) is None
    moved = tmp_path / "news.yaml"
    moved.write_text(NEWS_SCHEMA.read_text(encoding="utf-8"), encoding="utf-8")
    line = next(n for n, text in enumerate(moved.read_text().splitlines(), 1) if text.startswith("guidelines:"))
    code, _, err = cli("schema", "check", moved)
    assert code == 2 and err.startswith(f"annotator: {moved}:{line}:13: guidelines file ")
    assert "does not exist" in err
    assert load_schema(moved).guidelines  # other commands still load it; g says what is wrong
    assert parse_schema("idle_after: 90s\nlabels: [{name: A}]").idle_after == 90
    assert parse_schema("idle_after: 5\nlabels: [{name: A}]").idle_after == 5


@pytest.mark.parametrize("text, message", [
    ("idle_after: soon\nlabels: [{name: A}]", "1:13: idle_after 'soon' must be a time above zero"),
    ("idle_after: 0\nlabels: [{name: A}]", "1:13: idle_after '0' must be"),
    ("guidelines: ''\nlabels: [{name: A}]", "1:13: guidelines is empty"),
    *[(f"labels:\n  - name: A\n    key: '{key}'\n", "3:10: key") for key in ("!", "F", "g", "E")],
])
def test_bad_schema_day_fields(text, message):
    with pytest.raises(SchemaError, match=message.replace("[", r"\[")):
        parse_schema(text, "s.yaml")


def test_label_studio_export_has_lead_time_and_the_note_and_reads_them_back(cli, db_at, tmp_path, schema):
    day_db(db_at).close()
    out = tmp_path / "tasks.json"
    code, _, err = cli("export", "--db", db_at, "-o", out, "--format", "labelstudio")
    assert code == 0, err
    tasks = json.loads(out.read_text())
    first = next(t for t in tasks if t["annotations"][0]["_annotator_id"] == "alice")
    assert first["annotations"][0]["lead_time"] == 190.0
    assert first["meta"]["flags"] == {"alice": "ORG or [bold]GPE[/bold]?"}
    with Store(tmp_path / "fresh.db") as fresh:
        import_paths(fresh, [out], schema, extract=False)
        assert fresh.flag(1, "alice") == "ORG or [bold]GPE[/bold]?"
        assert fresh.active_seconds(1, "alice") == 190.0
        assert "flags" not in fresh.article(1).meta
    again = tmp_path / "again.json"
    assert cli("export", "--db", tmp_path / "fresh.db", "-o", again, "--format", "labelstudio")[0] == 0
    assert again.read_bytes() == out.read_bytes()


def test_docbin_export_carries_the_note_and_the_time(cli, db_at, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    day_db(db_at).close()
    out = tmp_path / "gold.spacy"
    code, _, err = cli("export", "--db", db_at, "-o", out, "--format", "spacy")
    assert code == 0, err
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    metas = {doc.user_data["meta"]["annotator"]: doc.user_data["meta"] for doc in docs}
    assert metas["alice"]["flag"] == "ORG or [bold]GPE[/bold]?" and metas["alice"]["active_seconds"] == 190.0
    assert "flag" not in metas["bob"]


def test_stats_rate_is_articles_per_hour_which_accept_all_does_not_inflate(cli, db_at):
    """issue 36 #12: 'per hour' showed 2,058.5 decisions an hour when accept all took every span as one."""
    store = Store(db_at)
    now = [1_800_000_000.0]
    store.clock = lambda: now[0]
    with store.write() as conn:
        store.insert_article(conn, ArticleDraft(TEXT, spans=tuple(SpanDraft(i, i + 1, "ORG") for i in range(40))),
                             "h", [(i, i + 1) for i in range(40)], "model")
    store.start_stretch(1, "alice")
    now[0] += 60
    store.decide_many("alice", [(s.id, "accept", None) for s in store.spans(1, "alice")])
    now[0] += 60
    store.set_status(1, "alice", "done")
    store.close()
    code, out, _ = cli("stats", "--db", db_at, "--json")
    alice = json.loads(out)["annotators"]["alice"]
    assert alice["decisions"] == 40 and alice["articles_per_active_hour"] == 30.0  # 1 article in 2 minutes
    code, out, _ = cli("stats", "--db", db_at)
    row = next(line for line in out.splitlines() if "alice" in line)
    assert row.split("│")[7].strip() == "30" and "1200" not in out and "done/h" in out
