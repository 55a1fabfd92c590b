"""`annotator extract`: JSONL in the export format, stdout or -o, clear errors."""

from __future__ import annotations

import json

import pytest

ARTICLE = (
    "date 2024-03-01 Wire, OSLO, Norway\n\n"
    "Talks resumed on Friday.\n\n"
    "“We are closer than ever,” said Ingrid Vale, the chief negotiator.\n\n"
    "She called the last round “a waste of everyone’s time.”\n"
)


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "001.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _quotes(task, forms=("direct", "mixed")):
    """The quote spans that hold quotation marks (the attribution model may also offer indirect ones,
    such as an event it takes for a report)."""
    return [s for s in task["spans"] if s["label"] == "QUOTE" and s.get("form") in forms]


def test_extract_writes_one_line_per_article_to_stdout(cli, article):
    code, out, err = cli("extract", article)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1
    task = json.loads(lines[0])
    assert task["meta"]["source"] == "Wire"
    assert task["tokens"] and task["_input_hash"] != 0
    assert "answer" not in task and "_annotator_id" not in task
    quotes = _quotes(task)
    # The second is mixed: "called the last round “a waste…”" frames the quoted words.
    assert [q["text"] for q in quotes][0] == "“We are closer than ever,”" and len(quotes) == 2
    assert quotes[1]["text"].endswith("“a waste of everyone’s time.”")
    speakers = {
        (r["head_span"]["start"], task["text"][r["child_span"]["start"] : r["child_span"]["end"]])
        for r in task["relations"]
        if r["label"] == "SPEAKER"
    }
    assert (quotes[0]["start"], "Ingrid Vale, the chief negotiator") in speakers
    assert (quotes[1]["start"], "She") in speakers
    # Every relation's child is one of the spans, as Prodigy expects.
    spans = {(s["start"], s["end"]) for s in task["spans"]}
    for r in task["relations"]:
        assert (r["child_span"]["start"], r["child_span"]["end"]) in spans
        assert r["child"] == r["child_span"]["token_end"]


def test_extract_to_a_file(cli, article, tmp_path):
    target = tmp_path / "out.jsonl"
    code, out, err = cli("extract", article, "-o", target)
    assert code == 0, err
    assert out == ""
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1
    code, _, err = cli("extract", article, "-o", target)
    assert code != 0 and "--force" in err


def test_extract_missing_path_is_one_clear_line(cli, tmp_path):
    code, out, err = cli("extract", tmp_path / "nope.txt")
    assert code != 0
    assert out == ""
    assert err.strip().count("\n") == 0 and "no such file" in err
    assert "Traceback" not in err


def test_extract_unknown_model_is_one_clear_line(cli, article):
    code, _, err = cli("extract", article, "--model", "xx_no_such_model_here")
    assert code != 0
    assert "not installed" in err and "Traceback" not in err


def test_import_pre_extracts_quotes_with_speakers(store, schema, article):
    from annotator.ingest import import_paths

    summary = import_paths(store, [article], schema)
    assert summary.imported == 1
    (stored,) = list(store.iter_articles())
    views = {v.id: v for v in store.spans(stored.id, "alice")}
    from annotator.model import attribution_form

    # The quotes with marks (the attribution model may offer an indirect one besides, as an event it takes for a report).
    quotes = [v for v in views.values()
              if v.kind == "quote" and attribution_form(stored.text, (v.start, v.end)) in ("direct", "mixed")]
    assert len(quotes) == 2
    first = min(quotes, key=lambda v: v.start)
    speaker = views[first.speaker_span_id]
    assert stored.text[speaker.start : speaker.end] == "Ingrid Vale, the chief negotiator"
    assert views[first.speaker_entity_span_id].label == "PERSON"
    assert first.cue is not None and stored.text[first.cue[0] : first.cue[1]] == "said"
