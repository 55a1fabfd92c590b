"""spaCy's DocBin, for `spacy train`: written from finished work, not read back."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.formats.registry import Format, WriteJob
from annotator.model import GoldArticle, attribution_form

if TYPE_CHECKING:
    from spacy.tokens import Doc

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
        tmp = target.with_name(f".{target.name}.partial")
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


def write(job: WriteJob) -> tuple[int, int]:
    kinds = {label.name: label.kind for label in job.label_schema.labels}
    return write_docbin(job.golds(), job.output, kinds)


FORMAT = Format(
    name="spacy",
    title="spaCy DocBin (-o FILE.spacy, or -o DIR for shards of 1,000 docs)",
    keeps="entities as doc.ents (O outside them in finished articles), quotes in doc.spans['quotes'], speaker "
          "mentions in doc.spans['speakers'], cues in doc.spans['cues'], quote→speaker and quote→cue links in "
          "doc.user_data['speakers'] and ['cues'], quotes' forms in doc.user_data['forms']",
    loses="overlapping entities (the longest is kept), SPEAKER_ENTITY links, answer and time; not read back",
    suffixes=(".spacy",),
    write=write,
    order=20,
)
