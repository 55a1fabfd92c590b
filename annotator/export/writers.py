"""Writers for exported gold data: JSONL (Prodigy) and spaCy DocBin. Both stream."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.errors import EXIT_EXISTS, UserError
from annotator.export.gold import GoldArticle
from annotator.export.prodigy import span_tuple, task_line
from annotator.model import Article, attribution_form

if TYPE_CHECKING:
    from spacy.tokens import Doc

ANSWERS = {"done": "accept", "rejected": "reject", "ignored": "ignore", "skipped": "ignore"}


def check_target(path: Path, force: bool) -> None:
    """Refuse, in one line naming the wrong path, a target that cannot be written or would overwrite."""
    for ancestor in path.parents:  # the nearest one that exists must be a folder
        if ancestor.exists():
            if not ancestor.is_dir():
                raise UserError(f"{ancestor}: is a file, not a folder, so {path} cannot go inside it;"
                                " give -o a path in a folder")
            break
    if path.exists() and not force:
        raise UserError(f"{path}: exists; pass --force to overwrite it", EXIT_EXISTS)
    if path.parent and not path.parent.is_dir():
        raise UserError(f"{path.parent}: no such folder for the export")


def meta_of(article: Article) -> dict[str, Any]:
    """An exported article's meta: as imported, plus title, source, date and dateline, plus article_id."""
    meta = dict(article.meta)
    for key in ("title", "source", "date", "dateline"):
        value = getattr(article, key)
        if value and key not in meta:
            meta[key] = value
    # Kept when the article came from another database's export, so export → import → export is exact.
    meta.setdefault("article_id", article.id)
    return meta


def task_of(gold: GoldArticle) -> bytes:
    article = gold.article
    meta = meta_of(article)
    meta.update(gold.work)  # this annotator's active seconds and flag note: import takes them back
    spans = [span_tuple(article.text, s.start, s.end, s.label, s.kind) for s in gold.spans]
    return task_line(article.text, meta, gold.token_json, gold.token_starts, gold.token_ends, spans,
                     gold.relations(), {
                         "answer": ANSWERS.get(gold.status, "accept"),
                         "_view_id": "spans_manual",
                         "_timestamp": gold.timestamp,
                         "_annotator_id": gold.annotator,
                         "_session_id": gold.annotator,
                     })


def _atomic_target(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def write_jsonl(golds: Iterable[GoldArticle], path: Path) -> tuple[int, int]:
    """Write lines to a temporary file, then rename: a half-written export never looks finished."""
    tmp = _atomic_target(path)
    lines = spans = 0
    try:
        with tmp.open("wb") as out:
            for gold in golds:
                out.write(task_of(gold))
                out.write(b"\n")
                lines += 1
                spans += len(gold.spans)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return lines, spans


SHARD_DOCS = 1000


def _docs(golds: Iterable[GoldArticle], schema_kinds: dict[str, str], nlp) -> Iterator[tuple[Doc, int]]:
    from spacy.tokens import Doc
    from spacy.util import filter_spans

    for gold in golds:
        article = gold.article
        text = article.text
        bounds = list(zip(gold.token_starts, gold.token_ends, strict=True))
        words = [text[s:e] for s, e in bounds]
        spaces = [text[e:e + 1] == " " for _, e in bounds]
        doc = Doc(nlp.vocab, words=words, spaces=spaces) if bounds else nlp.make_doc(text)
        if doc.text != text:  # stored tokens that do not cover the text: tokenize afresh
            doc = nlp.make_doc(text)
        groups: dict[str, list] = {"entity": [], "quote": [], "speaker": [], "cue": []}
        by_id = {}
        forms = []  # a span's label stays the schema's; its form (direct, mixed, indirect) goes beside it
        for span in gold.spans:
            found = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
            if found is None:
                continue
            by_id[span.id] = found
            kind = schema_kinds.get(span.label, span.kind)
            groups.setdefault(kind, []).append(found)
            if kind == "quote":
                forms.append([found.start_char, found.end_char, attribution_form(text, (span.start, span.end))])
        # Unfinished articles leave unmarked tokens missing, not O: nobody said they are not entities.
        doc.set_ents(filter_spans(groups["entity"]), default="outside" if gold.status == "done" else "missing")
        doc.spans["quotes"] = groups["quote"]
        doc.spans["speakers"] = groups["speaker"]
        doc.spans["cues"] = groups["cue"]
        for key, name in (("speakers", "SPEAKER"), ("cues", "CUE")):  # [quote start, end, child start, end]
            doc.user_data[key] = [
                [by_id[g.id].start_char, by_id[g.id].end_char, by_id[s.id].start_char, by_id[s.id].end_char]
                for h, c, label in gold.relations() if label == name
                for g, s in [(gold.spans[h], gold.spans[c])] if g.id in by_id and s.id in by_id
            ]
        doc.user_data["forms"] = forms
        doc.user_data["meta"] = {"article_id": article.id, "annotator": gold.annotator, **gold.work}
        yield doc, len(gold.spans)


def write_docbin(golds: Iterable[GoldArticle], path: Path, schema_kinds: dict[str, str]) -> tuple[int, int]:
    """spaCy DocBin: entities as doc.ents, quotes in doc.spans["quotes"], speaker mentions in
    doc.spans["speakers"], cues in doc.spans["cues"], quote-to-speaker and quote-to-cue links in
    user_data["speakers"] and user_data["cues"], each quote's form in user_data["forms"].

    A path ending in .spacy gets one file (a DocBin is built in memory); any other path becomes a
    folder of .spacy shards of SHARD_DOCS documents, which `spacy train` reads as one corpus and
    which keeps memory flat however big the export.
    """
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    sharded = path.suffix != ".spacy"
    if sharded:
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("part-*.spacy"):  # --force over an earlier, longer export
            stale.unlink()
    docbin, shard = DocBin(store_user_data=True), 0
    docs = spans_total = 0

    def flush(target: Path) -> None:
        tmp = _atomic_target(target)
        try:
            docbin.to_disk(tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)

    for doc, spans in _docs(golds, schema_kinds, nlp):
        docbin.add(doc)
        docs += 1
        spans_total += spans
        if sharded and len(docbin) >= SHARD_DOCS:
            flush(path / f"part-{shard:05d}.spacy")
            docbin, shard = DocBin(store_user_data=True), shard + 1
    if not sharded:
        flush(path)
    elif len(docbin) or shard == 0:
        flush(path / f"part-{shard:05d}.spacy")
    return docs, spans_total
