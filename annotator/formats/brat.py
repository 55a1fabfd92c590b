"""brat standoff (as brat and INCEpTION read it): a folder with NAME.txt and NAME.ann an article and
annotator, and annotation.conf and visual.conf made from the schema.

`T` lines for every span, quotes, speaker mentions and cues included (a span across a line break is
written as fragments, since brat's spans hold no newline); `R` lines `SPEAKER Arg1:Tq Arg2:Ts`
(and SPEAKER_ENTITY, and CUE to a quote's cue) for speaker and cue links. Entities inside quotes overlap them: annotation.conf
allows it with brat's <OVERLAP> rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from annotator.formats._common import links, ordered, write_standoff
from annotator.formats.registry import Format, WriteJob
from annotator.model import GoldArticle, GoldSpan
from annotator.schema import Schema

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_LINE = re.compile(r"[^\n]+")


def fragments(text: str, span: GoldSpan) -> list[tuple[int, int]]:
    """The pieces of a span between line breaks, without the whitespace at their ends."""
    out = []
    for piece in _LINE.finditer(text, span.start, span.end):
        start, end = piece.start(), piece.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            out.append((start, end))
    return out or [(span.start, span.end)]


def ann_lines(gold: GoldArticle) -> Iterator[str]:
    text = gold.article.text
    ids: dict[int, str] = {}
    for n, span in enumerate(ordered(gold.spans), 1):
        ids[span.id] = f"T{n}"
        pieces = fragments(text, span)
        where = ";".join(f"{s} {e}" for s, e in pieces)
        yield f"T{n}\t{span.label} {where}\t{' '.join(text[s:e] for s, e in pieces)}"
    for n, (quote, speaker, label) in enumerate(links(gold.spans), 1):
        yield f"R{n}\t{label} Arg1:{ids[quote.id]} Arg2:{ids[speaker.id]}"


def annotation_conf(schema: Schema) -> str:
    quotes = "|".join(label.name for label in schema.labels_of("quote")) or "<ENTITY>"
    cues = "|".join(label.name for label in schema.labels_of("cue"))
    entities = "\n".join(label.name for label in schema.labels)
    cue = f"CUE\tArg1:{quotes}, Arg2:{cues}\n" if cues else ""
    return ("[entities]\n" + entities + "\n\n[relations]\n"
            f"SPEAKER\tArg1:{quotes}, Arg2:<ENTITY>\n"
            f"SPEAKER_ENTITY\tArg1:{quotes}, Arg2:<ENTITY>\n"
            f"{cue}"
            "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\n")


def visual_conf(schema: Schema) -> str:
    labels = "\n".join(f"{label.name} | {label.name.title()}" for label in schema.labels)
    drawing = "\n".join(f"{label.name}\tbgColor:{label.colour}" for label in schema.labels)
    return f"[labels]\n{labels}\n\n[drawing]\n{drawing}\n"


def name_of(gold: GoldArticle) -> str:
    article_id = gold.article.meta.get("article_id", gold.article.id)
    return _UNSAFE.sub("_", f"{article_id}-{gold.annotator}")


def write(job: WriteJob) -> tuple[int, int]:
    confs = {"annotation.conf": annotation_conf(job.label_schema), "visual.conf": visual_conf(job.label_schema)}
    return write_standoff(job, "brat standoff", name_of, ann_lines, confs, lambda gold, _lines: len(gold.spans))


FORMAT = Format(
    name="brat",
    title="brat standoff (-o DIR: NAME.txt and NAME.ann an article and annotator, annotation.conf, visual.conf)",
    keeps="the text exactly, every span (entities, quotes, speaker mentions) as T lines, speaker and cue links as "
          "SPEAKER, SPEAKER_ENTITY and CUE R lines, the schema's labels and colours",
    loses="meta (but the article id and annotator name each file), tokens, answer and time; not read back",
    suffixes=(".ann",),
    write=write,
    folder=True,
    order=50,
)
