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
    ) -> None:
        """Articles, spans by label and origin, decisions and articles done per annotator."""
        # Imported here: `annotator` starts the app without loading what other commands need.
        from rich.console import Console
        from rich.table import Table

        from annotator.store import Store

        with Store(db, create=False) as store:
            figures = store.stats()
            from annotator.cli.agreement_cmd import agreement_figures
            from annotator.store.review import review_summary

            figures["agreement"] = agreement_figures(store, top=5)
            figures["review"] = review_summary(store)
        if as_json:
            print(json.dumps(figures, ensure_ascii=False))
            return
        console = Console()
        console.print(f"articles {figures['articles']} · spans {figures['spans']} · decisions {figures['decisions']}")
        for title, key in (("spans by label", "spans_by_label"), ("spans by origin", "spans_by_origin")):
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
