"""The main screen's commands that ask through a picker: relabel, a quote's speaker, the list's filter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from annotator.model import FORMS
from annotator.tui.state import SpanFilter
from annotator.tui.text import safe_line

if TYPE_CHECKING:
    from annotator.tui.screens.main import MainScreen
    from annotator.tui.screens.picker import Choice

    _Base = MainScreen
else:
    _Base = object

NO_SPEAKER = "-"
NEW_SPEAKER = "+"


class Pickers(_Base):
    """Mixed into MainScreen."""

    def _label_choices(self, kind: str | None) -> list[Choice]:
        Choice = self._modals.picker.Choice  # noqa: N806
        choices = []
        for label in self.session.schema.labels:
            if kind is not None and label.kind != kind:
                continue
            prompt = Text()
            prompt.append(f"{label.key or ' '} ", style="bold")
            prompt.append(f"{label.name:<8}", style=f"bold {label.colour}")
            prompt.append(f" {label.description}")
            choices.append(Choice(label.name, prompt, f"{label.name} {label.description}".lower(), label.key))
        return choices

    async def _relabel(self, label: str | None) -> None:
        if self.mode == "mark":
            await self._create(label)
            return
        state = self.state
        span = state.current if state else None
        if state is None or span is None:
            return
        if label is None:
            label = await self.app.push_screen_wait(self._modals.picker.PickerScreen(
                f"Label for “{safe_line(state.article.text[span.start:span.end])[:40]}”",
                self._label_choices(span.kind), span.label, self._modals.help.guidelines_line(self.session.schema, self.keymap)))
            if label is None:
                return
        view = await self.call(self.session.accept, span, label)
        self._apply(view)
        self._decided(view.id, advance=True)

    async def _speaker(self) -> None:
        state = self.state
        quote = state.current if state else None
        if state is None or quote is None:
            return
        text = state.article.text
        candidates = self.session.speaker_candidates(state.spans, quote, text)
        current = quote.speaker_span_id or quote.speaker_entity_span_id
        Choice, PickerScreen = self._modals.picker.Choice, self._modals.picker.PickerScreen  # noqa: N806
        choices = []
        for span in candidates:
            name = safe_line(text[span.start:span.end])
            mine = span.id == current
            prompt = Text("● " if mine else "  ", style="bold")
            prompt.append(name[:40])
            prompt.append(f"  {span.label}", style=f"bold {self.palette.colour(span.label)}")
            if mine:
                prompt.append("  (current)", style="italic")
            choices.append(Choice(span.id, prompt, f"{name} {span.label}".lower()))
        choices += [
            Choice(NO_SPEAKER, Text("  no speaker", style="italic"), "no speaker none"),
            Choice(NEW_SPEAKER, Text("  new speaker from a selection…", style="italic"), "new speaker selection mark"),
        ]
        choice = await self.app.push_screen_wait(PickerScreen("Speaker of the quote (nearest first)", choices,
                                                              current if current is not None else choices[0].value))
        if choice is None:
            return
        if choice == NEW_SPEAKER:
            await self._mark(quote.id)
            return
        speaker = None if choice == NO_SPEAKER else state.by_id(int(choice))
        view = await self.call(self.session.set_speaker, quote, speaker)
        self._apply(view)
        self._decided(view.id)
        who = f"{safe_line(text[speaker.start:speaker.end])[:40]} ({speaker.label})" if speaker else "no speaker"
        self.say(f"speaker set: {who}; quote accepted")

    async def _filter(self) -> None:
        state = self.state
        if state is None:
            return
        Choice, PickerScreen = self._modals.picker.Choice, self._modals.picker.PickerScreen  # noqa: N806
        choices = [
            Choice(SpanFilter(), Text("all spans"), "all spans"),
            Choice(SpanFilter(undecided=True), Text("undecided only"), "undecided only"),
            Choice(SpanFilter(kind="entity"), Text("entities"), "entities"),
            Choice(SpanFilter(kind="quote"), Text("quotes"), "quotes"),
        ]
        for form in FORMS:  # attributions of one form: the indirect ones are most of the work
            choices.append(Choice(SpanFilter(form=form), Text(f"{form} quotes"), f"{form} quotes form"))
        for label in self.session.schema.labels:
            choices.append(Choice(SpanFilter(label=label.name), Text(label.name, style=f"bold {label.colour}"),
                                  label.name.lower()))
        # The current filter is marked, not preselected: f then enter shows all spans again.
        choices = [choice if choice.value != state.filter else
                   Choice(choice.value, Text("● ").append_text(choice.prompt).append("  (current)", style="italic"),
                          choice.search) for choice in choices]
        chosen = await self.app.push_screen_wait(PickerScreen("Show in the list", choices, SpanFilter()))
        if chosen is None:
            return
        state.set_filter(chosen)
        self.list.set_state(state)
        self._show_status()
        self._show_selection()
