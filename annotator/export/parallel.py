"""A big export on several cores: each worker writes the work of one run of articles to a part
file with the format's writer; the parts are joined in order (for formats whose files join end to
end: JSONL). Memory stays flat in every process."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
from pathlib import Path

from annotator.export.gold import iter_gold
from annotator.formats.jsonl import write_jsonl
from annotator.formats.registry import PartWriter
from annotator.store import Store

PARALLEL_LINES = 1000  # below this, starting workers costs more than it saves

Part = tuple[str, str, PartWriter, str | None, bool, int, int | None]


def _export_part(job: Part) -> tuple[int, int]:
    db, part, write, annotator, include_unfinished, after, upto = job
    with Store(db, create=False) as store:
        return write(iter_gold(store, annotator, include_unfinished, after, upto), Path(part))


def _workers(store: Store, annotator: str | None, include_unfinished: bool) -> int:
    big = store.count_work(annotator, include_unfinished) >= PARALLEL_LINES
    return min(2, os.cpu_count() or 1) if big else 1


def _run(jobs: list[Part]) -> list[tuple[int, int]]:
    # fork starts a worker in milliseconds; only a process with other threads needs spawn's safety.
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    with multiprocessing.get_context(method).Pool(len(jobs)) as pool:
        return pool.map(_export_part, jobs)


def _join(parts: list[Path], path: Path) -> None:
    tmp = path.with_name(f".{path.name}.partial")
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk:
                    shutil.copyfileobj(chunk, out, 1 << 20)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_in_parts(store: Store, path: Path, write: PartWriter, annotator: str | None = None,
                   include_unfinished: bool = False, workers: int | None = None) -> tuple[int, int]:
    """Write the export to `path` with `write`; with enough work and cores, in `workers` processes."""
    workers = _workers(store, annotator, include_unfinished) if workers is None else workers
    cuts = store.work_bounds(annotator, include_unfinished, workers) if workers > 1 else []
    if not cuts:
        return write(iter_gold(store, annotator, include_unfinished), path)
    ranges = list(zip([0, *cuts], [*cuts, None], strict=True))
    parts = [path.with_name(f".{path.name}.part{n}") for n in range(len(ranges))]
    jobs = [(str(store.path), str(part), write, annotator, include_unfinished, after, upto)
            for part, (after, upto) in zip(parts, ranges, strict=True)]
    try:
        counts = _run(jobs)
        _join(parts, path)
    finally:
        for leftover in parts:
            leftover.unlink(missing_ok=True)
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def export_jsonl(store: Store, path: Path, annotator: str | None = None, include_unfinished: bool = False,
                 workers: int | None = None) -> tuple[int, int]:
    """The plain JSONL export (benchmarks and tests call it by name)."""
    return write_in_parts(store, path, write_jsonl, annotator, include_unfinished, workers)
