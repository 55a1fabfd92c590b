"""Hostile text: escape sequences, Rich markup, bidi overrides, zero-width characters, 10,000-character
lines. Imported, stored and exported with exact offsets; shown by the app as inert characters.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from annotator.model import ArticleDraft, SpanDraft
from annotator.schema import load_schema
from annotator.store import Store
from tests.reliability import REPO

NEWS = REPO / "schemas" / "news.yaml"
LONG_WORD = "x" * 10_000
LONG_LINE = " ".join(["lorem"] * 1_700)  # about 10,000 characters, one paragraph

PIECES = [
    "Plain start, then \x1b[31mred\x1b[0m and \x1b]0;pwned\x07 a title and \x1b[2J\x1b[H a clear screen. ",
    "Rich markup [bold red]boom[/] and [link=http://evil.example]click[/link] and [/] stray. ",
    "Bidi: \u202etxt.exe\u202c and \u2066isolated\u2069 and \u200fRLM. ",
    "Zero width: in\u200bvisible, jo\u200dined, soft\u00adhyphen, \ufeffBOM. ",
    "Wide: 漢字 and 👩‍👩‍👧 and e\u0301 combining. Bell \x07 and DEL \x7f and C1 \x9b31m. ",
    "Tab\there, carriage\rreturn, line\u2028separator.\n\n",
    LONG_WORD + "\n\n",
    LONG_LINE + "\n\n",
    "The end: Geneva.",
]
TEXT = "".join(PIECES)

# (substring, label): every span sits on hostile ground.
TARGETS = [
    ("\x1b[31mred\x1b[0m", "MISC"),
    ("boom", "PERSON"),
    ("[link=http://evil.example]click[/link]", "ORG"),
    ("\u202etxt.exe\u202c", "MISC"),
    ("in\u200bvisible", "LOC"),
    ("👩‍👩‍👧", "NORP"),
    ("e\u0301", "MISC"),
    (LONG_WORD[:50], "EVENT"),
    ("Geneva", "GPE"),
]


def spans_of(text: str) -> list[dict]:
    out = []
    for needle, label in TARGETS:
        start = text.index(needle)
        out.append({"start": start, "end": start + len(needle), "label": label})
    return out


def test_hostile_text_import_store_export_offsets_exact(cli, tmp_path):
    source = tmp_path / "hostile.jsonl"
    source.write_text(json.dumps({"text": TEXT, "meta": {"source": "\x1b[31m[bold]wire"}, "spans": spans_of(TEXT)},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "h.db"
    code, out, err = cli("import", source, "--db", db, "--no-extract", "--strict")
    assert code == 0 and "imported 1 articles (9 spans)" in out, err
    with Store(db) as store:
        (article,) = store.iter_articles()
        assert article.text == TEXT
        views = store.spans(article.id, "alice")
        assert sorted((v.start, v.end) for v in views) == sorted((s["start"], s["end"]) for s in spans_of(TEXT))
        for view in views:
            store.decide("alice", view.id, "accept")
        store.set_status(article.id, "alice", "done")
    out_path = tmp_path / "gold.jsonl"
    code, out, err = cli("export", "--db", db, "-o", out_path)
    assert code == 0, err
    (line,) = [json.loads(raw) for raw in out_path.read_bytes().split(b"\n") if raw]
    assert line["text"] == TEXT
    assert line["meta"]["source"] == "\x1b[31m[bold]wire"
    got = {(s["start"], s["end"], s["label"], s["text"]) for s in line["spans"]}
    assert got == {(s["start"], s["end"], s["label"], TEXT[s["start"]:s["end"]]) for s in spans_of(TEXT)}
    for token in line["tokens"]:
        assert token["text"] == TEXT[token["start"]:token["end"]]


def test_hostile_txt_file_with_extraction_keeps_offsets(cli, tmp_path):
    """A .txt of hostile text through the model: every span and token lies on the stored text."""
    source = tmp_path / "hostile.txt"
    body = TEXT.replace("\r", " ") + " “We will not be silenced,” said Ana \u202eRuiz\u202c in Geneva."
    source.write_text("date 2024-01-01 \x1b[31mWire, [bold]GENEVA\n" + body, encoding="utf-8")
    db = tmp_path / "x.db"
    code, out, err = cli("import", source, "--db", db, "--strict")
    assert code == 0, err
    with Store(db) as store:
        (article,) = store.iter_articles()
        assert article.text == body.strip()
        assert article.source == "\x1b[31mWire" and article.dateline == "[bold]GENEVA"
        views = store.spans(article.id, "alice")
        assert views, "the model found nothing"
        for view in views:
            assert 0 <= view.start < view.end <= len(article.text)
        assert any(article.text[v.start:v.end].startswith("“We will not") for v in views if v.kind == "quote")
        for start, end in article.tokens:
            assert 0 <= start <= end <= len(article.text)


def test_problem_lines_print_file_names_literally(cli, tmp_path):
    odd = tmp_path / "[bold red]odd[i].txt"
    odd.write_text("")
    code, out, err = cli("import", odd, "--db", tmp_path / "d.db", "--no-extract")
    assert code == 1 and f"skipped {odd}: empty" in err  # the markup of the name printed as it is


# -- the app ----------------------------------------------------------------------------------------

CONTROL = {chr(c) for c in range(0x20) if c != 0x0A} | {chr(c) for c in range(0x7F, 0xA0)}
INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
             "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u2028", "\u2029"}


def _tokens(text: str) -> list[tuple[int, int]]:
    import re

    return [m.span() for m in re.finditer(r"\S+", text)]


@pytest.fixture
def hostile_db(tmp_path) -> Path:
    path = tmp_path / "app.db"
    drafts = tuple(SpanDraft(s["start"], s["end"], s["label"], "entity") for s in spans_of(TEXT))
    with Store(path) as store, store.write() as conn:
        store.insert_article(conn, ArticleDraft(TEXT, title="[bold]Title[/bold] \x1b[2J\u202eevil", source="[i]src",
                                                date="2024-01-01", spans=drafts), "hash-hostile", _tokens(TEXT), "model")
    return path


async def test_app_shows_hostile_text_inertly_with_spans_in_place(hostile_db):
    pytest.importorskip("textual")
    from rich.color import Color

    from annotator.tui.app import AnnotatorApp
    from annotator.tui.text import safe
    from annotator.tui.widgets.article_view import ArticleView
    from annotator.tui.widgets.span_list import SpanList

    schema = load_schema(NEWS)
    with Store(hostile_db) as store:
        app = AnnotatorApp(store, schema, "alice")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await app.main.settled()
            await pilot.pause()
            view = app.main.query_one(ArticleView)
            assert view.text == TEXT
            lines = view.lines.spans
            assert len(lines) > 100  # the 10,000-character word and line are wrapped, not cut
            seen_chars = 0
            joined = []  # the characters on screen, line after line
            styles: dict[int, object] = {}
            for y, (start, end) in enumerate(lines):
                strip = view.render_line(y - int(view.scroll_offset.y))
                shown = strip.text
                assert not (set(shown) & CONTROL), (y, shown)
                assert not (set(shown) & INVISIBLE), (y, shown)
                assert strip.cell_length == view.scrollable_content_region.width
                # One character of the text is one character on screen: offsets map straight across.
                joined.append(shown[: end - start])
                offset = start
                for segment in strip:
                    for _ in segment.text:
                        if offset < end:
                            styles[offset] = segment.style
                        offset += 1
                seen_chars += end - start
            # Every character but the newlines is on screen, in order.
            assert seen_chars == len(TEXT) - TEXT.count("\n")
            on_screen = "".join(joined)
            assert on_screen == safe(TEXT).replace("\n", "")
            for literal in ("[bold red]boom[/]", "[link=http://evil.example]click[/link]", "␛[31mred␛[0m", "␛[2J"):
                assert literal in on_screen
            for target in spans_of(TEXT):
                colour = Color.parse(schema.label(target["label"]).colour)
                for offset in range(target["start"], target["end"]):
                    style = styles[offset]
                    assert style is not None and style.color == colour, (target, offset, TEXT[offset])
            # Characters right outside the spans are not painted as them.
            boom = TEXT.index("boom")
            assert styles[boom - 1].color != Color.parse(schema.label("PERSON").colour)
            rows = app.main.query_one(SpanList)
            listed = "".join(rows.render_line(y).text for y in range(len(TARGETS)))
            assert "[link=http://evil.example]" in listed and "␛[31mred" in listed
            assert not (set(listed) & CONTROL) and not (set(listed) & INVISIBLE)
            header = str(app.main.header.render())
            assert "[bold]Title[/bold]" in header and "[i]src" in header
            assert not (set(header) & CONTROL) and not (set(header) & INVISIBLE)
            # Decide every span by key; what is stored points at the same characters.
            for _ in TARGETS:
                await pilot.press("a")
            await app.main.settled()
            await pilot.pause()
        article = next(store.iter_articles())
        decided = {(v.start, v.end, v.label) for v in store.spans(article.id, "alice") if v.status == "accepted"}
        assert decided == {(s["start"], s["end"], s["label"]) for s in spans_of(TEXT)}


def test_control_characters_in_the_corpus_are_all_named():
    """The hostile text really holds what it claims (guards the test against a helpful editor)."""
    categories = {unicodedata.category(ch) for ch in TEXT}
    assert {"Cc", "Cf", "Mn", "So", "Zl"} <= categories
    assert "\x1b" in TEXT and "\u202e" in TEXT and "\u200b" in TEXT and len(LONG_WORD) == 10_000
