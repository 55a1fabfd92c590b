"""The learned quote attribution: the spaCy component, its weights, training, and what it offers.

Sentences are written for each convention of the gold (docs/extraction.md, Evaluation data), not taken from
any corpus.
"""

from __future__ import annotations

import json

import pytest

from annotator.extract import load_extractor
from annotator.extract.learned import DEFAULT_WEIGHTS, LinearScorer, QuoteModel, load_default_model

from .conftest import SEEDS


def offered(extractor, text: str) -> list[tuple[str, str | None]]:
    """(quote, speaker as written) for every quote the default extractor offers."""
    drafts = extractor(text)
    return [
        (text[d.start : d.end], text[drafts[d.speaker].start : drafts[d.speaker].end] if d.speaker is not None else None)
        for d in drafts
        if d.kind == "quote"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an inverted cue after the quote, the speaker with its apposition
        (
            "“We will not back down,” said Amara Osei, the union's general secretary.",
            [("“We will not back down,”", "Amara Osei, the union's general secretary")],
        ),
        # a long noun-phrase speaker before an inverted cue
        (
            "“The city has failed its poorest residents,” the city's largest newspaper wrote in an editorial.",
            [("“The city has failed its poorest residents,”", "the city's largest newspaper")],
        ),
        # a pronoun speaker, as written
        (
            "Dr. Lena Fischer spent a decade at the clinic. “Nobody was prepared for this,” she said.",
            [("“Nobody was prepared for this,”", "she")],
        ),
        # a quote interrupted by its own attribution is one span
        (
            "“The bridge is safe,” the chief engineer said. “We checked every bolt twice.”",
            [("“The bridge is safe,” the chief engineer said. “We checked every bolt twice.”", "the chief engineer")],
        ),
        # a naming cue's attribution is mixed: what was named and the quoted name (PolNeAR's
        # "called the statement “offensive and outlandish.”"), with its source
        ("Critics have called the plan a “blank cheque” for developers.",
         [("the plan a “blank cheque” for developers", "Critics")]),
        # a scare quote and a title are not quotations: dropped
        ("The so-called “peace dividend” never arrived.", []),
        ("The minister appeared on “Morning Edition” on Tuesday.", []),
    ],
)
def test_conventions(extractor, text, expected):
    assert offered(extractor, text) == expected


def test_the_seed_article_keeps_its_speakers(extractor):
    text = (SEEDS / "000_424ad7856360768d.txt").read_text(encoding="utf-8")
    speakers = {speaker for _, speaker in offered(extractor, text)}
    for name in ("Staffan de Mistura", "al-Ja’afari", "al-Hariri"):
        assert any(s and name in s for s in speakers), (name, speakers)


def test_the_extractor_runs_the_component_on_a_parsed_pipeline(extractor):
    assert extractor.nlp.pipe_names[-2:] == ["annotator_quotes", "annotator_attributions"]
    doc = extractor.nlp("“It works,” she said.")
    (row,) = doc._.annotator_quotes
    start, end, parts, speaker, head, cue, p_quote, keep = row
    assert (start, end) == (0, 11) and parts == [[0, 11]]
    assert doc.text[speaker[0] : speaker[1]] == "she" and doc.text[cue[0] : cue[1]] == "said"
    assert keep is True and 0.5 < p_quote <= 1


def test_a_saved_pipeline_carries_its_weights(extractor, tmp_path):
    import spacy

    from annotator.extract.component import NAME

    texts = [
        "“We will not back down,” said Amara Osei. The so-called “peace dividend” never arrived.",
        "“The bridge is safe,” the engineer said. “We checked every bolt.” Critics called it “a relic”.",
    ]
    nlp = extractor.nlp
    shipped = nlp.get_pipe(NAME).model
    # Weights unlike the shipped ones, so that loading the defaults instead would show.
    changed = QuoteModel(
        LinearScorer({k: -v for k, v in shipped.speaker.weights.items()}),
        shipped.quote,
        shipped.speaker_threshold,
        0.01,
        {"test": True},
    )
    try:
        nlp.get_pipe(NAME).set_model(changed)
        before = [doc._.annotator_quotes for doc in nlp.pipe(texts)]
        nlp.to_disk(tmp_path / "pipeline")
    finally:
        nlp.get_pipe(NAME).set_model(shipped)
    stored = json.loads((tmp_path / "pipeline" / NAME / "model.json").read_text(encoding="utf-8"))
    assert stored["meta"] == {"test": True}
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe(NAME).model.to_dict() == changed.to_dict()
    assert [doc._.annotator_quotes for doc in loaded.pipe(texts)] == before
    assert before != [doc._.annotator_quotes for doc in nlp.pipe(texts)]


def test_the_shipped_weights_are_small_safe_json():
    assert DEFAULT_WEIGHTS.suffix == ".json"
    assert DEFAULT_WEIGHTS.stat().st_size < 5_000_000
    model = load_default_model()
    assert model.speaker.weights and model.quote.weights
    assert 0 < model.quote_threshold < 1


def test_a_file_that_is_not_weights_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text('{"speaker": {}}', encoding="utf-8")
    with pytest.raises(ValueError, match="not annotator quote-attribution weights"):
        QuoteModel.from_disk(path)


def test_the_rules_run_when_there_is_no_parse():
    import spacy

    from annotator.extract import extract_doc, with_quote_component

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    assert "annotator_quotes" not in with_quote_component(nlp).pipe_names
    drafts = extract_doc(nlp("“It works,” said Jane Doe."))
    (quote,) = [d for d in drafts if d.kind == "quote"]
    assert quote.speaker is not None


def test_a_schema_model_path_that_is_missing_is_an_error_not_a_fallback(tmp_path):
    from annotator.extract import ModelNotFound
    from annotator.schema import load_schema

    from .conftest import NEWS_SCHEMA

    text = NEWS_SCHEMA.read_text(encoding="utf-8").replace("model: en_core_web_md", "model: ./models/none-here", 1)
    path = tmp_path / "schema.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelNotFound, match="not a spaCy pipeline folder"):
        load_extractor(load_schema(path))


def test_a_speaker_resolves_to_a_person_under_the_schemas_own_label(extractor):
    """A trained pipeline predicts PER, not PERSON: "he" still resolves to the earlier person."""
    from annotator.extract import LabelPolicy
    from annotator.extract.drafts import _resolve

    class Schema:  # maps PERSON to PER, as the CoNLL schema does
        speaker_labels = frozenset({"PER", "ORG"})

        def map_model_label(self, label):
            return {"PERSON": "PER"}.get(label, label)

    def Policy():
        return LabelPolicy(Schema())

    text = "Acme Corp hired Jane Okafor. Later he spoke."
    entities = [(0, 9, "ORG", "ORG"), (16, 27, "PER", "PER")]
    by_span = {(0, 9): 0, (16, 27): 1}
    he = text.index("he spoke")
    assert _resolve(text, (he, he + 2), entities, [0, 16], by_span, Policy()) == 1


def test_a_pronoun_opening_a_sentence_resolves_to_the_previous_sentences_subject(extractor):
    """The seed article: “It celebrated with the words “thanks be to God,”” is Tahrir al-Sham's,
    whatever label the model gave it, not the nearest place before it (Geneva)."""
    text = (SEEDS / "000_424ad7856360768d.txt").read_text(encoding="utf-8")
    drafts = extractor(text)
    (quote,) = [d for d in drafts if d.kind == "quote" and text[d.start : d.end].startswith("“thanks be to God")]
    assert text[drafts[quote.speaker].start : drafts[quote.speaker].end] == "It"
    entity = drafts[quote.speaker_entity]
    assert text[entity.start : entity.end] == "Tahrir al-Sham"
