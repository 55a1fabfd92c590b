"""A speaker mention resolves to the entity it stands for (extract/drafts.py), on hand-built parses:
for a pronoun the recognizer's label can be wrong, and its clause and the subject before it decide;
an entity inside a description is its speaker only when it holds the description's head."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from spacy.tokens import Doc  # noqa: E402

from annotator.extract.drafts import _previous_subject_entity  # noqa: E402

PERSON = frozenset({"PERSON"})
ORGISH = frozenset({"ORG", "NORP", "GPE"})


def _doc(tokens: list[tuple[str, int, str, str]]) -> Doc:
    """(word, head index, dependency, part of speech) a token."""
    words, heads, deps, pos = (list(x) for x in zip(*tokens, strict=True))
    return Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, pos=pos)


def _entity(doc: Doc, i: int, j: int, label: str) -> tuple[int, int, str, str]:
    return doc[i].idx, doc[j - 1].idx + len(doc[j - 1]), label, label


def _at(doc: Doc, i: int) -> int:
    return doc[i].idx


def test_a_person_pronoun_takes_the_subject_before_whatever_its_label():
    # "Acme hired Trump . Clinton spoke . Trump responded . He said no ." The model read the first
    # Trump as an ORG and missed the second: "He" is still Trump, not the nearest PERSON (Clinton).
    doc = _doc([("Acme", 1, "nsubj", "PROPN"), ("hired", 1, "ROOT", "VERB"), ("Trump", 1, "dobj", "PROPN"),
                (".", 1, "punct", "PUNCT"),
                ("Clinton", 5, "nsubj", "PROPN"), ("spoke", 5, "ROOT", "VERB"), (".", 5, "punct", "PUNCT"),
                ("Trump", 8, "nsubj", "NOUN"), ("responded", 8, "ROOT", "VERB"), (".", 8, "punct", "PUNCT"),
                ("He", 11, "nsubj", "PRON"), ("said", 11, "ROOT", "VERB"), ("no", 11, "dobj", "INTJ"),
                (".", 11, "punct", "PUNCT")])
    acme, trump, clinton = _entity(doc, 0, 1, "ORG"), _entity(doc, 2, 3, "ORG"), _entity(doc, 4, 5, "PERSON")
    found = _previous_subject_entity(doc, _at(doc, 10), [acme, trump, clinton], PERSON, neuter=False)
    assert found == trump[:2]


def test_they_in_a_clause_joined_to_the_main_one_is_its_subject():
    # "Politifact ruled it true , but they could not resist ." with Politifact read as a PERSON.
    doc = _doc([("Politifact", 1, "nsubj", "PROPN"), ("ruled", 1, "ROOT", "VERB"), ("it", 3, "nsubj", "PRON"),
                ("true", 1, "ccomp", "ADJ"), (",", 1, "punct", "PUNCT"), ("but", 1, "cc", "CCONJ"),
                ("they", 9, "nsubj", "PRON"), ("could", 9, "aux", "AUX"), ("not", 9, "neg", "PART"),
                ("resist", 1, "conj", "VERB"), (".", 1, "punct", "PUNCT")])
    politifact = _entity(doc, 0, 1, "PERSON")
    assert _previous_subject_entity(doc, _at(doc, 6), [politifact], ORGISH, neuter=True) == politifact[:2]


def test_a_fitting_subject_of_a_joined_clause_wins_over_a_main_subject_that_does_not_fit():
    # "Europeans mocked it , but Obama learned . He said so ." "He" is Obama, not the Europeans.
    doc = _doc([("Europeans", 1, "nsubj", "PROPN"), ("mocked", 1, "ROOT", "VERB"), ("it", 1, "dobj", "PRON"),
                (",", 1, "punct", "PUNCT"), ("but", 1, "cc", "CCONJ"), ("Obama", 6, "nsubj", "PROPN"),
                ("learned", 1, "conj", "VERB"), (".", 1, "punct", "PUNCT"),
                ("He", 9, "nsubj", "PRON"), ("said", 9, "ROOT", "VERB"), ("so", 9, "advmod", "ADV"),
                (".", 9, "punct", "PUNCT")])
    europeans, obama = _entity(doc, 0, 1, "NORP"), _entity(doc, 5, 6, "PERSON")
    assert _previous_subject_entity(doc, _at(doc, 8), [europeans, obama], PERSON, neuter=False) == obama[:2]


def test_a_person_pronoun_never_stands_for_a_place_and_a_relative_clause_looks_back():
    # "Paris said no . He left ." "He" is not Paris.
    doc = _doc([("Paris", 1, "nsubj", "PROPN"), ("said", 1, "ROOT", "VERB"), ("no", 1, "dobj", "INTJ"),
                (".", 1, "punct", "PUNCT"), ("He", 5, "nsubj", "PRON"), ("left", 5, "ROOT", "VERB"),
                (".", 5, "punct", "PUNCT")])
    assert _previous_subject_entity(doc, _at(doc, 4), [_entity(doc, 0, 1, "GPE")], PERSON, neuter=False) is None
    # "The plan is the tool for Acme to meet the target it pledged ." "it" in a relative clause is not
    # its own sentence's subject (the plan); it looks to the sentence before, which has none here.
    doc = _doc([("The", 1, "det", "DET"), ("plan", 2, "nsubj", "NOUN"), ("is", 2, "ROOT", "AUX"),
                ("the", 4, "det", "DET"), ("tool", 2, "attr", "NOUN"), ("for", 4, "prep", "ADP"),
                ("Acme", 5, "pobj", "PROPN"), ("to", 8, "aux", "PART"), ("meet", 4, "relcl", "VERB"),
                ("the", 10, "det", "DET"), ("target", 8, "dobj", "NOUN"), ("it", 12, "nsubj", "PRON"),
                ("pledged", 10, "relcl", "VERB"), (".", 2, "punct", "PUNCT")])
    plan = _entity(doc, 0, 2, "ORG")
    assert _previous_subject_entity(doc, _at(doc, 11), [plan, _entity(doc, 6, 7, "ORG")], ORGISH, neuter=True) is None


def test_an_entity_that_only_qualifies_a_description_is_not_its_speaker():
    from annotator.extract import LabelPolicy
    from annotator.extract.drafts import _resolve

    class Schema:
        speaker_labels = frozenset({"PERSON", "ORG", "GPE", "NORP"})

        def map_model_label(self, label):
            return label

    # "A spokeswoman for Hillary Clinton said no . The Indiana governor said yes ."
    doc = _doc([("A", 1, "det", "DET"), ("spokeswoman", 5, "nsubj", "NOUN"), ("for", 1, "prep", "ADP"),
                ("Hillary", 4, "compound", "PROPN"), ("Clinton", 2, "pobj", "PROPN"), ("said", 5, "ROOT", "VERB"),
                ("no", 5, "dobj", "INTJ"), (".", 5, "punct", "PUNCT"),
                ("The", 10, "det", "DET"), ("Indiana", 10, "compound", "PROPN"), ("governor", 11, "nsubj", "NOUN"),
                ("said", 11, "ROOT", "VERB"), ("yes", 11, "dobj", "INTJ"), (".", 11, "punct", "PUNCT")])
    clinton, indiana = _entity(doc, 3, 5, "PERSON"), _entity(doc, 9, 10, "GPE")
    entities = [clinton, indiana]
    by_span = {clinton[:2]: 0, indiana[:2]: 1}
    starts = [e[0] for e in entities]
    spokeswoman = (doc[0].idx, doc[4].idx + len(doc[4]))
    governor = (doc[8].idx, doc[10].idx + len(doc[10]))
    policy = LabelPolicy(Schema())
    assert _resolve(doc.text, spokeswoman, entities, starts, by_span, policy, doc) is None
    assert _resolve(doc.text, governor, entities, starts, by_span, policy, doc) is None
    # The entity that holds the head is the speaker: "Hillary Clinton said".
    assert _resolve(doc.text, clinton[:2], entities, starts, by_span, policy, doc) == 0
