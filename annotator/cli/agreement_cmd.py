"""`annotator agreement --db DB [--json]`: how far annotators agree, pair by pair."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

from annotator.cli.options import db_option

if TYPE_CHECKING:  # the CLI imports its commands' dependencies only when they run
    from rich.console import Console

    from annotator.store import Store



def agreement_figures(store: Store, top: int = 10) -> dict[str, Any]:
    from annotator.agreement import report
    from annotator.store.review import iter_compared

    return report(iter_compared(store), top=top)


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def print_agreement(console: Console, figures: dict[str, Any]) -> None:
    """The agreement section: used by `agreement` and by `stats`."""
    from rich.table import Table

    if not figures["pairs"]:
        console.print("agreement: no article has been finished by two annotators yet")
        return
    table = Table(title=f"agreement over {figures['articles']} articles finished by two or more")
    for column in ("pair", "articles", "span F1", "speaker F1", "kappa (accept/reject)", "items"):
        table.add_column(column, justify="left" if column == "pair" else "right")
    for pair in figures["pairs"]:
        table.add_row(f"{pair['a']} · {pair['b']}", str(pair["articles"]), _num(pair["f1"]["f1"]),
                      _num(pair["speaker_f1"]["f1"]), _num(pair["kappa"]), str(pair["kappa_items"]))
    console.print(table)
    labels = sorted({label for pair in figures["pairs"] for label in pair["labels"]})
    by_label = Table(title="span F1 per label (both · only first · only second)")
    by_label.add_column("label")
    for pair in figures["pairs"]:
        by_label.add_column(f"{pair['a']} · {pair['b']}", justify="right")
    for label in labels:
        cells = []
        for pair in figures["pairs"]:
            got = pair["labels"].get(label)
            cells.append("" if got is None else f"{_num(got['f1'], 2)} ({got['both']}·{got['only_a']}·{got['only_b']})")
        by_label.add_row(label, *cells)
    console.print(by_label)
    if figures["fleiss"]:
        fleiss = figures["fleiss"]
        console.print(f"Fleiss' kappa (articles with three or more annotators): {_num(fleiss['kappa'])}"
                      f" over {fleiss['items']} suggested spans")
    if figures["most_disagreement"]:
        worst = Table(title="articles with the most disagreement")
        for column in ("article", "heading", "annotators", "disagreements", "mean F1"):
            worst.add_column(column, justify="right" if column in ("article", "disagreements", "mean F1") else "left")
        for row in figures["most_disagreement"]:
            worst.add_row(str(row["article_id"]), row["heading"], ", ".join(row["annotators"]),
                          str(row["disagreements"]), _num(row["mean_f1"], 2))
        console.print(worst)


def register(app: typer.Typer) -> None:
    @app.command("agreement")
    def agreement(
        db: Any = db_option(),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
        top: int = typer.Option(10, "--top", min=0, help="How many articles with the most disagreement to list."),
    ) -> None:
        """Inter-annotator agreement: span F1 per label and Cohen's kappa per pair, Fleiss' kappa, worst articles.

        Compares what export writes of articles two or more annotators marked done.
        """
        from rich.console import Console

        from annotator.store import Store

        with Store(db, create=False) as store:
            figures = agreement_figures(store, top)
        if as_json:
            print(json.dumps(figures, ensure_ascii=False))
            return
        print_agreement(Console(), figures)
