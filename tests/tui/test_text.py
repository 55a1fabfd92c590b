"""Wrapping, safe characters, tokens and selection rules: plain functions, no screen."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from annotator.model import Article, SpanView
from annotator.tui.state import ArticleState, SpanFilter
from annotator.tui.text import Lines, safe, safe_line, wrap
from annotator.tui.tokens import Tokens

WORDS = st.sampled_from(["a", "bb", "word", "“quote”", "x" * 50, "日本語", "é", "  ", "\t", "\x1b[31m", "\n", "\n\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=40).map(" ".join), st.integers(min_value=1, max_value=40))
def test_wrap_covers_text_within_width(text, width):
    shown = safe(text)
    pos = 0
    for start, end in wrap(shown, width):
        assert start == pos or (shown[pos:start] == "\n")  # lines follow each other; newlines between
        assert "\n" not in shown[start:end]
        assert cell_len(shown[start:end].rstrip()) <= max(width, 2)
        pos = end
    assert pos == len(shown)


def test_safe_keeps_offsets_and_disarms_escapes():
    text = "a\x1b[2J\x07b\r\n[bold]x[/bold]\u202e\x9b"
    shown = safe(text)
    assert len(shown) == len(text)
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown and "\x9b" not in shown
    assert "\n" in shown and "[bold]x[/bold]" in shown  # newlines stay; markup is just characters
    assert "\n" not in safe_line(text)


def test_lines_map_offsets():
    lines = Lines("one two three\n\nfour", 8)
    assert lines.spans == [(0, 8), (8, 13), (14, 14), (15, 19)]
    assert lines.line_of(9) == 1 and list(lines.lines_of(2, 10)) == [0, 1]


def test_tokens_snap():
    tokens = Tokens("Tahrir al-Sham said", ((0, 6), (7, 9), (9, 10), (10, 14), (15, 19)))
    assert tokens.at(8) == 1 and tokens.span(0, 3) == (0, 14)
    assert tokens.first_in(7, 14) == 1 and tokens.last_in(7, 13) == 2  # a span ending mid-token
    assert len(Tokens("no tokens stored", ())) == 3  # falls back to words


def span(i, start, end, status="undecided", label="ORG", kind="entity"):
    return SpanView(i, 1, kind, "model", label, start, end, status, label, start, end, None, None, None, None)


def test_state_selection_and_filter():
    article = Article(1, "h", "x" * 100, None, None, None, None, {}, ())
    state = ArticleState(article, [span(3, 30, 35), span(1, 0, 5, "accepted"), span(2, 10, 20)], (1, 1))
    assert [s.id for s in state.spans] == [1, 2, 3]
    state.selected = state.first_undecided()
    assert state.current.id == 2
    state.advance()
    assert state.current.id == 3
    state.advance()  # wraps around to the first undecided
    assert state.current.id == 2
    state.set_filter(SpanFilter(undecided=True))
    assert state.visible == [1, 2]
    state.step(-1)
    assert state.current.id == 2  # stays on the first visible row
    old, index = state.replace(span(2, 12, 20, "accepted"))  # offsets changed: re-sorted
    assert old.start == 10 and state.spans[index].start == 12 and state.decided == 2


def test_tokens_skip_whitespace_tokens():
    text = "One.\n\nTwo"
    tokens = Tokens(text, ((0, 3), (3, 4), (4, 6), (6, 9)))  # spaCy keeps "\n\n" as a token
    assert tokens.pairs == [(0, 3), (3, 4), (6, 9)]


def test_app_writes_no_sql_and_loads_no_spacy():
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "annotator" / "tui"
    for path in [*root.glob("*.py"), *root.glob("screens/*.py"), *root.glob("widgets/*.py")]:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(sqlite3|sqlite_utils|spacy)\b", source, re.M), path
    code = ("import sys, annotator.tui.app, annotator.tui.screens.picker_screen, annotator.tui.screens.span_pickers, annotator.tui.screens.dialogs;"
            "print('spacy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=60).map(" ".join), st.integers(min_value=2, max_value=30),
       st.lists(st.tuples(st.integers(0, 400), st.sampled_from([0, 1, 3, 10, 80, 400])), max_size=30))
def test_each_line_draws_the_spans_from_the_line_of_their_start_to_that_of_their_last_character(text, width, cuts):
    from annotator.tui.state import order_key
    from annotator.tui.widgets.article_view import ArticleView

    shown = safe(text)
    spans = sorted((SpanView(i, 1, "entity", "model", "X", a, b, "undecided", "X", a, b, None, None, None, None)
                    for i, (a, b) in enumerate((min(a, len(shown)), min(len(shown), a + n)) for a, n in cuts)),
                   key=order_key)
    view = ArticleView.__new__(ArticleView)  # the line lookup alone: no app, no screen
    view._spans, view._safe, view.lines = spans, shown, Lines(shown, width)
    view._index_spans()
    for line in range(len(view.lines)):
        expected = [position for position, span in enumerate(spans)
                    if view.lines.line_of(span.start) <= line <= view.lines.line_of(max(span.start, span.end - 1))]
        assert view._spans_on(line) == expected
