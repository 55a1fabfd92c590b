"""`annotator extract --ray`: on a real local Ray cluster (two CPUs), never a mock.

The cluster starts once for the module; the commands run in-process and join it (an already
connected process is used as it is). Skipped, with the reason, only where Ray is not installed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
BAD = Path(__file__).resolve().parent / "data" / "bad"  # every kind of bad input test_bad_input.py reads


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'annotator[ray]')")
    pytest.importorskip("ray.data", reason="Ray Data is not installed (pip install 'annotator[ray]')")
    from annotator.extract.distributed import PID_DIR_ENV

    pids = tmp_path_factory.mktemp("pids")
    os.environ[PID_DIR_ENV] = str(pids)  # before ray.init: the actors inherit it
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    try:
        yield pids
    finally:
        ray.shutdown()
        os.environ.pop(PID_DIR_ENV, None)


def _shard_lines(folder: Path) -> list[bytes]:
    return [line for shard in sorted(folder.glob("part-*.jsonl")) for line in shard.read_bytes().splitlines(True)]


def _skipped(err: str) -> list[str]:
    return sorted(line for line in err.splitlines() if line.startswith("skipped "))


def test_same_bytes_as_one_process_on_seeds(cluster, cli, tmp_path):
    one = tmp_path / "one.jsonl"
    code, _, err = cli("extract", SEEDS, "-o", one)
    assert code == 0, err
    out = tmp_path / "out"
    code, _, err = cli("extract", SEEDS, "-o", out, "--ray", "local")
    assert code == 0, err
    assert "extracted 25 articles" in err
    assert sorted(_shard_lines(out)) == sorted(one.read_bytes().splitlines(True))
    names = sorted(p.name for p in out.iterdir())
    assert names and all(n.startswith("part-") and n.endswith(".jsonl") for n in names)  # no temporaries left

    # The shards, imported as a folder, are suggestions: every line's spans are in the database.
    from annotator.ingest import import_paths
    from annotator.schema import default_schema_path, load_schema
    from annotator.store import Store

    with Store(tmp_path / "db.sqlite") as store:
        summary = import_paths(store, [out], load_schema(default_schema_path()))
        assert summary.imported == 25
        wanted = {}
        for line in _shard_lines(out):
            task = json.loads(line)
            wanted[task["text"]] = {(s["start"], s["end"], s["label"]) for s in task["spans"]}
        stored = list(store.iter_articles())
        assert len(stored) == 25
        for article in stored:
            spans = {(v.start, v.end, v.label) for v in store.spans(article.id, "alice")}
            assert spans == wanted[article.text] and spans
        assert sum(1 for a in stored for v in store.spans(a.id, "alice") if v.kind == "quote") > 20

    # Again into the same folder: refused without --force, replaced with it.
    code, _, err = cli("extract", SEEDS, "-o", out, "--ray", "local")
    assert code == 4 and "--force" in err and err.count("\n") == 1
    from annotator.extract.distributed import prepare_output

    (out / ".part-00009.jsonl.0123.tmp").write_bytes(b"half a line")  # as a killed actor leaves one
    prepare_output(str(out), force=True)  # what --force does before a run: no old shard is left
    assert not list(out.iterdir())


def test_bad_input_is_reported_by_line_and_skipped_with_a_saved_model(cluster, cli, capsys, tmp_path):
    """Bad lines in every chunk of a file cut into many: FILE:LINE as the one-process run says it."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((SEEDS / "wikinews").glob("*.txt"))][:12]
    lines = []
    for n, text in enumerate(texts):
        lines.append(json.dumps({"text": text, "meta": {"id": n}}))
        lines.append("{not json" if n % 3 == 0 else "")
        if n == 5:
            lines.append(json.dumps({"meta": {"id": "no text"}}))
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"caf\xe9 is not UTF-8\n")
    (corpus / "empty.jsonl").write_bytes(b"")
    (corpus / "utf16.jsonl").write_bytes('{"text": "x"}\n'.encode("utf-16"))
    (corpus / "ok.txt").write_text(texts[0], encoding="utf-8")

    # A saved pipeline (as annotator train writes one: the model with the quote component), by path.
    from annotator.extract import load_extractor

    model = tmp_path / "model"
    load_extractor().nlp.to_disk(model)
    assert (model / "annotator_quotes").is_dir()

    one = tmp_path / "one.jsonl"
    inputs = [corpus, BAD / "articles", BAD / "jsonl"]
    code, _, one_err = cli("extract", *inputs, "-o", one, "--model", model)
    assert code == 0, one_err
    from annotator.cli.extract_cmd import run_extract_ray

    out = tmp_path / "out"
    written = run_extract_ray(inputs, out, "local", model=str(model), chunk_bytes=8 << 10)  # 12 chunks of a.jsonl
    assert written == len(one.read_bytes().splitlines()) >= 13
    err = capsys.readouterr().err
    assert _skipped(err) == _skipped(one_err)
    mine = [line for line in _skipped(err) if str(corpus) in line]
    assert len(mine) == 8  # 4 bad JSON, 1 without text, bad.txt, empty, UTF-16
    assert len(_skipped(err)) > 40
    assert sorted(_shard_lines(out)) == sorted(one.read_bytes().splitlines(True))
    assert len(list(out.glob("part-*.jsonl"))) > 5


def test_a_killed_actor_is_retried_and_nothing_is_written_twice(cluster, capsys, tmp_path):
    from annotator.cli.extract_cmd import run_extract_ray

    texts = [p.read_text(encoding="utf-8") for p in sorted((SEEDS / "wikinews").glob("*.txt"))]
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for n in range(60):
            handle.write(json.dumps({"text": texts[n % len(texts)], "meta": {"id": n}}) + "\n")
    for mark in cluster.iterdir():
        mark.unlink()
    killed: list[int] = []
    stop = threading.Event()

    def killer() -> None:
        # Once the third chunk has started (the run is under way, both actors busy), kill the actor
        # that started the latest chunk, mid-chunk, with SIGKILL: no clean-up of any kind.
        while not stop.is_set():
            marks = {int(p.name): p.read_text().split() for p in cluster.iterdir()}
            if sum(len(m) for m in marks.values()) >= 3:
                pid = max(marks, key=lambda p: (cluster / str(p)).stat().st_mtime_ns)
                time.sleep(0.3)
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.02)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    out = tmp_path / "out"
    try:
        written = run_extract_ray([corpus], out, "local", chunk_bytes=24 << 10)
    finally:
        stop.set()
        thread.join()
    assert killed, "the run ended before an actor could be killed"
    assert written == 60
    ids = [json.loads(line)["meta"]["id"] for line in _shard_lines(out)]
    assert sorted(ids) == list(range(60))  # every article exactly once
    pids = {int(p.name) for p in cluster.iterdir()}
    assert len(pids) >= 3  # a new actor process took over from the killed one
    chunks = [c for p in cluster.iterdir() for c in p.read_text().split()]
    assert len(chunks) > len(set(chunks))  # the killed actor's chunk ran again
    assert not [p for p in out.iterdir() if not p.name.endswith(".jsonl")]  # its half shard is gone


def test_without_ray_one_line_and_exit_2(tmp_path):
    script = (
        "import sys; sys.modules['ray'] = None\n"
        "from annotator.cli import main\n"
        f"sys.argv = ['annotator', 'extract', {str(SEEDS)!r}, '-o', {str(tmp_path / 'out')!r}, '--ray', 'local']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "pip install 'annotator[ray]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_ray_needs_an_output_folder_and_a_cluster(cli, tmp_path):
    code, _, err = cli("extract", SEEDS, "--ray", "local")
    assert code == 2 and "-o" in err and err.count("\n") == 1
    code, _, err = cli("extract", SEEDS, "-o", tmp_path / "out", "--ray", "seeds")  # a path taken for the value
    assert code == 2 and "local, auto" in err and err.count("\n") == 1
    code, _, err = cli("extract", SEEDS, "-o", tmp_path / "out", "--workers", "2")
    assert code == 2 and "--ray" in err
