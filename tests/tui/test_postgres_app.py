"""The app on a PostgreSQL database: the same keys write the same log (the TUI only talks to the store)."""

from __future__ import annotations

import pytest

from annotator.store import Store
from tests.tui.conftest import ANNOTATOR, TEXT_1, build_db, press, settle

SIZE = (100, 30)


@pytest.fixture
def pg_store(pg_url):
    build_db(pg_url)
    with Store(pg_url) as opened:
        yield opened


async def test_keys_on_postgresql_write_the_log_and_reopen_where_they_stopped(pg_store, schema):
    from annotator.tui.app import AnnotatorApp

    app = AnnotatorApp(pg_store, schema, ANNOTATOR, 1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.state.article.id == 1
        await press(pilot, "a", "x", "a", "u")
        assert [d.action for d in pg_store.decisions(ANNOTATOR)] == ["accept", "reject", "accept", "undo"]
        views = {TEXT_1[s.start:s.end]: s.status for s in pg_store.spans(1, ANNOTATOR)}
        assert views["UN"] == "accepted" and views["Staffan de Mistura"] == "rejected"
        await pilot.press("d")  # done: asks about the undecided spans; a accepts them all
        await pilot.pause()
        await pilot.press("a")
        await settle(pilot)
        assert pg_store.status(1, ANNOTATOR) == "done"
    again = AnnotatorApp(pg_store, schema, ANNOTATOR, 1)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.main.state.article.id == 2  # resumes on the next article, claimed for them
