"""`annotator suggest`: a new model's suggestions replace those of untouched articles, and nothing else."""

from __future__ import annotations

import pytest

from annotator.store import Store
from tests.conftest import REPO
from tests.learning_data import write_answers, write_texts
from tests.test_learn import needs_model

spacy = pytest.importorskip("spacy")
CONLL = REPO / "schemas" / "conll.yaml"


def _rows(db):
    with Store(db, create=False) as store:
        return {
            "spans": store.query('SELECT id, article_id, start, "end", label, kind, origin, created_by,'
                                  " speaker_span_id, model FROM spans ORDER BY id"),
            "decisions": store.query("SELECT * FROM decisions ORDER BY id"),
            "states": store.query("SELECT * FROM states ORDER BY span_id, annotator"),
            "progress": store.query("SELECT * FROM progress ORDER BY article_id, annotator"),
        }


@pytest.fixture(scope="module")
def trained_model(tmp_path_factory):
    """A model trained on the team's finished articles (once for the module: training takes seconds)."""
    from typer.testing import CliRunner

    from annotator.cli import app

    tmp = tmp_path_factory.mktemp("model")
    db = tmp / "train.db"
    runner = CliRunner()
    for args in (["import", str(write_answers(tmp / "done.jsonl", range(24))), "--db", str(db), "--schema",
                  str(CONLL), "--no-extract"],
                 ["train", "--db", str(db), "-o", str(tmp / "m"), "--schema", str(CONLL), "--max-epochs", "4"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return tmp / "m"


@pytest.fixture
def team_db(tmp_path, cli, db_at):
    """Twelve articles pre-extracted by the base model; alice opens one, decides in another, bob adds a span."""
    db = db_at
    code, _, err = cli("import", write_texts(tmp_path / "new.jsonl", range(100, 112)), "--db", db, "--schema", CONLL)
    assert code == 0, err
    with Store(db, create=False) as store:
        ids = [row[0] for row in store.query("SELECT id FROM articles ORDER BY id")]
        store.set_status(ids[0], "alice", "doing")  # opened, nothing decided
        first = store.spans(ids[1], "alice")[0]
        store.decide("alice", first.id, "reject")  # one decision, no status row needed
        store.add_span("bob", ids[2], 0, 4, "PER", "entity")  # a manual span
    return db, ids


@needs_model
def test_suggest_changes_untouched_articles_only(team_db, trained_model, cli):
    db, ids = team_db
    before = _rows(db)
    code, out, err = cli("suggest", "--db", db, "--model", trained_model, "--schema", CONLL)
    assert code == 0, err
    assert "re-suggested" in out
    after = _rows(db)
    assert after["decisions"] == before["decisions"]
    assert after["states"] == before["states"]
    assert after["progress"] == before["progress"]
    touched = set(ids[:3])
    kept_before = [r for r in before["spans"] if r[1] in touched]
    kept_after = [r for r in after["spans"] if r[1] in touched]
    assert kept_after == kept_before  # the opened, decided and hand-annotated articles keep every span
    changed = {r[1] for r in after["spans"] if r[1] not in touched} | {r[1] for r in before["spans"]
                                                                     if r[1] not in touched}
    new_labels = {r[4] for r in after["spans"] if r[1] not in touched and r[5] == "entity"}
    assert changed and new_labels <= {"PER", "ORG", "LOC", "MISC"}
    untouched_after = [r for r in after["spans"] if r[1] not in touched and r[6] == "model"]
    assert untouched_after and all(r[9] and str(trained_model) in r[9] for r in untouched_after)
    assert after["spans"] != before["spans"]


@needs_model
def test_suggest_twice_changes_nothing_the_second_time(team_db, trained_model, cli):
    db, _ = team_db
    cli("suggest", "--db", db, "--model", trained_model, "--schema", CONLL)
    once = _rows(db)
    code, out, _ = cli("suggest", "--db", db, "--model", trained_model, "--schema", CONLL)
    assert code == 0
    assert _rows(db) == once
    assert "re-suggested 0 of" in out and "0 suggestions added, 0 removed" in out


@needs_model
def test_stats_shows_suggestions_by_model_and_corrections(team_db, trained_model, cli):
    db, _ = team_db
    cli("suggest", "--db", db, "--model", trained_model, "--schema", CONLL)
    code, out, _ = cli("stats", "--db", db)
    assert code == 0 and "suggestions by model" in out and "m@" in out
    code, out, _ = cli("stats", "--db", db, "--corrections", "--json")
    import json

    figures = json.loads(out)
    rejected = sum(row["rejected"] for row in figures["labels"].values())
    assert rejected == 1  # alice's one rejection
    assert figures["labels"]["PER"]["missed"] == 1  # bob's own span


def test_suggest_with_a_path_that_is_no_model_is_one_clear_line(team_db, tmp_path, cli):
    db, _ = team_db
    (tmp_path / "empty").mkdir()
    before = _rows(db)
    code, _, err = cli("suggest", "--db", db, "--model", tmp_path / "empty", "--schema", CONLL)
    assert code == 1 and "not a spaCy pipeline" in err and err.strip().count("\n") == 0
    assert _rows(db) == before


@needs_model
def test_import_and_extract_take_a_trained_pipelines_path(trained_model, tmp_path, cli):
    import json

    source = write_texts(tmp_path / "more.jsonl", range(200, 203))
    # Under the CoNLL schema it was trained with (the news schema maps its PER to PERSON).
    code, out, err = cli("extract", source, "--model", trained_model, "--schema", CONLL)
    assert code == 0, err
    labels = {span["label"] for line in out.splitlines() for span in json.loads(line)["spans"]}
    assert labels and labels <= {"PER", "ORG", "LOC", "MISC", "QUOTE", "SPEAKER", "CUE"}
    db = tmp_path / "m.db"
    code, _, err = cli("import", source, "--db", db, "--schema", CONLL, "--model", trained_model)
    assert code == 0, err
    with Store(db, create=False) as store:
        models = {row[0] for row in store.query("SELECT model FROM spans WHERE origin = 'model'")}
    assert len(models) == 1 and models.pop().startswith(f"{trained_model}@")


@needs_model
def test_an_undone_decision_still_keeps_its_article_as_it_was(tmp_path, trained_model, cli):
    db = tmp_path / "undo.db"
    cli("import", write_texts(tmp_path / "u.jsonl", range(300, 312)), "--db", db, "--schema", CONLL)
    with Store(db, create=False) as store:
        first = store.query("SELECT min(id) FROM articles")[0][0]
        span = store.spans(first, "carol")[0]
        store.decide("carol", span.id, "reject")
        store.undo("carol", first)  # no state, no progress row: only the log remembers
        assert not store.query("SELECT 1 FROM states WHERE article_id = ?", (first,))
    before = _rows(db)
    code, out, err = cli("suggest", "--db", db, "--model", trained_model, "--schema", CONLL)
    assert code == 0, err
    after = _rows(db)
    assert [r for r in after["spans"] if r[1] == first] == [r for r in before["spans"] if r[1] == first]
    assert int(out.split("re-suggested ")[1].split()[0]) > 0  # the model does change the others


def test_replacing_suggestions_someone_decided_on_changes_nothing(tmp_path, cli, db_at):
    """The last guard: even past the checks, the log's foreign key keeps a decided span."""
    from annotator.model import SpanDraft
    from annotator.store import learning

    db = db_at
    cli("import", write_texts(tmp_path / "g.jsonl", range(2)), "--db", db, "--schema", CONLL)
    with Store(db, create=False) as store:
        first = store.query("SELECT min(id) FROM articles")[0][0]
        store.decide("dave", store.spans(first, "dave")[0].id, "accept")
        before = _rows(db)
        with store.write() as conn:
            assert not learning.replace_suggestions(conn, first, [SpanDraft(0, 4, "PER")], "m")
        assert _rows(db) == before
