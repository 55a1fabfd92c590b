"""Attributions (content, source, cue) in the interchange formats: spaCy DocBin, citron, PolNeAR brat."""

from __future__ import annotations

import pytest

from .attribution_data import ATTRIBUTIONS, TEXT, write_line


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
