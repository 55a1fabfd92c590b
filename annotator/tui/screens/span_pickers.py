"""The main screen's questions, each a PickerScreen (picker_screen.py) built from the open article:
a span's label, a quote's speaker, what the span list shows. The screen pushes one with
push_screen_wait and hands the value it is dismissed with to the session (None: nothing chosen).
Imported on first use, with the picker's widgets (screens/lazy.py)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from annotator.model import FORMS, SpanView
from annotator.schema import Schema
from annotator.session import AnnotationSession
from annotator.tui.palette import Palette
from annotator.tui.screens.help import guidelines_line
from annotator.tui.screens.picker_screen import Choice, PickerScreen
from annotator.tui.state import ArticleState, SpanFilter
from annotator.tui.text import safe_line

NO_SPEAKER = "-"
NEW_SPEAKER = "+"


def label_choices(schema: Schema, kind: str | None = None, only: frozenset[str] | None = None) -> list[Choice]:
    """The schema's labels (of one kind, or among `only`), each with its key beside it."""
    choices = []
    for label in schema.labels:
        if (kind is not None and label.kind != kind) or (only is not None and label.name not in only):
            continue
        prompt = Text()
        prompt.append(f"{label.key or ' '} ", style="bold")
        prompt.append(f"{label.name:<8}", style=f"bold {label.colour}")
        prompt.append(f" {label.description}")
        choices.append(Choice(label.name, prompt, f"{label.name} {label.description}".lower(), label.key))
    return choices


def relabel_picker(schema: Schema, keymap: Mapping[str, str], text: str, span: SpanView) -> PickerScreen:
    """A label for a span: those of its kind, its own highlighted."""
    return PickerScreen(f"Label for “{safe_line(text[span.start:span.end])[:40]}”", label_choices(schema, span.kind),
                        span.label, guidelines_line(schema, keymap))


def new_span_picker(schema: Schema, keymap: Mapping[str, str], text: str, start: int, end: int,
                    speaker: bool) -> PickerScreen:
    """A label for a span marked in mark mode (a quote's speaker: the labels that may speak)."""
    only = frozenset(schema.speaker_labels) if speaker else None
    return PickerScreen(f"Label for new span “{safe_line(text[start:end])[:40]}”", label_choices(schema, only=only),
                        note=guidelines_line(schema, keymap))


def speaker_picker(session: AnnotationSession, palette: Palette, state: ArticleState, quote: SpanView) -> PickerScreen:
    """A quote's speaker: the candidates nearest first, the current one marked; or none, or a new one."""
    text = state.article.text
    current = quote.speaker_span_id or quote.speaker_entity_span_id
    choices = []
    for span in session.speaker_candidates(state.spans, quote, text):
        name = safe_line(text[span.start:span.end])
        mine = span.id == current
        prompt = Text("● " if mine else "  ", style="bold")
        prompt.append(name[:40])
        prompt.append(f"  {span.label}", style=f"bold {palette.colour(span.label)}")
        if mine:
            prompt.append("  (current)", style="italic")
        choices.append(Choice(span.id, prompt, f"{name} {span.label}".lower()))
    choices += [
        Choice(NO_SPEAKER, Text("  no speaker", style="italic"), "no speaker none"),
        Choice(NEW_SPEAKER, Text("  new speaker from a selection…", style="italic"), "new speaker selection mark"),
    ]
    return PickerScreen("Speaker of the quote (nearest first)", choices,
                        current if current is not None else choices[0].value)


def filter_picker(schema: Schema, current: SpanFilter) -> PickerScreen:
    """What the span list shows; the current filter is marked, not preselected: f then enter shows all."""
    choices = [
        Choice(SpanFilter(), Text("all spans"), "all spans"),
        Choice(SpanFilter(undecided=True), Text("undecided only"), "undecided only"),
        Choice(SpanFilter(kind="entity"), Text("entities"), "entities"),
        Choice(SpanFilter(kind="quote"), Text("quotes"), "quotes"),
    ]
    for form in FORMS:  # attributions of one form: the indirect ones are most of the work
        choices.append(Choice(SpanFilter(form=form), Text(f"{form} quotes"), f"{form} quotes form"))
    for label in schema.labels:
        choices.append(Choice(SpanFilter(label=label.name), Text(label.name, style=f"bold {label.colour}"),
                              label.name.lower()))
    choices = [choice if choice.value != current else
               Choice(choice.value, Text("● ").append_text(choice.prompt).append("  (current)", style="italic"),
                      choice.search) for choice in choices]
    return PickerScreen("Show in the list", choices, SpanFilter())
