"""The annotator's day (issue 19): active time with a fake clock, flags with notes, the guidelines screen."""

from __future__ import annotations

import orjson

from annotator.export import iter_gold
from annotator.formats.jsonl import task_of
from tests.tui.conftest import ANNOTATOR, press, settle

SIZE = (100, 30)


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_active_time_counts_gaps_between_keys_and_cuts_idle_ones(make_app, store):
    store.clock = clock = FakeClock()
    app = make_app()  # opens the first article at clock.now: the reading time before a decision counts
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert store.idle_after == 120  # the news schema's idle_after: 2m
        clock.now += 40
        await press(pilot, "a")
        clock.now += 15
        await press(pilot, "x")
        clock.now += 45 * 60  # a long lunch: counts as idle_after, no more
        await press(pilot, "u")
        clock.now += 5
        await press(pilot, "j", "k", "j")  # moving around is not an action
        await press(pilot, "a")
        assert store.active_seconds(1, ANNOTATOR) == 40 + 15 + 120 + 5
        clock.now += 3600  # away from article 1 for an hour, on article 2
        await press(pilot, "right_square_bracket")
        clock.now += 7
        await press(pilot, "a")
        assert store.active_seconds(2, ANNOTATOR) == 7
        clock.now += 10
        await press(pilot, "left_square_bracket")  # back: the hour away never counts for article 1
        clock.now += 20
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("a")  # accept the undecided ones and finish
        await settle(pilot)
    assert store.status(1, ANNOTATOR) == "done"
    assert store.active_seconds(1, ANNOTATOR) == 180 + 20
    line = orjson.loads(task_of(next(iter_gold(store, ANNOTATOR))))
    assert line["meta"]["active_seconds"] == 200.0


async def test_active_time_survives_a_restart(make_app, store):
    store.clock = clock = FakeClock()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        clock.now += 30
        await press(pilot, "a")
    clock.now += 600
    app = make_app()  # reopened later: the time it was closed is not counted
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        clock.now += 12
        await press(pilot, "a")
    assert store.active_seconds(1, ANNOTATOR) == 42


async def type_note(pilot, text: str, clear: bool = False) -> None:
    await pilot.press("exclamation_mark")
    await pilot.pause()
    if clear:
        await pilot.press("ctrl+a", "ctrl+k")
    for ch in text:
        await pilot.press(ch)
    await pilot.press("enter")
    await settle(pilot)


async def test_flag_with_a_note_round_trip_into_the_database_and_the_export(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_note(pilot, "ORG or GPE?")
        assert store.flag(1, ANNOTATOR) == "ORG or GPE?"
        assert "⚑ ORG or GPE?" in str(app.main.header.render())
        await type_note(pilot, " speaker too")  # flagging again edits: the note is there to extend
        assert store.flag(1, ANNOTATOR) == "ORG or GPE? speaker too"
        await pilot.press("exclamation_mark")  # escape cancels: nothing changes
        await pilot.pause()
        await pilot.press("x", "escape")
        await settle(pilot)
        assert store.flag(1, ANNOTATOR) == "ORG or GPE? speaker too"
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("a")
        await settle(pilot)
    line = orjson.loads(task_of(next(iter_gold(store, ANNOTATOR))))
    assert line["meta"]["flag"] == "ORG or GPE? speaker too"
    assert [row["note"] for row in store.flags(ANNOTATOR)] == ["ORG or GPE? speaker too"]


async def test_an_emptied_note_clears_the_flag_and_F_goes_to_the_next_flagged(make_app, store):
    app = make_app(overlap=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_note(pilot, "first")
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert app.main.state.article.id == 3
        await type_note(pilot, "third")
        await press(pilot, "F")
        assert app.main.state.article.id == 1 and "⚑ first" in str(app.main.header.render())
        await press(pilot, "F")
        assert app.main.state.article.id == 3
        await type_note(pilot, "", clear=True)
        assert store.flag(3, ANNOTATOR) is None
        assert "⚑" not in str(app.main.header.render())
        assert "flag cleared" in str(app.main.status.render())
        await press(pilot, "F")
        assert app.main.state.article.id == 1
        await press(pilot, "F")
        assert "only flagged article" in str(app.main.status.render())


async def test_a_flag_needs_a_note(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_note(pilot, "   ")
        assert store.flag(1, ANNOTATOR) is None
        assert "write a note" in str(app.main.status.render())


async def test_guidelines_open_with_g_scroll_and_close_with_escape(make_app):
    from textual.widgets import Markdown

    from annotator.tui.screens.guidelines import GuidelinesScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "g")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GuidelinesScreen)
        assert "Annotation guidelines: news" in screen.query_one(Markdown).source
        await pilot.press("space")
        await pilot.pause()
        assert screen.scroller.scroll_y > 0  # longer than a screen, and it scrolls
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
        await press(pilot, "a")  # the article works as before
        assert app.main.state.spans[0].status == "accepted"


async def test_export_key_with_nothing_finished_says_so(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "E")
        assert "nothing to export" in str(app.main.status.render())
    assert not (tmp_path / "exports").exists()
