"""`annotator_relabel`: a label second opinion learnt from the team's spans, with the article as context."""

from __future__ import annotations

import subprocess
import sys

import pytest

spacy = pytest.importorskip("spacy")
pytest.importorskip("sklearn")

from spacy.tokens import Span  # noqa: E402

from annotator.learn.relabel import NAME, Relabeler, fit_relabeler  # noqa: E402

CRICKET = "Surrey beat Kent by six wickets at the Oval . {} beat {} by 40 runs . Innings , wickets and runs ."
CRIME = "Police in {} arrested a man . He lived in {} for years . Police said the man was held ."


def _articles(nlp, teams, places):
    out = []
    for a, b in zip(teams, teams[1:], strict=False):
        text = CRICKET.format(a, b)
        first = text.index(a + " beat " + b)
        second = first + len(a) + len(" beat ")
        out.append((nlp.make_doc(text), [(0, 6, "ORG"), (12, 16, "ORG"), (first, first + len(a), "ORG"),
                                        (second, second + len(b), "ORG")]))
    for a, b in zip(places, places[1:], strict=False):
        text = CRIME.format(a, b)
        first = text.index(a)
        second = text.index(b, first + len(a))
        out.append((nlp.make_doc(text), [(first, first + len(a), "LOC"), (second, second + len(b), "LOC")]))
    return out


@pytest.fixture(scope="module")
def fitted():
    nlp = spacy.blank("en")
    teams = ["Essex", "Durham", "Sussex", "Yorkshire", "Lancashire", "Somerset", "Middlesex", "Derbyshire"]
    places = ["Leeds", "Bristol", "Norwich", "Hull", "Exeter", "Dover", "Bath", "Truro"]
    return nlp, fit_relabeler(_articles(nlp, teams, places))


def test_the_same_unseen_name_is_read_from_the_article_around_it(fitted):
    nlp, relabeler = fitted
    assert sorted(relabeler.classes) == ["LOC", "ORG"]
    # "Worcester" is in neither list: its label comes from what the article is about and the words near it.
    cricket = nlp.make_doc(CRICKET.format("Worcester", "Essex"))
    at = cricket.text.index("Worcester")
    ents = [cricket.char_span(at, at + len("Worcester"), label="LOC")]
    assert relabeler.labels(cricket, ents, keep=0.5) == ["ORG"]
    crime = nlp.make_doc(CRIME.format("Worcester", "Leeds"))
    at = crime.text.index("Worcester")
    ents = [crime.char_span(at, at + len("Worcester"), label="ORG")]
    assert relabeler.labels(crime, ents, keep=0.5) == ["LOC"]


def test_a_heavy_enough_vote_keeps_the_recognizer_label(fitted):
    nlp, relabeler = fitted
    cricket = nlp.make_doc(CRICKET.format("Worcester", "Essex"))
    at = cricket.text.index("Worcester")
    ents = [cricket.char_span(at, at + len("Worcester"), label="LOC")]
    assert relabeler.labels(cricket, ents, keep=1.0) == ["LOC"]  # a probability never beats a vote of 1
    assert relabeler.labels(cricket, ents, keep=None) == ["LOC"]  # no weight chosen: nothing changes


def test_fewer_than_two_labels_fit_nothing():
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Kent won .")
    assert fit_relabeler([(doc, [(0, 4, "ORG")])]) is None


def test_the_component_relabels_never_moves_bounds_and_survives_a_round_trip(fitted, tmp_path):
    nlp, relabeler = fitted
    relabeler.keep = 0.5
    pipeline = spacy.blank("en")
    pipeline.add_pipe(NAME).relabeler = relabeler
    pipeline.to_disk(tmp_path / "p")
    # A fresh interpreter that never imports annotator: spaCy finds the factory by its entry point.
    code = (f"import spacy; from spacy.tokens import Span; nlp = spacy.load({str(tmp_path / 'p')!r}); "
            f"doc = nlp.make_doc({CRICKET.format('Worcester', 'Essex')!r}); "
            "doc.ents = [Span(doc, 10, 11, label='LOC')]; doc = nlp.get_pipe('annotator_relabel')(doc); "
            "print([(e.start, e.end, e.label_) for e in doc.ents])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[(10, 11, 'ORG')]"


def test_json_round_trip_keeps_the_probabilities(fitted):
    nlp, relabeler = fitted
    again = Relabeler.from_json(relabeler.to_json())
    doc = nlp.make_doc(CRIME.format("Worcester", "Leeds"))
    span = Span(doc, 2, 3, label="ORG")  # "Worcester"
    assert span.text == "Worcester"
    from annotator.learn.relabel import article_features, span_features

    features = span_features(span, article_features(doc))
    assert again.probabilities(features) == relabeler.probabilities(features)


def test_a_name_keeps_the_company_it_keeps_in_the_corpus():
    from annotator.learn.relabel import name_contexts

    nlp = spacy.blank("en")
    # In the corpus (articles nobody labelled), "Worcester" keeps a side's company: "beat", "captain".
    corpus = [nlp.make_doc(t) for t in ["Worcester beat Essex .", "the Worcester captain was out .",
                                        "Worcester beat Kent again ."]]
    contexts = name_contexts(corpus)
    assert contexts["worcester"][0] == "after=beat"
    assert "the" not in contexts  # lower-case words are not names
    teams = ["Essex", "Durham", "Sussex", "Yorkshire", "Lancashire", "Somerset", "Middlesex", "Derbyshire"]
    places = ["Leeds", "Bristol", "Norwich", "Hull", "Exeter", "Dover", "Bath", "Truro"]
    data = _articles(nlp, teams, places)
    contexts = name_contexts([doc for doc, _ in data] + corpus)
    with_corpus = fit_relabeler(data, contexts=contexts)
    without = fit_relabeler(data)
    # An article that says nothing of what Worcester is: only the corpus can tell.
    doc = nlp.make_doc("Worcester is here .")
    ents = [Span(doc, 0, 1, label="LOC")]
    from annotator.learn.relabel import article_features, span_features

    org = with_corpus.classes.index("ORG")
    p_with = with_corpus.probabilities(span_features(ents[0], article_features(doc), with_corpus.contexts))[org]
    p_without = without.probabilities(span_features(ents[0], article_features(doc)))[org]
    assert p_with > p_without
    assert Relabeler.from_json(with_corpus.to_json()).contexts == with_corpus.contexts


def _with_vectors(words_by_kind: dict[str, list[str]]):
    """A blank English pipeline whose vocabulary gives each kind's words one shared direction (as md's
    static vectors put sides near sides and towns near towns), plus a little of their own."""
    import numpy as np

    nlp = spacy.blank("en")
    rng = np.random.default_rng(0)
    directions = {kind: rng.normal(size=16) for kind in words_by_kind}
    for kind, words in words_by_kind.items():
        for word in words:
            nlp.vocab.set_vector(word, (directions[kind] + 0.3 * rng.normal(size=16)).astype("float32"))
    return nlp


def test_an_unseen_name_is_read_from_its_word_vector():
    from annotator.learn.relabel import article_features, span_features, span_vector

    sides = ["Essex", "Durham", "Sussex", "Yorkshire", "Lancashire", "Somerset", "Middlesex", "Worcester"]
    towns = ["Leeds", "Bristol", "Norwich", "Hull", "Exeter", "Dover", "Bath", "Truro"]
    nlp = _with_vectors({"side": sides, "town": towns})
    # The same words around every name: only a name's vector tells a side from a town.
    data = [(nlp.make_doc(f"{name} is here ."), [(0, len(name), label)])
            for names, label in ((sides[:-1], "ORG"), (towns[:-1], "LOC")) for name in names]
    relabeler = fit_relabeler(data)
    assert relabeler.vector_weights is not None and len(relabeler.vector_weights) == 2
    for unseen, label in (("Worcester", "ORG"), ("Truro", "LOC")):
        doc = nlp.make_doc(f"{unseen} is here .")
        wrong = "LOC" if label == "ORG" else "ORG"
        ents = [Span(doc, 0, 1, label=wrong)]
        assert relabeler.labels(doc, ents, keep=0.3) == [label]
    # The weights travel in the JSON, and a vocabulary without vectors (sm) gives the span none.
    again = Relabeler.from_json(relabeler.to_json())
    span = Span(doc, 0, 1)
    features, vector = span_features(span, article_features(doc)), span_vector(span)
    assert again.probabilities(features, vector) == relabeler.probabilities(features, vector)
    assert span_vector(Span(spacy.blank("en").make_doc("Truro is here ."), 0, 1)) is None
