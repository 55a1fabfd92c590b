"""Issue 36 #2: at 80x24 every status message and mode line is shown whole, and quote rows keep their
QUOTE label. The messages the trial saw cut are made for real (keys pressed); every other message the
main screen can say is shown through the same status line, each at its longest."""

from __future__ import annotations

import pytest

from annotator.tui.bindings import mode_hints
from tests.tui.conftest import press, settle
from tests.tui.test_first_hour import select, trial_app, trial_store  # noqa: F401  (fixtures)

SIZE = (80, 24)
LONG_NAME = "Ministry of Foreign Affairs and International Cooperation"


def status_lines(app) -> list[str]:
    status = app.main.status
    return [status.render_line(y).text for y in range(status.size.height)]


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_whole(app, message: str) -> None:
    lines = status_lines(app)
    assert all(len(line) <= SIZE[0] for line in lines)
    shown = flat(" ".join(lines))
    assert flat(message) in shown, f"cut at 80 columns: {message!r} shows as {lines!r}"
    assert "spans " in lines[-1] and "decided" in lines[-1], "the counts are gone"


async def test_the_mode_lines_are_whole(trial_app):  # noqa: F811
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hints = mode_hints(app.keymap)
        await select(pilot, "UN mediator Staffan de Mistura")
        await press(pilot, "e")
        assert_whole(app, hints["edit"])
        await press(pilot, "escape")
        await press(pilot, "m")
        assert_whole(app, hints["mark"])
        await press(pilot, "escape")
        assert app.main.status.size.height == 1


async def test_why_a_span_was_not_marked_is_whole(trial_app, trial_store):  # noqa: F811
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, "UN mediator Staffan de Mistura")
        await press(pilot, "m", "v", "w", "w", "1")  # "UN mediator Staffan" as PERSON holds the ORG UN
        assert app.main.message.startswith("not marked: nests with ORG")
        assert_whole(app, app.main.message)
        assert "allow_nested: false" in flat(" ".join(status_lines(app)))
        await press(pilot, "escape", "j")
        assert app.main.status.size.height == 1, "the message outlived the next key"


async def test_the_export_path_is_whole(trial_app, trial_store, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.chdir(tmp_path)
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        await press(pilot, "a")  # accept all, done
        await press(pilot, "E")
        (written,) = (tmp_path / "exports").iterdir()
        assert app.main.message.endswith(str(written.relative_to(tmp_path)))
        assert_whole(app, app.main.message)


async def test_quote_rows_keep_their_label_and_speaker(trial_app):  # noqa: F811
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        state, rows = app.main.state, app.main.list
        width = rows.scrollable_content_region.width
        for row, index in enumerate(state.visible):
            if state.spans[index].kind == "quote":
                text = rows.content_line(row, width).text
                assert "QUOTE·d UN mediator Staffan de Mistura"[:width - 12] in text and ": “S" in text, text


MESSAGES = [
    # annotator/tui/screens/asides.py
    "not found: " + "the Syrian Observatory for Human Rights in London said",
    "no matches; / to search",
    "match 123 of 4567",
    "flagged (! again edits or clears it)",
    "flag cleared",
    "flagged: " + "ORG or GPE for the government in Damascus? The guidelines say GPE when it acts as a state",
    "this schema names no guidelines (add 'guidelines: FILE.md' to it)",
    "/home/someone/projects/annotation/schemas/guidelines/news.md: cannot read the guidelines (Permission denied)",
    "nothing to export yet: no article of yours is done (d marks one done)",
    "exported 1234 articles (123456 spans): downloading annotator-with-a-long-name-gold-20261206-211000.jsonl",
    "exported 1234 articles (123456 spans) to exports/annotator-with-a-long-name-gold-20261206-211000.jsonl",
    # annotator/tui/screens/main.py and article_panes.py
    "article 1234 of 5678 done",
    "PERSONNEL_AND_STAFF? is not in the schema: relabel it (l)",
    "error: database is locked: another process holds the write lock of /srv/annotation/annotations.db",
    f"speaker set: {LONG_NAME[:40]} (PERSON); quote accepted",
    "filter: undecided GPE quotes",
    # annotator/session.py: the rules' refusals
    "no later article for you (overlap 2)",
    "QUOTE is a quote label; this span is a entity",
    "nothing left to undo in this article",
    "not marked: select some words first",
    "not marked: ORGANISATION is not a label of this schema",
    "a speaker takes one of: GPE, NORP, ORG, PERSON; MISC is not one",
    f"not marked: ORG “{LONG_NAME[:30]}” covers these words: relabel that one (l)",
    f"not marked: it crosses ORG “{LONG_NAME[:30]}”",
    f"not saved: nests with ORG “{LONG_NAME[:30]}” and the schema has allow_nested: false",
    "not saved: a span needs at least one character",
    "s sets the speaker of a quote; select a quote first",
    "not flagged: write a note saying what you are unsure about",
    "you have flagged no article (! flags one)",
    "this is your only flagged article",
]


@pytest.mark.parametrize("message", MESSAGES)
async def test_every_message_is_whole_at_80_columns(trial_app, message):  # noqa: F811
    app = trial_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.say(message)
        await pilot.pause()
        assert_whole(app, message)
        assert app.main.list.size.height >= 10, "the message took the screen"
