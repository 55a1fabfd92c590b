"""Our Label Studio export against a real Label Studio: in through its API, out through its export,
back into annotator, and the spans, labels and speaker links must be the same.

    python benchmarks/labelstudio.py [--venv /tmp/ls-venv] [--port PORT] [--keep DIR]

Not part of `make test`: it installs the PyPI package `label-studio` (hundreds of packages, its own
Django) into a separate venv (--venv; made and filled if missing, which takes minutes), and starts
it on 127.0.0.1 only, its SQLite database in a temporary folder, with a user and an API token of
its own (a legacy token: `--enable-legacy-api-token`). Then:

1. a database: seeds/ imported with pre-extraction; alice accepts every suggestion of all but the
   last five articles, 7 s a decision, and marks them done (the last five stay untouched, as suggestions);
2. `annotator export --format labelstudio --include-suggestions -o tasks.json` (tasks.xml beside);
3. POST /api/projects with tasks.xml as its labeling config, POST /api/projects/ID/import tasks.json;
4. POST /api/projects/ID/exports (a snapshot, predictions in full), GET .../exports/N/download;
5. `annotator import` of that export, `--annotator alice`, into a fresh database; export it again;
6. article by article, annotations and predictions: the same spans (offsets, labels) and links, and
   the same lead_time (alice's active seconds) on each annotation.

Prints a summary and one JSON line; exit status 0 when everything came back the same.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

USER = "check@annotator.invalid"
UNTOUCHED = 5


def annotator(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"annotator {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout.strip()


def ensure_label_studio(venv: Path) -> Path:
    exe = venv / "bin" / "label-studio"
    if not exe.exists():
        print(f"installing label-studio into {venv} (minutes) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "label-studio"], check=True)
    return exe


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabelStudio:
    """A Label Studio server of our own, on 127.0.0.1, and its REST API with our token."""

    def __init__(self, exe: Path, data: Path, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.token = secrets.token_hex(20)
        self.log = (data / "label-studio.log").open("w")
        env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data), "COLLECT_ANALYTICS": "false",
               "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true"}
        self.process = subprocess.Popen(
            [str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(data), "--username", USER, "--password", secrets.token_hex(12),
             "--user-token", self.token, "--enable-legacy-api-token"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def wait(self, timeout: float = 600) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                sys.exit(f"label-studio exited with {self.process.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=5) as reply:
                    if reply.status == 200:
                        return time.monotonic() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(2)
        sys.exit(f"label-studio did not answer within {timeout:.0f} s; see {self.log.name}")

    def call(self, method: str, path: str, body: object | None = None) -> object:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method, headers={
            "Authorization": f"Token {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=300) as reply:
                return json.loads(reply.read() or b"null")
        except urllib.error.HTTPError as exc:
            sys.exit(f"{method} {path}: HTTP {exc.code}: {exc.read().decode(errors='replace')[:2000]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and the workers it started
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


@contextmanager
def running(exe: Path, work: Path, label_config: str) -> Iterator[LabelStudio]:
    """A Label Studio of our own for timing (benchmarks/scale.py --labelstudio-venv): started, and
    warmed up by a small import into a project of its own, so that Django's first requests
    (imports, caches) are not counted; stopped after."""
    data = work / "label-studio"
    shutil.rmtree(data, ignore_errors=True)  # a user of an earlier run would keep its old token
    data.mkdir(parents=True)
    server = LabelStudio(exe, data, free_port())
    try:
        server.startup_s = server.wait()
        warm = server.call("POST", "/api/projects", {"title": "warm-up", "label_config": label_config})
        server.call("POST", f"/api/projects/{warm['id']}/import", [{"data": {"text": "Warm up."}}])
        yield server
    finally:
        server.stop()


def timed_import(server: LabelStudio, tasks: list[dict], label_config: str) -> dict:
    """Seconds from the start of one POST .../import of every task, into a new project, until GET
    /api/projects/ID counts them all and their annotations (complete in Label Studio's database)."""
    annotations = sum(len(task.get("annotations") or ()) for task in tasks)
    project = server.call("POST", "/api/projects", {"title": "speed", "label_config": label_config})
    started = time.monotonic()
    server.call("POST", f"/api/projects/{project['id']}/import", tasks)
    answered_s = time.monotonic() - started
    while True:  # the import may end in the background (an RQ worker, when Redis is set up)
        counts = server.call("GET", f"/api/projects/{project['id']}")
        if counts["task_number"] >= len(tasks) and counts["total_annotations_number"] >= annotations:
            break
        if time.monotonic() - started > 3600:
            sys.exit(f"Label Studio's import did not complete within an hour: {counts}")
        time.sleep(0.05)
    return {"seconds": time.monotonic() - started, "answered_s": answered_s, "project": project["id"],
            "tasks": counts["task_number"], "annotations": counts["total_annotations_number"]}


def timed_export(server: LabelStudio, project: int) -> dict:
    """Seconds from POST .../exports (a JSON snapshot, Label Studio's export) until its download is read."""
    exports = f"/api/projects/{project}/exports"
    started = time.monotonic()
    snapshot = server.call("POST", f"{exports}/", {"title": "speed"})
    while (status := server.call("GET", f"{exports}/{snapshot['id']}")["status"]) not in ("completed", "failed"):
        time.sleep(0.05)
    if status != "completed":
        sys.exit("Label Studio's export snapshot failed")
    exported = server.call("GET", f"{exports}/{snapshot['id']}/download")
    return {"seconds": time.monotonic() - started, "tasks": len(exported)}


def version(exe: Path) -> str:
    done = subprocess.run([str(exe.with_name("pip")), "show", "label-studio"], capture_output=True, text=True)
    return done.stdout.split("Version: ")[-1].split()[0] if "Version: " in done.stdout else "?"


def make_database(db: Path) -> dict:
    from annotator.store import Store

    print(annotator("import", str(REPO / "seeds"), "--db", str(db)), flush=True)
    with Store(db) as store:
        now = [time.time() - 86_400]
        store.clock = lambda: now[0]  # alice takes 7 s a decision: her active time becomes each lead_time
        articles = list(store.iter_articles())
        for article in articles[:-UNTOUCHED]:
            store.start_stretch(article.id, "alice")
            for view in store.spans(article.id, "alice"):
                now[0] += 7
                store.decide("alice", view.id, "accept")
            store.set_status(article.id, "alice", "done")
        return {"articles": len(articles), "done": len(articles) - UNTOUCHED}


def content(tasks: list[dict]) -> dict[str, dict[str, set]]:
    """For each text: its annotations' and predictions' spans and links, as sets (ids aside)."""
    out: dict[str, dict[str, set]] = {}
    for task in tasks:
        text = task["data"]["text"]
        seen = out.setdefault(text, {"spans": set(), "links": set(), "predicted": set(), "predicted_links": set(),
                                     "lead_times": set()})
        seen["lead_times"] |= {round(a["lead_time"], 3) for a in task.get("annotations") or [] if a.get("lead_time")}
        for key, groups in (("", task.get("annotations") or []), ("predicted", task.get("predictions") or [])):
            for group in groups:
                regions = {r["id"]: (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                           for r in group["result"] if r.get("type") == "labels"}
                seen[key or "spans"] |= set(regions.values())
                seen[f"{key}_links" if key else "links"] |= {
                    (regions[r["from_id"]], regions[r["to_id"]], tuple(r.get("labels") or ()))
                    for r in group["result"] if r.get("type") == "relation"}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=Path("/tmp/ls-venv"))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="Keep the files here (else a temporary folder).")
    args = parser.parse_args()

    exe = ensure_label_studio(args.venv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="annotator-ls-"))
    work.mkdir(parents=True, exist_ok=True)
    db, tasks_file = work / "source.db", work / "tasks.json"
    made = make_database(db)
    print(annotator("export", "--db", str(db), "-o", str(tasks_file), "--format", "labelstudio",
                    "--include-suggestions", "--force"), flush=True)
    ours = json.loads(tasks_file.read_text())

    (work / "label-studio").mkdir(exist_ok=True)
    server = LabelStudio(exe, work / "label-studio", args.port or free_port())
    try:
        startup = server.wait()
        print(f"label-studio answered on {server.base} after {startup:.0f} s", flush=True)
        project = server.call("POST", "/api/projects", {"title": "annotator check",
                                                         "label_config": tasks_file.with_suffix(".xml").read_text()})
        started = time.monotonic()
        imported = server.call("POST", f"/api/projects/{project['id']}/import", ours)
        import_s = time.monotonic() - started
        # An export snapshot: the quick GET .../export lists predictions by id only.
        exports = f"/api/projects/{project['id']}/exports"
        snapshot = server.call("POST", f"{exports}/", {"title": "annotator check", "serialization_options": {
            "predictions": {"only_id": False}, "drafts": {"only_id": True}}})
        for _ in range(300):
            status = server.call("GET", f"{exports}/{snapshot['id']}")["status"]
            if status in ("completed", "failed"):
                break
            time.sleep(1)
        if status != "completed":
            sys.exit(f"Label Studio's export snapshot ended {status}")
        theirs = server.call("GET", f"{exports}/{snapshot['id']}/download")
    finally:
        server.stop()
    (work / "label-studio-export.json").write_text(json.dumps(theirs, ensure_ascii=False, indent=1))

    fresh, again = work / "back.db", work / "again.json"
    fresh.unlink(missing_ok=True)
    print(annotator("import", str(work / "label-studio-export.json"), "--db", str(fresh), "--annotator", "alice",
                    "--no-extract"), flush=True)
    print(annotator("export", "--db", str(fresh), "-o", str(again), "--format", "labelstudio",
                    "--include-suggestions", "--force"), flush=True)
    back = json.loads(again.read_text())

    sent, through, returned = content(ours), content(theirs), content(back)
    differences = [text[:60] for text in sent if not (sent[text] == through.get(text) == returned.get(text))]
    counts = {key: sum(len(v[key]) for v in sent.values()) for key in ("spans", "links", "predicted", "lead_times")}
    result = {
        "benchmark": "labelstudio", "label_studio": version(exe),
        **made, "tasks": len(ours), "tasks_back": len(theirs), **counts,
        "imported": {k: imported.get(k) for k in ("task_count", "annotation_count", "prediction_count")},
        "import_s": round(import_s, 2), "startup_s": round(startup, 1),
        "differences": len(differences) + abs(len(ours) - len(theirs)), "files": str(work),
    }
    print(f"{len(ours)} tasks ({counts['spans']} spans, {counts['links']} speaker links in annotations; "
          f"{counts['predicted']} predicted spans) went into Label Studio {result['label_studio']} and came back: "
          f"{'all the same' if not result['differences'] else 'DIFFERENT: ' + '; '.join(differences[:5])}")
    print(json.dumps(result))
    return 0 if result["differences"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
