"""`annotator stats --db DB [--json]`."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("stats")
    def stats(
        db: Path = typer.Option(Path("annotations.db"), "--db", help="The database."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
        corrections: bool = typer.Option(False, "--corrections", help="How annotators answered each model label."),
        model: str = typer.Option(None, "--model", help="With --corrections: one model's suggestions only."),
    ) -> None:
        """Articles, spans by label, origin and model, decisions and articles done per annotator."""
        # Imported here: `annotator` starts the app without loading what other commands need.
        from rich.console import Console
        from rich.table import Table

        from annotator.store import Store

        if corrections:
            _print_corrections(db, model, as_json)
            return
        with Store(db, create=False) as store:
            figures = store.stats()
            from annotator.store.learning import suggestions_by_model

            figures["suggestions_by_model"] = suggestions_by_model(store)
            from annotator.cli.agreement_cmd import agreement_figures
            from annotator.store.review import review_summary

            figures["agreement"] = agreement_figures(store, top=5)
            figures["review"] = review_summary(store)
        if as_json:
            print(json.dumps(figures, ensure_ascii=False))
            return
        console = Console()
        console.print(f"articles {figures['articles']} · spans {figures['spans']} · decisions {figures['decisions']}")
        for title, key in (("spans by label", "spans_by_label"), ("spans by origin", "spans_by_origin"),
                           ("suggestions by model", "suggestions_by_model")):
            table = Table(title=title)
            table.add_column(title.split()[-1])
            table.add_column("spans", justify="right")
            for name, count in figures[key].items():
                table.add_row(name, str(count))
            console.print(table)
        table = Table(title="annotators")
        for column in ("annotator", "decisions", "articles done"):
            table.add_column(column, justify="right" if column != "annotator" else "left")
        for name, row in figures["annotators"].items():
            table.add_row(name, str(row["decisions"]), str(row["articles_done"]))
        console.print(table)
        if figures["agreement"]["pairs"]:
            from annotator.cli.agreement_cmd import print_agreement

            print_agreement(console, figures["agreement"])
            review = figures["review"]
            console.print(f"review: {review['reviewed']} of {review['multi_annotated']} multi-annotated articles"
                          f" adjudicated, {review['in_review']} in review")


def _print_corrections(db: Path, model: str | None, as_json: bool) -> None:
    """The table a team reads before and after a new model: its suggestions, answered, per label."""
    from rich.console import Console
    from rich.table import Table

    from annotator.learn.corrections import corrections
    from annotator.store import Store

    with Store(db, create=False) as store:
        figures = corrections(store, model)
    if as_json:
        print(json.dumps(figures, ensure_ascii=False))
        return
    rows = figures["labels"]
    targets = sorted({to for row in rows.values() for to in row["relabelled"]})
    table = Table(title="answers to the model's entity suggestions" + (f" ({model})" if model else ""))
    table.add_column("model label")
    for column in ("suggested", "accepted", *(f"→ {t}" for t in targets), "bounds fixed", "rejected", "missed"):
        table.add_column(column, justify="right")
    for label, row in rows.items():
        share = f" ({row['accepted'] / row['suggested']:.0%})" if row["suggested"] else ""
        table.add_row(label, str(row["suggested"]), f"{row['accepted']}{share}",
                      *(str(row["relabelled"].get(t, "")) for t in targets),
                      str(row["bounds_fixed"]), str(row["rejected"]), str(row["missed"]))
    console = Console()
    console.print(table)
    console.print("relabelled and bounds fixed: the annotator's current answer; missed: spans annotators added"
                  " themselves, by their label", style="dim")
    by_model = Table(title="suggestions by model")
    by_model.add_column("model")
    by_model.add_column("suggestions", justify="right")
    for name, count in figures["by_model"].items():
        by_model.add_row(name, str(count))
    console.print(by_model)
