"""The review screen shows each annotator's active time and flag note beside their version (issue 19)."""

from __future__ import annotations

from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.review import ReviewApp
from tests.tui.conftest import build_db, press, settle

SIZE = (100, 30)


async def test_review_shows_each_versions_time_and_flag(tmp_path, schema):
    db = build_db(tmp_path / "team.db")
    with Store(db) as one, Store(db) as two, Store(db) as three:
        now = [1_800_000_000.0]
        one.clock = two.clock = lambda: now[0]
        alice, bob = AnnotatorApp(one, schema, "alice", 2), AnnotatorApp(two, schema, "bob", 2)
        async with alice.run_test(size=SIZE) as a, bob.run_test(size=SIZE) as b:
            await settle(a)
            await settle(b)
            now[0] += 75
            await press(a, "x")  # alice rejects UN after 75 s
            await a.press("exclamation_mark")
            await a.pause()
            for ch in "UN: ORG?":
                await a.press(ch)
            await a.press("enter")
            await settle(a)
            await press(a, "d", "a")
            now[0] += 30
            await press(b, "d", "a")  # bob accepts everything
        carol = ReviewApp(three, "carol", exports=tmp_path / "exports")
        async with carol.run_test(size=SIZE) as c:
            await c.pause()
            assert carol.review.work["alice"]["flag"] == "UN: ORG?"
            items = carol._items_text().plain
            assert "alice  1m 15s  ⚑ UN: ORG?" in items
            assert "bob  1m 45s" in items  # bob opened it at the start too: 105 s before his first key
            assert "— alice 1m 15s ⚑" in items and "— bob 1m 45s" in items
