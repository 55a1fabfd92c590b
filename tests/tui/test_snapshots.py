"""Snapshots of the screens (pytest-textual-snapshot): fixed data, fixed annotator, no clock."""

from __future__ import annotations

from tests.tui.conftest import settle


def run_keys(*keys: str, modal: bool = False):
    """A run_before that waits for the article, presses keys, and waits again."""

    async def before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        if modal:
            await pilot.pause()
            await pilot.pause()
        else:
            await settle(pilot)

    return before


def test_main_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run_keys("a", "x", "j", "2", "j"))


def test_main_screen_80x24(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_keys("j", "j"))


def test_label_picker(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run_keys("l", modal=True))


def test_done_dialog(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run_keys("d", modal=True))


def test_help_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run_keys("question_mark", modal=True))


def test_mark_cursor_and_selection(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run_keys("j", "m", "v", "w", "w"))


def test_flag_dialog_80x24(snap_compare, make_app):
    keys = ("exclamation_mark", *"ORG or GPE for Geneva?")
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_keys(*keys, modal=True))


def test_guidelines_screen_80x24(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_keys("g", modal=True))


def test_flagged_article_header_80x24(snap_compare, make_app):
    keys = ("exclamation_mark", *"speaker?", "enter")
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_keys(*keys))
