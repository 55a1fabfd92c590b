"""Small fixed databases and helpers for the app's Pilot and snapshot tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.model import ArticleDraft, SpanDraft
from annotator.schema import load_schema
from annotator.store import Store

ROOT = Path(__file__).resolve().parents[2]
ANNOTATOR = "alice"

TEXT_1 = (
    "UN envoy Staffan de Mistura said: “Spoilers will not prevail in Geneva.” "
    "The group Tahrir al-Sham denied any part in it.\n\n"
    "He met officials in Geneva on Monday."
)
TEXT_2 = "Bashar al-Ja’afari spoke in New York. Reuters reported it."
TEXT_3 = "Bad \x1b[31mred\x1b[0m text and [bold]markup[/bold] with [link=http://x]a link[/link]\x07 from Paris."


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def tokens_of(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]


def drafts_1() -> tuple[SpanDraft, ...]:
    t = TEXT_1
    return (
        SpanDraft(*at(t, "UN"), "ORG"),                                   # 0
        SpanDraft(*at(t, "Staffan de Mistura"), "PERSON"),                # 1
        SpanDraft(*at(t, "“Spoilers will not prevail in Geneva.”"), "QUOTE", "quote", speaker=1, speaker_entity=1),
        SpanDraft(*at(t, "Geneva"), "GPE"),                               # 3
        SpanDraft(*at(t, "Tahrir al-Sham"), "PERSON"),                    # 4
        SpanDraft(*at(t, "Geneva", 1), "GPE"),                            # 5
    )


def build_db(path: Path) -> Path:
    articles = [
        ArticleDraft(TEXT_1, title="Envoy says spoilers will not prevail", source="Reuters", date="2017-02-27",
                     spans=drafts_1()),
        ArticleDraft(TEXT_2, source="Reuters", date="2017-02-28",
                     spans=(SpanDraft(*at(TEXT_2, "Bashar al-Ja’afari"), "PERSON"),
                            SpanDraft(*at(TEXT_2, "New York"), "GPE"))),
        ArticleDraft(TEXT_3, title="[bold]Escapes[/bold] \x1b[2J", source="Test", date="2024-01-01",
                     spans=(SpanDraft(*at(TEXT_3, "[bold]markup[/bold]"), "MISC"),
                            SpanDraft(*at(TEXT_3, "Paris"), "GPE"))),
    ]
    with Store(path) as store, store.write() as conn:
        for n, draft in enumerate(articles):
            store.insert_article(conn, draft, f"hash-{n}", tokens_of(draft.text), "model")
    return path


@pytest.fixture
def schema():
    return load_schema(ROOT / "schemas" / "news.yaml")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return build_db(tmp_path / "test.db")


@pytest.fixture
def store(db_path: Path):
    with Store(db_path) as opened:
        yield opened


@pytest.fixture
def make_app(store, schema):
    from annotator.tui.app import AnnotatorApp

    def make(annotator: str = ANNOTATOR, overlap: int | None = 1) -> AnnotatorApp:
        return AnnotatorApp(store, schema, annotator, overlap)

    return make


async def settle(pilot) -> None:
    """Wait until the main screen ran every queued key and repainted."""
    await pilot.pause()
    await pilot.app.main.settled()
    await pilot.pause()


def post_keys(app, *keys: str) -> None:
    """Keys as a quick typist (or SSH) delivers them: all in the app's queue before it runs any."""
    from textual import events

    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
    await settle(pilot)
