"""A small hand-written article with one attribution of each form, each with its source and cue, as
an annotated JSONL line (our export's shape): the fixture of the attribution format tests."""

from __future__ import annotations

import json
from pathlib import Path

TEXT = ("Officials said the talks would resume on Monday.\n\n"
        "“We are ready,” the envoy told reporters. "
        "According to the statement, the plan was “a disaster” for Geneva.")


def at(fragment: str, label: str) -> dict:
    start = TEXT.index(fragment)
    return {"start": start, "end": start + len(fragment), "label": label}


ATTRIBUTIONS = [  # (content, source, cue)
    ("the talks would resume on Monday", "Officials", "said"),
    ("“We are ready,”", "the envoy", "told reporters"),
    ("the plan was “a disaster” for Geneva", "the statement", "According to"),
]


def line(annotator: str = "alice") -> dict:
    spans, relations = [at("Geneva", "GPE")], []
    for content, source, cue in ATTRIBUTIONS:
        quote, speaker, said = at(content, "QUOTE"), at(source, "SPEAKER"), at(cue, "CUE")
        spans += [quote, speaker, said]
        relations += [{"label": "SPEAKER", "head_span": quote, "child_span": speaker},
                      {"label": "CUE", "head_span": quote, "child_span": said}]
    return {"text": TEXT, "meta": {"article_id": "att-1"}, "spans": spans, "relations": relations,
            "answer": "accept", "_annotator_id": annotator, "_timestamp": 1700000000}


def write_line(path: Path) -> Path:
    path.write_text(json.dumps(line(), ensure_ascii=False) + "\n", encoding="utf-8")
    return path


CITRON_TEXT = ("“The talks will resume,” the envoy said on Monday, “and nobody will leave.”\n\n"
               "Officials and diplomats told reporters that the plan was “a disaster”.\n\n"
               "According to the statement, Geneva was ready.")


def cspan(fragment: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = CITRON_TEXT.index(fragment, start + 1)
    return {"start": start, "end": start + len(fragment), "text": fragment}


def citron_document() -> dict:
    """A citron file as bbc/citron's docs/data_format.md draws one: an interrupted quote in two
    contents, a quote with two sources, optional fields (id, confidence, coreferences, groups)."""
    return {
        "text": CITRON_TEXT,
        "quotes": [
            {"cue": cspan("said"), "sources": [cspan("the envoy")],
             "contents": [cspan("“The talks will resume,”"), cspan("“and nobody will leave.”")],
             "coreferences": [cspan("the envoy")], "confidence": 0.93, "id": "q1"},
            {"cue": cspan("told reporters"), "sources": [cspan("Officials"), cspan("diplomats")],
             "contents": [cspan("that the plan was “a disaster”")]},
            {"cue": cspan("According to"), "sources": [cspan("the statement")],
             "contents": [cspan("Geneva was ready")]},
        ],
        "coreference_groups": [[cspan("the envoy")]],
    }


# A PolNeAR-like article: an interrupted Content (two fragments), one Source of two attributions,
# a Content across a line break, an attribution without a Source; lines in the file's own order.
POLNEAR_TEXT = ("Caddell said the race was close.\n\n"
                "“The health issue matters,” said Caddell, speaking of Clinton’s health, “and it is deadly.”\n\n"
                "Aides were worried that the numbers\nwould fall. It was reported that turnout rose.")


def polnear_ann() -> str:
    def t(n: int, kind: str, *fragments: str, nth: int = 0) -> str:
        pieces = []
        for fragment in fragments:
            start = -1
            for _ in range(nth + 1):
                start = POLNEAR_TEXT.index(fragment, start + 1)
            pieces.append((start, start + len(fragment)))
        where = ";".join(f"{s} {e}" for s, e in pieces)
        return f"T{n}\t{kind} {where}\t{' '.join(POLNEAR_TEXT[s:e] for s, e in pieces)}"

    return "\n".join([
        t(1, "Source", "Caddell"), t(2, "Cue", "said"), t(3, "Content", "the race was close"),
        t(4, "Attribution", "said"), "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        t(5, "Content", "“The health issue matters,”", "“and it is deadly.”"), t(6, "Cue", "said", nth=1),
        t(7, "Source", "Caddell", nth=1), t(8, "Attribution", "said", nth=1),
        "E2\tAttribution:T8 Source:T7 Cue:T6 Content:T5",
        t(9, "Cue", "speaking of"), t(10, "Content", "Clinton’s health"), t(11, "Attribution", "speaking of"),
        "E3\tAttribution:T11 Cue:T9 Content:T10 Source:T7",
        t(12, "Source", "Aides"), t(13, "Cue", "were worried"), t(14, "Content", "that the numbers", "would fall"),
        t(15, "Attribution", "were worried"), "E4\tAttribution:T15 Content:T14 Cue:T13 Source:T12",
        t(16, "Cue", "It was reported"), t(17, "Content", "that turnout rose"), t(18, "Attribution-no-source", "It was reported"),
        "E5\tAttribution-no-source:T18 Content:T17 Cue:T16", t(19, "Discuss", "turnout"),
    ]) + "\n"


def write_polnear(folder: Path, name: str = "article_4e07") -> Path:
    """NAME.ann beside NAME.txt; the .ann's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(POLNEAR_TEXT, encoding="utf-8")
    ann = folder / f"{name}.ann"
    ann.write_text(polnear_ann(), encoding="utf-8")
    return ann
