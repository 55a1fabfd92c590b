"""The help screen: every key of the main screen and the schema's label keys."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.schema import Schema


def key_name(key: str) -> str:
    names = {
        "question_mark": "?", "right_square_bracket": "]", "left_square_bracket": "[", "slash": "/",
        "down": "↓", "up": "↑", "left": "←", "right": "→", "shift+left": "shift+←", "shift+right": "shift+→",
        "enter": "enter", "escape": "esc", "exclamation_mark": "!",
    }
    return names.get(key, key)


SECTIONS = {"": "Spans", "mark": "Mark mode (m): a new span", "edit": "Bounds (e)"}


def guidelines_line(schema: Schema) -> Text:
    """The link line to the guidelines, for the help screen and the label picker."""
    if schema.guidelines is None:
        return Text("\nNo guidelines: a schema can name a Markdown file with 'guidelines:'", style="dim")
    line = Text("\nGuidelines: ", style="bold")
    line.append(schema.guidelines_name or schema.guidelines, style="underline")
    line.append("  (g opens them on the main screen)")
    return line


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 84; max-width: 98%; height: 90%; border: round $accent;
        background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, bindings: list[Binding], schema: Schema) -> None:
        super().__init__()
        self.bindings = bindings
        self.schema = schema

    def compose(self) -> ComposeResult:
        # Sections by binding id: "mark.left" belongs to mark mode, "edit.save" to bounds editing.
        sections: dict[str, dict[str, list[str]]] = {name: {} for name in SECTIONS.values()}
        for binding in self.bindings:
            if binding.description and not (binding.id or "").startswith("label."):
                section = SECTIONS.get((binding.id or "").split(".")[0] if "." in (binding.id or "") else "", "Spans")
                sections[section].setdefault(binding.tooltip or binding.description, []).append(key_name(binding.key))
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", min_width=10)
        keys.add_column()
        for title, entries in sections.items():
            if not entries:
                continue
            keys.add_row(Text(title, style="bold underline"), Text(""))
            for description, names in entries.items():
                keys.add_row(Text(" ".join(dict.fromkeys(names))), Text(description))
        labels = Table.grid(padding=(0, 2))
        labels.add_column(style="bold")
        labels.add_column()
        labels.add_column()
        for label in self.schema.labels:
            if label.key:
                labels.add_row(Text(label.key), Text(label.name, style=f"bold {label.colour}"), Text(label.description))
        with VerticalScroll():
            yield Static(Text("Keys (esc closes)", style="bold underline"))
            yield Static(keys)
            yield Static(Text("\nLabel keys: relabel and accept in one stroke; in mark mode, create the span",
                              style="bold"))
            yield Static(labels)
            yield Static(guidelines_line(self.schema))

    def action_close(self) -> None:
        self.dismiss(None)
