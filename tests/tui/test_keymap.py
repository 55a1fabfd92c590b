"""Keymaps in the apps: the schema's keys and the annotator's keys.yaml move keys; help and footer follow."""

from __future__ import annotations

import io
import re

from rich.console import Console
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from annotator.keys.keymap import for_annotate, for_review, load_personal
from annotator.schema import parse_schema
from annotator.tui.app import AnnotatorApp
from annotator.tui.review import ReviewApp
from tests.tui.conftest import ANNOTATOR, ROOT, build_db, press, settle

SIZE = (100, 30)


def with_keys(keys: str):
    """schemas/news.yaml with a `keys:` block added."""
    text = (ROOT / "schemas" / "news.yaml").read_text(encoding="utf-8")
    return parse_schema(text + f"\nkeys: {keys}\n", str(ROOT / "schemas" / "team.yaml"))


def footer(app) -> dict[str, str]:
    """The footer's keys: description -> key as shown."""
    return {key.description: key.key_display for key in app.screen.query(FooterKey)}


def screen_text(app) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    for static in app.screen.query(Static):
        visual = static.render()
        console.print(getattr(visual, "_renderable", visual))
    return console.export_text()


def states(store):
    return {span.id: span.status for span in store.spans(1, ANNOTATOR)}


async def test_team_keymap_moves_accept_to_y(store):
    schema = with_keys("{accept: y}")
    app = AnnotatorApp(store, schema, ANNOTATOR, 1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.main.state.current.id
        await press(pilot, "a")  # a no longer accepts: the keymap replaced its keys
        assert set(states(store).values()) == {"undecided"}
        await press(pilot, "y")
        assert states(store)[first] == "accepted"
        # The footer and the help screen say y, not a.
        assert footer(app)["Accept"] == "y"
        await pilot.press("question_mark")
        await pilot.pause()
        assert re.search(r"^y +Accept the span", screen_text(app), re.M)
        assert not re.search(r"^a enter", screen_text(app), re.M)


async def test_moving_accept_keeps_enter_saving_bounds(store):
    # Textual alone would drop every binding on a key of a moved binding: enter of edit.save with accept's.
    schema = with_keys("{accept: y}")
    app = AnnotatorApp(store, schema, ANNOTATOR, 1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e", "shift+right", "enter")
        assert app.main.mode == "normal"
        assert [d.action for d in store.decisions(ANNOTATOR)] == ["adjust"]


async def test_personal_keymap_overrides_the_teams(store, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "annotator").mkdir()
    (tmp_path / "annotator" / "keys.yaml").write_text("accept: z\nreject: ctrl+x\n", encoding="utf-8")
    schema = with_keys("{accept: y}")
    keymap = for_annotate(schema)
    assert keymap == {"accept": "z", "reject": "ctrl+x"}
    app = AnnotatorApp(store, schema, ANNOTATOR, 1, keymap)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.main.state.current.id
        await press(pilot, "y", "x")
        assert set(states(store).values()) == {"undecided"}
        await press(pilot, "z")
        assert states(store)[first] == "accepted"
        second = app.main.state.current.id
        await press(pilot, "ctrl+x")
        assert states(store)[second] == "rejected"


async def test_review_app_bindings_have_ids_and_take_the_personal_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "annotator").mkdir()
    (tmp_path / "annotator" / "keys.yaml").write_text("review.quit: Q\naccept: y\n", encoding="utf-8")
    assert all(binding.id and binding.id.startswith("review.") for binding in ReviewApp.BINDINGS)
    keymap = for_review(load_personal())
    assert keymap == {"review.quit": "Q"}  # the annotation app's ids are not the review app's
    from annotator.store import Store

    with Store(build_db(tmp_path / "r.db")) as store:
        app = ReviewApp(store, "rita", keymap=keymap)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
            assert app.return_code is None  # q no longer quits
            await pilot.press("Q")
            await pilot.pause()
        assert app.return_code == 0


async def test_mark_mode_says_the_keys_it_has(store):
    schema = with_keys("{leave: ctrl+g, mark.select: space}")
    app = AnnotatorApp(store, schema, ANNOTATOR, 1)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "m")
        status = str(app.main.status.render())
        assert "space select" in status and "ctrl+g leaves" in status and "esc" not in status
        await press(pilot, "escape")
        assert app.main.mode == "mark"  # esc is no longer leave
        await press(pilot, "ctrl+g")
        assert app.main.mode == "normal"


async def test_the_help_screen_names_the_moved_keys(store):
    schema = with_keys("{guidelines: G, help.close: c}")
    app = AnnotatorApp(store, schema, ANNOTATOR, 1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "Keys (c closes · j/k scroll" in text and "(G opens them on the main screen)" in text


async def test_the_review_apps_sentences_name_the_moved_keys(tmp_path):
    from annotator.store import Store

    with Store(tmp_path / "empty.db") as store:
        app = ReviewApp(store, "rita", keymap={"review.export": "X", "review.quit": "Q"})
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.pause()
            assert "Press X to export the gold, Q to quit." in screen_text(app)
