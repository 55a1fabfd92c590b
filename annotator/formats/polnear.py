"""PolNeAR's brat attribution files (github networkdynamics/PolNeAR, data/*/attributions): an `.ann`
an article and annotator, beside the article's text.

    T1	Source 159 199	longtime Democratic pollster Pat Caddell
    T2	Cue 200 204	told
    T3	Content 315 448;463 553	“One of the things …,” “Yesterday, …”
    T4	Attribution 200 204	told
    E1	Attribution:T4 Content:T3 Cue:T2 Source:T1

An `E` line is an attribution: its trigger (an Attribution T line on the cue's words), a Content
(fragments where it is interrupted or crosses a line break), a Cue, and a Source unless it has none;
one Source may serve several. The text is NAME.txt beside NAME.ann, or, as PolNeAR lays its folders
out, ../text/ARTICLE.txt for attributions/ARTICLE_4e07.ann (4e07: the annotator's code).

Import makes each attribution a quote span (first to last character of its Content), its Source a
SPEAKER-linked speaker span, its Cue a CUE-linked cue span, as --annotator's finished work, else as
the work of the annotator the file name ends with, else as suggestions. Export writes the same
files (NAME.txt and NAME.ann an article and annotator, and annotation.conf).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.formats._attributions import Attribution, Bounds, annotated_line, attributions_of, labels, span_problem
from annotator.formats._common import write_standoff
from annotator.formats.base import Item, Problem, decode, unreadable
from annotator.formats.jsonl import parse_jsonl_object
from annotator.formats.registry import Format, ReadOptions, WriteJob
from annotator.model import GoldArticle

TRIGGERS = ("Attribution", "Attribution-no-source")  # an event's type, and its trigger's
PARTS = ("Source", "Cue", "Content")
MARKS = "polnear_marks"  # meta key: T lines of other types (PolNeAR's Discuss, Discard), written back
_T = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t(.*))?$", re.S)
_ID = re.compile(r"^[TEARMN#]\d*\t")
_E = re.compile(r"^(E\d+)\t(.*)$")
_ANNOTATOR = re.compile(r"^(?P<article>.+)_(?P<annotator>[0-9a-f]{4})$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NEWLINE = re.compile(r"[^\n]+")


# -- import --------------------------------------------------------------------------------------


def text_path(ann: Path) -> Path | None:
    """The text an .ann counts its offsets in: NAME.txt beside it, else PolNeAR's ../text/ARTICLE.txt."""
    beside = ann.with_suffix(".txt")
    if beside.is_file():
        return beside
    named = _ANNOTATOR.match(ann.stem)
    if named:
        for candidate in (ann.parent / f"{named['article']}.txt", ann.parent.parent / "text" / f"{named['article']}.txt"):
            if candidate.is_file():
                return candidate
    return None


def _t_line(match: re.Match, text: str) -> tuple[str, tuple[Bounds, ...]] | str:
    """(type, fragments) of a T line, checked against the text, or why it is wrong."""
    kind = match[2]
    fragments = tuple(tuple(map(int, piece.split())) for piece in match[3].split(";"))
    for bounds in fragments:
        problem = span_problem(text, bounds, f"{kind} {match[1]}")
        if problem and (kind in PARTS or "overlaps no word" not in problem):  # a mark may sit on a blank
            return problem
    written = match[4]
    found = " ".join(text[s:e] for s, e in fragments)
    # Compared space for space: PolNeAR's files break some T lines' text over lines, or end it with one.
    if written is not None and written.split() != found.split():
        return (f"{match[1]}'s text {written!r} is not the text at its offsets, {found!r}; "
                "is the .txt the one it was annotated on?")
    return kind, fragments  # type: ignore[return-value]


def logical_lines(ann: str) -> Iterator[tuple[int, str]]:
    """(number, line) of each annotation; a T line whose text holds a line break goes on, in
    PolNeAR's files, on the next physical lines."""
    pending: tuple[int, str] | None = None
    for number, line in enumerate(ann.split("\n"), 1):
        if pending and not _ID.match(line) and pending[1].startswith("T"):
            pending = pending[0], pending[1] + "\n" + line
            continue
        if pending:
            yield pending
        pending = number, line
    if pending:
        yield pending


def parse_ann(ann: str, text: str, where: str) -> tuple[list[Attribution], list[list[Any]]] | Problem:
    """The attributions of an .ann, and the T lines of other types as [type, fragments] (marks)."""
    spans: dict[str, tuple[str, tuple[Bounds, ...]]] = {}
    events: list[tuple[int, str, str]] = []
    marks: list[list[Any]] = []
    for number, line in logical_lines(ann):
        if not line.strip() or line[0] in "#AMN":  # notes and attributes: nothing of an attribution
            continue
        if t := _T.match(line):
            found = _t_line(t, text)
            if isinstance(found, str):
                return Problem(f"{where}:{number}", found)
            spans[t[1]] = found
            if found[0] not in TRIGGERS + PARTS:
                marks.append([found[0], [list(b) for b in found[1]]])
        elif e := _E.match(line):
            events.append((number, e[1], e[2]))
        else:
            return Problem(f"{where}:{number}", "not a brat T or E line as PolNeAR writes them "
                           "(T1<TAB>Source 0 11<TAB>text, E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1)")
    out = []
    for number, name, roles in events:
        found: dict[str, list[tuple[Bounds, ...]]] = {}
        for role in roles.split():
            kind, _, ref = role.partition(":")
            kind = kind.rstrip("0123456789")  # brat numbers a repeated role: Content2
            if ref not in spans:
                return Problem(f"{where}:{number}", f"{name} points at {ref or '(nothing)'}, which no T line defines")
            if spans[ref][0] != kind:
                return Problem(f"{where}:{number}", f"{name}'s {kind} is {ref}, a {spans[ref][0]}")
            found.setdefault(kind, []).append(spans[ref][1])
        if "Content" not in found:  # an attribution left unfinished (a few in PolNeAR): nothing to hold
            continue
        parts = tuple(sorted(b for fragments in found["Content"] for b in fragments))
        source, cue = found.get("Source"), found.get("Cue")
        out.append(Attribution(parts, _whole(source[0]) if source else None, _whole(cue[0]) if cue else None))
    return out, marks


def _whole(fragments: tuple[Bounds, ...]) -> Bounds:
    return fragments[0][0], fragments[-1][1]


def read(path: Path, options: ReadOptions) -> Iterator[Item]:
    where = str(path)
    txt = text_path(path)
    if txt is None:
        named = _ANNOTATOR.match(path.stem)
        layout = f" nor ../text/{named['article']}.txt (PolNeAR's layout)" if named else ""
        yield Problem(where, f"no text for it: no {path.stem}.txt beside it{layout}; its offsets count in that text")
        return
    try:
        raw_ann, raw_text = path.read_bytes(), txt.read_bytes()
    except OSError as exc:
        yield unreadable(exc.filename or where, exc)
        return
    options.advance(len(raw_ann))
    ann, text = decode(raw_ann, where), decode(raw_text, str(txt))
    for got in (ann, text):
        if isinstance(got, Problem):
            yield got
            return
    parsed = parse_ann(ann, text, where)  # type: ignore[arg-type]
    if isinstance(parsed, Problem):
        yield parsed
        return
    attributions, marks = parsed
    names = labels(options.schema)
    if isinstance(names, str):
        yield Problem(where, names)
        return
    named = _ANNOTATOR.match(path.stem)
    annotator = options.annotator or (named["annotator"] if named else None)
    article = named["article"] if named else txt.stem
    meta: dict[str, Any] = {"file": path.name, "article": article, **({MARKS: marks} if marks else {})}
    line = annotated_line(text, meta, attributions, names, annotator)  # type: ignore[arg-type]
    yield parse_jsonl_object(line, f"{where}:1", options.schema, options.pack)


def sniff(head: bytes, suffix: str) -> bool:
    return suffix == ".ann"


# -- export --------------------------------------------------------------------------------------


def fragments(text: str, parts: tuple[Bounds, ...]) -> list[Bounds]:
    """Parts cut at the line breaks inside them (brat's fragments hold none); a part as it is
    otherwise, its edges' spaces (and a line break at its very end, as PolNeAR has some) kept."""
    out = []
    for s, e in parts:
        if "\n" not in text[s:e - 1]:
            out.append((s, e))
            continue
        out += [(m.start(), m.end()) for m in _NEWLINE.finditer(text, s, e) if text[m.start():m.end()].strip()]
    return out or list(parts)


def ann_lines(gold: GoldArticle) -> Iterator[str]:
    """T and E lines, an attribution at a time in text order, as PolNeAR writes them."""
    text = gold.article.text
    ids: dict[tuple[str, Bounds], str] = {}
    count = 0

    def t(kind: str, pieces: list[Bounds]) -> Iterator[str]:
        nonlocal count
        key = (kind, tuple(pieces))
        if key in ids:  # one Source of several attributions
            return
        count += 1
        ids[key] = f"T{count}"  # type: ignore[index]
        where = ";".join(f"{s} {e}" for s, e in pieces)
        yield f"T{count}\t{kind} {where}\t{' '.join(text[s:e] for s, e in pieces)}"

    for n, a in enumerate(attributions_of(gold), 1):
        source = fragments(text, ((a.source.start, a.source.end),)) if a.source else None
        cue = fragments(text, ((a.cue.start, a.cue.end),)) if a.cue else None
        content = list(a.parts)  # as they came (meta), or derived: cut at line breaks already
        if source:
            yield from t("Source", source)
        if cue:
            yield from t("Cue", cue)
        yield from t("Content", content)
        trigger = "Attribution" if source else "Attribution-no-source"
        yield from t(trigger, cue or content)
        roles = [f"{trigger}:{ids[(trigger, tuple(cue or content))]}",  # type: ignore[index]
                 f"Content:{ids[('Content', tuple(content))]}"]  # type: ignore[index]
        if cue:
            roles.append(f"Cue:{ids[('Cue', tuple(cue))]}")  # type: ignore[index]
        if source:
            roles.append(f"Source:{ids[('Source', tuple(source))]}")  # type: ignore[index]
        yield f"E{n}\t{' '.join(roles)}"
    for kind, pieces in gold.article.meta.get(MARKS) or []:
        yield from t(kind, [tuple(p) for p in pieces])


ANNOTATION_CONF = """[entities]
Source
Cue
Content
Discuss
Discard

[relations]
<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>

[events]
Attribution\tSource:Source, Cue?:Cue, Content+:Content
Attribution-no-source\tCue?:Cue, Content+:Content

[attributes]
"""


def name_of(gold: GoldArticle) -> str:
    """ARTICLE_ANNOTATOR, as PolNeAR names its files (the article's name as it came, else its id)."""
    meta = gold.article.meta
    article = meta.get("article") or meta.get("article_id", gold.article.id)
    return _UNSAFE.sub("_", f"{article}_{gold.annotator}")


def write(job: WriteJob) -> tuple[int, int]:
    return write_standoff(job, "a PolNeAR export", name_of, ann_lines, {"annotation.conf": ANNOTATION_CONF},
                          lambda _gold, lines: sum(line.startswith("E") for line in lines))


FORMAT = Format(
    name="polnear",
    title="PolNeAR brat attribution files (NAME.ann beside NAME.txt, or PolNeAR's attributions/ and text/; -o DIR)",
    keeps="the text, every attribution: Content in fragments, Source (one may serve several), Cue; the annotator "
          "from --annotator or the file name's code (_4e07); import → export → import gives the same attributions",
    loses="entities, meta, tokens and times (the files hold none); when several annotators' files hold one "
          "article, fragments and marks that are not derivable are the first file's (they ride in the article's meta); "
          "T and E numbering and the files' order of "
          "attributions (export writes them in text order); a second Source or Cue of one attribution; "
          "annotator notes (#); events without a Content. Discuss and Discard marks ride in meta and are written back",
    suffixes=(".ann",),
    read=read,
    write=write,
    sniff=sniff,
    folder=True,
    order=55,
)
