"""What several format modules share: atomic output, work grouped by article, offsets, times."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from annotator.model import Article, ArticleDraft, GoldArticle, GoldSpan, speaker_links


@contextmanager
def atomic_file(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a temporary file beside `path`, renamed over it at the end: a half-written export
    never looks finished."""
    tmp = path.with_name(f".{path.name}.partial")
    try:
        with tmp.open(mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as out:
            yield out
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def described(article: Article | ArticleDraft) -> dict[str, Any]:
    """An article's meta as imported, plus its title, source, date and dateline."""
    meta = dict(article.meta)
    for key in ("title", "source", "date", "dateline"):
        value = getattr(article, key)
        if value and key not in meta:
            meta[key] = value
    return meta


def meta_of(article: Article) -> dict[str, Any]:
    """An exported article's meta: as imported, plus title, source, date and dateline, plus article_id."""
    meta = described(article)
    # Kept when the article came from another database's export, so export → import → export is exact.
    meta.setdefault("article_id", article.id)
    return meta


def by_article(golds: Iterable[GoldArticle]) -> Iterator[tuple[Article, list[GoldArticle]]]:
    """Finished work grouped by article (iter_gold yields it in article order)."""
    for _, group in groupby(golds, key=lambda gold: gold.article.id):
        works = list(group)
        yield works[0].article, works


def with_every_article(store, golds: Iterable[GoldArticle]) -> Iterator[tuple[Article, list[GoldArticle]]]:
    """Every article of the store in id order, each with its finished work (often none)."""
    works = by_article(golds)
    pending = next(works, None)
    for article in store.iter_articles():
        if pending is not None and pending[0].id == article.id:
            yield pending
            pending = next(works, None)
        else:
            yield article, []


def suggestion_spans(rows: Iterable[tuple]) -> tuple[GoldSpan, ...]:
    """Store rows of undecided suggestions as GoldSpans, their speaker links kept within them."""
    spans = tuple(GoldSpan(*row) for row in rows)
    ids = {span.id for span in spans}
    return tuple(span._replace(speaker_span_id=span.speaker_span_id if span.speaker_span_id in ids else None,
                               speaker_entity_span_id=span.speaker_entity_span_id
                               if span.speaker_entity_span_id in ids else None,
                               cue_span_id=span.cue_span_id if span.cue_span_id in ids else None) for span in spans)


def ordered(spans: Iterable[GoldSpan]) -> list[GoldSpan]:
    """Spans in the order every writer uses: by start, longest first, then label (as Prodigy lines)."""
    return sorted(spans, key=lambda s: (s.start, -s.end, s.label))


def links(spans: Iterable[GoldSpan]) -> list[tuple[GoldSpan, GoldSpan, str]]:
    """(quote, speaker or cue, SPEAKER | SPEAKER_ENTITY | CUE) among these spans, SPEAKER_ENTITY only when it differs."""
    spans = list(spans)
    by_id = {span.id: span for span in spans}
    out = []
    for span in spans:
        if span.kind != "quote":
            continue
        out += [(span, by_id[ref], label) for ref, label in
                speaker_links(span.speaker_span_id, span.speaker_entity_span_id, span.cue_span_id) if ref in by_id]
    return out


class Utf16:
    """Offsets in UTF-16 code units (what JavaScript, and so Label Studio, counts) to and from
    Python's code points. The same numbers unless the text has characters beyond the BMP."""

    def __init__(self, text: str) -> None:
        wide = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self.wide = wide

    def to_js(self, index: int) -> int:
        from bisect import bisect_left

        return index + bisect_left(self.wide, index) if self.wide else index

    def from_js(self, index: int) -> int:
        if not self.wide:
            return index
        python = index
        for n, at in enumerate(self.wide):  # each wide character before `index` counts twice in JS
            if at + n < index:
                python -= 1
            else:
                break
        return python


def iso(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def epoch(text: Any) -> float | None:
    """An ISO time (as Label Studio writes them) as seconds since 1970; None when there is none."""
    if not isinstance(text, str) or not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    stamp = when.timestamp()
    return int(stamp) if stamp == int(stamp) else stamp


def json_array_items(text: str) -> Iterator[tuple[int, Any]] | str:
    """(line number, item) of each item of a JSON array, or why the text is not one; the line
    numbers let every problem name FILE:LINE."""
    decoder = json.JSONDecoder()
    items: list[tuple[int, Any]] = []
    at = _skip(text, 0)
    if text[at:at + 1] == "{":  # one task on its own
        try:
            obj, _ = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            return f"{exc.lineno}: not valid JSON ({exc.msg} at column {exc.colno})"
        return iter([(text.count("\n", 0, at) + 1, obj)])
    if text[at:at + 1] != "[":
        return "1: not a JSON list of tasks"
    at = _skip(text, at + 1)
    line, counted = 1, 0
    while text[at:at + 1] != "]":
        try:
            obj, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            return f"{exc.lineno}: not valid JSON ({exc.msg} at column {exc.colno})"
        except RecursionError:
            return f"{text.count(chr(10), 0, at) + 1}: not valid JSON (nested too deeply)"
        line += text.count("\n", counted, at)
        counted = at
        items.append((line, obj))
        at = _skip(text, end)
        if text[at:at + 1] == ",":
            at = _skip(text, at + 1)
        elif text[at:at + 1] != "]":
            return f"{text.count(chr(10), 0, at) + 1}: not valid JSON (expected ',' or ']' after a task)"
    return iter(items)


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def write_standoff(job: Any, kind: str, name_of: Callable[[GoldArticle], str],
                   ann_lines: Callable[[GoldArticle], Iterable[str]], confs: dict[str, str],
                   counted: Callable[[GoldArticle, list[str]], int]) -> tuple[int, int]:
    """A folder of NAME.txt and NAME.ann per article and annotator (brat's standoff layout), plus the
    `confs` files; written beside the folder and renamed over it once whole. Returns the articles
    written and what `counted` counts of each (spans, attributions)."""
    count = items = 0
    with replaced_folder(job.output, kind) as partial:
        for gold in job.golds():
            name = name_of(gold)
            (partial / f"{name}.txt").write_text(gold.article.text, encoding="utf-8", newline="\n")
            lines = list(ann_lines(gold))
            with atomic_file(partial / f"{name}.ann") as ann:
                ann.writelines(line + "\n" for line in lines)
            count += 1
            items += counted(gold, lines)
        for conf, content in confs.items():
            (partial / conf).write_text(content, encoding="utf-8")
    return count, items


@contextmanager
def replaced_folder(folder: Path, kind: str) -> Iterator[Path]:
    """A folder export: written into a partial folder beside `folder`, which replaces it only once
    the block ends whole (with --force the old export goes only then); on error nothing changes."""
    if folder.exists() and not folder.is_dir():
        raise OSError(f"{folder} is a file, and {kind} is a folder")
    partial = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        yield partial
        if folder.exists():
            shutil.rmtree(folder)
        partial.rename(folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)

