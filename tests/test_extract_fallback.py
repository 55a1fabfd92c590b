"""Extraction with no model installed: blank English + sentencizer, quotes on, pattern speakers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import annotator.extract as extract
from annotator.extract import ModelNotFound, load_extractor


@pytest.fixture
def no_models(monkeypatch):
    """Every model load fails, as when no model package is installed."""

    def fail(name):
        raise OSError(f"[E050] Can't find model '{name}'")

    monkeypatch.setattr(extract, "_load_model", fail)


@pytest.fixture
def blank(no_models):
    return load_extractor()


def quotes(extractor, text):
    drafts = extractor(text)
    out = []
    for d in drafts:
        if d.kind == "quote":
            speaker = text[drafts[d.speaker].start : drafts[d.speaker].end] if d.speaker is not None else None
            out.append((text[d.start : d.end], speaker))
    return out


def test_fallback_says_how_to_install_a_model(blank):
    assert blank.model_name is None
    assert "no spaCy model installed" in blank.warning
    assert "pip install 'annotator[model]'" in blank.warning


def test_fallback_has_no_entities_but_finds_quotes(blank):
    text = "“The river is rising,” said Nora Quist. Later she added: “Stay indoors.”"
    drafts = blank(text)
    assert not [d for d in drafts if d.kind == "entity"]
    assert quotes(blank, text) == [("“The river is rising,”", "Nora Quist"), ("“Stay indoors.”", "she")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“We are ready,” Captain Lee Park said.", "Captain Lee Park"),
        ("“We are ready,” he said.", "he"),
        ("“We are ready,” the captain said.", "the captain"),
        ("Mayor Ana Ruiz told reporters: “We are ready.”", "Mayor Ana Ruiz"),
        ("“We are ready,” she said. “The boats are out.”", "she"),
        ("“We are ready.” ― Ana Ruiz", "Ana Ruiz"),
    ],
)
def test_fallback_pattern_speakers(blank, text, speaker):
    ((_, found),) = quotes(blank, text)
    assert found == speaker


def test_named_model_that_is_missing_is_a_clear_error():
    with pytest.raises(ModelNotFound, match="not installed"):
        load_extractor(model="xx_no_such_model_here")


def test_schema_model_missing_falls_back_to_the_defaults(schema):
    import dataclasses

    odd = dataclasses.replace(schema, model="xx_no_such_model_here")
    extractor = load_extractor(odd)
    assert extractor.model_name != "xx_no_such_model_here"


def test_importing_the_package_does_not_import_spacy():
    code = "import sys, annotator.extract; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


_PIECES = st.sampled_from(
    list("ab cd,.!?:;-—―\n\"“”‘’'") + ["''", "``", " said ", " he ", "Ann Lee", " told ", " according to ", "per "]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_extraction_never_raises_and_spans_stay_inside(text):
    extractor = extract.Extractor(extract._blank(), None, extract.LabelPolicy())
    drafts = extractor(text)
    for d in drafts:
        assert 0 <= d.start < d.end <= len(text)
        for link in (d.speaker, d.speaker_entity):
            assert link is None or 0 <= link < len(drafts)
        if d.cue is not None:
            assert 0 <= d.cue[0] < d.cue[1] <= len(text)
