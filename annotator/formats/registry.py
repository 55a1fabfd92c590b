"""The registry of interchange formats: each format is one `Format` (name, what it keeps and what
it loses, its reader and/or writer, how to tell its files apart), found in one place.

The built-in formats are the modules of this package that define `FORMAT = Format(...)`; a format
from another distribution plugs in through the entry point group `annotator.formats`, naming its
`Format` (or a module with a `FORMAT`):

    [project.entry-points."annotator.formats"]
    myformat = "my_package.my_format:FORMAT"

`annotator import --format`, `annotator export --format`, `annotator formats` and the apps' export
keys all look formats up here, so adding a format is adding one module. Modules import heavy
things (spaCy) inside their functions only. This layer reads and writes files; which files to
import (ingest/) and which work to export (export/) are decided above it.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from annotator.errors import UserError
from annotator.formats.base import Advance, Item, Problem, noop

if TYPE_CHECKING:
    from annotator.model import GoldArticle
    from annotator.schema import Schema
    from annotator.store import Store

ENTRY_POINTS = "annotator.formats"


@dataclass(frozen=True)
class ReadOptions:
    """What a reader needs besides the file. `annotator`: whose finished work the file's
    annotations are, for formats whose files do not say (CoNLL). `pack`: encode tokens and spans
    for the store as they are read (import does). `jsonl`: read a JSONL file another way
    (ingest/parallel.py: in worker processes)."""

    schema: Schema | None = None
    annotator: str | None = None
    advance: Advance = noop
    pack: bool = False
    jsonl: Callable[[Path], Iterator[Item]] | None = None


PartWriter = Callable[["Iterable[GoldArticle]", Path], tuple[int, int]]


class WriteJob(Protocol):
    """What a writer is given: the work to write and where (export/job.py: ExportJob is one)."""

    store: Store
    output: Path
    include_suggestions: bool

    @property
    def label_schema(self) -> Schema: ...

    def golds(self) -> Iterator[GoldArticle]:
        """The finished work to write, streamed in article order."""
        ...

    def in_parts(self, write: PartWriter) -> tuple[int, int] | None:
        """Write the work with `write` in runs on several cores, the files joined in order, when it is
        worth it (files that join end to end: JSONL); None when the caller should write it at once."""
        ...


Reader = Callable[[Path, ReadOptions], Iterator[Item]]
Writer = Callable[[WriteJob], tuple[int, int]]  # -> (articles or lines written, spans written)


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


def _builtin() -> Iterator[Format]:
    """The modules beside this one that define FORMAT, found by folder."""
    for module in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if module.name.startswith("_") or module.name == "registry":
            continue
        fmt = getattr(importlib.import_module(f"{__package__}.{module.name}"), "FORMAT", None)
        if isinstance(fmt, Format):
            yield fmt


def _plugged_in() -> Iterator[tuple[Format, str]]:
    """(format, the distribution it comes from) of each format registered under the entry point
    group `annotator.formats`. One that fails to load is left out with a line on stderr: a broken
    plug-in must not stop import and export."""
    for point in entry_points(group=ENTRY_POINTS):
        dist = getattr(getattr(point, "dist", None), "name", None) or point.value.split(":")[0]
        try:
            found = point.load()
        except Exception as exc:  # whatever a plug-in's import raises
            print(f"annotator: format {point.name!r} from {dist} cannot be loaded: {exc}", file=sys.stderr)
            continue
        fmt = getattr(found, "FORMAT", found)
        if isinstance(fmt, Format):
            yield fmt, dist
        else:
            print(f"annotator: format {point.name!r} from {dist} is not a Format ({point.value})", file=sys.stderr)


@cache
def _found() -> tuple[dict[str, Format], dict[str, str]]:
    """The formats by name, in listing order, and where each plugged-in one comes from."""
    found: dict[str, Format] = {}
    origins: dict[str, str] = {}
    for fmt, dist in _plugged_in():
        found[fmt.name], origins[fmt.name] = fmt, dist
    for fmt in _builtin():  # a built-in name keeps its built-in format
        found[fmt.name] = fmt
        origins.pop(fmt.name, None)
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0]))), origins


def _formats() -> dict[str, Format]:
    return _found()[0]


def origin(name: str) -> str | None:
    """The distribution a plugged-in format comes from; None for a built-in one."""
    return _found()[1].get(name)


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
