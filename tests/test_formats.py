"""The format registry, `annotator formats`, import/export --format, and what import says about labels
the schema drops or does not know."""

from __future__ import annotations

import json

import pytest

from annotator.errors import UserError
from annotator.formats import all_formats, detect, get

TEXT = "Acme paid $5 million to Geneva on Monday, three times."


def span(fragment, label):
    start = TEXT.index(fragment)
    return {"start": start, "end": start + len(fragment), "label": label}


def test_every_format_is_named_once_and_says_what_it_keeps_and_loses():
    names = [fmt.name for fmt in all_formats()]
    assert len(names) == len(set(names))
    assert {"jsonl", "spacy", "text"} <= set(names)
    for fmt in all_formats():
        assert fmt.keeps and fmt.loses and fmt.title
        assert fmt.read is not None or fmt.write is not None


def test_unknown_format_and_wrong_direction_are_usage_errors():
    with pytest.raises(UserError) as unknown:
        get("xml")
    assert unknown.value.exit_code == 2 and "annotator formats" in str(unknown.value)
    with pytest.raises(UserError) as direction:
        get("text", "write")
    assert "exports no 'text' files" in str(direction.value)


def test_formats_command_lists_each_with_keeps_and_loses(cli):
    code, out, _ = cli("formats")
    assert code == 0
    for fmt in all_formats():
        assert f"{fmt.name} (" in out
    assert out.count("keeps:") == out.count("loses:") == len(all_formats())


def test_detection_reads_content_and_suffix(tmp_path):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps({"text": TEXT}) + "\n")
    txt = tmp_path / "a.txt"
    txt.write_text(TEXT)
    unnamed = tmp_path / "lines.data"
    unnamed.write_text(json.dumps({"text": TEXT}) + "\n")
    assert detect(jsonl).name == "jsonl" and detect(txt).name == "text" and detect(unnamed).name == "jsonl"


def test_import_format_reads_a_file_of_any_suffix(cli, tmp_path):
    path = tmp_path / "lines.data"
    path.write_text(json.dumps({"text": TEXT}) + "\n")
    db = tmp_path / "a.db"
    code, out, err = cli("import", path, "--db", db, "--no-extract")
    assert code == 1 and "not an article file" in err and "--format NAME" in err
    code, out, err = cli("import", path, "--db", db, "--no-extract", "--format", "jsonl")
    assert code == 0 and "imported 1 articles" in out, err


def test_export_refuses_a_format_that_only_imports(cli, tmp_path, store):
    code, _, err = cli("export", "--db", store.path, "-o", tmp_path / "x.txt", "--format", "text")
    assert code == 2 and "exports no 'text' files" in err


# -- labels the schema drops, and labels it does not know -------------------------------------------


def test_dropped_labels_are_left_out_and_counted_not_the_line(cli, tmp_path):
    """A Prodigy dataset with MONEY and CARDINAL spans (news.yaml drops both) imports, without them."""
    lines = []
    for n in range(3):
        money, cardinal, geneva = span("$5 million", "MONEY"), span("three", "CARDINAL"), span("Geneva", "GPE")
        lines.append({"text": f"{TEXT}{' ' * n}", "spans": [span("Acme", "ORG"), money, geneva, cardinal],
                      "relations": [{"head": 0, "child": 0, "label": "SPEAKER", "head_span": money,
                                     "child_span": geneva}],
                      "answer": "accept", "_annotator_id": "alice"})
    path = tmp_path / "prodigy.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    db = tmp_path / "a.db"
    code, out, err = cli("import", path, "--db", db, "--no-extract")
    assert code == 0, err
    assert "imported 3 articles (6 spans), 3 annotated lines" in out
    assert err.strip() == "left out 6 spans whose labels the schema drops: MONEY 3, CARDINAL 3"
    out_path = tmp_path / "gold.jsonl"
    cli("export", "--db", db, "-o", out_path)
    exported = [json.loads(line) for line in out_path.read_text().splitlines()]
    assert [[s["label"] for s in line["spans"]] for line in exported] == [["ORG", "GPE"]] * 3
    assert all(line["relations"] == [] for line in exported)


def test_unknown_labels_are_said_once_with_counts_and_the_fix(cli, tmp_path):
    lines = [{"text": f"{TEXT}{' ' * n}", "spans": [span("Acme", "WIDGET"), span("Geneva", "GADGET"),
                                                    span("Monday", "WIDGET")]} for n in range(4)]
    lines.append({"text": "Nothing odd here.", "spans": []})
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    db = tmp_path / "a.db"
    code, out, err = cli("import", path, "--db", db, "--no-extract")
    assert code == 0 and "imported 5 articles (0 spans)" in out and "0 skipped" in out
    assert err.strip().splitlines() == [
        f"imported 4 articles without their spans of labels the schema neither has, maps nor drops, the first at "
        f"{path}:1: WIDGET (8 spans), GADGET (4 spans). Add each to the schema's labels, map it (map: {{WIDGET: "
        "LABEL}, LABEL one of PERSON, ORG, GPE, LOC, NORP, EVENT, MISC) or drop it (drop: [WIDGET])"]
    code, out, err = cli("import", path, "--db", tmp_path / "b.db", "--no-extract", "--strict")
    assert code == 1 and f"{path}:1: span 1 has label 'WIDGET'" in err


WRITERS = [fmt for fmt in all_formats() if fmt.write is not None]


@pytest.mark.parametrize("fmt", WRITERS, ids=[fmt.name for fmt in WRITERS])
def test_every_format_exports_and_each_that_reads_imports_its_export_back(cli, tmp_path, store, schema, fmt):
    from tests.formats_data import build

    build(store, schema, tmp_path)
    out = tmp_path / ("out" if fmt.folder else f"out{fmt.suffixes[0]}")
    code, stdout, err = cli("export", "--db", store.path, "-o", out, "--format", fmt.name)
    assert code == 0 and stdout.startswith(("exported 2 articles", "exported 3 articles")), err  # tasks or lines
    assert out.is_dir() if fmt.folder else out.stat().st_size > 0
    for extra in fmt.also_writes(out):
        assert extra.exists()
    readable = fmt.read is not None or out.suffix == ".jsonl"  # doccano and ner lines read as JSONL
    if readable:
        code, stdout, err = cli("import", out, "--db", tmp_path / "fresh.db", "--no-extract", "--annotator", "zoe")
        assert code == 0 and "imported 2 articles" in stdout, err
