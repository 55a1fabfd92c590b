"""`annotator formats`: every interchange format, built in or plugged in through the entry point
group `annotator.formats`: its name, which way it goes, its files' suffixes, what it is, and what it
keeps and loses."""

from __future__ import annotations

import shutil
import textwrap

import typer

WAYS = {"both": "import, export", "import": "import only", "export": "export only"}


def register(app: typer.Typer) -> None:
    @app.command("formats")
    def formats() -> None:
        """List the formats `import --format` and `export --format` take, with what each keeps and loses."""
        from annotator.formats import all_formats, origin

        width = min(100, shutil.get_terminal_size((100, 24)).columns)
        for fmt in all_formats():
            suffixes = "; " + " ".join(fmt.suffixes) if fmt.suffixes else ""
            plugged = f" [from {origin(fmt.name)}]" if origin(fmt.name) else ""
            print(f"{fmt.name} ({WAYS[fmt.direction]}{suffixes}){plugged}: {fmt.title}")
            for heading, text in (("keeps", fmt.keeps), ("loses", fmt.loses)):
                print(textwrap.fill(text, width, initial_indent=f"  {heading}: ", subsequent_indent="         "))
