"""`annotator train-quotes DATA.jsonl -o PATH`: train the learned quote attribution.

DATA holds one article a line, `{"text", "quotes": [{"start", "end", "speaker": {"start", "end"} | null}]}`
(PolNeAR's format; docs/extraction.md, Evaluation data). `-o FILE.json` writes the weights alone (what ships
in annotator/extract/weights/quotes.json); `-o DIR` writes a whole spaCy pipeline (the base model
plus the `annotator_quotes` component with these weights) that `spacy.load(DIR)` and
`annotator import/extract --model DIR` open. Same data and seed, same weights.
"""

from __future__ import annotations

from pathlib import Path

import typer

from annotator.cli.gold_lines import read_gold_lines, training_inputs


def register(app: typer.Typer) -> None:
    @app.command("train-quotes")
    def train_quotes(
        data: list[Path] = typer.Argument(..., help="JSONL files of articles with gold quotes and speakers."),
        output: Path = typer.Option(..., "-o", "--output", help="FILE.json (weights) or DIR (a spaCy pipeline)."),
        model: str = typer.Option(None, "--model", help="Base spaCy pipeline (default: en_core_web_md, else en_core_web_sm)."),
        seed: int = typer.Option(0, "--seed", help="Seed of the folds (the fit itself is deterministic)."),
        cv: int = typer.Option(0, "--cv", min=0, help="Also report K-fold cross-validation on DATA."),
        dev: Path = typer.Option(None, "--dev", help="Also score the trained model on this gold file."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing output."),
    ) -> None:
        """Train the quote attribution model (speaker ranking, quote-or-not) from gold quotes."""
        run_train_quotes(data, output, model, seed, cv, dev, force)


def _check_quotes(row: dict) -> None:
    text = row["text"]
    for q in row["quotes"]:
        s, e = int(q["start"]), int(q["end"])
        sp = q.get("speaker")
        if not (0 <= s < e <= len(text)) or sp is not None and not (0 <= int(sp["start"]) < int(sp["end"]) <= len(text)):
            raise ValueError("an offset outside the text")


def read_gold(path: Path) -> list[dict]:
    """Rows of a gold quotes file; a bad line is one error naming the file and line."""
    return read_gold_lines(path, "gold quotes", _check_quotes)


def run_train_quotes(
    data: list[Path],
    output: Path,
    model: str | None = None,
    seed: int = 0,
    cv: int = 0,
    dev: Path | None = None,
    force: bool = False,
) -> dict:
    from rich.console import Console
    from rich.progress import Progress

    from annotator.extract.training import cross_validate, evaluate, fit, prepare_all

    rows, dev_rows, extractor = training_inputs(output, force, data, dev, model, read_gold, "quote attribution")
    nlp = extractor.nlp
    console = Console(stderr=True)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("parsing", total=len(rows) + len(dev_rows))
        articles = prepare_all(nlp, rows, progress=lambda n: progress.update(task, completed=n))
        dev_articles = prepare_all(nlp, dev_rows, progress=lambda n: progress.update(task, completed=len(rows) + n))
    console.print(f"training on {len(articles)} articles, {sum(len(r['quotes']) for r in rows)} gold quotes")
    trained = fit(articles, seed=seed)
    report: dict = {"articles": len(articles), "quote_threshold": trained.quote_threshold}
    if cv:
        console.print(f"{cv}-fold cross-validation …")
        report["cross_validation"] = cross_validate(articles, k=cv, seed=seed)
    if dev_articles:
        report["dev"] = evaluate(dev_articles, trained)
    trained.meta.update({"data": [p.name for p in data], "base": extractor.model_name})
    from annotator.extract.component import NAME
    from annotator.learn.pipeline import write_weights

    write_weights(nlp, NAME, trained, output)
    for name in ("cross_validation", "dev"):
        if name in report:
            s = report[name]
            console.print(
                f"{name}: end-to-end F1 {s['end_to_end']['f1']:.3f} · lenient F1 {s['lenient']['f1']:.3f} · "
                f"strict F1 {s['strict']['f1']:.3f} · speaker accuracy {s['speaker_accuracy']:.3f}"
            )
    console.print(f"wrote {output}")
    return report
