"""Pilot tests of full correction (issue 5): new spans, bounds, speakers, filter, search, undo."""

from __future__ import annotations

from tests.tui.conftest import ANNOTATOR, TEXT_1, press, settle

SIZE = (100, 30)
SPOILERS = "“Spoilers will not prevail in Geneva.”"


def text_of(span):
    return TEXT_1[span.start:span.end]


def find(store, words, article_id=1):
    return [s for s in store.spans(article_id, ANNOTATOR) if TEXT_1[s.start:s.end] == words]


async def goto(pilot, words):
    """Select the span with these words by pressing j."""
    for _ in range(10):
        if text_of(pilot.app.main.state.current) == words:
            return
        await press(pilot, "j")
    raise AssertionError(f"no span {words!r}")


async def pick_speaker(pilot, typed: str) -> None:
    """Open the speaker picker, type into its filter box, take the first match."""
    await pilot.press("s")
    await pilot.pause()
    await pilot.press(*typed, "enter")
    await settle(pilot)


async def test_mark_new_span_with_label_key(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, "Tahrir al-Sham")
        await press(pilot, "x")  # the model's PERSON is wrong
        await press(pilot, "k")
        await press(pilot, "m")
        assert app.main.mode == "mark"
        await press(pilot, "v", "w", "w", "w")  # Tahrir al - Sham
        await press(pilot, "2")
        assert app.main.mode == "normal"
        made = [s for s in find(store, "Tahrir al-Sham") if s.origin == "manual"]
        assert len(made) == 1 and made[0].label == "ORG" and made[0].status == "accepted"
        assert text_of(app.main.state.current) == "Tahrir al-Sham" and app.main.state.current.origin == "manual"


async def test_mark_refuses_overlap_unless_nested_allowed(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, "Staffan de Mistura")
        await press(pilot, "m", "3")  # "Staffan" alone would nest in the PERSON span
        assert "allow_nested" in app.main.message
        assert not [d for d in store.decisions(ANNOTATOR)]
        await press(pilot, "escape")
        assert app.main.mode == "normal"


async def test_mark_by_picker_and_cursor_lines(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "m", "down", "down")  # UN -> down two lines: the second paragraph
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("m", "i", "s", "c", "enter")
        await settle(pilot)
        made = [s for s in store.spans(1, ANNOTATOR) if s.origin == "manual"]
        assert len(made) == 1 and made[0].label == "MISC"
        assert app.main.view.lines.line_of(made[0].start) == 2  # two screen lines below "UN"


async def test_edit_bounds(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, "Staffan de Mistura")
        await press(pilot, "e", "shift+left", "right")  # end one token left, start one token right
        assert app.main.mode == "edit"
        await press(pilot, "enter")
        span = app.main.state.by_id(find(store, "de")[0].id)
        assert text_of(span) == "de" and span.status == "accepted"
        assert [d.action for d in store.decisions(ANNOTATOR)] == ["adjust"]
        await press(pilot, "u")
        assert find(store, "Staffan de Mistura")[0].status == "undecided"


async def test_edit_escape_cancels(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e", "shift+right", "escape")
        assert app.main.mode == "normal" and store.decisions(ANNOTATOR) == []


async def test_speaker_picker(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, SPOILERS)
        await pick_speaker(pilot, "no sp")  # "no speaker"
        quote = find(store, SPOILERS)[0]
        assert quote.speaker_span_id is None
        await pick_speaker(pilot, "tahrir")
        quote = find(store, SPOILERS)[0]
        assert text_of(store.span(quote.speaker_span_id, ANNOTATOR)) == "Tahrir al-Sham"
        await press(pilot, "u")
        assert find(store, SPOILERS)[0].speaker_span_id is None


async def test_new_speaker_from_selection(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, SPOILERS)
        await pick_speaker(pilot, "new")
        assert app.main.mode == "mark"
        # the cursor starts at the quote; go to "He" in the second paragraph
        await press(pilot, "down", "down", "down")
        while TEXT_1[app.main.marking.tokens.pairs[app.main.marking.cursor][0]:][:2] != "He":
            await press(pilot, "b" if app.main.marking.tokens.pairs[app.main.marking.cursor][0] > TEXT_1.index("He met") else "w")
        await press(pilot, "1")
        quote = find(store, SPOILERS)[0]
        speaker = store.span(quote.speaker_span_id, ANNOTATOR)
        assert text_of(speaker) == "He" and speaker.origin == "manual"
        assert quote.status == "accepted" and app.main.message == "speaker set: He (PERSON); quote accepted"


async def test_filter_and_search(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a")
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"undecided", "enter")
        await settle(pilot)
        state = app.main.state
        assert len(state.visible) == 5 and all(state.spans[i].status == "undecided" for i in state.visible)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"gpe", "enter")
        await settle(pilot)
        assert [text_of(state.spans[i]) for i in state.visible] == ["Geneva", "Geneva"]
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"geneva", "enter")
        await settle(pilot)
        first = app.main.asides.matches[app.main.asides.match_index]
        await press(pilot, "n")
        second = app.main.asides.matches[app.main.asides.match_index]
        assert first != second and TEXT_1[second[0]:second[1]] == "Geneva"
        assert app.main.state.current.start == second[0]  # the selection follows
        await press(pilot, "N")
        assert app.main.asides.matches[app.main.asides.match_index] == first


async def test_undo_of_new_span_removes_it(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "m", "w", "5")  # "envoy" as NORP, just to undo it
        assert len([s for s in store.spans(1, ANNOTATOR) if s.origin == "manual"]) == 1
        count = len(app.main.state.spans)
        await press(pilot, "u")
        assert [s for s in store.spans(1, ANNOTATOR) if s.origin == "manual"] == []
        assert len(app.main.state.spans) == count - 1


async def test_mark_starts_at_search_match(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"officials", "enter")
        await settle(pilot)
        await press(pilot, "m", "7")
        made = [s for s in store.spans(1, ANNOTATOR) if s.origin == "manual"]
        assert [text_of(s) for s in made] == ["officials"] and made[0].label == "MISC"
