"""Parsing big JSONL files in worker processes while the importing process writes.

A line with every token of an article takes about as long to parse (and its tokens to encode)
as its spans take to write, so on two cores parsing in a worker roughly doubles the rate.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice
from pathlib import Path

from annotator.ingest.readers import Advance, Item, Problem, jsonl_lines, list_files, parse_raw_line, read_txt
from annotator.model import ArticleDraft, SpanDraft
from annotator.schema import Schema
from annotator.store.codec import encode_tokens

PARALLEL_BYTES = 8_000_000  # below this, starting workers costs more than it saves
CHUNK = 64  # lines a task


def worth_it(paths: Iterable[str | Path]) -> bool:
    if (os.cpu_count() or 1) < 2:
        return False
    size = sum(p.stat().st_size for p in list_files(paths) if isinstance(p, Path) and p.suffix.lower() == ".jsonl")
    return size >= PARALLEL_BYTES


def _parse_chunk(job: tuple[str, Schema | None, list[tuple[int, bytes]]]) -> list[Item]:
    path, schema, lines = job
    out: list = []
    for number, raw in lines:
        item = parse_raw_line(path, number, raw, schema)
        if isinstance(item, ArticleDraft):
            # Encode tokens here, in the worker, and ship plain tuples: pickling hundreds of token
            # pairs and span dataclasses would cost the importing process more than parsing saves.
            encoded = encode_tokens(item.text, item.tokens, item.token_dicts) if item.tokens is not None else None
            spans = [(d.start, d.end, d.label, d.kind, d.speaker, d.speaker_entity, d.cue) for d in item.spans]
            item = replace(item, spans=(), tokens=() if encoded else None, token_dicts=None, encoded_tokens=encoded)
            out.append((item, spans))
        else:
            out.append(item)
    return out


def _rebuild(parsed: list) -> Iterator[Item]:
    for entry in parsed:
        if isinstance(entry, tuple):
            item, spans = entry
            yield replace(item, spans=tuple(SpanDraft(*span) for span in spans))
        else:
            yield entry


def _jobs(path: Path, schema: Schema | None, advance: Advance, problems: list[Problem]):
    lines = jsonl_lines(path, advance)
    while True:
        chunk = []
        for item in islice(lines, CHUNK):
            if isinstance(item, Problem):
                problems.append(item)
            else:
                chunk.append(item)
        if not chunk:
            return
        yield str(path), schema, chunk


def read_paths_parallel(paths: Iterable[str | Path], schema: Schema | None, advance: Advance,
                        workers: int = 2) -> Iterator[Item]:
    """Like read_paths, in the same order, with JSONL lines parsed by `workers` processes."""
    context = multiprocessing.get_context("spawn")  # no fork: the caller may hold threads and a database
    with context.Pool(workers) as pool:
        for found in list_files(paths):
            if isinstance(found, Problem):
                yield found
            elif found.suffix.lower() != ".jsonl":
                yield from read_txt(found, advance)
            else:
                problems: list[Problem] = []
                for parsed in _bounded_map(pool, _jobs(found, schema, advance, problems), 2 * workers):
                    yield from problems
                    problems.clear()
                    yield from _rebuild(parsed)
                yield from problems


def _bounded_map(pool, jobs, ahead: int):
    """pool.imap reads its whole input at once; this keeps `ahead` chunks in flight, so memory stays flat."""
    pending: deque = deque()
    for job in jobs:
        pending.append(pool.apply_async(_parse_chunk, (job,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
