"""Parsing big JSONL files in worker processes while the importing process writes.

A line with every token of an article takes about as long to parse (and its tokens to encode)
as its spans take to write, so on two cores parsing in a worker roughly doubles the rate.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from annotator.formats.base import NO_LINES, UTF16_JSONL, Advance, Item, Problem, is_utf16, unreadable
from annotator.formats.jsonl import parse_raw_line
from annotator.ingest.files import list_files, read_paths
from annotator.schema import Schema

PARALLEL_BYTES = 8_000_000  # below this, starting workers costs more than it saves
CHUNK_BYTES = 1 << 20  # a task: about a megabyte of lines
# Lines in flight. The importer writes 256 articles (some 15 MB of annotated lines) in one
# transaction; with less ahead, the workers sat idle through every write. Counted in bytes, not
# chunks: a chunk ends at a line end, and a line can be megabytes long.
AHEAD_BYTES = 16 << 20
# A little below the writer, not far: at 10 the parsers starved whenever anything else ran (two busy
# loops beside a 2,000-article import: 23,224 spans/s at 10, 52,512 at 2, 51,152 at 0; unloaded,
# 103,770 at 2 against 110,789 at 10; benchmarks/scale.py, 2026-12-07 01:11-01:24 UTC).
WORKER_NICENESS = 2


def worth_it(paths: Iterable[str | Path]) -> bool:
    if (os.cpu_count() or 1) < 2:
        return False
    size = sum(p.stat().st_size for p in list_files(paths) if isinstance(p, Path) and p.suffix.lower() == ".jsonl")
    return size >= PARALLEL_BYTES


def _parse_chunk(job: tuple[str, Schema | None, int, int]) -> tuple[int, list[tuple[int, Item]]]:
    """Parse the lines in bytes [offset, offset + size) of the file: (how many lines the chunk has,
    [(line number within the chunk, article or problem)]).

    The worker reads the file itself: the importing process only finds where chunks start, a
    readline per chunk, and never reads or copies the lines. So it cannot know line numbers
    either: the worker counts its chunk's lines, and the importing process adds them up.
    Tokens and spans are encoded for the store here too, so that bytes travel back instead of
    hundreds of token dicts and span tuples an article.
    """
    path, schema, offset, size = job
    with open(path, "rb") as handle:
        handle.seek(offset)
        block = handle.read(size)
    out: list[tuple[int, Item]] = []
    lines = block.split(b"\n")  # as iterating the file does: only \n ends a line
    if lines and not lines[-1]:
        lines.pop()
    if offset == 0 and lines and is_utf16(lines[0]):
        return len(lines), [(0, Problem(f"{path}:1", UTF16_JSONL))]
    for n, raw in enumerate(lines):
        if raw.strip():
            # Line 1 of the file is told apart (a UTF-8 BOM may open it); the others get their number later.
            out.append((n, parse_raw_line(path, n + 1 if offset == 0 else 0, raw, schema, pack=True)))
    return len(lines), out


def _jobs(path: Path, schema: Schema | None, advance: Advance, handle: BinaryIO):
    """(path, schema, offset, size) of chunks of about CHUNK_BYTES, cut at line ends."""
    size = os.fstat(handle.fileno()).st_size
    offset = 0
    while offset < size:
        handle.seek(offset + CHUNK_BYTES)
        handle.readline()
        end = min(handle.tell(), size)
        advance(end - offset)
        yield str(path), schema, offset, end - offset
        offset = end


def _numbered(item: Item, path: Path, number: int) -> Item:
    where = f"{path}:{number}"
    if isinstance(item, Problem):
        return replace(item, where=where)
    return replace(item, origin=where)


def read_paths_parallel(paths: Iterable[str | Path], schema: Schema | None, advance: Advance,
                        workers: int = 2, read: Callable[..., Iterator[Item]] | None = None) -> Iterator[Item]:
    """Like read_paths, in the same order, with JSONL lines parsed by `workers` processes.
    `read(jsonl)` reads the paths another way (ingest/files.py: read_formats), JSONL files with `jsonl`."""
    # fork starts workers in milliseconds; a process with other threads (the app) needs spawn's safety.
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    context = multiprocessing.get_context(method)
    # The importing process writes, and writing is what limits an import: the parsers run at a
    # slightly lower priority, so that they lean to the other core and the writer's pauses.
    with context.Pool(workers, initializer=os.nice, initargs=(WORKER_NICENESS,)) as pool:
        def jsonl(path: Path) -> Iterator[Item]:
            return _read_jsonl(pool, path, schema, advance, 2 * workers)

        yield from read(jsonl) if read is not None else read_paths(paths, schema, advance, jsonl=jsonl)


def _read_jsonl(pool, path: Path, schema: Schema | None, advance: Advance, least: int) -> Iterator[Item]:
    """One JSONL file's articles and problems, in line order, its chunks parsed by the pool."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield unreadable(path, exc)
        return
    with handle:
        empty, first_line = True, 1
        for count, parsed in _bounded_map(pool, _jobs(path, schema, advance, handle), least):
            for n, item in parsed:
                empty = False
                yield item if first_line == 1 else _numbered(item, path, first_line + n)
            first_line += count
    if empty:
        yield Problem(str(path), NO_LINES)


def _bounded_map(pool, jobs, least: int):
    """pool.imap reads its whole input at once; this keeps at least `least` chunks and at most
    about AHEAD_BYTES of lines in flight, so memory stays flat."""
    pending: deque = deque()
    in_flight = 0
    for job in jobs:
        pending.append((job[3], pool.apply_async(_parse_chunk, (job,))))
        in_flight += job[3]
        while len(pending) >= least and in_flight >= AHEAD_BYTES:
            size, result = pending.popleft()
            in_flight -= size
            yield result.get()
    while pending:
        yield pending.popleft()[1].get()
