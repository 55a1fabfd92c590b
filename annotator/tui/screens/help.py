"""The help screen: every key of the main screen and the schema's label keys."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.keys import BY_ID, LABEL_PREFIX, Key, first_key, shown
from annotator.schema import Schema
from annotator.tui.bindings import bindings

SECTIONS = {"": "Spans", "mark": "Mark mode (m): a new span", "edit": "Bounds (e)"}


def guidelines_line(schema: Schema, keymap: Mapping[str, str] | None = None) -> Text:
    """The link line to the guidelines, for the help screen and the label picker."""
    if schema.guidelines is None:
        return Text("\nNo guidelines: a schema can name a Markdown file with 'guidelines:'", style="dim")
    line = Text("\nGuidelines: ", style="bold")
    line.append(schema.guidelines_name or schema.guidelines, style="underline")
    line.append(f"  ({first_key('guidelines', keymap)} opens them on the main screen)")
    return line


def textual_keys(key_to_bindings: Mapping[str, list[Binding]]) -> list[tuple[str, str]]:
    """(description, key) of the screen's bindings that are Textual's own (tab, shift+tab, copy)."""
    return [(binding.tooltip or binding.description, binding.key)
            for bindings in key_to_bindings.values() for binding in bindings
            if binding.description and binding.id not in BY_ID and not (binding.id or "").startswith(LABEL_PREFIX)]


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 84; max-width: 98%; height: 90%; border: round $accent;
        background: $surface; padding: 0 1; }
    """
    BINDINGS = bindings("help")
    SECTIONS = SECTIONS  # a key id's prefix -> its section's title ("" for the rest); other apps' help sets its own

    def __init__(self, keys: list[tuple[Key, tuple[str, ...]]], schema: Schema,
                 others: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.keys = keys  # the main screen's bindings, each with its keys after the keymap
        self.others = others or []  # (description, key) of Textual's own screen keys (tab, copy)
        self.schema = schema

    def compose(self) -> ComposeResult:
        # Sections by binding id: "mark.left" belongs to mark mode, "edit.save" to bounds editing.
        titles = self.SECTIONS
        sections: dict[str, dict[str, list[str]]] = {name: {} for name in titles.values()}
        for key, names in self.keys:
            section = titles.get(key.id.split(".")[0] if "." in key.id else "", titles[""])
            sections[section].setdefault(key.help_text, []).extend(shown(name) for name in names)
        for description, name in self.others:
            sections[titles[""]].setdefault(description, []).append(shown(name))
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
            keymap = getattr(self.app, "keymap", None)
            yield Static(Text(f"Keys ({first_key('help.close', keymap)} closes · {first_key('help.down', keymap)}/"
                              f"{first_key('help.up', keymap)} scroll · {first_key('help.page_down', keymap)}/"
                              f"{first_key('help.page_up', keymap)} page)", style="bold underline"))
            yield Static(keys)
            yield Static(Text("\nLabel keys: relabel and accept in one stroke; in mark mode, create the span",
                              style="bold"))
            yield Static(labels)
            yield Static(guidelines_line(self.schema, keymap))

    def action_scroll(self, step: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=step, animate=False)

    def action_page(self, step: int) -> None:
        scroller = self.query_one(VerticalScroll)
        scroller.scroll_relative(y=step * max(1, scroller.size.height - 2), animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
