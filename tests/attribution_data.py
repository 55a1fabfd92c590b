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
