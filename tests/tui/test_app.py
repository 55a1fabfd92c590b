"""Pilot tests: press keys as an annotator would, then read the database."""

from __future__ import annotations

from annotator.tui.widgets.article_view import ArticleView
from annotator.tui.widgets.span_list import SpanList
from tests.tui.conftest import ANNOTATOR, TEXT_1, TEXT_3, press, settle

SIZE = (100, 30)


def standing(store, article_id=1):
    """{span text: (status, label)} as the store has it for the annotator."""
    text = store.article(article_id).text
    return {text[s.start:s.end]: (s.status, s.label) for s in store.spans(article_id, ANNOTATOR)}


def actions(store):
    return [(d.action, d.label) for d in store.decisions(ANNOTATOR)]


async def test_opens_first_article_at_first_span(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        state = app.main.state
        assert state.article.id == 1
        assert state.current.label == "ORG" and TEXT_1[state.current.start:state.current.end] == "UN"
        assert "article 1 of 3" in str(app.main.header.render())


async def test_accept_moves_to_next_undecided(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a")
        assert actions(store) == [("accept", None)]
        assert standing(store)["UN"] == ("accepted", "ORG")
        assert TEXT_1[app.main.state.current.start:app.main.state.current.end] == "Staffan de Mistura"
        await press(pilot, "enter")  # enter accepts too
        assert standing(store)["Staffan de Mistura"] == ("accepted", "PERSON")


async def test_reject_and_navigation(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j", "j", "k", "x")
        assert standing(store)["Staffan de Mistura"] == ("rejected", "PERSON")
        assert standing(store)["UN"] == ("undecided", "ORG")
        assert app.main.state.current.kind == "quote"  # moved on to the next undecided


async def test_relabel_by_picker(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j", "j", "j", "j")  # Tahrir al-Sham, PERSON
        assert TEXT_1[app.main.state.current.start:app.main.state.current.end] == "Tahrir al-Sham"
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("o", "r", "g", "enter")
        await settle(pilot)
        assert standing(store)["Tahrir al-Sham"] == ("accepted", "ORG")
        assert actions(store) == [("relabel", "ORG")]


async def test_label_key_in_the_picker_picks_that_label(make_app, store):
    """The picker shows each label's key beside it, as the main screen uses it: typed first, it
    picks that label; typed after other text it is only text to filter by."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j", "j", "j", "j")  # Tahrir al-Sham, PERSON
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("2")  # ORG's key in news.yaml
        await pilot.pause()
        assert app.screen is app.main, "the key did not pick its label"
        await settle(pilot)
        assert standing(store)["Tahrir al-Sham"] == ("accepted", "ORG")
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("g", "3")  # "g3" filters to nothing: nothing is picked
        await pilot.pause()
        assert app.screen is not app.main
        await pilot.press("escape")
        await settle(pilot)
        assert actions(store) == [("relabel", "ORG")]


async def test_picker_escape_changes_nothing(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert actions(store) == []


async def test_relabel_by_label_key(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j", "2")  # Staffan de Mistura -> ORG (key 2)
        assert standing(store)["Staffan de Mistura"] == ("accepted", "ORG")
        assert app.main.state.current.kind == "quote"
        await press(pilot, "j", "9")  # Geneva: QUOTE is not an entity label, refused
        assert "quote label" in app.main.message
        assert len(actions(store)) == 1


async def test_undo_walks_back_every_decision(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "x", "j", "1")
        assert [a for a, _ in actions(store)] == ["accept", "reject", "relabel"]
        await press(pilot, "u")
        assert app.main.state.current.status == "undecided"
        await press(pilot, "u", "u")
        assert all(span.status == "undecided" for span in store.spans(1, ANNOTATOR))
        await press(pilot, "u")
        assert "nothing left to undo" in app.main.message
        assert [a for a, _ in actions(store)].count("undo") == 3


async def test_article_navigation(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "right_square_bracket")
        assert app.main.state.article.id == 2
        assert "article 2 of 3" in str(app.main.header.render())
        await press(pilot, "left_square_bracket", "left_square_bracket")
        assert app.main.state.article.id == 1
        assert "no earlier article" in app.main.message


async def test_next_article_passes_over_articles_without_room(make_app, store):
    """Overlap 1: an article another annotator holds is not offered by ], so deciding on what ]
    shows never takes a place beyond the overlap."""
    store.set_status(2, "bob", "doing")
    app = make_app(overlap=1)
    async with app.run_test(size=SIZE) as pilot:
        assert app.main.state.article.id == 1
        await press(pilot, "right_square_bracket")
        assert app.main.state.article.id == 3
        await press(pilot, "a")
        assert store.status(3, ANNOTATOR) == "doing" and store.status(2, ANNOTATOR) == "todo"
        await press(pilot, "right_square_bracket")
        assert app.main.state.article.id == 3 and "no later article for you (overlap 1)" in app.main.message
        await press(pilot, "left_square_bracket")
        assert app.main.state.article.id == 1  # article 2 passed over both ways


async def test_done_with_undecided_spans(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "x")
        await pilot.press("d")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "DoneDialog"
        await pilot.press("escape")  # go back: nothing changes
        await settle(pilot)
        assert store.status(1, ANNOTATOR) != "done"
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("a")  # accept them all
        await settle(pilot)
        assert store.status(1, ANNOTATOR) == "done"
        statuses = [span.status for span in store.spans(1, ANNOTATOR)]
        assert statuses.count("rejected") == 1 and statuses.count("accepted") == 5
        assert app.main.state.article.id == 2  # on to the next article


async def test_done_when_all_decided_needs_no_dialog(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "right_square_bracket", "a", "a", "d")
        assert store.status(2, ANNOTATOR) == "done"


async def test_resume_after_reopening(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "a")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.state.article.id == 1
        assert app.main.state.current.kind == "quote"  # the first undecided span
        assert app.main.state.decided == 2


async def test_escape_sequences_and_markup_shown_as_characters(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "right_square_bracket", "right_square_bracket")
        view = app.main.query_one(ArticleView)
        shown = "".join(view.render_line(y).text for y in range(3))
        assert "␛[31mred␛[0m" in shown and "[bold]markup[/bold]" in shown and "[link=http://x]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert len(view.text) == len(TEXT_3)  # offsets untouched
        header = str(app.main.header.render())
        assert "[bold]Escapes[/bold]" in header and "\x1b" not in header
        rows = "".join(app.main.query_one(SpanList).render_line(y).text for y in range(2))
        assert "[bold]markup[/bold]" in rows


async def test_quote_row_shows_speaker_and_marks_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j", "j")
        main = app.main
        assert main.state.current.kind == "quote"
        rows = main.query_one(SpanList)
        assert "QUOTE·d Staffan de Mistura: “Sp" in rows.render_line(2).text
        speaker_marks = main.view._marks.get("speaker")
        assert speaker_marks and TEXT_1[speaker_marks[0][0]:speaker_marks[0][1]] == "Staffan de Mistura"


async def test_quote_row_at_80x24_shows_the_speaker_whole_then_the_quote(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row = app.main.query_one(SpanList).render_line(2).text
        assert "QUOTE·d Staffan de Mistura: “S" in row  # the form, the whole name, and the quote's start after it


async def test_click_selects_span(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click(SpanList, offset=(5, 4))
        await settle(pilot)
        assert TEXT_1[app.main.state.current.start:app.main.state.current.end] == "Tahrir al-Sham"


async def test_help_and_palette_list_keys(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.main)]
        assert {"Accept", "Reject", "Undo", "Done"} <= set(titles)


async def test_quit(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.return_code is None  # running: no code yet
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0  # q exited the app, cleanly


async def test_empty_database_says_so(tmp_path, schema):
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp

    with Store(tmp_path / "empty.db") as empty:
        app = AnnotatorApp(empty, schema, ANNOTATOR, 1)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "a", "j", "d", "u", "right_square_bracket")  # nothing to act on: no error
            assert app.main.state is None
            assert "no articles" in app.main.message


async def test_all_done_says_so(make_app, store):
    for article_id in (1, 2, 3):
        store.set_status(article_id, ANNOTATOR, "done")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.state is None and "all articles done" in app.main.message


async def test_export_key_writes_my_finished_work(make_app, store, tmp_path, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "x")
        store.set_status(1, ANNOTATOR, "done")
        await press(pilot, "E")
        (written,) = (tmp_path / "exports").glob(f"{ANNOTATOR}-gold-*.jsonl")
        assert "exported 1 articles" in app.main.message
    (line,) = [json.loads(x) for x in written.read_text().splitlines()]
    assert [s["text"] for s in line["spans"]] == ["UN"] and line["_annotator_id"] == ANNOTATOR


async def test_a_resized_terminal_rewraps_the_text_and_keeps_the_heading(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.main.view
        wide = view.scrollable_content_region.width
        assert max(end - start for start, end in view.lines.spans) <= wide
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        narrow = view.scrollable_content_region.width
        assert narrow < wide and max(len(TEXT_1[start:end].rstrip()) for start, end in view.lines.spans) <= narrow
        assert view.virtual_size.height == len(view.lines)  # the scrollbar follows the new lines
        heading = str(app.main.header.render())
        assert "article 1 of 3" in heading and len(heading) <= 60


async def test_panes_show_what_a_fresh_render_would_after_keys(make_app):
    """Each pane hands the compositor the rows it returned last time, looking up again only those
    refreshed since (StyledLines): after decisions, a relabel and a scroll, every row on screen must
    be the row the widget would build from nothing."""
    from textual.geometry import Region

    def rows(widget):  # as the compositor asks: the widget's whole region
        size = widget.region.size
        return [list(strip) for strip in widget.render_lines(Region(0, 0, size.width, size.height))]

    app = make_app()
    async with app.run_test(size=(80, 12)) as pilot:
        await press(pilot, "a", "r", "j", "a", "]")
        await press(pilot, "a", "k", "k", "a")
        for widget in (app.main.query_one(ArticleView), app.main.query_one(SpanList)):
            shown = rows(widget)
            widget._cache.clear()
            widget._styled, widget._shown = {}, None
            assert shown == rows(widget), type(widget).__name__


async def test_scrollbars_after_scrolls_are_textuals_own(tmp_path, schema):
    """The bars reuse the rows they drew before and have Textual draw only new ones, one row at a
    time (widgets/scrollbar.py): after many scrolls of a long article each bar must be the bar
    Textual itself draws for that position."""
    from textual.geometry import Region
    from textual.scrollbar import ScrollBar

    from annotator.model import ArticleDraft, SpanDraft
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp
    from tests.tui.conftest import tokens_of

    words = [f"word{i}" for i in range(3000)]
    text = " ".join(words)
    starts = [text.index(f"word{i} ") for i in range(0, 2990, 15)]
    spans = tuple(SpanDraft(start, start + len(text[start:].split(" ", 1)[0]), "ORG") for start in starts)
    with Store(tmp_path / "long.db") as store:
        with store.write() as conn:
            store.insert_article(conn, ArticleDraft(text, title="Long", spans=spans), "long", tokens_of(text), "model")
        app = AnnotatorApp(store, schema, ANNOTATOR, 1)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(6):
                await press(pilot, *["j"] * 12)
                for widget in (app.main.query_one(ArticleView), app.main.query_one(SpanList)):
                    bar = widget.vertical_scrollbar
                    whole = Region(0, 0, *bar.size)
                    ours = [list(strip) for strip in bar._render_rows(whole)]
                    bar._styles_cache.clear()
                    assert ours == [list(strip) for strip in ScrollBar.render_lines(bar, whole)]
