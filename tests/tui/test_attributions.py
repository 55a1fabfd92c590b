"""Pilot tests of attributions of every form in the app: the row says form, source and cue; the
cue is marked in the text; `c` sets the cue; the list filters on a form; the export carries it."""

from __future__ import annotations

import json

import pytest

from annotator.model import ArticleDraft, SpanDraft
from annotator.store import Store
from tests.tui.conftest import ANNOTATOR, at, press, settle, tokens_of

SIZE = (100, 30)
TEXT = (
    "Officials said the talks would resume on Monday in Geneva. "
    "The envoy called the plan “a disaster,” and left.\n\n"
    "“We will stay,” the mayor said."
)
CONTENT = "the talks would resume on Monday in Geneva"


def drafts() -> tuple[SpanDraft, ...]:
    t = TEXT
    return (
        SpanDraft(*at(t, "Officials"), "SPEAKER", "speaker"),  # 0
        SpanDraft(*at(t, "Monday"), "CUE", "cue"),  # 1: the model's cue is wrong
        SpanDraft(*at(t, CONTENT), "QUOTE", "quote", speaker=0, cue_span=1),  # 2: indirect
        SpanDraft(*at(t, "Geneva"), "GPE"),  # 3
        SpanDraft(*at(t, "the mayor"), "SPEAKER", "speaker"),  # 4
        SpanDraft(*at(t, "said", 1), "CUE", "cue"),  # 5
        SpanDraft(*at(t, "“We will stay,”"), "QUOTE", "quote", speaker=4, cue_span=5),  # 6: direct
    )


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "att.db") as opened:
        with opened.write() as conn:
            opened.insert_article(conn, ArticleDraft(TEXT, source="Reuters", date="2017-02-27", spans=drafts()),
                                  "hash-att", tokens_of(TEXT), "model")
        yield opened


def quote_of(store, words: str):
    (quote,) = [s for s in store.spans(1, ANNOTATOR) if TEXT[s.start:s.end] == words]
    return quote


async def goto(pilot, words: str) -> None:
    for _ in range(12):
        current = pilot.app.main.state.current
        if current is not None and TEXT[current.start:current.end] == words:
            return
        await press(pilot, "j")
    raise AssertionError(f"no span {words!r}")


async def test_an_attribution_row_says_form_source_and_cue_and_the_text_marks_them(make_app):
    from annotator.tui.widgets.span_list import SpanList

    app = make_app()
    async with app.run_test(size=(130, 30)) as pilot:  # a list pane of 40 columns or more shows the cue word
        await settle(pilot)
        await goto(pilot, CONTENT)
        rows = app.main.query_one(SpanList)
        row = rows.render_line(app.main.state.row_of(app.main.state.selected)).text
        assert "QUOTE·ind Officials ▸ Monday: " in row
        marked = [TEXT[s:e] for s, e, _ in app.main.view._marks.get("speaker")]
        assert marked == ["Officials", "Monday"]
        await goto(pilot, "“We will stay,”")
        row = rows.render_line(app.main.state.row_of(app.main.state.selected)).text
        assert "QUOTE·dir the mayor ▸ said: " in row


async def test_c_sets_the_cue_from_a_selection_and_accepts_the_attribution(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, CONTENT)
        await press(pilot, "c")
        assert app.main.mode == "mark"
        assert "CUE:" in app.main.status.render_line(0).text  # the mode line says the selection becomes the cue
        # the cursor starts on the current cue ("Monday"); back to "said"
        cursor_word = lambda: TEXT[app.main.marking.tokens.pairs[app.main.marking.cursor][0]:].split()[0]  # noqa: E731
        assert cursor_word() == "Monday"
        while cursor_word() != "said":
            await press(pilot, "b")
        await press(pilot, "enter")
        assert app.main.mode == "normal"
        assert "cue set" in app.main.message
    quote = quote_of(store, CONTENT)
    cue = store.span(quote.cue_span_id, ANNOTATOR)
    assert TEXT[cue.start:cue.end] == "said" and cue.kind == "cue" and cue.origin == "manual"
    assert quote.status == "accepted"


async def test_c_on_an_entity_says_to_select_a_quote(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, "Geneva")
        await press(pilot, "c")
        assert app.main.mode == "normal" and "select a quote first" in app.main.message
    assert not store.decisions(ANNOTATOR)


async def test_the_list_filters_on_a_form(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"indirect", "enter")
        await settle(pilot)
        state = app.main.state
        assert [TEXT[state.spans[i].start:state.spans[i].end] for i in state.visible] == [CONTENT]


async def test_the_export_carries_form_source_and_the_cue_set_in_the_app(make_app, store, tmp_path, schema):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await goto(pilot, CONTENT)
        await press(pilot, "c")
        while TEXT[app.main.marking.tokens.pairs[app.main.marking.cursor][0]:].split()[0] != "said":
            await press(pilot, "b")
        await press(pilot, "enter")
        await goto(pilot, "“We will stay,”")
        await press(pilot, "a")
    from annotator.export import ExportJob
    from annotator.formats import get

    out = tmp_path / "gold.jsonl"
    get("jsonl").write(ExportJob(store, out, schema, include_unfinished=True))
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    spans = {(s["start"], s["end"]): s for s in line["spans"]}
    rel = {(r["label"], TEXT[r["head_span"]["start"]:r["head_span"]["end"]]):
           TEXT[r["child_span"]["start"]:r["child_span"]["end"]] for r in line["relations"]}
    assert spans[at(TEXT, CONTENT)]["form"] == "indirect"
    assert spans[at(TEXT, "“We will stay,”")]["form"] == "direct"
    assert rel[("CUE", CONTENT)] == "said" and rel[("SPEAKER", CONTENT)] == "Officials"
    assert rel[("CUE", "“We will stay,”")] == "said" and rel[("SPEAKER", "“We will stay,”")] == "the mayor"
