"""The registry of interchange formats: each format is one module of this package, named once.

A module defines `FORMAT = Format(...)`: its name, what it keeps and what it loses, its reader
and/or writer, and how to tell its files apart. `annotator import --format`, `annotator export
--format`, `annotator formats` and the apps' export keys all look formats up here, so adding a
format is adding one module. Modules import heavy things (spaCy) inside their functions only.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.errors import UserError
from annotator.ingest.readers import Advance, Item, Problem, list_files

if TYPE_CHECKING:
    from annotator.export.gold import GoldArticle
    from annotator.schema import Schema
    from annotator.store import Store


def _noop(_: int) -> None:
    pass


@dataclass(frozen=True)
class ReadOptions:
    """What a reader needs besides the file. `annotator`: whose finished work the file's
    annotations are, for formats whose files do not say (CoNLL). `pack`: encode tokens and spans
    for the store as they are read (import does). `jsonl`: read a JSONL file another way
    (ingest/parallel.py: in worker processes)."""

    schema: Schema | None = None
    annotator: str | None = None
    advance: Advance = _noop
    pack: bool = False
    jsonl: Callable[[Path], Iterator[Item]] | None = None


@dataclass
class ExportJob:
    """One export: where to, of what (an annotator's work, everyone's, or the adjudicated gold)."""

    store: Store
    output: Path
    schema: Schema | None = None  # None: the default schema
    annotator: str | None = None
    include_unfinished: bool = False
    gold: bool = False
    include_suggestions: bool = False
    parallel: bool = True  # may a big export use worker processes (not from inside the app)

    @property
    def label_schema(self) -> Schema:
        if self.schema is None:
            from annotator.schema import default_schema_path, load_schema

            self.schema = load_schema(default_schema_path())
        return self.schema

    def golds(self) -> Iterator[GoldArticle]:
        """The finished work to write, streamed in article order (GoldArticle, export/gold.py)."""
        if self.gold:
            from annotator.export.adjudicated import iter_adjudicated

            return iter_adjudicated(self.store)
        from annotator.export.gold import iter_gold

        return iter_gold(self.store, self.annotator, self.include_unfinished)


Reader = Callable[[Path, ReadOptions], Iterator[Item]]
Writer = Callable[[ExportJob], tuple[int, int]]  # -> (articles or lines written, spans written)


@dataclass(frozen=True)
class Format:
    name: str  # what --format takes
    title: str  # what it is, for `annotator formats`
    keeps: str
    loses: str
    suffixes: tuple[str, ...] = ()  # files this format's reader takes from a folder, or its writer writes
    read: Reader | None = None
    write: Writer | None = None
    # Does a file that starts with these bytes (and has this suffix) look like this format?
    sniff: Callable[[bytes, str], bool] | None = None
    folder: bool = False  # the writer writes a folder, not a file
    suggestions: bool = False  # the writer can add undecided suggestions (--include-suggestions)
    also_writes: Callable[[Path], list[Path]] = field(default=lambda _: [])  # files beside the output
    order: int = 50  # where `annotator formats` lists it

    @property
    def direction(self) -> str:
        return {(True, True): "both", (True, False): "import", (False, True): "export"}[
            (self.read is not None, self.write is not None)]


@cache
def _formats() -> dict[str, Format]:
    # The modules beside this one, found by folder: importing the package here would be a cycle.
    found: dict[str, Format] = {}
    for module in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if module.name.startswith("_") or module.name == "registry":
            continue
        fmt = getattr(importlib.import_module(f"{__package__}.{module.name}"), "FORMAT", None)
        if isinstance(fmt, Format):
            found[fmt.name] = fmt
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def all_formats() -> list[Format]:
    return list(_formats().values())


def get(name: str, need: str = "") -> Format:
    """The format called `name`; `need` ("read" or "write") refuses one that cannot do that."""
    fmt = _formats().get(name)
    if fmt is None:
        raise UserError(f"no format {name!r}; `annotator formats` lists them: {', '.join(_formats())}", 2)
    if need and getattr(fmt, need) is None:
        can = [f.name for f in all_formats() if getattr(f, need) is not None]
        verb = "imports" if need == "read" else "exports"
        raise UserError(f"annotator {verb} no {name!r} files; it {verb} {', '.join(can)}", 2)
    return fmt


def readable_suffixes() -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for f in all_formats() if f.read for s in f.suffixes))


HEAD_BYTES = 8192


def detect(path: Path) -> Format | Problem:
    """The format of a file, from its first bytes and its suffix; the first reader that claims it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        return Problem(str(path), f"cannot read the file ({exc.strerror})")
    suffix = path.suffix.lower()
    readers = [f for f in all_formats() if f.read is not None]
    for fmt in sorted(readers, key=lambda f: f.sniff is None):
        if fmt.sniff is not None and fmt.sniff(head, suffix):
            return fmt
    for fmt in readers:
        if suffix in fmt.suffixes:
            return fmt
    return Problem(str(path), "cannot tell which format this is; pass --format NAME (`annotator formats` lists them)")


def read_paths(paths: Iterable[str | Path], options: ReadOptions, name: str | None = None) -> Iterator[Item]:
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
