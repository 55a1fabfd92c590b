"""`annotator formats`: every interchange format, which way it goes, what it keeps and loses."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("formats")
    def formats() -> None:
        """List the formats `import --format` and `export --format` take, with what each keeps and loses."""
        import shutil
        import textwrap

        from annotator.formats import all_formats

        width = min(100, shutil.get_terminal_size((100, 24)).columns)
        for fmt in all_formats():
            ways = {"both": "import, export", "import": "import only", "export": "export only"}[fmt.direction]
            print(f"{fmt.name} ({ways}): {fmt.title}")
            for heading, text in (("keeps", fmt.keeps), ("loses", fmt.loses)):
                print(textwrap.fill(text, width, initial_indent=f"  {heading}: ", subsequent_indent="         "))
