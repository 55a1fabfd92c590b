"""`annotator train-quotes`: training the attribution from gold quotes, reproducibly, and its errors."""

from __future__ import annotations

import json

import pytest


def _row(text: str, quotes: list[tuple[str, str | None]]) -> dict:
    out = []
    for quote, speaker in quotes:
        start = text.index(quote)
        q = {"start": start, "end": start + len(quote), "speaker": None}
        if speaker:
            s = text.index(speaker)
            q["speaker"] = {"start": s, "end": s + len(speaker)}
        out.append(q)
    return {"text": text, "quotes": out}


ROWS = [
    _row("“We will appeal,” said Omar Haddad. The so-called “peace dividend” never came.",
         [("“We will appeal,”", "Omar Haddad")]),
    _row("Mayor Ines Ford spoke first. “The bridge is safe,” she said. “We checked it.”",
         [("“The bridge is safe,” she said. “We checked it.”", "she")]),
    _row("The union called the offer “an insult” on Monday, and the talks were broken off.",
         [("“an insult”", "The union")]),
    _row("He appeared on “Morning Edition” and said: “Nobody saw this coming.”",
         [("“Nobody saw this coming.”", "He")]),
    _row("“It is over,” the coach told reporters after the game in Leeds.", [("“It is over,”", "the coach")]),
    _row("According to the report, the plan was “a failure from the start.”",
         [("“a failure from the start.”", "the report")]),
]


def _write(path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_the_same_data_gives_the_same_weights(cli, extractor, tmp_path):
    data = tmp_path / "gold.jsonl"
    _write(data, ROWS)
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert cli("train-quotes", data, "-o", first)[0] == 0
    assert cli("train-quotes", data, "-o", second)[0] == 0
    assert first.read_bytes() == second.read_bytes()
    weights = json.loads(first.read_text(encoding="utf-8"))
    assert weights["format"] == "annotator-quote-attribution/1"
    assert weights["speaker"] and weights["quote"] and weights["merge"]


def test_a_trained_pipeline_folder_is_a_model_for_extract(cli, extractor, tmp_path):
    import spacy

    data = tmp_path / "gold.jsonl"
    _write(data, ROWS)
    folder = tmp_path / "models" / "quotes"
    shipped = extractor.nlp.get_pipe("annotator_quotes").model
    code, _, err = cli("train-quotes", data, "-o", folder)
    assert code == 0, err
    # the process's own extraction pipeline keeps its weights: later extraction is not changed
    assert extractor.nlp.get_pipe("annotator_quotes").model is shipped
    nlp = spacy.load(folder)
    assert nlp.pipe_names[-2:] == ["annotator_quotes", "annotator_attributions"]
    assert nlp.get_pipe("annotator_quotes").model.meta["articles"] == len(ROWS)
    article = tmp_path / "a.txt"
    article.write_text("“We will appeal,” said Omar Haddad.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = cli("extract", article, "--model", folder, "-o", out)
    assert code == 0, err
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert any(s["label"] == "QUOTE" for s in line["spans"])


def test_an_existing_output_needs_force(cli, extractor, tmp_path):
    data = tmp_path / "gold.jsonl"
    _write(data, ROWS)
    target = tmp_path / "w.json"
    target.write_text("{}", encoding="utf-8")
    code, _, err = cli("train-quotes", data, "-o", target)
    assert code == 4 and "exists" in err and target.read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("not json", "not a gold quotes line"),
        ('{"text": "short", "quotes": [{"start": 0, "end": 99}]}', "an offset outside the text"),
        ('{"quotes": []}', "missing or bad field"),
    ],
)
def test_a_bad_line_is_one_error_naming_file_and_line(cli, tmp_path, line, why):
    data = tmp_path / "gold.jsonl"
    data.write_text(json.dumps(ROWS[0]) + "\n" + line + "\n", encoding="utf-8")
    code, out, err = cli("train-quotes", data, "-o", tmp_path / "w.json")
    assert code == 1
    assert err.strip().count("\n") == 0 and f"{data}:2:" in err and why in err
    assert "Traceback" not in err and not (tmp_path / "w.json").exists()


def test_the_quote_threshold_is_chosen_on_quote_scores_out_of_fold(extractor, monkeypatch):
    """A quote scorer judging the quotes it learned from is surer of them than of new ones: the
    threshold is picked with each article scored by a quote scorer that never saw it."""
    from annotator.extract import training

    row_owner: dict[int, int] = {}  # id of a quote feature row -> id of its article's context
    trained_on: dict[int, set[int]] = {}  # id of a fitted scorer -> ids of the rows it saw
    seen: dict = {}
    real_features, real_fit, real_best = training.quote_features, training._fit, training._best_threshold

    def features(ctx, *args):
        row = real_features(ctx, *args)
        row_owner[id(row)] = id(ctx)
        return row

    def fit(rows, *args):
        scorer = real_fit(rows, *args)
        trained_on[id(scorer)] = {id(r) for r in rows}
        return scorer

    def best(articles, model, oof_speakers, oof_quotes):
        seen.update(articles=articles, model=model, oof_quotes=oof_quotes)
        return real_best(articles, model, oof_speakers, oof_quotes)

    monkeypatch.setattr(training, "quote_features", features)
    monkeypatch.setattr(training, "_fit", fit)
    monkeypatch.setattr(training, "_best_threshold", best)
    training.train_quote_model(ROWS, extractor.nlp)
    articles = [(i, a) for i, a in enumerate(seen["articles"]) if a.ctx is not None]
    assert articles
    for i, art in articles:
        scorer = seen["oof_quotes"][i]
        assert scorer is not seen["model"].quote
        owners = {row_owner[r] for r in trained_on[id(scorer)] if r in row_owner}
        assert owners and id(art.ctx) not in owners
