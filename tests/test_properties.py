"""Property-based tests: import → export → import → export is exact on any text, hostile or not,
and the quote extractor with the real model never raises and keeps its spans inside the text.

(The extraction helper's own properties cover the quote finder and the no-model fallback:
tests/test_extract_quotes.py, tests/test_extract_fallback.py. Here: the model-backed extractor
with the news schema, on text that holds control, bidi and zero-width characters.)
"""

from __future__ import annotations

import json
import tempfile
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.export import iter_gold
from annotator.formats.jsonl import write_jsonl
from annotator.ingest import import_paths
from annotator.schema import load_schema
from annotator.store import Store
from tests.reliability import REPO

SCHEMA = load_schema(REPO / "schemas" / "news.yaml")
ENTITY_LABELS = [label.name for label in SCHEMA.labels_of("entity")]

HOSTILE = [
    "\x1b[31m", "\x1b]0;title\x07", "\x1b[2J", "[bold red]", "[/]", "[link=x]", "\u202e", "\u202d", "\u2066",
    "\u2069", "\u200b", "\u200d", "\ufeff", "\u00ad", "\t", "\n", "\n\n", "\r", "\r\n", "\x00", "\x7f", "\u2028",
    "“", "”", "\"", "'", "«", "»", "é", "e\u0301", "🙂", "👩‍👩‍👧", "漢字", "\ufffd", "\\", "{", "}",
]
WORDS = ["the", "envoy", "said", "Geneva", "Staffan de Mistura", "told reporters:", "“We will talk,”", ".", ",", " "]
PIECE = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(WORDS),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6),
)
TEXT = st.lists(PIECE, min_size=1, max_size=40).map("".join).filter(lambda text: text.strip() != "")


@st.composite
def annotated_lines(draw):
    """An answered JSONL line as Prodigy writes it: text, spans, maybe a SPEAKER relation."""
    text = draw(TEXT)
    n = len(text)
    offsets = st.tuples(st.integers(0, n - 1), st.integers(1, n)).filter(lambda pair: pair[0] < pair[1])
    spans = {}
    for start, end in draw(st.lists(offsets, max_size=6)):
        label = draw(st.sampled_from([*ENTITY_LABELS, "QUOTE"]))
        spans[(start, end, label)] = {"start": start, "end": end, "label": label}
    spans = list(spans.values())
    relations = []
    quotes = [s for s in spans if s["label"] == "QUOTE"]
    entities = [s for s in spans if s["label"] != "QUOTE"]
    if quotes and entities and draw(st.booleans()):
        relations.append({"label": "SPEAKER", "head_span": quotes[0], "child_span": entities[0]})
    who = draw(st.sampled_from(["alice", "bob-2", "news-Ümit"]))
    return {"text": text, "meta": {"source": draw(st.sampled_from(["wire", "\x1b[31mred", "[b]x[/b]"]))},
            "spans": spans, "relations": relations, "answer": "accept", "_annotator_id": who,
            "_session_id": who, "_timestamp": 1_700_000_000}


def _import_and_export(folder: Path, name: str, source: Path) -> list[dict]:
    db = folder / f"{name}.db"
    with Store(db) as store:
        summary = import_paths(store, [source], SCHEMA, extract=False, strict=True)
        assert summary.skipped == 0
        out = folder / f"{name}.jsonl"
        write_jsonl(iter_gold(store), out)
        with store.conn:
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotated_lines())
def test_import_export_round_trip_is_exact(line):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "in.jsonl"
        source.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        first = _import_and_export(folder, "first", source)
        (task,) = [json.loads(raw) for raw in first.read_bytes().split(b"\n") if raw]
        text = line["text"]
        assert task["text"] == text
        got = {(s["start"], s["end"], s["label"]) for s in task["spans"]}
        assert got == {(s["start"], s["end"], s["label"]) for s in line["spans"]}
        for span in task["spans"]:
            assert span["text"] == text[span["start"]:span["end"]]
            assert 0 <= span["token_start"] <= span["token_end"] < len(task["tokens"])
            assert task["tokens"][span["token_start"]]["start"] <= span["start"]
            # Trailing whitespace after the last token is no token: the span then ends at the last one.
            assert task["tokens"][span["token_end"]]["end"] >= span["end"] or span["token_end"] == len(task["tokens"]) - 1
        for token in task["tokens"]:
            assert token["text"] == text[token["start"]:token["end"]]
        wanted = {(r["head_span"]["start"], r["child_span"]["start"]) for r in line["relations"]}
        assert {(r["head_span"]["start"], r["child_span"]["start"]) for r in task["relations"]
                if r["label"] == "SPEAKER"} == wanted
        assert task["meta"]["source"] == line["meta"]["source"]
        assert task["_annotator_id"] == line["_annotator_id"]
        # Our export read back in and written again is the same, byte for byte.
        second = _import_and_export(folder, "second", first)
        assert second.read_bytes() == first.read_bytes()


@lru_cache(maxsize=1)
def _extractor():
    from annotator.extract import load_extractor

    return load_extractor(SCHEMA)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_model_extractor_never_raises_and_stays_inside(text):
    extractor = _extractor()
    drafts = extractor(text)
    for d in drafts:
        assert 0 <= d.start < d.end <= len(text)
        assert d.label in SCHEMA, d.label  # mapped or dropped, never a raw model label
        for link in (d.speaker, d.speaker_entity):
            assert link is None or 0 <= link < len(drafts)
        if d.cue is not None:
            assert 0 <= d.cue[0] < d.cue[1] <= len(text)
    # The batch path gives the same answer as the single call.
    (piped,) = list(extractor.pipe([text]))
    assert [(d.start, d.end, d.label) for d in piped] == [(d.start, d.end, d.label) for d in drafts]
