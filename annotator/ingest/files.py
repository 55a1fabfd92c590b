"""Finding the files to import and picking each one's format: folders walked in name order, each
file once, read by the format `--format` names or else by the one its content shows
(formats/registry.py: detect). The formats read; this module only chooses."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotator.formats.base import Advance, Item, Problem, noop, unreadable
from annotator.formats.jsonl import read_jsonl
from annotator.formats.registry import ReadOptions, detect, get, readable_suffixes
from annotator.formats.text import read_txt
from annotator.schema import Schema

ARTICLE_SUFFIXES = (".txt", ".jsonl")


def list_files(paths: Iterable[str | Path], suffixes: Iterable[str] = ARTICLE_SUFFIXES,
               any_suffix: bool = False) -> Iterator[Path | Problem]:
    """The article files under `paths` (those with one of `suffixes`), folders walked recursively in
    name order, each file once. A file named itself may have any suffix when `any_suffix`.

    Symlinked folders are followed, but a folder already seen (a loop) is not entered again.
    """
    suffixes = tuple(suffixes)
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[tuple[int, int]] = set()

    def walk(folder: Path) -> Iterator[Path | Problem]:
        try:
            stat = folder.stat()
        except OSError as exc:
            yield Problem(str(folder), f"cannot read the folder ({exc.strerror})")
            return
        if (stat.st_dev, stat.st_ino) in seen_dirs:
            return
        seen_dirs.add((stat.st_dev, stat.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Problem(str(folder), f"cannot read the folder ({exc.strerror})")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                yield from walk(path)
            elif path.suffix.lower() in suffixes:
                yield from once(path)

    def once(path: Path) -> Iterator[Path | Problem]:
        try:
            stat = path.stat()
        except OSError as exc:
            yield unreadable(path, exc)
            return
        key = (stat.st_dev, stat.st_ino)
        if key not in seen_files:
            seen_files.add(key)
            yield path

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from walk(path)
        elif not path.exists():
            yield Problem(str(path), "no such file or folder")
        elif not any_suffix and path.suffix.lower() not in suffixes:
            named = ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]
            yield Problem(str(path), f"not an article file; give {named} files, or a folder"
                          + ("" if suffixes == ARTICLE_SUFFIXES else ", or --format NAME"))
        else:
            yield from once(path)


def read_paths(paths: Iterable[str | Path], schema: Schema | None = None, advance: Advance = noop,
               pack: bool = False, jsonl: Callable[[Path], Iterator[Item]] | None = None) -> Iterator[Item]:
    """Every article (or problem) in the .txt and .jsonl files under `paths`, in a stable order;
    `pack` as in formats/jsonl.py. `jsonl` reads a JSONL file in another way (ingest/parallel.py:
    in worker processes)."""
    for found in list_files(paths):
        if isinstance(found, Problem):
            yield found
        elif found.suffix.lower() == ".jsonl":
            yield from jsonl(found) if jsonl else read_jsonl(found, schema, advance, pack)
        else:
            yield from read_txt(found, advance)


def read_formats(paths: Iterable[str | Path], options: ReadOptions, name: str | None = None) -> Iterator[Item]:
    """Every article (or problem) under `paths`, each file read by format `name`, else by the
    format its content shows (detect)."""
    chosen = get(name, "read") if name else None
    suffixes = chosen.suffixes if chosen else readable_suffixes()
    for found in list_files(paths, suffixes, any_suffix=chosen is not None):
        if isinstance(found, Problem):
            yield found
            continue
        fmt = chosen or detect(found)
        if isinstance(fmt, Problem):
            yield fmt
        else:
            yield from fmt.read(found, options)  # type: ignore[misc]
