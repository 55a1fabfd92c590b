"""`annotator stats --db DB [--json] [--flags]`."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import typer

from annotator.cli.options import db_option
from annotator.dburl import shown


def register(app: typer.Typer) -> None:
    @app.command("stats")
    def stats(
        db: Any = db_option(),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
        corrections: bool = typer.Option(False, "--corrections", help="How annotators answered each model label."),
        model: str = typer.Option(None, "--model", help="With --corrections: one model's suggestions only."),
        flags: bool = typer.Option(False, "--flags", help="List the flagged articles with their notes."),
        annotator: str = typer.Option(None, "--annotator", help="With --flags: only this annotator's flags."),
    ) -> None:
        """Articles, spans by label, origin and model; per annotator decisions, active time, articles done, flags."""
        # Imported here: `annotator` starts the app without loading what other commands need.
        from rich.console import Console

        from annotator.store import Store

        if corrections:
            _print_corrections(db, model, as_json)
            return
        with Store(db, create=False) as store:
            if flags:
                rows = store.flags(annotator)
                if as_json:
                    print(json.dumps({"flags": rows}, ensure_ascii=False))
                else:
                    print_flags(Console(), rows)
                return
            figures = _figures(store)
        if as_json:
            print(json.dumps(figures, ensure_ascii=False))
            return
        _print_figures(Console(), figures, db)


def _figures(store: Any) -> dict[str, Any]:
    """Everything `stats` shows, read from the store."""
    from annotator.cli.agreement_cmd import agreement_figures
    from annotator.store import ordering
    from annotator.store.learning import suggestions_by_model
    from annotator.store.review import review_summary

    figures = store.stats()
    figures["suggestions_by_model"] = suggestions_by_model(store)
    figures["agreement"] = agreement_figures(store, top=5)
    figures["review"] = review_summary(store)
    figures["uncertain_order"] = {"ranked": ordering.ranked_count(store), "top": ordering.top(store, 5)}
    return figures


def _print_figures(console: Any, figures: dict[str, Any], db: Any) -> None:
    from rich.table import Table

    console.print(f"articles {figures['articles']} · spans {figures['spans']} · decisions {figures['decisions']}"
                  f" standing ({figures['decision_log']} in the log, undo rows and what they undid included)"
                  f" · flags {figures['flags']}")
    for title, key in (("spans by label", "spans_by_label"), ("spans by origin", "spans_by_origin"),
                       ("suggestions by model", "suggestions_by_model")):
        table = Table(title=title)
        table.add_column(title.split()[-1])
        table.add_column("spans", justify="right")
        for name, count in figures[key].items():
            table.add_row(name, str(count))
        console.print(table)
    _print_annotators(console, figures["annotators"])
    ranked = figures["uncertain_order"]
    if ranked["top"]:
        table = Table(title=f"uncertain order: the next of {ranked['ranked']} ranked (annotate --order uncertain)")
        for column in ("rank", "article", "title", "expected corrections"):
            table.add_column(column, justify="left" if column == "title" else "right")
        for row in ranked["top"]:
            table.add_row(str(row["rank"]), str(row["article_id"]), (row["title"] or "")[:40],
                          f"{row['uncertainty']:.2f}")
        console.print(table)
    if figures["flags"]:
        console.print(f"{figures['flags']} flagged: annotator stats --db {shown(db)} --flags", markup=False)
    if figures["agreement"]["pairs"]:
        from annotator.cli.agreement_cmd import print_agreement

        print_agreement(console, figures["agreement"])
        review = figures["review"]
        console.print(f"review: {review['reviewed']} of {review['multi_annotated']} multi-annotated articles"
                      f" adjudicated, {review['in_review']} in review")


def _print_annotators(console: Any, annotators: dict[str, dict[str, Any]]) -> None:
    from rich.table import Table

    from annotator.store.day import duration

    table = Table(title="annotators")
    # Short headings: eight columns at 80. decisions: standing; log: its rows; median: active time per done article.
    columns = ("annotator", "decisions", "log", "done", "active", "median", "done/h", "flags")
    for column in columns:
        table.add_column(column, justify="right" if column != "annotator" else "left")
    for name, row in annotators.items():
        per_hour = row["articles_per_active_hour"]
        table.add_row(name, str(row["decisions"]), str(row["decision_log"]), str(row["articles_done"]),
                      duration(row["active_seconds"]), duration(row["median_active_s"]),
                      "–" if per_hour is None else f"{per_hour:g}", str(row["flagged"]))
    console.print(table)
    console.print("decisions: standing ones (log: every row, undo rows included) · active: time working, gaps cut"
                  " at the schema's idle_after · median: active time per article done · done/h: articles done"
                  " per active hour (not decisions: an accept all is one key for many)", style="dim")


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
    table = Table(title="answers to the model's entity suggestions" + (f" ({model})" if model else ""))
    table.add_column("model label")
    for column in ("suggested", "accepted", "relabelled to", "bounds fixed", "rejected", "missed"):
        table.add_column(column, justify="left" if column == "relabelled to" else "right")
    for label, row in rows.items():
        share = f" ({row['accepted'] / row['suggested']:.0%})" if row["suggested"] else ""
        relabelled = ", ".join(f"{to} {n}" for to, n in sorted(row["relabelled"].items(), key=lambda kv: -kv[1]))
        table.add_row(label, str(row["suggested"]), f"{row['accepted']}{share}", relabelled,
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


def print_flags(console, rows: list[dict]) -> None:
    """Each flag as two lines: where and whose, then the note in full (notes are what matters here)."""
    from rich.text import Text

    if not rows:
        console.print("no flagged articles")
        return
    console.print(Text(f"flagged articles: {len(rows)}", style="bold"))
    for row in rows:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(row["updated_at"]))
        # Text(): a note or a title holding [brackets] is shown as written, never as markup.
        head = Text(f"article {row['article_id']} · ", style="bold")
        head.append(f"{row['annotator']} · {row['status']} · {when} · ")
        head.append(row["heading"][:80], style="italic")
        console.print(head, overflow="ellipsis", no_wrap=True)
        console.print(Text("  ⚑ " + row["note"]))
