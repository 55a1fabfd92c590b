"""The modal picker screen: a filter box over a list of choices; dismissed with the chosen value,
None on escape. What the main screen asks through it is built in span_pickers.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from annotator.tui.bindings import bindings


@dataclass(frozen=True)
class Choice:
    value: Any
    prompt: Text  # built from plain strings: never parsed as markup
    search: str  # what the filter matches against (lower case)
    key: str | None = None  # shown beside the choice; typed first into the empty filter, it picks the choice


class PickerScreen(ModalScreen[Any]):
    """Type to filter, ↑/↓ to move, enter to choose, escape for nothing; a choice's key (shown
    beside it, as on the main screen) typed first picks it at once."""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 60; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1; }
    PickerScreen Label { width: 100%; text-style: bold; }
    PickerScreen #note { text-style: none; color: $text-muted; margin-bottom: 1; }
    PickerScreen #filter, PickerScreen #filter:focus { border: none; height: 1; padding: 0 1; margin: 1 0 0 0;
        background: $boost; }
    PickerScreen OptionList { height: auto; max-height: 16; border: none; padding: 0; margin-top: 1; }
    """
    BINDINGS = bindings("picker")

    def __init__(self, title: str, choices: list[Choice], selected: Any = None, note: Text | None = None) -> None:
        super().__init__()
        self.note = note  # a line under the choices (the label picker's link to the guidelines)
        self.title_text = title
        self.choices = choices
        self.selected = selected
        self.shown: list[Choice] = choices
        self._typed = ""  # the filter's text before the latest change

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text))
            # No blinking cursor: no repaint traffic over SSH twice a second, and steady snapshots.
            box = Input(placeholder="type to filter", id="filter")
            box.cursor_blink = False
            yield box
            yield OptionList(*self._options(self.choices), id="choices")
            if self.note is not None:
                yield Label(self.note, id="note")

    @staticmethod
    def _options(choices: list[Choice]) -> list[Option]:
        return [Option(choice.prompt) for choice in choices]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for row, choice in enumerate(self.choices):
            if choice.value == self.selected:
                options.highlighted = row
                break
        else:
            options.highlighted = 0 if self.choices else None

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        typed, self._typed = self._typed, event.value
        if not typed:
            for choice in self.choices:
                if choice.key is not None and choice.key == event.value:
                    self.dismiss(choice.value)
                    return
        words = event.value.lower().split()
        self.shown = [c for c in self.choices if all(w in c.search for w in words)]
        # Exact name first: typing "org" then enter picks ORG, not a description mentioning it.
        self.shown.sort(key=lambda c: not c.search.startswith(event.value.lower().strip()))
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(self.shown))
        options.highlighted = 0 if self.shown else None

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    @on(Input.Submitted, "#filter")
    def _submit(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and highlighted < len(self.shown):
            self.dismiss(self.shown[highlighted].value)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index].value)

    def action_cancel(self) -> None:
        self.dismiss(None)
