"""`annotator schema check FILE`."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    schema_app = typer.Typer(help="Work with label schemas.", no_args_is_help=True)
    app.add_typer(schema_app, name="schema")

    @schema_app.command("check")
    def check(path: Path = typer.Argument(..., help="The schema YAML file.")) -> None:
        """Validate a schema and print its labels. Exit status 2 when it is wrong."""
        # Imported here: `annotator` starts the app without loading what other commands need.
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        from annotator.errors import SchemaError
        from annotator.schema import guidelines_problem, load_schema

        schema = load_schema(path)
        problem = guidelines_problem(schema)
        if problem:
            raise SchemaError(problem)
        table = Table(title=f"{schema.name} ({path})")
        for column in ("label", "kind", "key", "colour", "speakers", "description"):
            table.add_column(column)
        for label in schema.labels:
            table.add_row(
                Text(label.name, style=f"bold {label.colour}"), label.kind, label.key or "",
                label.colour, ", ".join(label.speakers), label.description,
            )
        console = Console()
        console.print(table)
        mapped = ", ".join(f"{k}→{v}" for k, v in sorted(schema.model_map.items())) or "none"
        console.print(f"model: {schema.model or 'default'} · map: {mapped} · drop: {', '.join(sorted(schema.drop)) or 'none'}")
        console.print(f"overlap: {schema.overlap or 'all'} · nested entities: {'allowed' if schema.allow_nested else 'not allowed'}")
        console.print(f"idle after: {schema.idle_after:g} s · guidelines: {schema.guidelines or 'none'}", markup=False)
        moved = ", ".join(f"{binding_id}→{keys}" for binding_id, keys in schema.keymap.items()) or "none (docs/keys.md)"
        console.print(f"keys moved: {moved}", markup=False)
