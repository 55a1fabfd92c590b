"""Parsing big JSONL files in worker processes while the importing process writes.

A line with every token of an article takes about as long to parse (and its tokens to encode)
as its spans take to write, so on two cores parsing in a worker roughly doubles the rate.
"""

from __future__ import annotations

import codecs
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from annotator.ingest.readers import Advance, Item, Problem, list_files, parse_raw_line, read_txt
from annotator.model import ArticleDraft
from annotator.schema import Schema
from annotator.store.codec import encode_tokens

PARALLEL_BYTES = 8_000_000  # below this, starting workers costs more than it saves
CHUNK_BYTES = 1 << 20  # a task: about a megabyte of lines


def worth_it(paths: Iterable[str | Path]) -> bool:
    if (os.cpu_count() or 1) < 2:
        return False
    size = sum(p.stat().st_size for p in list_files(paths) if isinstance(p, Path) and p.suffix.lower() == ".jsonl")
    return size >= PARALLEL_BYTES


def _parse_chunk(job: tuple[str, Schema | None, int, int, int]) -> list[Item]:
    """Parse the lines in bytes [offset, offset + size) of the file; the first is line `number`.

    The worker reads the file itself: the importing process only finds where chunks start,
    and never copies lines to the workers. Tokens are encoded here too, so that bytes travel
    back instead of hundreds of token dicts an article.
    """
    path, schema, offset, size, number = job
    with open(path, "rb") as handle:
        handle.seek(offset)
        block = handle.read(size)
    out: list[Item] = []
    lines = block.split(b"\n")  # as iterating the file does: only \n ends a line
    if lines and not lines[-1]:
        lines.pop()
    for raw in lines:
        if number == 1 and raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            out.append(Problem(f"{path}:1", "UTF-16 JSONL; save the file as UTF-8"))
            return out
        if raw.strip():
            item = parse_raw_line(path, number, raw, schema)
            if isinstance(item, ArticleDraft) and item.tokens is not None:
                item = replace(item, encoded_tokens=encode_tokens(item.text, item.tokens, item.token_dicts),
                               tokens=(), token_dicts=None)
            out.append(item)
        number += 1
    return out


def _jobs(path: Path, schema: Schema | None, advance: Advance):
    """(path, schema, offset, size, first line number) of chunks of about CHUNK_BYTES, cut at line ends."""
    number, offset = 1, 0
    with path.open("rb") as handle:
        while True:
            block = handle.read(CHUNK_BYTES)
            if not block:
                return
            if not block.endswith(b"\n"):
                block += handle.readline()
            advance(len(block))
            yield str(path), schema, offset, len(block), number
            number += block.count(b"\n")
            offset += len(block)


def read_paths_parallel(paths: Iterable[str | Path], schema: Schema | None, advance: Advance,
                        workers: int = 2) -> Iterator[Item]:
    """Like read_paths, in the same order, with JSONL lines parsed by `workers` processes."""
    # fork starts workers in milliseconds; a process with other threads (the app) needs spawn's safety.
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    context = multiprocessing.get_context(method)
    with context.Pool(workers) as pool:
        for found in list_files(paths):
            if isinstance(found, Problem):
                yield found
            elif found.suffix.lower() != ".jsonl":
                yield from read_txt(found, advance)
            else:
                empty = True
                for parsed in _bounded_map(pool, _jobs(found, schema, advance), 2 * workers):
                    empty = empty and not parsed
                    yield from parsed
                if empty:
                    yield Problem(str(found), "empty: no lines; skipped")


def _bounded_map(pool, jobs, ahead: int):
    """pool.imap reads its whole input at once; this keeps `ahead` chunks in flight, so memory stays flat."""
    pending: deque = deque()
    for job in jobs:
        pending.append(pool.apply_async(_parse_chunk, (job,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
