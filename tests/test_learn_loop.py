"""`annotator learn`: keeps a new model only when it does at least as well; stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from annotator.learn.loop import current_scorer
from annotator.learn.pipeline import train_pipeline
from annotator.learn.snapshot import read_snapshot
from annotator.learn.train import Settings
from annotator.schema import load_schema
from annotator.store import Store
from tests.conftest import REPO
from tests.learning_data import write_answers
from tests.test_learn import needs_model

CONLL = REPO / "schemas" / "conll.yaml"


@pytest.fixture
def finished_db(tmp_path, cli, db_at):
    db = db_at
    code, _, err = cli("import", write_answers(tmp_path / "done.jsonl", range(24)), "--db", db,
                       "--schema", CONLL, "--no-extract")
    assert code == 0, err
    return db


def _snapshot(db):
    schema = load_schema(CONLL)
    with Store(db, create=False) as store:
        return schema, read_snapshot(store, schema)


@needs_model
@pytest.mark.parametrize("backend", ["sqlite"])  # the store under it is the same; on PostgreSQL: learn --once below
def test_learn_keeps_the_better_model_and_drops_a_worse_one(finished_db, tmp_path):
    schema, snapshot = _snapshot(finished_db)
    out = tmp_path / "models" / "team"
    first = train_pipeline(snapshot, schema, out, settings=Settings(max_epochs=6),
                           keep=current_scorer(schema, out))
    assert first.kept and (out / "meta.json").exists()  # no model yet: better than the base is enough
    assert first.result.trained.f1 > first.result.base.f1
    written = (out / "meta.json").read_bytes()
    # A round that cannot learn (learning rate 0) scores the base model's mapped F1: worse, dropped.
    worse = train_pipeline(snapshot, schema, out, settings=Settings(max_epochs=1, learn_rate=0.0),
                           keep=current_scorer(schema, out))
    assert not worse.kept
    assert (out / "meta.json").read_bytes() == written
    assert sorted(p.name for p in out.parent.iterdir()) == ["team"]


@needs_model
@pytest.mark.parametrize("backend", ["sqlite"])  # the store under it is the same; on PostgreSQL: learn --once below
def test_learn_stops_cleanly_on_sigterm_mid_training(finished_db, tmp_path):
    out = tmp_path / "models" / "team"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", "learn", "--db", str(finished_db), "-o", str(out), "--every", "1",
         "--schema", str(CONLL), "--poll", "0.2", "--max-epochs", "200"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path)
    lines = []
    deadline = time.monotonic() + 120
    for line in proc.stdout:  # wait until training is under way
        lines.append(line)
        if line.startswith("epoch 1:") or time.monotonic() > deadline:
            break
    assert any(line.startswith("epoch 1:") for line in lines), "".join(lines)
    proc.send_signal(signal.SIGTERM)
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, "".join(lines) + rest
    assert "stopped" in rest
    assert "Traceback" not in rest
    # No model was kept yet, and nothing half-written lies about.
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


@needs_model
def test_learn_once_trains_keeps_and_resuggests(finished_db, tmp_path, cli):
    from tests.learning_data import write_texts

    cli("import", write_texts(tmp_path / "new.jsonl", range(100, 106)), "--db", finished_db, "--schema", CONLL)
    out = tmp_path / "m"
    code, stdout, err = cli("learn", "--db", finished_db, "-o", out, "--every", "5", "--schema", CONLL,
                            "--once", "--max-epochs", "4", "--poll", "0.1")
    assert code == 0, err
    assert "kept" in stdout and "re-suggested 6 of 6" in stdout
    assert json.loads((out / "meta.json").read_text())["annotator"]["articles"]
