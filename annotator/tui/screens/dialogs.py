"""Small modal screens: the done dialog and a one-line prompt."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from annotator.tui.bindings import bindings


class DoneDialog(ModalScreen[bool]):
    """Some spans are still undecided: accept them all and finish (True), or go back (False)."""

    DEFAULT_CSS = """
    DoneDialog { align: center middle; }
    DoneDialog > Vertical { width: 56; max-width: 95%; height: auto; border: round $warning;
        background: $surface; padding: 1 2; }
    DoneDialog Label { width: 100%; }
    DoneDialog Horizontal { height: auto; margin-top: 1; }
    DoneDialog Button { margin-right: 2; }
    """
    BINDINGS = bindings("done")

    def __init__(self, undecided: int) -> None:
        super().__init__()
        self.undecided = undecided

    def compose(self) -> ComposeResult:
        spans = "span is" if self.undecided == 1 else "spans are"
        with Vertical():
            yield Label(Text(f"{self.undecided} {spans} still undecided.", style="bold"))
            yield Label("Accept them all and mark the article done, or go back to them?")
            with Horizontal():
                yield Button("Accept all (a)", id="accept", variant="warning")
                yield Button("Go back (esc)", id="back")

    def on_mount(self) -> None:
        self.query_one("#back", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "accept")

    def action_answer(self, accept: bool) -> None:
        self.dismiss(accept)


class PromptScreen(ModalScreen[str | None]):
    """One line of input at the bottom (search); enter returns it, escape returns None."""

    DEFAULT_CSS = """
    PromptScreen { align: left bottom; background: transparent; }
    PromptScreen > Horizontal { height: 1; width: 100%; background: $panel; dock: bottom; margin-bottom: 1; }
    PromptScreen Label { width: auto; padding: 0 1; text-style: bold; }
    PromptScreen #prompt, PromptScreen #prompt:focus { border: none; height: 1; padding: 0; width: 1fr; }
    """
    BINDINGS = bindings("prompt")

    def __init__(self, prompt: str, value: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.value = value

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(Text(self.prompt))
            box = Input(value=self.value, id="prompt")
            box.cursor_blink = False  # steady: no repaint traffic over SSH
            yield box

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FlagDialog(ModalScreen[str | None]):
    """A note on why the article is flagged: enter saves it (an emptied note clears the flag), escape cancels."""

    DEFAULT_CSS = """
    FlagDialog { align: center middle; }
    FlagDialog > Vertical { width: 64; max-width: 95%; height: auto; border: round $warning;
        background: $surface; padding: 1 2; }
    FlagDialog Label { width: 100%; }
    FlagDialog #note, FlagDialog #note:focus { margin-top: 1; border: tall $warning; }
    FlagDialog .hint { color: $text-muted; }
    """
    BINDINGS = bindings("flag")

    def __init__(self, note: str | None) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            title = "Edit the flag of this article" if self.note else "Flag this article"
            yield Label(Text(title, style="bold"))
            yield Label("What are you unsure about? The reviewer sees this note beside your version.")
            box = Input(value=self.note or "", placeholder="e.g. ORG or GPE for “Damascus”?", id="note",
                        max_length=500, select_on_focus=False)  # the cursor at the end: to edit, not retype
            box.cursor_blink = False  # steady: no repaint traffic over SSH, steady snapshots
            yield box
            clear = " · ctrl+u empties it: enter then clears the flag" if self.note else ""
            yield Label(Text(f"enter saves{clear} · esc cancels"), classes="hint")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
