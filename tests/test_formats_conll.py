"""CoNLL IOB: our export is what `spacy convert --converter ner` reads, every entity found, and what
`spacy train` trains on; IOB1 and IOB2 files import; export → import → export keeps tokens and tags."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from annotator.store import Store
from tests.formats_data import TEXT, build


@pytest.fixture
def db(tmp_path, store, schema):
    build(store, schema, tmp_path)
    return store.path


def export(cli, db, out, *extra):
    code, stdout, err = cli("export", "--db", db, "-o", out, "--format", "conll", *extra)
    assert code == 0, err
    return out.read_text()


def blocks(conll: str) -> list[list[tuple[str, str]]]:
    docs = []
    for line in conll.splitlines():
        if line.startswith("-DOCSTART-"):
            docs.append([])
        elif line.strip():
            docs[-1].append(tuple(line.split()))
    return docs


def entities_of(doc: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for token, tag in doc:
        if tag.startswith("B-"):
            out.append([token, tag[2:]])
        elif tag.startswith("I-"):
            out[-1][0] += " " + token
    return [tuple(e) for e in out]


def test_export_is_iob2_a_block_an_article_and_annotator_entities_only(cli, db, tmp_path):
    conll = export(cli, db, tmp_path / "gold.conll")
    docs = blocks(conll)
    assert len(docs) == 3 and conll.count("-DOCSTART- -X- O O\n") == 3
    alice = docs[0]
    assert all(len(cols) == 2 for cols in alice)
    assert entities_of(alice) == [("UN", "ORG"), ("Staffan de Mistura", "PERSON"), ("Bashar al - Ja’afar", "PERSON"),
                                  ("Geneva", "GPE"), ("Geneva", "GPE"), ("Douma", "LOC")]
    assert "QUOTE" not in conll and "SPEAKER" not in conll
    # the paragraph break is a sentence break
    assert "\nGeneva B-GPE\n. O\n\n“ O\n" in conll


def test_spacy_convert_reads_every_entity_and_spacy_trains_on_it(cli, db, tmp_path):
    from spacy.tokens import DocBin

    conll = export(cli, db, tmp_path / "gold.conll")
    out = tmp_path / "corpus"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "spacy", "convert", str(tmp_path / "gold.conll"), str(out),
                           "--converter", "ner"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    import spacy

    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(out / "gold.spacy").get_docs(nlp.vocab))
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [entities_of(d) for d in blocks(conll)]
    assert sum(len(doc.ents) for doc in docs) == conll.count(" B-") == 15

    from spacy.cli.init_config import init_config
    from spacy.cli.train import train

    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency")
    config["training"]["max_steps"] = 2
    config["training"]["eval_frequency"] = 1
    config_path = tmp_path / "config.cfg"
    config.to_disk(config_path)
    model = tmp_path / "model"
    train(config_path, model, overrides={"paths.train": str(out / "gold.spacy"), "paths.dev": str(out / "gold.spacy")})
    trained = spacy.load(model / "model-last")
    assert set(trained.get_pipe("ner").labels) == {"ORG", "PERSON", "GPE", "LOC"}


IOB1 = """-DOCSTART- -X- O O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
. . O O

Peter NNP B-NP I-PERSON
Blackburn NNP I-NP I-PERSON
Smith NNP I-NP B-PERSON

-DOCSTART- -X- O O

BRUSSELS NNP B-NP I-LOC
1996-08-22 CD I-NP O
"""

IOB2 = """-DOCSTART- -X- O O

The O
" O
New B-ORG
York I-ORG
Times I-ORG
" O
( O
Reuters B-ORG
) O
said O
it O
's O
fine O
. O
"""


def test_iob1_and_iob2_import_with_text_rebuilt_and_entities_as_spans(cli, tmp_path):
    (tmp_path / "a.conll").write_text(IOB1)
    (tmp_path / "b.iob").write_text(IOB2)
    db = tmp_path / "a.db"
    code, out, err = cli("import", tmp_path / "a.conll", tmp_path / "b.iob", "--db", db, "--no-extract")
    assert code == 0 and "imported 3 articles (7 spans)" in out, err
    with Store(db) as store:
        articles = list(store.iter_articles())
        assert [a.text for a in articles] == ["EU rejects German call.\n\nPeter Blackburn Smith", "BRUSSELS 1996-08-22",
                                              'The "New York Times" (Reuters) said it\'s fine.']
        got = [[(a.text[v.start:v.end], v.label, v.status) for v in store.spans(a.id, "x")] for a in articles]
    assert got[0] == [("EU", "ORG", "undecided"), ("German", "MISC", "undecided"),
                      ("Peter Blackburn", "PERSON", "undecided"), ("Smith", "PERSON", "undecided")]
    assert got[1] == [("BRUSSELS", "LOC", "undecided")]
    assert got[2] == [("New York Times", "ORG", "undecided"), ("Reuters", "ORG", "undecided")]


def test_with_annotator_conll_is_finished_work_and_round_trips(cli, db, tmp_path):
    first = tmp_path / "gold.conll"
    export(cli, db, first, "--annotator", "alice")
    fresh = tmp_path / "fresh.db"
    code, out, err = cli("import", first, "--db", fresh, "--no-extract", "--annotator", "alice")
    assert code == 0 and "2 annotated lines" in out, err
    again = tmp_path / "again.conll"
    export(cli, fresh, again)
    assert again.read_text() == first.read_text()


def test_content_tells_conll_from_text(cli, tmp_path):
    (tmp_path / "tagged.txt").write_text(IOB2)
    db = tmp_path / "a.db"
    code, out, err = cli("import", tmp_path / "tagged.txt", "--db", db, "--no-extract")
    assert code == 0 and "(2 spans)" in out, err
    assert TEXT  # the seed-like text itself reads as text
    (tmp_path / "plain.txt").write_text(TEXT)
    code, out, err = cli("import", tmp_path / "plain.txt", "--db", db, "--no-extract")
    assert code == 0 and "imported 1 articles (0 spans)" in out


@pytest.mark.parametrize(("content", "line", "words"), [
    ("-DOCSTART- -X- O O\n\nEU B-ORG\nrejects\n", 4, "needs a token and a tag"),
    ("-DOCSTART- -X- O O\n\nEU B-ORG\nrejects X-ORG\n", 4, "'X-ORG' is not an IOB tag"),
    ("\n\n", None, "empty"),
])
def test_bad_conll_names_file_and_line(cli, tmp_path, content, line, words):
    path = tmp_path / "bad.conll"
    path.write_text(content)
    code, out, err = cli("import", path, "--db", tmp_path / "a.db", "--no-extract", "--strict")
    where = f"{path}:{line}: " if line else f"{path}: "
    assert code == 1 and where in err and words in err, err


CONLL2003 = """-DOCSTART- -X- O O

EU B-ORG
rejects O
German B-MISC
call O
. O

Peter B-PER
Blackburn I-PER

-DOCSTART- -X- O O

BRUSSELS B-LOC
New I-LOC
York I-LOC
and O
Acme B-ORGANIZATION
Corp I-ORGANIZATION

-DOCSTART- -X- O O

Kent B-ORG
beat O
Essex B-TEAM
at O
Lord B-FAC
's I-FAC
. O
"""


def test_standard_conll_2003_imports_with_the_news_schema(cli, tmp_path):
    """issue 36 #8: B-PER made the article a "line" skipped with the fix {PER: MISC}; #9: an unknown label
    (TEAM) dropped the whole article, its good spans too, with exit status 0."""
    path = tmp_path / "hand.conll"
    path.write_text(CONLL2003)
    db = tmp_path / "a.db"
    code, out, err = cli("import", path, "--db", db, "--no-extract")
    assert code == 0, err
    assert "imported 3 articles (7 spans)" in out and "0 skipped" in out
    assert err.strip().splitlines() == [
        f"imported 1 article without their spans of labels the schema neither has, maps nor drops, the first at "
        f"{path}:23: TEAM (1 span). Add each to the schema's labels, map it (map: {{TEAM: LABEL}}, LABEL one of "
        "PERSON, ORG, GPE, LOC, NORP, EVENT, MISC) or drop it (drop: [TEAM])"]
    with Store(db) as store:
        got = [[(a.text[v.start:v.end], v.label) for v in store.spans(a.id, "x")] for a in store.iter_articles()]
    assert got == [[("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PERSON")],
                   [("BRUSSELS New York", "LOC"), ("Acme Corp", "ORG")],
                   [("Kent", "ORG"), ("Lord's", "LOC")]]
    # --strict refuses the article with TEAM, naming it, and imports nothing.
    code, out, err = cli("import", path, "--db", tmp_path / "b.db", "--no-extract", "--strict")
    assert code == 1 and f"{path}:23: span 2 has label 'TEAM', which the schema neither has nor maps" in err, err
    assert not (tmp_path / "b.db").exists()


def test_the_fix_offered_for_an_unknown_label_names_the_label_its_name_points_at(cli, tmp_path):
    path = tmp_path / "odd.conll"
    path.write_text("-DOCSTART- -X- O O\n\nAda B-PERSONNAME\nspoke O\n")
    code, out, err = cli("import", path, "--db", tmp_path / "a.db", "--no-extract")
    assert code == 0 and "map it (map: {PERSONNAME: PERSON}) or drop it (drop: [PERSONNAME])" in err, err


def test_finished_work_with_an_unknown_label_is_skipped_whole_and_fails_loudly(cli, tmp_path):
    """issue 36 #9: finished work is not imported with a span missing: that article is skipped, the others
    come in, and the exit status is 1 (it was 0 with "2 of 3 skipped")."""
    path = tmp_path / "hand.conll"
    path.write_text(CONLL2003)
    db = tmp_path / "a.db"
    code, out, err = cli("import", path, "--db", db, "--no-extract", "--annotator", "ann")
    assert code == 1, err
    assert "2 annotated lines" in out
    assert err.startswith(f"skipped 1 article of finished work (kept whole or not at all) with labels the schema "
                          f"neither has, maps nor drops, the first at {path}:23: TEAM (1 span). "), err
    with Store(db) as store:
        assert [a.text.split()[0] for a in store.iter_articles()] == ["EU", "BRUSSELS"]
