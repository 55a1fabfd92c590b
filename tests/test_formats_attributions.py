"""Attributions (content, source, cue) in the interchange formats: spaCy DocBin, citron, PolNeAR brat."""

from __future__ import annotations

import json

import pytest

from .attribution_data import ATTRIBUTIONS, CITRON_TEXT, TEXT, citron_document, write_line


def test_docbin_has_cues_their_links_and_forms(cli, db_at, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    code, _, err = cli("import", "--db", db_at, write_line(tmp_path / "in.jsonl"), "--no-extract")
    assert code == 0, err
    out = tmp_path / "gold.spacy"
    code, _, err = cli("export", "--db", db_at, "-o", out, "--format", "spacy")
    assert code == 0, err
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert [c.text for c in doc.spans["cues"]] == ["said", "told reporters", "According to"]
    assert {c.label_ for c in doc.spans["cues"]} == {"CUE"}
    assert {q.label_ for q in doc.spans["quotes"]} == {"QUOTE"}

    def text(start, end):
        return TEXT[start:end]

    assert sorted((text(*link[:2]), text(*link[2:])) for link in doc.user_data["cues"]) == sorted(
        (content, cue) for content, _, cue in ATTRIBUTIONS)
    assert sorted((text(*link[:2]), text(*link[2:])) for link in doc.user_data["speakers"]) == sorted(
        (content, source) for content, source, _ in ATTRIBUTIONS)
    assert sorted((text(s, e), form) for s, e, form in doc.user_data["forms"]) == sorted(
        zip([content for content, _, _ in ATTRIBUTIONS], ["indirect", "direct", "mixed"], strict=True))


def write_json(path, obj):
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=4), encoding="utf-8")
    return path


def test_citron_file_round_trips_import_export(cli, db_at, tmp_path):
    original = citron_document()
    source = write_json(tmp_path / "doc.json", original)
    code, out, err = cli("import", "--db", db_at, source, "--no-extract", "--annotator", "alice")
    assert code == 0, err
    assert "imported 1 articles" in out
    code, _, err = cli("export", "--db", db_at, "-o", tmp_path / "out", "--format", "citron")
    assert code == 0, err
    (written,) = (tmp_path / "out").glob("*.json")
    assert json.loads(written.read_text(encoding="utf-8")) == original
    # and what the store made of it: one quote span an attribution, its source and cue linked
    code, _, err = cli("export", "--db", db_at, "-o", tmp_path / "out.jsonl")
    (line,) = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    def text(s):
        return CITRON_TEXT[s["start"]:s["end"]]
    pairs = sorted((text(r["head_span"]), r["label"], text(r["child_span"])) for r in line["relations"])
    assert pairs == sorted([
        ("“The talks will resume,” the envoy said on Monday, “and nobody will leave.”", "CUE", "said"),
        ("“The talks will resume,” the envoy said on Monday, “and nobody will leave.”", "SPEAKER", "the envoy"),
        ("that the plan was “a disaster”", "CUE", "told reporters"),
        ("that the plan was “a disaster”", "SPEAKER", "Officials"),
        ("Geneva was ready", "CUE", "According to"),
        ("Geneva was ready", "SPEAKER", "the statement")])


def test_citron_export_of_attributions_made_here(cli, db_at, tmp_path):
    """Quotes that did not come from a citron file: contents cut around their own source and cue."""
    code, _, err = cli("import", "--db", db_at, write_line(tmp_path / "in.jsonl"), "--no-extract")
    assert code == 0, err
    code, _, err = cli("export", "--db", db_at, "-o", tmp_path / "out", "--format", "citron")
    assert code == 0, err
    (written,) = (tmp_path / "out").glob("*.json")
    doc = json.loads(written.read_text(encoding="utf-8"))
    assert doc["text"] == TEXT
    assert [([c["text"] for c in q["contents"]], [s["text"] for s in q["sources"]], q["cue"]["text"])
            for q in doc["quotes"]] == [([content], [source], cue) for content, source, cue in ATTRIBUTIONS]
    for quote in doc["quotes"]:
        for span in [quote["cue"], *quote["sources"], *quote["contents"]]:
            assert TEXT[span["start"]:span["end"]] == span["text"]
