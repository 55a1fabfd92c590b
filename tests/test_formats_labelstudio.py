"""Label Studio JSON: the export's shape, the labeling config, import, and the exact round trip."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from annotator.store import Store
from tests.formats_data import EMOJI, TEXT, build


@pytest.fixture
def db(tmp_path, store, schema):
    build(store, schema, tmp_path)
    return store.path


def export(cli, db, out, *extra):
    code, stdout, err = cli("export", "--db", db, "-o", out, "--format", "labelstudio", *extra)
    assert code == 0, err
    return json.loads(out.read_text())


def test_tasks_carry_text_meta_annotations_and_speaker_relations(cli, db, tmp_path):
    tasks = export(cli, db, tmp_path / "ls.json")
    assert [t["data"]["text"] for t in tasks] == [TEXT, EMOJI]
    first = tasks[0]
    assert first["meta"]["source"] == "test" and first["meta"]["article_id"] == 1
    alice, bob = first["annotations"]
    assert (alice["_annotator_id"], bob["_annotator_id"]) == ("alice", "bob")
    assert "completed_by" not in alice  # Label Studio refuses names that are not its members' emails
    assert not alice["was_cancelled"] and alice["created_at"].endswith("Z")
    labels = [r for r in alice["result"] if r["type"] == "labels"]
    for r in labels:
        assert (r["from_name"], r["to_name"]) == ("label", "text")
        assert TEXT[r["value"]["start"]:r["value"]["end"]] == r["value"]["text"]
    got = {(r["value"]["text"], r["value"]["labels"][0]) for r in labels}
    assert ("Douma", "LOC") in got and ("Douma", "GPE") not in got and ("the envoy", "SPEAKER") in got
    by_id = {r["id"]: r["value"]["text"] for r in labels}
    relations = {(by_id[r["from_id"]], by_id[r["to_id"]], r["labels"][0]) for r in alice["result"]
                 if r["type"] == "relation"}
    quote = "“Spoilers will not prevail in Geneva,”"
    assert relations == {(quote, "the envoy", "SPEAKER"), (quote, "Staffan de Mistura", "SPEAKER_ENTITY")}
    assert "predictions" not in first


def test_offsets_count_utf16_code_units_as_label_studio_does(cli, db, tmp_path):
    tasks = export(cli, db, tmp_path / "ls.json")
    merkel = next(r["value"] for r in tasks[1]["annotations"][0]["result"] if r["value"]["text"] == "Angela Merkel")
    assert merkel["start"] == EMOJI.index("Angela") + 1  # 🎉 is two UTF-16 code units


def test_labeling_config_has_the_schema_labels_colours_and_the_relation(cli, db, tmp_path, schema):
    export(cli, db, tmp_path / "ls.json")
    view = ET.parse(tmp_path / "ls.xml").getroot()
    labels = view.find("Labels")
    assert labels.get("name") == "label" and labels.get("toName") == "text"
    assert {(el.get("value"), el.get("background")) for el in labels} == {(la.name, la.colour) for la in schema.labels}
    assert {el.get("value") for el in view.find("Relations")} == {"SPEAKER", "SPEAKER_ENTITY", "CUE"}
    assert view.find("Text").get("value") == "$text"


def test_export_import_export_is_exact(cli, db, tmp_path):
    first = tmp_path / "ls.json"
    export(cli, db, first)
    fresh = tmp_path / "fresh.db"
    code, out, err = cli("import", first, "--db", fresh, "--no-extract")
    assert code == 0 and "2 articles" in out and "3 annotated lines" in out, err
    again = tmp_path / "again.json"
    export(cli, fresh, again)
    assert again.read_bytes() == first.read_bytes()


def test_suggestions_become_predictions_and_come_back_as_suggestions(cli, db, tmp_path):
    tasks = export(cli, db, tmp_path / "ls.json", "--include-suggestions")
    assert len(tasks) == 3  # the untouched article too, for labelling in Label Studio
    (prediction,) = tasks[2]["predictions"]
    assert prediction["model_version"] == "en_core_web_md" and tasks[2]["annotations"] == []
    assert {r["value"]["text"] for r in prediction["result"]} == {"The United Nations", "New York"}
    assert "predictions" not in tasks[1]  # every suggestion there was decided on
    fresh = tmp_path / "fresh.db"
    code, out, err = cli("import", tmp_path / "ls.json", "--db", fresh, "--no-extract")
    assert code == 0, err
    with Store(fresh) as store:
        untouched = list(store.iter_articles())[2]
        assert {(v.label, v.status) for v in store.spans(untouched.id, "carol")} == {("ORG", "undecided"),
                                                                                      ("GPE", "undecided")}
    again = tmp_path / "again.json"
    export(cli, fresh, again, "--include-suggestions")
    assert again.read_bytes() == (tmp_path / "ls.json").read_bytes()


def test_label_studio_own_export_imports_with_annotator(cli, tmp_path):
    """As Label Studio exports: numeric completed_by, region ids of its own, a task id, predictions by id, no meta."""
    text = "Angela Merkel said: “We will manage.”"
    task = [{"id": 7, "data": {"text": text}, "predictions": [5], "annotations": [{"id": 3, "completed_by": 1, "result": [
        {"id": "Xy1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 13, "text": "Angela Merkel", "labels": ["PERSON"]}},
        {"id": "Zq2", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 20, "end": 37, "text": "“We will manage.”", "labels": ["QUOTE"]}},
        {"from_id": "Zq2", "to_id": "Xy1", "type": "relation", "direction": "right", "labels": ["SPEAKER"]}],
        "was_cancelled": False, "created_at": "2026-12-01T10:00:00.123456Z", "lead_time": 12.5}]}]
    path = tmp_path / "project-1.json"
    path.write_text(json.dumps(task, indent=2))
    db = tmp_path / "a.db"
    code, out, err = cli("import", path, "--db", db, "--no-extract")
    assert code == 0 and "1 annotated lines" in out, err
    with Store(db) as store:
        (article,) = store.iter_articles()
        assert store.status(article.id, "user-1") == "done"
    code, out, err = cli("import", path, "--db", tmp_path / "b.db", "--no-extract", "--annotator", "dana")
    out_path = tmp_path / "gold.jsonl"
    cli("export", "--db", tmp_path / "b.db", "-o", out_path)
    (line,) = [json.loads(x) for x in out_path.read_text().splitlines()]
    assert line["_annotator_id"] == "dana"
    assert [(r["head_span"]["label"], r["child_span"]["label"]) for r in line["relations"]] == [("QUOTE", "PERSON")]


@pytest.mark.parametrize(("content", "line", "words"), [
    ('[\n  {"data": {"text": "A."}},\n  {"data": {"text": "B."}\n]', 4, "not valid JSON"),
    ('[\n  {"data": {"text": "A."}},\n  {"data": {"nope": 1}}\n]', 3, "task 2: no data.text"),
    ('[\n  {"data": {"text": "Angela."}, "annotations": [{"completed_by": 1, "result": [\n'
     '    {"type": "labels", "value": {"start": 0, "end": "6", "labels": ["PERSON"]}}]}]}\n]', 2, "whole-number"),
    ('"just a string"', 1, "not a JSON list of tasks"),
    ('{"text": 1}', 1, "task 1: no data.text"),
])
def test_bad_label_studio_files_name_file_and_line(cli, tmp_path, content, line, words):
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, out, err = cli("import", path, "--db", tmp_path / "a.db", "--no-extract", "--strict")
    assert code == 1 and f"{path}:{line}: " in err and words in err, err
