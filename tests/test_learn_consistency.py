"""`annotator_consistency`: a name keeps one label across an article."""

from __future__ import annotations

import subprocess
import sys

import pytest

spacy = pytest.importorskip("spacy")

from spacy.tokens import Span  # noqa: E402

from annotator.learn.consistency import NAME, consistent_labels  # noqa: E402


def test_a_surname_takes_the_label_of_the_full_name_before_it():
    words = [("Michael", "Atherton"), ("Atherton",), ("Lord", "'s")]
    assert consistent_labels(words, ["PER", "LOC", "LOC"]) == ["PER", "PER", "LOC"]


def test_the_same_name_takes_the_label_most_of_its_mentions_have():
    words = [("Essex",), ("Essex",), ("Essex",), ("Kent",), ("Kent",)]
    assert consistent_labels(words, ["ORG", "LOC", "ORG", "ORG", "LOC"]) == ["ORG", "ORG", "ORG", "ORG", "LOC"]


def test_a_component_after_the_recognizer_relabels_and_never_moves_bounds():
    nlp = spacy.blank("en")
    nlp.add_pipe(NAME)
    doc = nlp.make_doc("Michael Atherton batted. Atherton was out at Lord 's for 12 .")
    doc.ents = [Span(doc, 0, 2, label="PER"), Span(doc, 4, 5, label="LOC"), Span(doc, 8, 10, label="LOC")]
    doc = nlp.get_pipe(NAME)(doc)
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [(0, 2, "PER"), (4, 5, "PER"), (8, 10, "LOC")]


def test_a_saved_pipeline_with_it_loads_without_importing_annotator(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe(NAME)
    nlp.to_disk(tmp_path / "p")
    # A fresh interpreter that never imports annotator: spaCy finds the factory by its entry point.
    code = f"import spacy; print(spacy.load({str(tmp_path / 'p')!r}).pipe_names)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert NAME in done.stdout
