"""`annotator train-attributions`: the attribution of every form trained from gold, its output, its errors;
and the learned attribution on a parsed pipeline (indirect and mixed attributions with source and cue)."""

from __future__ import annotations

import json

import pytest


def _att(text: str, content: str, source: str | None, cue: str) -> dict:
    def span(words):
        start = text.index(words)
        return {"start": start, "end": start + len(words), "text": words}

    from annotator.model import attribution_form

    c = span(content)
    return {"form": attribution_form(text, (c["start"], c["end"])), "content": c,
            "parts": [[c["start"], c["end"]]], "source": span(source) if source else None, "cue": span(cue)}


TEXTS = [
    ("Officials said the talks would resume on Monday.", "the talks would resume on Monday", "Officials", "said"),
    ("The talks will resume on Monday, a spokesman said.", "The talks will resume on Monday", "a spokesman", "said"),
    ("According to the report, the army withdrew from the town.", "the army withdrew from the town", "the report",
     "According to"),
    ("She told reporters that the plan was “a disaster.”", "that the plan was “a disaster.”", "She", "told"),
    ("The mayor believes the bridge is safe.", "the bridge is safe", "The mayor", "believes"),
    ("Police said two men were arrested after the match.", "two men were arrested after the match", "Police", "said"),
]
ROWS = [{"id": str(n), "text": t, "attributions": [_att(t, c, s, q)]} for n, (t, c, s, q) in enumerate(TEXTS)]


def _write(path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_the_shipped_model_finds_indirect_and_mixed_attributions_with_source_and_cue(extractor):
    text = "Officials said the talks would resume on Monday. The plan was flawed, the minister told reporters."
    drafts = extractor(text)
    found = {}
    for d in drafts:
        if d.kind == "quote":
            source = drafts[d.speaker] if d.speaker is not None else None
            cue = drafts[d.cue_span] if d.cue_span is not None else None
            found[text[d.start:d.end]] = (text[source.start:source.end] if source else None,
                                          text[cue.start:cue.end] if cue else None)
    assert found["the talks would resume on Monday"] == ("Officials", "said")
    assert found["The plan was flawed"] == ("the minister", "told")
    assert all(d.label == "CUE" for d in drafts if d.kind == "cue")


def test_train_writes_weights_the_extractor_can_load(cli, extractor, tmp_path):
    from annotator.extract.attribution_model import AttributionModel

    data = tmp_path / "gold.jsonl"
    _write(data, ROWS)
    out = tmp_path / "w.json"
    code, _, err = cli("train-attributions", data, "-o", out)
    assert code == 0, err
    model = AttributionModel.from_disk(out)
    assert model.meta["articles"] == len(ROWS) and model.cue.weights and model.content.weights
    # a pipeline folder carries both components and loads with spaCy alone
    import spacy

    folder = tmp_path / "pipe"
    assert cli("train-attributions", data, "-o", folder)[0] == 0
    nlp = spacy.load(folder)
    assert nlp.pipe_names[-2:] == ["annotator_quotes", "annotator_attributions"]
    assert nlp.get_pipe("annotator_attributions").model.meta["articles"] == len(ROWS)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda a: a["content"].update(end=10_000), "outside the text"),
        (lambda a: a["cue"].update(start=a["content"]["start"] - 1, end=a["content"]["start"]), "covers no word"),
        (lambda a: a.pop("content"), "missing or bad field"),
    ],
)
def test_bad_gold_is_one_line_naming_file_and_line(cli, tmp_path, change, why):
    rows = json.loads(json.dumps(ROWS))
    change(rows[2]["attributions"][0])
    data = tmp_path / "gold.jsonl"
    _write(data, rows)
    out = tmp_path / "w.json"
    code, _, err = cli("train-attributions", data, "-o", out)
    assert code == 1 and f"{data}:3:" in err and why in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
