"""The reviewer's own version (issue 36 #15): when every annotator is wrong, the annotation keys in
`annotator review` make the reviewer's version, and the gold export carries it."""

from __future__ import annotations

import json

from annotator.store import Store
from annotator.store import review as rv
from annotator.tui.review import ReviewApp
from annotator.tui.review.own import OwnVersionScreen
from annotator.tui.screens.help import HelpScreen
from tests.tui.conftest import post_keys
from tests.tui.test_keymap import screen_text

SIZE = (80, 24)
TEXT = "Kent beat Essex at Canterbury."  # as the CoNLL import rebuilds it
KENT, ESSEX, CANTERBURY = (0, 4), (10, 15), (19, 29)


def conll(kent: str) -> str:
    tags = [("Kent", kent), ("beat", "O"), ("Essex", "O"), ("at", "O"), ("Canterbury", "B-GPE"), (".", "O")]
    return "-DOCSTART- -X- O O\n\n" + "".join(f"{word} {tag}\n" for word, tag in tags)


def three_annotators(cli, tmp_path) -> str:
    """alice and bob say Kent is a PERSON, dave says nothing: all wrong (Kent, the county side, is an ORG)."""
    db = tmp_path / "team.db"
    for who, kent in (("alice", "B-PERSON"), ("bob", "B-PERSON"), ("dave", "O")):
        path = tmp_path / f"{who}.conll"
        path.write_text(conll(kent))
        code, _, err = cli("import", path, "--db", db, "--no-extract", "--annotator", who)
        assert code == 0, err
    return str(db)


def gold_lines(cli, db, tmp_path) -> list[dict]:
    out = tmp_path / "gold.jsonl"
    code, _, err = cli("export", "--db", db, "-o", out, "--gold", "--force")
    assert code == 0, err
    return [json.loads(line) for line in out.read_text().splitlines()]


def spans_of(line: dict) -> list[tuple[str, str]]:
    return [(line["text"][s["start"]:s["end"]], s["label"]) for s in line["spans"]]


async def settle(pilot) -> None:
    await pilot.pause()
    screen = pilot.app.screen
    if isinstance(screen, OwnVersionScreen):
        await screen.settled()
    await pilot.pause()


async def keys(pilot, *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


async def test_relabel_through_the_picker_makes_the_reviewers_gold(cli, tmp_path, schema):
    db = three_annotators(cli, tmp_path)
    with Store(db) as store:
        app = ReviewApp(store, "carol", tmp_path / "exports", schema=schema)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert [v.annotators for v in app.review.items[0].disagreement.versions] == [("alice", "bob"), ("dave",)]
            await keys(pilot, "l")  # relabel: opens the own version on Kent, and the label picker
            assert isinstance(app.screen_stack[1], OwnVersionScreen)
            own = app.screen_stack[1]
            assert type(app.screen).__name__ == "PickerScreen"  # the main app's label picker
            await keys(pilot, "2")  # the picker's ORG
            kent = [v for v in own.state.spans if (v.start, v.end) == KENT]
            assert [(v.label, v.status) for v in kent] == [("ORG", "accepted")]
            # Stored before the screen shows it: the review's log, not anyone's decisions.
            assert rv.load_review(store, 1, "carol").own is not None
            assert not store.decisions(annotator="carol")
            await keys(pilot, "d")  # the version is the gold; back to the review list
            assert app.screen is app._base and "your own version" in app.message
        assert rv.gold_record(store, 1)[0] == "carol"
        assert rv.finished_annotators(store, 1) == ["alice", "bob", "dave"]  # the reviewer is no annotator
    (line,) = gold_lines(cli, db, tmp_path)
    assert line["_annotator_id"] == "carol" and line["meta"]["gold"] == "reviewed"
    assert spans_of(line) == [("Kent", "ORG"), ("Canterbury", "GPE")]


async def test_label_keys_undo_mark_and_bounds_in_the_own_version(cli, tmp_path, schema):
    db = three_annotators(cli, tmp_path)
    with Store(db) as store:
        app = ReviewApp(store, "carol", tmp_path / "exports", schema=schema)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await keys(pilot, "o")  # the own version, on Kent
            own = app.screen
            assert isinstance(own, OwnVersionScreen) and own.state.current.start == KENT[0]
            await keys(pilot, "1")  # PERSON, as alice and bob
            await keys(pilot, "u")  # no: back to undecided
            assert [(v.label, v.status) for v in own.state.spans if v.start == 0] == [("PERSON", "undecided")]
            assert rv.load_review(store, 1, "carol").own is None  # undone to where it started: no own version
            await keys(pilot, "k", "2")  # Kent ORG, by the schema's key
            await keys(pilot, "k", "k", "m", "w", "w", "2")  # from Kent, mark Essex, missed by all, as ORG
            await keys(pilot, "j")  # Canterbury
            assert own.state.current.start == CANTERBURY[0]
            await keys(pilot, "e", "shift+right", "enter")  # bounds: take the full stop in (to show they move)
            assert (own.state.current.start, own.state.current.end) == (CANTERBURY[0], len(TEXT))
            await keys(pilot, "u")  # and back
            assert (own.state.current.start, own.state.current.end) == CANTERBURY
            await keys(pilot, "q")  # back to the list: the version stands as the gold, not yet finished
            assert app.screen is app._base
            assert "your own version stands: 3 spans" in app.message
            assert "resolved (your own version)" in app._items_text().plain
            await keys(pilot, "a")  # taking a version is refused while the own version stands
            assert "your own version is the gold here" in app.message
            await keys(pilot, "f")
        marks = [(TEXT[m.start:m.end], m.label) for m in rv.gold_record(store, 1)[1]]
        assert marks == [("Kent", "ORG"), ("Essex", "ORG"), ("Canterbury", "GPE")]
    (line,) = gold_lines(cli, db, tmp_path)
    assert spans_of(line) == [("Kent", "ORG"), ("Essex", "ORG"), ("Canterbury", "GPE")]


async def test_help_lists_the_review_keys_and_the_own_versions(cli, tmp_path, schema):
    db = three_annotators(cli, tmp_path)
    with Store(db) as store:
        app = ReviewApp(store, "carol", tmp_path / "exports", schema=schema)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await keys(pilot, "question_mark")
            assert isinstance(app.screen, HelpScreen)
            shown = screen_text(app)
            for words in ("take the version under the cursor", "make your own version", "Relabel through a picker",
                          "Bounds (e)", "Mark mode (m)", "Undo your latest decision", "PERSON"):
                assert words in shown, words
            await keys(pilot, "escape")
            assert app.screen is app._base


async def test_speaker_in_the_own_version(tmp_path, schema):
    """Both annotators give the quote to Staffan de Mistura; the reviewer gives it to the UN instead."""
    from tests.test_review import QUOTE, UN, add_article, annotate

    with Store(tmp_path / "q.db") as store:
        article = add_article(store, "q")
        annotate(store, article, "alice", "accept", "PERSON")
        annotate(store, article, "bob", "reject", "ORG")
        app = ReviewApp(store, "carol", tmp_path / "exports", schema=schema)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await keys(pilot, "s")  # on the UN disagreement: the speaker of an entity is refused, as when annotating
            own = app.screen
            assert isinstance(own, OwnVersionScreen) and "select a quote first" in own.message
            while own.state.current.kind != "quote":
                await keys(pilot, "j")
            assert own.state.by_id(own.state.current.speaker_span_id).start == 9  # as both annotators had it
            await keys(pilot, "s")
            assert type(app.screen).__name__ == "PickerScreen"
            await keys(pilot, "U", "N", "enter")  # filter the candidates to the UN, take it
            quote = own.state.current
            assert own.state.by_id(quote.speaker_span_id).start == UN[0]
            await keys(pilot, "q", "f")
        (mark,) = [m for m in rv.gold_record(store, article)[1] if m.kind == "quote"]
        assert (mark.start, mark.end, mark.speaker) == (*QUOTE, UN)


async def test_keys_typed_at_once_in_the_own_version_go_to_the_picker(cli, tmp_path, schema):
    """o, then l 2 arriving in one read: the 2 answers the label picker the l opens (ORG), as in
    the annotation app; it is not read by the screen as a label key before the picker shows."""
    db = three_annotators(cli, tmp_path)
    with Store(db) as store:
        app = ReviewApp(store, "carol", tmp_path / "exports", schema=schema)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await keys(pilot, "o")
            own = app.screen
            assert isinstance(own, OwnVersionScreen)
            post_keys(app, "l", "2")
            for _ in range(5):
                await settle(pilot)
            assert app.screen is own
            kent = [v for v in own.state.spans if (v.start, v.end) == KENT]
            assert [(v.label, v.status) for v in kent] == [("ORG", "accepted")]
