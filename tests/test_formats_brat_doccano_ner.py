"""brat standoff, doccano JSONL and Prodigy ner tasks: what each writes, and what our import reads back."""

from __future__ import annotations

import json
import re

import pytest

from tests.formats_data import TEXT, build

QUOTE = "“Spoilers will not prevail in Geneva,”"


@pytest.fixture
def db(tmp_path, store, schema):
    build(store, schema, tmp_path)
    return store.path


def export(cli, db, out, fmt, *extra):
    code, stdout, err = cli("export", "--db", db, "-o", out, "--format", fmt, *extra)
    assert code == 0, err
    return stdout


# -- brat ------------------------------------------------------------------------------------------


def read_ann(path):
    """T id -> (label, [(start, end)], text) and R lines, as brat reads them."""
    spans, relations = {}, []
    for line in path.read_text().splitlines():
        ident, body, *rest = line.split("\t")
        if ident.startswith("T"):
            label, _, where = body.partition(" ")
            pieces = [tuple(map(int, piece.split())) for piece in where.split(";")]
            spans[ident] = (label, pieces, rest[0])
        else:
            label, arg1, arg2 = body.split()
            relations.append((label, arg1.removeprefix("Arg1:"), arg2.removeprefix("Arg2:")))
    return spans, relations


def test_brat_writes_txt_ann_an_article_and_annotator_with_every_span_and_the_links(cli, db, tmp_path, schema):
    out = tmp_path / "brat"
    assert "exported 3 articles" in export(cli, db, out, "brat")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["1-alice.ann", "1-alice.txt", "1-bob.ann", "1-bob.txt", "2-alice.ann", "2-alice.txt",
                     "annotation.conf", "visual.conf"]
    assert (out / "1-alice.txt").read_text() == TEXT
    spans, relations = read_ann(out / "1-alice.ann")
    for _label, pieces, text in spans.values():
        assert " ".join(TEXT[s:e] for s, e in pieces) == text
        assert all("\n" not in TEXT[s:e] for s, e in pieces)
    by_text = {text: ident for ident, (_, _, text) in spans.items()}
    assert {label for label, _, _ in spans.values()} == {"ORG", "PERSON", "GPE", "QUOTE", "SPEAKER", "LOC"}
    assert sorted(relations) == [("SPEAKER", by_text[QUOTE], by_text["the envoy"]),
                                 ("SPEAKER_ENTITY", by_text[QUOTE], by_text["Staffan de Mistura"])]
    conf = (out / "annotation.conf").read_text()
    entities = conf.split("[entities]\n")[1].split("\n\n")[0].splitlines()
    assert entities == list(schema.names)
    assert "SPEAKER\tArg1:QUOTE, Arg2:<ENTITY>" in conf and "<OVERLAP>" in conf
    assert "PERSON\tbgColor:#5fafff" in (out / "visual.conf").read_text()


def test_brat_span_across_a_line_break_is_written_as_fragments(cli, tmp_path, store, schema):
    text = "He said: “We will stay.\n\nWe will not leave.” Then he left."
    start = text.index("“")
    line = {"text": text, "spans": [{"start": start, "end": text.index("”") + 1, "label": "QUOTE"}],
            "answer": "accept", "_annotator_id": "alice"}
    (tmp_path / "q.jsonl").write_text(json.dumps(line) + "\n")
    cli("import", tmp_path / "q.jsonl", "--db", store.path, "--no-extract")
    export(cli, store.path, tmp_path / "brat", "brat")
    (ann,) = (tmp_path / "brat").glob("*.ann")
    (t1,) = read_ann(ann)[0].values()
    assert t1 == ("QUOTE", [(start, text.index("\n")), (text.index("We will not"), text.index("”") + 1)],
                  "“We will stay. We will not leave.”")


def test_brat_folder_is_not_overwritten_without_force(cli, db, tmp_path):
    out = tmp_path / "brat"
    export(cli, db, out, "brat")
    code, _, err = cli("export", "--db", db, "-o", out, "--format", "brat")
    assert code == 4 and "--force" in err
    export(cli, db, out, "brat", "--force", "--annotator", "bob")
    assert sorted(p.name for p in out.glob("*.ann")) == ["1-bob.ann"]


# -- doccano ---------------------------------------------------------------------------------------


def test_doccano_relations_as_doccano_writes_them_and_the_round_trip_is_exact(cli, db, tmp_path):
    first = tmp_path / "doccano.jsonl"
    export(cli, db, first, "doccano")
    lines = [json.loads(x) for x in first.read_text().splitlines()]
    alice = lines[0]
    entities = {e["id"]: TEXT[e["start_offset"]:e["end_offset"]] for e in alice["entities"]}
    assert {(entities[r["from_id"]], entities[r["to_id"]], r["type"]) for r in alice["relations"]} == {
        (QUOTE, "the envoy", "SPEAKER"), (QUOTE, "Staffan de Mistura", "SPEAKER_ENTITY")}
    assert set(alice["entities"][0]) == {"id", "label", "start_offset", "end_offset"}
    fresh = tmp_path / "fresh.db"
    code, out, err = cli("import", first, "--db", fresh, "--no-extract")
    assert code == 0 and "3 annotated lines" in out, err
    again = tmp_path / "again.jsonl"
    export(cli, fresh, again, "doccano")
    assert again.read_bytes() == first.read_bytes()


def test_doccano_label_triples_when_the_schema_has_no_quotes(cli, store, tmp_path):
    schema = tmp_path / "entities.yaml"
    schema.write_text("name: entities\nlabels:\n" + "".join(
        f"  - {{name: {n}, kind: entity, colour: red}}\n" for n in ("PERSON", "ORG", "GPE")))
    text = "Reuters reported that Angela Merkel visited Paris."
    spans = [{"start": 0, "end": 7, "label": "ORG"}, {"start": 22, "end": 35, "label": "PERSON"},
             {"start": 44, "end": 49, "label": "GPE"}]
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": text, "spans": spans, "answer": "accept",
                                                   "_annotator_id": "alice", "_timestamp": 1700000000}) + "\n")
    assert cli("import", tmp_path / "in.jsonl", "--db", store.path, "--no-extract", "--schema", schema)[0] == 0
    first = tmp_path / "doccano.jsonl"
    export(cli, store.path, first, "doccano", "--schema", schema)
    (line,) = [json.loads(x) for x in first.read_text().splitlines()]
    assert "entities" not in line and line["label"] == [[0, 7, "ORG"], [22, 35, "PERSON"], [44, 49, "GPE"]]
    fresh = tmp_path / "fresh.db"
    assert cli("import", first, "--db", fresh, "--no-extract", "--schema", schema)[0] == 0
    again = tmp_path / "again.jsonl"
    export(cli, fresh, again, "doccano", "--schema", schema)
    assert again.read_bytes() == first.read_bytes()


# -- Prodigy ner -----------------------------------------------------------------------------------


def test_ner_tasks_have_entities_only_without_overlaps(cli, db, tmp_path):
    out = tmp_path / "ner.jsonl"
    export(cli, db, out, "ner")
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    alice = lines[0]
    assert alice["_view_id"] == "ner_manual" and alice["answer"] == "accept" and alice["_annotator_id"] == "alice"
    assert alice["relations"] == [] and alice["tokens"][0] == {"text": "UN", "start": 0, "end": 2, "id": 0, "ws": True}
    labels = [(s["text"], s["label"]) for s in alice["spans"]]
    assert labels == [("UN", "ORG"), ("Staffan de Mistura", "PERSON"), ("Bashar al-Ja’afar", "PERSON"),
                      ("Geneva", "GPE"), ("Geneva", "GPE"), ("Douma", "LOC")]
    for line in lines:
        ends = [(s["start"], s["end"]) for s in line["spans"]]
        assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:], strict=False))
        assert line["_input_hash"] and line["_task_hash"]
    default = tmp_path / "gold.jsonl"
    export(cli, db, default, "jsonl")
    assert [json.loads(x)["_input_hash"] for x in default.read_text().splitlines()] == [x["_input_hash"] for x in lines]
    fresh = tmp_path / "fresh.db"
    code, stdout, err = cli("import", out, "--db", fresh, "--no-extract")
    assert code == 0 and "3 annotated lines" in stdout, err


def test_ner_drops_the_shorter_of_overlapping_entities(cli, tmp_path, store):
    text = "The United Nations Security Council met."
    spans = [{"start": 4, "end": 18, "label": "ORG"}, {"start": 4, "end": 35, "label": "ORG"},
             {"start": 19, "end": 35, "label": "ORG"}]
    (tmp_path / "n.jsonl").write_text(json.dumps({"text": text, "spans": spans, "answer": "accept",
                                                  "_annotator_id": "alice"}) + "\n")
    schema = tmp_path / "nested.yaml"
    schema.write_text("name: nested\nallow_nested: true\nlabels:\n  - {name: ORG, kind: entity, colour: red}\n")
    cli("import", tmp_path / "n.jsonl", "--db", store.path, "--no-extract", "--schema", schema)
    export(cli, store.path, tmp_path / "ner.jsonl", "ner", "--schema", schema)
    (line,) = [json.loads(x) for x in (tmp_path / "ner.jsonl").read_text().splitlines()]
    assert [s["text"] for s in line["spans"]] == ["United Nations Security Council"]
    assert re.search(r'"_view_id":"ner_manual"', (tmp_path / "ner.jsonl").read_text())


def test_doccano_keeps_active_time_and_flag_notes_through_the_round_trip(cli, tmp_path):
    from annotator.store import Store
    from tests.test_day import day_db

    day_db(tmp_path / "d.db").close()
    first = tmp_path / "doccano.jsonl"
    export(cli, tmp_path / "d.db", first, "doccano")
    alice = json.loads(first.read_text().splitlines()[0])
    assert alice["meta"]["flag"] == "ORG or [bold]GPE[/bold]?" and alice["meta"]["active_seconds"] == 190.0
    assert cli("import", first, "--db", tmp_path / "fresh.db", "--no-extract")[0] == 0
    with Store(tmp_path / "fresh.db") as fresh:
        assert fresh.flag(1, "alice") == "ORG or [bold]GPE[/bold]?" and fresh.active_seconds(1, "alice") == 190.0
    again = tmp_path / "again.jsonl"
    export(cli, tmp_path / "fresh.db", again, "doccano")
    assert again.read_bytes() == first.read_bytes()
