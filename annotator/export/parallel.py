"""JSONL export on several cores: each worker writes the lines of one run of articles to a part
file; the parts are joined in order. Memory stays flat in every process."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
from pathlib import Path

from annotator.export.gold import iter_gold
from annotator.export.writers import write_jsonl
from annotator.store import Store

PARALLEL_LINES = 1000  # below this, starting workers costs more than it saves


def _export_part(job: tuple[str, str, str | None, bool, int, int | None]) -> tuple[int, int]:
    db, part, annotator, include_unfinished, after, upto = job
    with Store(db, create=False) as store:
        return write_jsonl(iter_gold(store, annotator, include_unfinished, after, upto), Path(part))


def export_jsonl(store: Store, path: Path, annotator: str | None = None, include_unfinished: bool = False,
                 workers: int | None = None) -> tuple[int, int]:
    """Write the export to `path`; with enough work and cores, in `workers` processes."""
    if workers is None:
        big = store.count_work(annotator, include_unfinished) >= PARALLEL_LINES
        workers = min(2, os.cpu_count() or 1) if big else 1
    cuts = store.work_bounds(annotator, include_unfinished, workers) if workers > 1 else []
    if not cuts:
        return write_jsonl(iter_gold(store, annotator, include_unfinished), path)
    ranges = list(zip([0, *cuts], [*cuts, None], strict=True))
    parts = [path.with_name(f".{path.name}.part{n}") for n in range(len(ranges))]
    jobs = [(str(store.path), str(part), annotator, include_unfinished, after, upto)
            for part, (after, upto) in zip(parts, ranges, strict=True)]
    tmp = path.with_name(f".{path.name}.partial")
    try:
        # fork starts a worker in milliseconds; only a process with other threads needs spawn's safety.
        method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
        with multiprocessing.get_context(method).Pool(len(jobs)) as pool:
            counts = pool.map(_export_part, jobs)
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk:
                    shutil.copyfileobj(chunk, out, 1 << 20)
        os.replace(tmp, path)
    finally:
        for leftover in (*parts, tmp):
            leftover.unlink(missing_ok=True)
    return sum(c[0] for c in counts), sum(c[1] for c in counts)
