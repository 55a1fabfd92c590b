"""Export: exactly the accepted spans of finished articles, Prodigy's shape, tokens right; DocBin."""

from __future__ import annotations

import json

import pytest
import spacy

from annotator.export import iter_gold
from annotator.formats.docbin import write_docbin
from annotator.formats.jsonl import write_jsonl
from annotator.ingest import import_paths

TEXT = ("UN mediator Staffan de Mistura met the UN Bashar al-Ja’afar in Geneva. "
        "“Spoilers will not prevail,” de Mistura said. Douma was hit.")


@pytest.fixture
def imported(tmp_path, store, schema):
    """One article with model-like spans, imported from JSONL; returns (article id, {text: span view})."""
    def at(fragment, label, nth=0):
        start = -1
        for _ in range(nth + 1):
            start = TEXT.index(fragment, start + 1)
        return {"start": start, "end": start + len(fragment), "label": label}

    quote = at("“Spoilers will not prevail,”", "QUOTE")
    speaker = at("de Mistura", "ORG", 1)
    line = {"text": TEXT, "meta": {"source": "test"}, "spans": [
        at("Staffan de Mistura", "ORG"), at("the UN Bashar al-Ja’afar", "ORG"), at("Geneva", "GPE"),
        quote, speaker, at("Douma", "PERSON"),
    ], "relations": [{"head": 0, "child": 0, "label": "SPEAKER", "head_span": quote, "child_span": speaker}]}
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(line) + "\n")
    import_paths(store, [path], schema, extract=False)
    article_id = next(store.iter_articles()).id
    return article_id, {TEXT[v.start:v.end]: v for v in store.spans(article_id, "alice")}


def export_lines(store, tmp_path, **kwargs):
    out = tmp_path / "out.jsonl"
    write_jsonl(iter_gold(store, **kwargs), out)
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_round_trip_exports_exactly_the_accepted_spans(tmp_path, store, imported):
    article_id, spans = imported
    store.decide("alice", spans["Staffan de Mistura"].id, "relabel", label="PERSON")
    un = spans["the UN Bashar al-Ja’afar"]
    bashar = TEXT.index("Bashar")
    store.decide("alice", un.id, "adjust", start=bashar, end=un.end)
    store.decide("alice", un.id, "relabel", label="PERSON")
    store.decide("alice", spans["Geneva"].id, "accept")
    store.decide("alice", spans["Douma"].id, "reject")
    store.decide("alice", spans["“Spoilers will not prevail,”"].id, "accept")
    store.decide("alice", spans["de Mistura"].id, "relabel", label="PERSON")
    article = store.article(article_id)
    manual_start = TEXT.index("UN mediator")
    store.add_span("alice", article_id, manual_start, manual_start + 2, "ORG", "entity")
    store.set_status(article_id, "alice", "done")

    (line,) = export_lines(store, tmp_path)
    got = [(s["text"], s["label"]) for s in line["spans"]]
    assert got == [("UN", "ORG"), ("Staffan de Mistura", "PERSON"), ("Bashar al-Ja’afar", "PERSON"), ("Geneva", "GPE"),
                   ("“Spoilers will not prevail,”", "QUOTE"), ("de Mistura", "PERSON")]
    assert "Douma" not in {s["text"] for s in line["spans"]}
    assert line["_annotator_id"] == line["_session_id"] == "alice"
    assert line["answer"] == "accept" and line["meta"]["article_id"] == article.id
    assert line["_input_hash"] != 0 and line["_task_hash"] != 0
    (relation,) = line["relations"]
    assert relation["label"] == "SPEAKER"
    assert relation["head_span"]["label"] == "QUOTE" and relation["child_span"]["start"] == spans["de Mistura"].start
    assert relation["head"] == relation["head_span"]["token_end"]

    # token indexes agree with spaCy's own char_span, token_end inclusive
    doc = spacy.blank("en")(TEXT)
    assert [t["text"] for t in line["tokens"]] == [t.text for t in doc]
    for span in line["spans"]:
        expected = doc.char_span(span["start"], span["end"])
        assert (span["token_start"], span["token_end"]) == (expected.start, expected.end - 1)


def test_unfinished_and_other_annotators_are_left_out(tmp_path, store, imported):
    article_id, spans = imported
    store.decide("alice", spans["Geneva"].id, "accept")
    assert export_lines(store, tmp_path) == []
    unfinished = export_lines(store, tmp_path, include_unfinished=True)
    assert [s["text"] for s in unfinished[0]["spans"]] == ["Geneva"]
    store.set_status(article_id, "alice", "done")
    store.decide("bob", spans["Douma"].id, "relabel", label="GPE")
    store.set_status(article_id, "bob", "done")
    both = export_lines(store, tmp_path)
    assert [(x["_annotator_id"], [s["text"] for s in x["spans"]]) for x in both] == [("alice", ["Geneva"]), ("bob", ["Douma"])]
    assert export_lines(store, tmp_path, annotator="bob")[0]["spans"][0]["label"] == "GPE"
    assert both[0]["_input_hash"] == both[1]["_input_hash"]


def test_quote_speaker_mention_is_exported_with_the_quote(tmp_path, store, imported):
    article_id, spans = imported
    store.decide("alice", spans["“Spoilers will not prevail,”"].id, "accept")  # speaker left undecided
    store.set_status(article_id, "alice", "done")
    (line,) = export_lines(store, tmp_path)
    assert [s["text"] for s in line["spans"]] == ["“Spoilers will not prevail,”", "de Mistura"]
    assert len(line["relations"]) == 1


def test_docbin_has_entities_quotes_and_speakers(tmp_path, store, imported, schema):
    from spacy.tokens import DocBin

    article_id, spans = imported
    for text in ("Staffan de Mistura", "Geneva", "“Spoilers will not prevail,”", "de Mistura"):
        store.decide("alice", spans[text].id, "accept")
    store.set_status(article_id, "alice", "done")
    out = tmp_path / "gold.spacy"
    kinds = {label.name: label.kind for label in schema.labels}
    assert write_docbin(iter_gold(store), out, kinds) == (1, 4)
    nlp = spacy.blank("en")
    (doc,) = DocBin().from_disk(out).get_docs(nlp.vocab)
    assert doc.text == TEXT
    assert [(e.text, e.label_) for e in doc.ents] == [("Staffan de Mistura", "ORG"), ("Geneva", "GPE"), ("de Mistura", "ORG")]
    assert [q.text for q in doc.spans["quotes"]] == ["“Spoilers will not prevail,”"]
    assert len(doc.user_data["speakers"]) == 1
    assert doc[0].ent_iob_ == "O"  # finished article: unmarked tokens are O, not missing


def test_export_cli_refuses_to_overwrite_without_force(cli, tmp_path, store, imported):
    out = tmp_path / "x.jsonl"
    out.write_text("precious\n")
    code, _, err = cli("export", "--db", store.path, "-o", out)
    assert code == 4 and "--force" in err and out.read_text() == "precious\n"
    code, stdout, _ = cli("export", "--db", store.path, "-o", out, "--force")
    assert code == 0 and "exported 0 articles" in stdout


def test_export_on_several_workers_writes_the_same_lines(tmp_path, store, schema):
    from annotator.export.parallel import export_jsonl

    from .conftest import SEEDS

    import_paths(store, [SEEDS], schema, extract=False)
    for article in store.iter_articles():
        span = store.add_span("alice", article.id, 0, 1, "ORG", "entity")
        store.add_span("bob", article.id, 0, 2, "GPE", "entity")
        store.set_status(article.id, "alice" if span.id % 2 else "bob", "done")
    store.set_status(1, "alice", "done")
    store.set_status(1, "bob", "done")  # one article finished by both: a cut must not split it
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert export_jsonl(store, one, workers=1) == export_jsonl(store, two, workers=2)
    assert one.read_bytes() == two.read_bytes()
    assert len(one.read_text().splitlines()) == 26
    assert not list(tmp_path.glob(".*part*"))


def test_docbin_folder_is_sharded_and_spacy_reads_it_as_a_corpus(tmp_path, store, schema, monkeypatch):
    from spacy.training import Corpus

    from annotator.formats import docbin as writers

    from .conftest import SEEDS

    monkeypatch.setattr(writers, "SHARD_DOCS", 10)
    import_paths(store, [SEEDS], schema, extract=False)
    for article in store.iter_articles():
        store.add_span("alice", article.id, 0, 1, "ORG", "entity")
        store.set_status(article.id, "alice", "done")
    out = tmp_path / "gold"
    kinds = {label.name: label.kind for label in schema.labels}
    assert write_docbin(iter_gold(store), out, kinds) == (25, 25)
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.spacy", "part-00001.spacy", "part-00002.spacy"]
    examples = list(Corpus(out)(spacy.blank("en")))
    assert len(examples) == 25
    assert all(ex.reference.ents[0].label_ == "ORG" for ex in examples)
