"""Pilot tests of issue 36, the first hour of a new annotator: edits keep your place, the speaker
picker helps, the filter opens empty, help scrolls. Each presses keys and reads the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from annotator.model import ArticleDraft, SpanDraft
from annotator.store import Store
from tests.tui.conftest import ANNOTATOR, at, post_keys, press, settle, tokens_of

SIZE = (80, 24)
HANG = 60  # seconds

# The trial's article, shortened: one quote whose speaker is a mention holding two entities.
TEXT = (
    "A UN peace envoy said a militant attack in Syria was planned. Suicide bombers stormed two Syrian "
    "offices in Homs.\n\n"
    "“Spoilers were always expected, to influence the talks in Syria,” UN mediator Staffan de Mistura "
    "said in Geneva.\n\n"
    "De Mistura has met the two sides in Geneva, and the UN team in Syria."
)
QUOTE = "“Spoilers were always expected, to influence the talks in Syria,”"


def drafts() -> tuple[SpanDraft, ...]:
    t = TEXT
    return (
        SpanDraft(*at(t, "UN"), "ORG"),                                   # 0
        SpanDraft(*at(t, "Syria"), "GPE"),                                # 1
        SpanDraft(*at(t, "Syrian"), "NORP"),                              # 2
        SpanDraft(*at(t, "Homs"), "GPE"),                                 # 3
        SpanDraft(*at(t, QUOTE), "QUOTE", "quote", speaker=5, speaker_entity=None),  # 4
        SpanDraft(*at(t, "UN mediator Staffan de Mistura"), "SPEAKER", "speaker"),  # 5
        SpanDraft(*at(t, "Syria", 1), "GPE"),                             # 6: inside the quote
        SpanDraft(*at(t, "UN", 1), "ORG"),                                # 7: inside the mention
        SpanDraft(*at(t, "Staffan de Mistura"), "PERSON"),                # 8
        SpanDraft(*at(t, "Geneva"), "GPE"),                               # 9
        SpanDraft(*at(t, "De Mistura"), "PERSON"),                        # 10
        SpanDraft(*at(t, "Geneva", 1), "GPE"),                            # 11
        SpanDraft(*at(t, "UN", 2), "ORG"),                                # 12
        SpanDraft(*at(t, "Syria", 2), "GPE"),                             # 13
    )


@pytest.fixture
def trial_store(tmp_path: Path):
    path = tmp_path / "trial.db"
    with Store(path) as store, store.write() as conn:
        store.insert_article(conn, ArticleDraft(TEXT, title="Envoy says spoilers", source="Reuters", date="2017-02-27",
                                                spans=drafts()), "trial", tokens_of(TEXT), "model")
    with Store(path) as store:
        yield store


@pytest.fixture
def trial_app(trial_store, schema):
    from annotator.tui.app import AnnotatorApp

    return lambda: AnnotatorApp(trial_store, schema, ANNOTATOR, 1)


def words(span) -> str:
    return TEXT[span.start:span.end]


def spans(store) -> list:
    return store.spans(1, ANNOTATOR)


async def select(pilot, text: str, nth: int = 0) -> None:
    """Select the nth span (in list order) with these words, by pressing j."""
    main = pilot.app.main
    for _ in range(len(main.state.spans)):
        if main.state.current is not None and words(main.state.current) == text:
            if nth == 0:
                return
            nth -= 1
        await press(pilot, "j")
    raise AssertionError(f"no span {text!r}")


async def burst(pilot, *keys: str) -> None:
    """Keys as a quick typist (or SSH) delivers them: all sent before the app ran any."""
    post_keys(pilot.app, *keys)
    # A guard, not a timing: a dialog left waiting for a key that went elsewhere fails instead of hanging.
    await asyncio.wait_for(settle(pilot), HANG)


# -- #3: the list must not move under you ---------------------------------------------------------


@pytest.mark.parametrize("typing", ["paced", "burst"])
async def test_a_bounds_edit_keeps_the_span_selected_and_the_next_keys_act_where_you_look(trial_app, trial_store,
                                                                                       typing):
    """e, → →, enter on "UN mediator Staffan de Mistura" moves its start past the ORG "UN" inside it:
    the list re-sorts, the edited span stays selected and in view, and k then 1 relabel the row
    shown just above it (the UN inside the mention), nothing else."""
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, "UN mediator Staffan de Mistura")
        edited = app.main.state.current.id
        keys = ("e", "right", "right", "enter")
        if typing == "paced":
            for key in keys:
                await press(pilot, key)
        else:
            await burst(pilot, *keys)
        main = app.main
        assert main.mode == "normal"
        assert main.state.current.id == edited and words(main.state.current) == "Staffan de Mistura"
        row = main.state.row_of(main.state.selected)
        top = int(main.list.scroll_offset.y)
        assert top <= row < top + main.list.scrollable_content_region.height, "the edited span is out of view"
        above = main.state.spans[main.state.visible[row - 1]]
        assert words(above) == "UN" and above.start > TEXT.index("mediator") - 4  # the UN inside the mention
        if typing == "paced":
            await press(pilot, "k")
            await press(pilot, "1")
        else:
            await burst(pilot, "k", "1")
        changed = {s.id: (words(s), s.status, s.label) for s in spans(trial_store) if s.status != "undecided"}
        assert changed == {edited: ("Staffan de Mistura", "accepted", "SPEAKER"), above.id: ("UN", "accepted", "PERSON")}
        actions = [d.action for d in trial_store.decisions(ANNOTATOR)]
        assert actions == ["adjust", "relabel"]


async def test_a_refused_save_keeps_bounds_mode_and_drops_keys_read_for_another_mode(trial_app, trial_store):
    """enter on bounds that would hold the ORG "UN" is refused (news.yaml: allow_nested false): bounds
    mode stays, and k and 1 typed straight after (read as normal-mode keys) neither move nor relabel."""
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, "Staffan de Mistura")
        selected = app.main.state.current.id
        await burst(pilot, "e", "left", "left", "enter", "k", "1")
        assert "nests with ORG" in app.main.message
        assert app.main.mode == "edit" and app.main.keys_mode == "edit"
        assert app.main.state.current.id == selected
        assert trial_store.decisions(ANNOTATOR) == []
        await press(pilot, "escape")
        assert app.main.mode == "normal"


# -- #4: the speaker picker ------------------------------------------------------------------------


async def open_speaker_picker(pilot):
    await select(pilot, QUOTE)
    await pilot.press("s")
    await pilot.pause()
    from annotator.tui.screens.picker_screen import PickerScreen

    assert isinstance(pilot.app.screen, PickerScreen)
    return pilot.app.screen


def shown_words(picker, state) -> list[str]:
    return [words(state.by_id(c.value)) if isinstance(c.value, int) else c.value for c in picker.shown]


async def test_speaker_picker_puts_the_current_speaker_first_then_each_name_once_nearest_first(trial_app):
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        picker = await open_speaker_picker(pilot)
        from textual.widgets import OptionList

        state = app.main.state
        first = picker.shown[0]
        assert first.value == state.current.speaker_span_id and "(current)" in first.prompt.plain
        assert first.prompt.plain.startswith("●")
        assert picker.query_one(OptionList).highlighted == 0
        # Nearest first in characters: the UN of the mention (1 after the quote), Syria inside the quote
        # (2 from its end: not 0), Homs (3 before), Staffan de Mistura (13 after), Syrian (19 before)…
        # and UN, Syria, Geneva once each, at their nearest.
        assert shown_words(picker, state) == ["UN mediator Staffan de Mistura", "UN", "Syria", "Homs",
                                              "Staffan de Mistura", "Syrian", "Geneva", "De Mistura", "-", "+"]
        await pilot.press(*"Staff")
        await pilot.pause()
        assert "UN mediator Staffan de Mistura" in shown_words(picker, state)  # any word of a mention
        await pilot.press("escape")
        await settle(pilot)


async def test_setting_a_speaker_says_so_and_accepts_the_quote_in_one_undoable_decision(trial_app, trial_store):
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_speaker_picker(pilot)
        await pilot.press(*"staffan de", "enter")
        await settle(pilot)
        quote = next(s for s in spans(trial_store) if s.kind == "quote")
        speaker = trial_store.span(quote.speaker_span_id, ANNOTATOR)
        assert (quote.status, words(speaker), speaker.label) == ("accepted", "Staffan de Mistura", "PERSON")
        assert [d.action for d in trial_store.decisions(ANNOTATOR)] == ["speaker"]
        assert "speaker set: Staffan de Mistura (PERSON)" in app.main.message
        assert "speaker set" in str(app.main.status.render())
        assert app.main.state.current.id == quote.id and app.main.state.current.status == "accepted"
        await press(pilot, "u")
        quote = next(s for s in spans(trial_store) if s.kind == "quote")
        assert quote.status == "undecided" and words(trial_store.span(quote.speaker_span_id, ANNOTATOR)) == (
            "UN mediator Staffan de Mistura")


# -- #5: the filter opens empty ----------------------------------------------------------------------


async def test_filter_opens_empty_so_f_then_enter_shows_all_again(trial_app):
    from textual.widgets import Input

    from annotator.tui.state import SpanFilter

    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"gpe", "enter")
        await settle(pilot)
        assert app.main.state.filter == SpanFilter(label="GPE")
        assert {s.label for s in (app.main.state.spans[i] for i in app.main.state.visible)} == {"GPE"}
        await pilot.press("f")
        await pilot.pause()
        assert app.screen.query_one(Input).value == ""
        assert "(current)" in next(c for c in app.screen.shown if c.value == SpanFilter(label="GPE")).prompt.plain
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.state.filter == SpanFilter()
        assert len(app.main.state.visible) == len(app.main.state.spans)
        assert "filter:" not in str(app.main.status.render())


# -- #6: help scrolls with j/k ------------------------------------------------------------------------


async def test_help_scrolls_with_j_and_k_and_says_so(trial_app):
    from textual.containers import VerticalScroll
    from textual.widgets import Static

    from annotator.tui.screens.help import HelpScreen

    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        title = str(app.screen.query(Static).first().render())
        assert "j/k scroll" in title and "space/b page" in title
        scroller = app.screen.query_one(VerticalScroll)
        assert scroller.max_scroll_y > 3, "help fits 80x24: nothing to scroll"
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert scroller.scroll_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert scroller.scroll_y == 2
        await pilot.press("space")
        await pilot.pause()
        assert scroller.scroll_y > 2
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


# -- keys typed before a picker or dialog shows go to it ----------------------------------------------


async def test_keys_typed_before_a_dialog_shows_answer_it(trial_app, trial_store):
    """d then a typed at once: the a answers the done dialog (accept all), it does not accept a span."""
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "d", "a")
        for _ in range(5):
            await asyncio.wait_for(settle(pilot), HANG)
        assert trial_store.status(1, ANNOTATOR) == "done"
        assert all(s.status == "accepted" for s in spans(trial_store))
        assert app.screen is app.main


async def test_keys_typed_before_a_picker_shows_go_to_it(trial_app):
    """f g p e enter, then f enter, each typed at once: the filter is GPE, then all spans again."""
    from annotator.tui.state import SpanFilter

    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "f", "g", "p", "e", "enter")
        for _ in range(5):
            await asyncio.wait_for(settle(pilot), HANG)
        assert app.screen is app.main and app.main.state.filter == SpanFilter(label="GPE")
        await burst(pilot, "f", "enter", "j")
        for _ in range(5):
            await asyncio.wait_for(settle(pilot), HANG)
        assert app.screen is app.main and app.main.state.filter == SpanFilter()
        # Clearing the filter keeps Syria (row 1, the first GPE) selected; the j after the picker: one row down.
        assert app.main.state.selected == app.main.state.visible[2]


async def test_a_burst_into_an_open_picker_is_read_in_order(trial_app):
    """f, then (the picker up) g p e enter j arriving in one read, as tmux and SSH deliver them:
    the picker gets g p e enter, the main screen the j. Textual alone hands the whole burst to the
    picker's input, which ran the j before the enter's choice: "gpej" stood in the filter."""
    from annotator.tui.screens.picker_screen import PickerScreen
    from annotator.tui.state import SpanFilter

    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        for _ in range(50):
            if isinstance(app.screen, PickerScreen) and app.screen.focused is not None:
                break
            await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await burst(pilot, "g", "p", "e", "enter", "j")
        for _ in range(5):
            await asyncio.wait_for(settle(pilot), HANG)
        assert app.screen is app.main and app.main.state.filter == SpanFilter(label="GPE")
        state = app.main.state
        assert state.selected == state.visible[1]  # the first GPE kept, then one down


async def test_a_burst_through_mark_mode_is_read_in_the_modes_it_leads_to(trial_app, trial_store):
    """m w a n o r p enter x arriving in one read: "peace" marked and labelled NORP in the picker,
    then x (read after the new span left mark mode) rejects it. Textual ran the screen's key handler
    for the whole burst before m's binding, so the a was read in normal mode (an accept), and the
    x typed after the picker went in mark mode, where it means nothing."""
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "m", "w", "a", "n", "o", "r", "p", "enter", "x")
        for _ in range(5):
            await asyncio.wait_for(settle(pilot), HANG)
        assert app.screen is app.main and app.main.mode == "normal"
    made = [s for s in spans(trial_store) if s.origin == "manual"]
    assert [(words(s), s.label, s.status) for s in made] == [("peace", "NORP", "rejected")]
    assert all(s.status == "undecided" for s in spans(trial_store) if s.origin != "manual")
