"""`annotator train-attributions DATA.jsonl -o PATH`: train the attribution of every form.

DATA holds one article a line in PolNeAR's attribution format, `{"text", "attributions":
[{"content": {"start", "end"}, "source": {...} | null, "cue": {...} | null, "form"}]}`. `-o FILE.json`
writes the weights alone (what ships in annotator/extract/weights/attributions.json); `-o DIR`
writes a whole spaCy pipeline (the base model, the quote component and the attribution component
with these weights) that `spacy.load(DIR)` and `annotator import/extract --model DIR` open. The cue
threshold is chosen by 3-fold cross-validation on DATA. A team's own gold retrains it through
`annotator train`, which refits it from the accepted quotes that have a cue.
"""

from __future__ import annotations

from pathlib import Path

import typer

from annotator.cli.gold_lines import read_gold_lines, training_inputs


def register(app: typer.Typer) -> None:
    @app.command("train-attributions")
    def train_attributions(
        data: list[Path] = typer.Argument(..., help="JSONL files of articles with gold attributions."),
        output: Path = typer.Option(..., "-o", "--output", help="FILE.json (weights) or DIR (a spaCy pipeline)."),
        model: str = typer.Option(None, "--model", help="Base spaCy pipeline (default: the extraction default)."),
        dev: Path = typer.Option(None, "--dev", help="Also score the trained model on this gold file."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing output."),
    ) -> None:
        """Train the attribution model (cue, content, source; every form) from gold attributions."""
        run_train_attributions(data, output, model, dev, force)


def _span(text: str, value, what: str) -> tuple[int, int] | None:
    if value is None:
        return None
    start, end = int(value["start"]), int(value["end"])
    if not 0 <= start < end <= len(text):
        raise ValueError(f"the {what}'s offsets {start}-{end} are outside the text ({len(text)} characters)")
    if not text[start:end].strip():
        raise ValueError(f"the {what} {start}-{end} covers no word")
    return start, end


def _check_attributions(row: dict) -> None:
    text = row["text"]
    for att in row["attributions"]:
        _span(text, att["content"], "content")
        _span(text, att.get("source"), "source")
        _span(text, att.get("cue"), "cue")


def read_attribution_gold(path: Path) -> list[dict]:
    """Rows of a gold attributions file; a bad line is one error naming the file and line."""
    return read_gold_lines(path, "gold attributions", _check_attributions)


def run_train_attributions(data: list[Path], output: Path, model: str | None = None, dev: Path | None = None,
                           force: bool = False) -> dict:
    import time

    from rich.console import Console

    from annotator.extract.attribution_training import evaluate, prepare_all, train_attribution_model
    from annotator.extract.component import ATTRIBUTIONS

    rows, dev_rows, extractor = training_inputs(output, force, data, dev, model, read_attribution_gold, "attribution")
    nlp = extractor.nlp
    console = Console(stderr=True)
    console.print(f"training on {len(rows)} articles, {sum(len(r['attributions']) for r in rows)} attributions "
                  "(parsing, then 3-fold cross-validation of the cue threshold)")
    started = time.perf_counter()
    with nlp.select_pipes(disable=[ATTRIBUTIONS]):
        trained = train_attribution_model(rows, nlp)
    report: dict = {"articles": len(rows), "cue_threshold": trained.cue_threshold,
                    "seconds": round(time.perf_counter() - started, 1)}
    trained.meta.update({"data": [p.name for p in data], "base": extractor.model_name})
    if dev_rows:
        with nlp.select_pipes(disable=[ATTRIBUTIONS]):
            report["dev"] = evaluate(prepare_all(dev_rows, nlp), trained)
        s = report["dev"]
        console.print(f"dev (cue model alone): lenient F1 {s['lenient']['f1']:.3f} · strict F1 {s['strict']['f1']:.3f}"
                      f" · end-to-end F1 {s['end_to_end']['f1']:.3f} · source {s['source_accuracy']:.3f}"
                      f" · cue {s['cue_accuracy']:.3f}")
    from annotator.learn.pipeline import write_weights

    write_weights(nlp, ATTRIBUTIONS, trained, output)
    console.print(f"wrote {output} ({report['seconds']} s, cue threshold {trained.cue_threshold})")
    return report
