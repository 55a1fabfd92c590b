"""Corpus-scale extraction on Ray Data: `annotator extract PATH... -o OUT/ --ray local|auto|ADDRESS`.

The driver only plans and reports. It lists the input (local paths, or anything `pyarrow.fs`
reads: `s3://…`, `gs://…`), cuts it into chunks (runs of .txt files, or byte ranges of .jsonl
files, a few per worker and at most 16 MB each), and hands the chunk descriptions to a Ray Data
`map_batches` over a pool of actors. Each actor loads the job once (the schema and the model),
reads its chunk itself, runs the job's records through the same per-article function as the
one-process `annotator extract` (annotator/export/extracted.py, handed in by the CLI: this
module knows Ray, not the formats, and imports neither the store nor the readers), and writes
the lines to its own shard, `OUT/part-NNNNN.jsonl`, named after the chunk. What travels back to
the driver is a small summary: counts, timings and the problems of the chunk. Memory stays flat
in corpus size: no line and no text ever passes through the driver.

Idempotent writes: a shard is written under a hidden temporary name and renamed into place (on
a local or shared file system; object stores make an object visible only when it is complete),
so a chunk that Ray retries after its actor died (actors run with max_restarts and
max_task_retries -1) replaces its shard instead of adding lines twice.

Line numbers: a chunk of a .jsonl file is the lines that *start* in its byte range [start, end),
so the driver never reads the file; each actor counts its chunk's lines and the driver adds up
the counts of the chunks before, to report a bad line as FILE:LINE.

Ray is imported only when a distributed run starts (`pip install 'annotator[ray]'`).
"""

from __future__ import annotations

import codecs
import json
import logging
import os
import posixpath
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from annotator.errors import EXIT_SCHEMA, InputError, UserError

INSTALL_HINT = "pip install 'annotator[ray]'"
SUFFIXES = (".txt", ".jsonl")
SHARD = "part-{:05d}.jsonl"
MIN_CHUNK = 64 << 10
MAX_CHUNK = 16 << 20
ACTOR_NICENESS = 10
CHUNKS_PER_WORKER = 8  # enough chunks that the last ones balance out between workers
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# As annotator.formats.base says them (extraction sits below the formats: the readers import the
# store's codec); tests/test_distributed_extract.py checks the reports are the one-process run's.
UTF16_JSONL = "UTF-16 JSONL; save the file as UTF-8"
NO_LINES = "empty: no lines"
# Test-only: an actor touches DIR/PID as it starts each chunk, so a test can find and kill it.
PID_DIR_ENV = "ANNOTATOR_RAY_PID_DIR"


def import_ray() -> Any:
    """ray, or one line saying how to install it (exit status 2)."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise UserError(f"--ray needs Ray, which is not installed: {INSTALL_HINT}", EXIT_SCHEMA) from None
    return ray


def connect(target: str) -> bool:
    """Join or start a cluster: `local` starts one on this machine (its CPUs, no dashboard), `auto`
    joins the running one (RAY_ADDRESS or `ray start`), anything else is a cluster's address.
    Returns whether this call connected (and so should disconnect). An already connected process
    (a test's cluster, a notebook) is used as it is."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False}
    try:
        if target == "local":
            ray.init(num_cpus=os.cpu_count() or 1, include_dashboard=False, **quiet)
        else:
            ray.init(address=target, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot join the Ray cluster at {target!r} ({first}); start one with "
                         "`ray start --head`, or use --ray local") from None
    return True


def cluster_cpus() -> int:
    ray = import_ray()
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


# ---------------------------------------------------------------------------------------------
# Files: local paths or pyarrow.fs URIs.

def _is_uri(path: str) -> bool:
    return "://" in path


def filesystem(path: str) -> tuple[Any, str]:
    """(pyarrow FileSystem, path inside it); local paths are made absolute (actors' cwd differs)."""
    from pyarrow import fs

    if _is_uri(path) and not path.startswith("file://"):
        scheme, _, rest = path.partition("://")
        if scheme in ("s3", "gs", "gcs") and "?" not in rest:  # the path inside is bucket/key
            return _remote_filesystem(f"{scheme}://{rest.split('/', 1)[0]}"), rest
        return fs.FileSystem.from_uri(path)
    if path.startswith("file://"):
        path = path[len("file://"):]
    return fs.LocalFileSystem(), os.path.abspath(path)


@lru_cache(maxsize=16)
def _remote_filesystem(root: str) -> Any:
    """One pyarrow FileSystem per bucket (an actor opens many files of one bucket)."""
    from pyarrow import fs

    return fs.FileSystem.from_uri(root)[0]


@dataclass
class FileEntry:
    shown: str  # as the user wrote it (messages, meta.file)
    uri: str  # what an actor opens
    size: int


def list_inputs(paths: Iterable[str], report: Callable[[str], None]) -> Iterator[FileEntry]:
    """The .txt and .jsonl files under `paths`, folders recursively in path order, hidden names
    skipped; a file named itself must be .txt or .jsonl. Missing paths are reported."""
    from pyarrow import fs

    seen: set[str] = set()
    for given in paths:
        filesys, inner = filesystem(given)
        uri_prefix = given[: given.index("://") + 3] if _is_uri(given) and not given.startswith("file://") else ""
        try:
            info = filesys.get_file_info(inner)
        except OSError as exc:
            report(f"{given}: cannot read ({_why(exc)})")
            continue
        if info.type == fs.FileType.NotFound:
            report(f"{given}: no such file or folder")
            continue
        if info.type == fs.FileType.Directory:
            try:
                found = filesys.get_file_info(fs.FileSelector(inner, recursive=True))
            except OSError as exc:
                report(f"{given}: cannot read the folder ({_why(exc)})")
                continue
            for entry in sorted(found, key=lambda e: e.path):
                relative = posixpath.relpath(entry.path, inner) if not uri_prefix else entry.path[len(inner):].lstrip("/")
                if entry.type != fs.FileType.File or any(p.startswith(".") for p in relative.split("/")):
                    continue
                if not entry.base_name.lower().endswith(SUFFIXES):
                    continue
                shown = posixpath.join(given, relative) if not given.endswith("/") else given + relative
                key = uri_prefix + entry.path
                if key not in seen:
                    seen.add(key)
                    yield FileEntry(shown, key, entry.size or 0)
        elif not inner.lower().endswith(SUFFIXES):
            report(f"{given}: not an article file; give .txt or .jsonl files, or a folder")
        else:
            key = uri_prefix + info.path
            if key not in seen:
                seen.add(key)
                yield FileEntry(given, key, info.size or 0)


def _why(exc: BaseException) -> str:
    if getattr(exc, "strerror", None):
        return exc.strerror
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def plan_chunks(files: list[FileEntry], workers: int, chunk_bytes: int | None = None) -> list[dict[str, Any]]:
    """Chunk descriptions (small dicts), in input order: runs of .txt files, byte ranges of .jsonl."""
    total = sum(f.size for f in files)
    size = chunk_bytes or min(MAX_CHUNK, max(MIN_CHUNK, total // max(1, workers * CHUNKS_PER_WORKER)))
    chunks: list[dict[str, Any]] = []
    run: list[FileEntry] = []
    run_bytes = 0

    def close_run() -> None:
        nonlocal run, run_bytes
        if run:
            chunks.append({"kind": "txt", "files": [[f.shown, f.uri] for f in run]})
        run, run_bytes = [], 0

    for file_no, entry in enumerate(files):
        if entry.uri.lower().endswith(".jsonl"):
            close_run()
            parts = max(1, -(-entry.size // size))
            for part in range(parts):
                chunks.append({"kind": "jsonl", "shown": entry.shown, "uri": entry.uri, "file": file_no,
                               "part": part, "parts": parts, "start": part * size,
                               "end": entry.size if part == parts - 1 else (part + 1) * size})
        else:
            run.append(entry)
            run_bytes += entry.size
            if run_bytes >= size:
                close_run()
    close_run()
    for index, chunk in enumerate(chunks):
        chunk["index"] = index
    return chunks


def owned_lines(handle: Any, start: int, end: int) -> bytes:
    """The lines that start in [start, end) of an open pyarrow file, whole (a line that starts
    before `end` is read to its end). Every line of a file is in exactly one chunk."""
    begin = max(start - 1, 0)
    handle.seek(begin)
    block = handle.read(end - begin)
    tail = []
    if block and not block.endswith(b"\n"):
        while True:
            more = handle.read(1 << 16)
            if not more:
                break
            cut = more.find(b"\n")
            if cut >= 0:
                tail.append(more[: cut + 1])
                break
            tail.append(more)
    if tail:
        block += b"".join(tail)
    if start > 0:
        cut = block.find(b"\n")  # the byte before `start` belongs to an earlier line, or ends one
        if cut < 0 or begin + cut + 1 >= end:
            return b""
        block = block[cut + 1:]
    return block


# ---------------------------------------------------------------------------------------------
# The actor.

class ChunkExtractor:
    """One Ray actor: loads the job once, then extracts chunk after chunk into shards."""

    def __init__(self, job: Any, out: str) -> None:
        started = time.time()
        # Batch work at a lower priority, as import's parsers run: on a server where annotators
        # work, their apps keep the cores they need; on a node of its own, nothing else competes.
        os.nice(ACTOR_NICENESS)
        self.worker = job.load()
        self.fs, self.base = filesystem(out)
        from pyarrow import fs

        self.atomic = isinstance(self.fs, fs.LocalFileSystem)  # rename is atomic there
        self.ready = time.time()
        self.load_seconds = self.ready - started

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        return {"result": [json.dumps(self.chunk(json.loads(c))) for c in batch["chunk"]]}

    def chunk(self, chunk: dict[str, Any]) -> dict[str, Any]:
        started = time.time()
        pid_dir = os.environ.get(PID_DIR_ENV)
        if pid_dir:
            with open(os.path.join(pid_dir, str(os.getpid())), "a") as mark:
                mark.write(f"{chunk['index']}\n")
        problems: list[list[Any]] = []  # [where, message] or [None, line in chunk, message]
        records: list[Any] = []
        numbers: list[int] = []
        lines = nonblank = 0
        if chunk["kind"] == "txt":
            for shown, uri in chunk["files"]:
                try:
                    filesys, inner = filesystem(uri)
                    with filesys.open_input_stream(inner) as handle:
                        raw = handle.read()
                except OSError as exc:
                    problems.append([shown, f"cannot read the file ({_why(exc)})"])
                    continue
                records.append((shown, 0, raw))
                numbers.append(0)
        else:
            try:
                filesys, inner = filesystem(chunk["uri"])
                with filesys.open_input_file(inner) as handle:
                    if chunk["part"] > 0 and handle.read_at(2, 0) in UTF16_BOMS:
                        block = b""  # chunk 0 reports the file once
                    else:
                        block = owned_lines(handle, chunk["start"], chunk["end"])
            except OSError as exc:
                problems.append([chunk["shown"], f"cannot read the file ({_why(exc)})"])
                block = b""
            split = block.split(b"\n")  # as iterating a file does: only \n ends a line
            ended = not split[-1]
            if ended:
                split.pop()
            lines = len(split)
            first = chunk["start"] == 0
            for n, raw in enumerate(split, 1):
                if not raw.strip():
                    continue
                if first and n == 1 and raw.startswith(UTF16_BOMS):
                    problems.append([None, 1, UTF16_JSONL])
                    records, numbers, nonblank = [], [], 1
                    break
                nonblank += 1
                # parse_raw_line treats line 1 of the file (a UTF-8 BOM may open it) apart
                records.append((chunk["shown"], n if first else n + 1, raw + b"\n" if ended or n < lines else raw))
                numbers.append(n)
        written = words = 0
        name = SHARD.format(chunk["index"])
        final = posixpath.join(self.base, name)
        target = posixpath.join(self.base, f".{name}.{uuid.uuid4().hex}.tmp") if self.atomic else final
        with self.fs.open_output_stream(target) as out:
            for index, item, count in self.worker.run(records):
                if isinstance(item, bytes):
                    out.write(item)
                    written += 1
                    words += count
                elif chunk["kind"] == "txt":
                    problems.append([item.where, item.message])
                else:
                    problems.append([None, numbers[index], item.message])
        if written and self.atomic:
            self.fs.move(target, final)
        elif not written:
            self.fs.delete_file(target)
        return {"index": chunk["index"], "file": chunk.get("file"), "part": chunk.get("part"),
                "parts": chunk.get("parts"), "shown": chunk.get("shown"), "lines": lines,
                "nonblank": nonblank, "articles": written, "words": words, "problems": problems,
                "shard": name if written else None, "started": started, "ended": time.time(),
                "ready": self.ready, "load_seconds": self.load_seconds, "pid": os.getpid(),
                "max_rss_mb": _max_rss_mb()}


def _max_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


# ---------------------------------------------------------------------------------------------
# The driver.

@dataclass
class Summary:
    articles: int = 0
    words: int = 0
    shards: int = 0
    chunks: int = 0
    problems: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)  # per chunk, without problems


class _LineNumbers:
    """Turns a jsonl chunk's line-in-chunk into the file's line once the chunks before it are in."""

    def __init__(self, report: Callable[[str], None]) -> None:
        self.report = report
        self.counts: dict[int, dict[int, int]] = {}
        self.nonblank: dict[int, int] = {}
        self.pending: dict[int, list[tuple[int, int, str]]] = {}

    def add(self, result: dict[str, Any], problems: list[list[Any]]) -> None:
        file_no = result["file"]
        self.counts.setdefault(file_no, {})[result["part"]] = result["lines"]
        self.nonblank[file_no] = self.nonblank.get(file_no, 0) + result["nonblank"]
        self.pending.setdefault(file_no, []).extend((result["part"], n, msg) for _, n, msg in problems)
        self.flush(file_no, result["shown"], result["parts"])

    def flush(self, file_no: int, shown: str, parts: int) -> None:
        counts = self.counts[file_no]
        keep = []
        for part, n, message in sorted(self.pending.get(file_no, [])):
            if all(p in counts for p in range(part)):
                self.report(f"{shown}:{sum(counts[p] for p in range(part)) + n}: {message}")
            else:
                keep.append((part, n, message))
        self.pending[file_no] = keep
        if len(counts) == parts and not self.nonblank[file_no]:
            self.report(f"{shown}: {NO_LINES}")


def prepare_output(out: str, force: bool) -> None:
    """OUT/ must be a folder (made if missing) with no shards in it, unless --force (then the old
    shards go, so none of a bigger earlier run is left beside the new ones)."""
    from pyarrow import fs

    filesys, inner = filesystem(out)
    info = filesys.get_file_info(inner)
    if info.type == fs.FileType.File:
        raise UserError(f"{out}: is a file; with --ray, -o names a folder for the shards", EXIT_SCHEMA)
    if info.type == fs.FileType.NotFound:
        try:
            filesys.create_dir(inner, recursive=True)
        except OSError as exc:
            raise InputError(f"{out}: cannot make the folder ({_why(exc)})") from None
        return
    old = [e for e in filesys.get_file_info(fs.FileSelector(inner))
           if e.type == fs.FileType.File and (e.base_name.startswith("part-") and e.base_name.endswith(".jsonl")
                                              or e.base_name.startswith(".part-") and e.base_name.endswith(".tmp"))]
    if any(not e.base_name.startswith(".") for e in old) and not force:
        from annotator.errors import EXIT_EXISTS

        raise UserError(f"{out}: holds shards of an earlier run; pass --force to replace them", EXIT_EXISTS)
    for entry in old:
        filesys.delete_file(entry.path)


def run(job: Any, paths: Iterable[str], out: str, workers: int | None = None,
        report: Callable[[str], None] = print, chunk_bytes: int | None = None,
        on_result: Callable[[dict[str, Any]], None] | None = None) -> Summary:
    """Extract everything under `paths` into shards in `out` on the connected cluster."""
    ray = import_ray()
    summary = Summary()

    def problem(text: str) -> None:
        summary.problems += 1
        report(text)

    files = list(list_inputs(paths, problem))
    workers = workers or cluster_cpus()
    chunks = plan_chunks(files, workers, chunk_bytes)
    summary.chunks = len(chunks)
    if not chunks:
        return summary
    workers = min(workers, len(chunks))  # an actor without a chunk would only load the model
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    if hasattr(context, "enable_operator_progress_bars"):
        context.enable_operator_progress_bars = False
    if hasattr(context, "print_on_execution_start"):
        context.print_on_execution_start = False
    dataset = ray.data.from_items([{"chunk": json.dumps(c)} for c in chunks], override_num_blocks=len(chunks))
    mapped = dataset.map_batches(
        ChunkExtractor,
        fn_constructor_kwargs={"job": job, "out": out},
        batch_size=1,
        # Ray Data's actor pools run with max_restarts=-1 and max_task_retries=-1: a dead actor
        # comes back (and loads the model again), and its chunk runs again, replacing its shard.
        compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=2),  # the next chunk waits at the actor
        num_cpus=1,
    )
    numbers = _LineNumbers(problem)
    for row in mapped.iter_rows():
        result = json.loads(row["result"])
        problems = result.pop("problems")
        summary.articles += result["articles"]
        summary.words += result["words"]
        summary.shards += result["shard"] is not None
        summary.results.append(result)
        for entry in problems:
            if entry[0] is not None:
                problem(f"{entry[0]}: {entry[1]}")
        if result["file"] is not None:
            numbers.add(result, [p for p in problems if p[0] is None])
        if on_result:
            on_result(result)
    _clean_temporaries(out)
    return summary


def _clean_temporaries(out: str) -> None:
    """Half-written shards of actors that died (their chunks were written again, whole)."""
    from pyarrow import fs

    filesys, inner = filesystem(out)
    for entry in filesys.get_file_info(fs.FileSelector(inner)):
        if entry.base_name.startswith(".part-") and entry.base_name.endswith(".tmp"):
            try:
                filesys.delete_file(entry.path)
            except OSError:
                pass
