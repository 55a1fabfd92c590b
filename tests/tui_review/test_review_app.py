"""Teams in the app: two annotation apps on one database, then the review app into export --gold."""

from __future__ import annotations

import json

from annotator.store import Store
from annotator.store import review as rv
from annotator.tui.app import AnnotatorApp
from annotator.tui.review import ReviewApp
from tests.tui.conftest import TEXT_1, at, build_db, press, settle

SIZE = (100, 30)


async def test_two_apps_on_one_database_get_different_articles_with_overlap_one(tmp_path, schema):
    db = build_db(tmp_path / "team.db")
    with Store(db) as one, Store(db) as two:
        alice, bob = AnnotatorApp(one, schema, "alice", 1), AnnotatorApp(two, schema, "bob", 1)
        async with alice.run_test(size=SIZE) as a, bob.run_test(size=SIZE) as b:
            await settle(a)
            await settle(b)
            got = alice.main.state.article.id, bob.main.state.article.id
            assert sorted(got) == [1, 2]  # whoever started first took 1
            await press(a, "d", "a")  # done: accept everything left
            await settle(a)
            assert alice.main.state.article.id == 3  # the other one is bob's
            await press(b, "x")
            bobs = got[1]
            assert one.spans(bobs, "bob")[0].status == "rejected"  # bob's decision, seen through alice's store


async def test_overlap_two_then_review_resolves_the_disagreement_into_gold(tmp_path, schema, cli):
    db = build_db(tmp_path / "team.db")
    un = at(TEXT_1, "UN")
    with Store(db) as one, Store(db) as two, Store(db) as three:
        alice, bob = AnnotatorApp(one, schema, "alice", 2), AnnotatorApp(two, schema, "bob", 2)
        async with alice.run_test(size=SIZE) as a, bob.run_test(size=SIZE) as b:
            await settle(a)
            await settle(b)
            assert (alice.main.state.article.id, bob.main.state.article.id) == (1, 1)
            await press(a, "x", "d", "a")  # alice rejects UN, accepts the rest
            await press(b, "d", "a")  # bob accepts everything
        assert rv.finished_annotators(three, 1) == ["alice", "bob"]

        carol = ReviewApp(three, "carol", exports=tmp_path / "exports")
        async with carol.run_test(size=SIZE) as c:
            await c.pause()
            review = carol.review
            assert review is not None and review.article.id == 1
            (item,) = review.items
            assert [v.annotators for v in item.disagreement.versions] == [("alice",), ("bob",)]
            await c.press("f")  # refused: one disagreement left
            await c.pause()
            assert "1 disagreements left" in carol.message and rv.gold_record(three, 1) is None
            await c.press("2")  # bob's version: UN is an ORG
            await c.pause()
            assert carol.review.items[0].chosen_version == 1
            await c.press("f")
            await c.pause()
            assert carol.review is None  # nothing else to review
            await c.press("E")  # export, as in the annotation app (e edits bounds in your own version)
            await c.pause()
            assert "exported 1 articles" in carol.message
        (written,) = (tmp_path / "exports").glob("gold-*.jsonl")

    out = tmp_path / "gold.jsonl"
    code, _, err = cli("export", "--db", db, "-o", out, "--gold")
    assert code == 0, err
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert written.read_text() == out.read_text()
    assert line["_annotator_id"] == "carol" and line["meta"]["annotators"] == ["alice", "bob"]
    assert (un[0], un[1], "ORG") in [(s["start"], s["end"], s["label"]) for s in line["spans"]]
    assert len(line["spans"]) == 6 and {r["label"] for r in line["relations"]} == {"SPEAKER"}


async def test_export_is_a_download_in_the_browser_and_a_file_in_a_terminal(tmp_path):
    from annotator.tui.review.deliver import deliver_export

    class Stub:
        is_web = True
        delivered: list = []

        def deliver_binary(self, file, save_filename=None, mime_type=None):
            self.delivered.append((file.read().decode(), save_filename, mime_type))

    written: list = []

    def write(path):
        path.write_text("{}\n")
        written.append(path)
        return 1, 2

    async def run(fn, *args):
        return fn(*args)

    app = Stub()
    message = await deliver_export(app, write, "gold.jsonl", tmp_path / "exports", run)
    assert app.delivered == [("{}\n", "gold.jsonl", "text/plain")] and "downloading gold.jsonl" in message
    assert not written[0].parent.exists()  # the server keeps no copy of the download
    assert not (tmp_path / "exports").exists()
    app.is_web = False
    message = await deliver_export(app, write, "gold.jsonl", tmp_path / "exports", run)
    assert (tmp_path / "exports" / "gold.jsonl").read_text() == "{}\n" and "to " in message
