"""Importing articles into a store: read, skip duplicates, tokenize, pre-extract, write in batches."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator import extract as extract_package
from annotator.errors import InputError
from annotator.formats.base import Problem, unknown_problem
from annotator.formats.registry import ReadOptions
from annotator.ingest.files import read_formats
from annotator.ingest.parallel import read_paths_parallel, worth_it
from annotator.model import ArticleDraft, model_id
from annotator.schema import Schema
from annotator.store import Store
from annotator.store.bulk import Answer
from annotator.store.day import WORK_META
from annotator.tokens import token_offsets, tokenizes_alike

BATCH = 256


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass
class ImportSummary:
    imported: int = 0
    duplicates: int = 0
    skipped: int = 0
    spans: int = 0
    annotated: int = 0  # answered lines recorded as an annotator's work
    problems: list[Problem] = field(default_factory=list)
    warning: str | None = None  # e.g. "no spaCy model installed; entities are off"
    dropped: Counter[str] = field(default_factory=Counter)  # spans left out: the schema drops their label
    unknown: Counter[str] = field(default_factory=Counter)  # spans of labels the schema does not know, left out
    unknown_articles: list[str] = field(default_factory=list)  # FILE:LINE of each article imported without them
    refused: Counter[str] = field(default_factory=Counter)  # the same labels in finished work, which is refused
    refused_articles: list[str] = field(default_factory=list)  # FILE:LINE of each answered article refused

    def label_notes(self, schema: Schema) -> list[str]:
        """What happened to labels the schema drops or does not know: one line each, not one an article."""
        notes = []
        if self.dropped:
            counts = ", ".join(f"{label} {n}" for label, n in self.dropped.most_common())
            notes.append(f"left out {self.dropped.total()} spans whose labels the schema drops: {counts}")
        if self.unknown:
            notes.append(
                f"imported {_articles(len(self.unknown_articles))} without their spans of labels the schema "
                f"neither has, maps nor drops, the first at {self.unknown_articles[0]}: {_counts(self.unknown)}. "
                f"{_fix(self.unknown, schema)}")
        if self.refused:
            notes.append(
                f"skipped {_articles(len(self.refused_articles))} of finished work (kept whole or not at all) "
                f"with labels the schema neither has, maps nor drops, the first at {self.refused_articles[0]}: "
                f"{_counts(self.refused)}. {_fix(self.refused, schema)}")
        return notes


def _articles(n: int) -> str:
    return f"{n} article{'s' * (n != 1)}"


def _counts(labels: Counter[str]) -> str:
    return ", ".join(f"{label} ({n} span{'s' * (n != 1)})" for label, n in labels.most_common())


def _fix(labels: Counter[str], schema: Schema) -> str:
    """How to keep an unknown label: add it, map it (to the schema label its name suggests, if any), or drop it."""
    first = labels.most_common(1)[0][0]
    target = likely_label(first, schema)
    entities = [label.name for label in schema.labels_of("entity")]
    to = target or "LABEL"
    where = "" if target else f", LABEL one of {', '.join(entities)}"
    return (f"Add each to the schema's labels, map it (map: {{{first}: {to}}}{where}) "
            f"or drop it (drop: [{first}])")


def likely_label(label: str, schema: Schema) -> str | None:
    """The entity label a foreign label's name points at (PERS -> PERSON, ORGANIZATION -> ORG), or None:
    a guess is offered only when one name begins the other."""
    wanted = label.upper()
    found = [name.name for name in schema.labels_of("entity")
             if len(min(wanted, name.name.upper(), key=len)) >= 3
             and (wanted.startswith(name.name.upper()) or name.name.upper().startswith(wanted))]
    return found[0] if len(found) == 1 else None


def import_paths(
    store: Store,
    paths: Iterable[str | Path],
    schema: Schema,
    *,
    extract: bool = True,
    model: str | None = None,
    strict: bool = False,
    n_process: int = 1,
    batch_size: int = 64,
    annotator: str | None = None,
    parse_workers: int | None = None,
    advance: Callable[[int], None] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    format: str | None = None,
) -> ImportSummary:
    """Import every article under `paths`. With strict, any problem aborts before anything is written.

    Lines that carry an `answer` are recorded as work of `annotator` (else their `_annotator_id`,
    else `_session_id`); other articles are imported as suggestions to correct. Big JSONL inputs are
    parsed by `parse_workers` processes (default: 2 when there is enough input to gain from it).
    """
    paths = list(paths)
    summary = ImportSummary()
    if strict:
        _refuse_any_problem(paths, schema, annotator, format, summary)

    extractor = None
    if extract:
        extractor = extract_package.load_extractor(schema, model)  # loads spaCy and a model
        summary.warning = getattr(extractor, "warning", None)

    batch: list[ArticleDraft] = []
    seen: set[str] = set()

    def flush() -> None:
        _write_batch(store, batch, extractor, summary, n_process, batch_size)
        batch.clear()

    def problem(item: Problem) -> None:
        summary.problems.append(item)
        summary.skipped += 1
        if item.unknown:  # said once for the whole import (label_notes), not once a line
            summary.refused.update(dict(item.unknown))
            summary.refused_articles.append(item.where)
        elif on_problem:
            on_problem(item)

    advance = advance or (lambda _: None)
    if parse_workers is None:
        parse_workers = 2 if format in (None, "jsonl") and worth_it(paths) else 0
    for item in _with_annotator(_read(paths, schema, annotator, advance, parse_workers, format), annotator):
        if isinstance(item, Problem):
            problem(item)
            continue
        if item.dropped:
            summary.dropped.update(dict(item.dropped))
        if item.unknown:
            summary.unknown.update(dict(item.unknown))
            summary.unknown_articles.append(item.origin)
        if item.answer is not None:  # someone's work: the article may well be there already
            batch.append(item)
            if len(batch) >= BATCH:
                flush()
            continue
        digest = text_hash(item.text)
        if digest in seen or store.has_hash(digest):
            summary.duplicates += 1
            continue
        seen.add(digest)
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return summary


def _refuse_any_problem(paths: list, schema: Schema, annotator: str | None, format: str | None,
                        summary: ImportSummary) -> None:
    """--strict: read everything first; any problem stops the import before anything is written."""
    items = read_formats(paths, ReadOptions(schema, annotator), format)
    problems = [_unknown_as_problem(item) for item in _with_annotator(items, annotator)
                if isinstance(item, Problem) or item.unknown]
    if problems:
        summary.problems = problems
        summary.skipped = len(problems)
        raise InputError(f"{problems[0]} (--strict: nothing imported; {len(problems)} problem(s) in all)")


def _read(paths: list, schema: Schema, annotator: str | None, advance: Callable[[int], None],
          parse_workers: int, format: str | None) -> Iterable[ArticleDraft | Problem]:
    """The articles and problems under `paths`, parsed by `parse_workers` processes when there are any."""
    options = ReadOptions(schema, annotator, advance, pack=True)
    if parse_workers:
        return read_paths_parallel(paths, schema, advance, parse_workers, read=lambda jsonl: read_formats(
            paths, replace(options, jsonl=jsonl), format))
    return read_formats(paths, options, format)


def _unknown_as_problem(item: ArticleDraft | Problem) -> Problem:
    """--strict refuses an article with spans of unknown labels, as it refuses any other bad input."""
    return item if isinstance(item, Problem) else unknown_problem(item.origin, item.unknown, item.unknown_first)


def _with_annotator(items: Iterable[ArticleDraft | Problem], annotator: str | None):
    """Name the annotator of answered lines; an answered line nobody owns is a problem."""
    for item in items:
        if isinstance(item, ArticleDraft) and item.answer is not None:
            who = annotator or item.annotator
            if not who:
                yield Problem(item.origin, "an answered line needs --annotator NAME, '_annotator_id' or '_session_id'")
                continue
            if who != item.annotator:
                item = replace(item, annotator=who)
        yield item


def _write_batch(store: Store, drafts: Sequence[ArticleDraft], extractor, summary: ImportSummary,
                 n_process: int, batch_size: int) -> None:
    """Tokenize and extract outside the write lock; then one short transaction for the batch."""
    drafts = list(drafts)
    found_tokens: list[tuple[tuple[int, int], ...] | None] = [None] * len(drafts)
    origins = ["import"] * len(drafts)
    if extractor is not None:
        # Articles that arrive with spans (even if only of labels the schema does not know), or with an
        # answer, are kept as they are; the others are pre-extracted.
        todo = [i for i, d in enumerate(drafts) if not d.span_count and not d.unknown and d.answer is None]
        texts = [drafts[i].text for i in todo]
        # The model's Doc has the store's tokens when its tokenizer is the store's: not tokenized twice.
        if tokenizes_alike(getattr(extractor, "nlp", None)):
            found = extractor.pipe_with_tokens(texts, n_process=n_process, batch_size=batch_size)
        else:
            found = ((spans, None) for spans in extractor.pipe(texts, n_process=n_process, batch_size=batch_size))
        for i, (spans, tokens) in zip(todo, found, strict=True):
            drafts[i] = replace(drafts[i], spans=tuple(spans), packed_spans=None)
            origins[i] = "model"
            if drafts[i].needs_tokens:
                found_tokens[i] = tokens
    need = [i for i, d in enumerate(drafts) if d.needs_tokens and found_tokens[i] is None]
    if need:  # (and not otherwise: making the store's tokenizer takes half a second)
        for i, offsets in zip(need, token_offsets([drafts[i].text for i in need]), strict=True):
            found_tokens[i] = offsets
    tokens = [found if found is not None else d.tokens or () for d, found in zip(drafts, found_tokens, strict=True)]
    with store.write(bulk=True) as conn:
        answers, works = [], []
        for draft, toks, origin in zip(drafts, tokens, origins, strict=True):
            if draft.answer is not None:
                # An export's active seconds and flag belong to the line's annotator, not to the article.
                works.append({k: draft.meta[k] for k in WORK_META if k in draft.meta})
                if works[-1]:
                    draft = replace(draft, meta={k: v for k, v in draft.meta.items() if k not in WORK_META})
                answers.append(_answer_of(store, conn, draft, toks, summary))
                continue
            article_id = store.insert_article(conn, draft, text_hash(draft.text), toks, origin,
                                              model=_model_id(extractor))
            if article_id is None:
                summary.duplicates += 1
            else:
                summary.imported += 1
                summary.spans += draft.span_count
        for answer, work, recorded in zip(answers, works, store.record_answers(conn, answers) if answers else (),
                                          strict=True):
            if recorded is None:
                summary.duplicates += 1
            else:
                summary.annotated += 1
                summary.spans += recorded
                if work:
                    store.record_work_meta(conn, answer.article_id, answer.annotator, work)


def _model_id(extractor) -> str | None:
    """What spans.model records for this import's suggestions (as `annotator suggest` does)."""
    if extractor is None or not getattr(extractor, "model_name", None):
        return None
    return model_id(extractor.model_name, extractor.nlp)


def _answer_of(store: Store, conn, draft: ArticleDraft, tokens, summary: ImportSummary) -> Answer:
    """The article of an answered line (made if new) and what Store.record_answers needs of it."""
    digest = text_hash(draft.text)
    # The line's spans are its annotator's work, not suggestions: record_answers writes them.
    article_id = store.insert_article(conn, draft, digest, tokens, "import", with_spans=False)
    new_article = article_id is not None
    if new_article:
        summary.imported += 1
    else:
        article_id = store.article_id_of(conn, digest)
    stamp = draft.timestamp if draft.timestamp is not None else time.time()
    return Answer(article_id, new_article, draft.annotator, draft.packed_spans or draft.spans, draft.answer, stamp)
