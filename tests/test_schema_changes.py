"""Schema changes under way: a label removed from or renamed in the YAML while decisions use it.

Nothing is dropped from the database or the export; the app shows such spans as unknown-label
and lets the annotator relabel them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.ingest import import_paths
from annotator.schema import load_schema
from annotator.store import Store
from tests.reliability import REPO, db_fingerprint

NEWS = (REPO / "schemas" / "news.yaml").read_text(encoding="utf-8")
WIDGET = """  - name: WIDGET
    kind: entity
    key: "8"
    colour: "#af5fff"
    description: A label that a later schema drops or renames
"""
TEXT = "Acme Frobnicator 3000 was shown in Geneva by Ada Lovelace, who said: “It works.”"


def at(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def v1(tmp_path: Path) -> Path:
    """news.yaml plus WIDGET."""
    path = tmp_path / "v1.yaml"
    path.write_text(NEWS.replace("\nlabels:\n", "\nlabels:\n" + WIDGET, 1), encoding="utf-8")
    return path


def v2(tmp_path: Path, change: str) -> Path:
    """WIDGET removed, or renamed GADGET (with a map from the old name, as the README suggests)."""
    path = tmp_path / f"v2-{change}.yaml"
    if change == "removed":
        path.write_text(NEWS, encoding="utf-8")
    else:
        gadget = WIDGET.replace("WIDGET", "GADGET")
        text = NEWS.replace("\nlabels:\n", "\nlabels:\n" + gadget, 1).replace("\nmap:\n", "\nmap:\n  WIDGET: GADGET\n", 1)
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path) -> Path:
    """Decisions that use WIDGET under schema v1: alice accepted a WIDGET span, bob relabelled one to it."""
    schema = load_schema(v1(tmp_path))
    source = tmp_path / "in.jsonl"
    spans = [
        {"start": a, "end": b, "label": label} for (a, b), label in (
            (at("Acme Frobnicator 3000"), "WIDGET"), (at("Geneva"), "GPE"), (at("Ada Lovelace"), "PERSON"),
            (at("“It works.”"), "QUOTE"))
    ]
    source.write_text(json.dumps({"text": TEXT, "spans": spans}, ensure_ascii=False) + "\n", encoding="utf-8")
    path = tmp_path / "work.db"
    with Store(path) as store:
        import_paths(store, [source], schema, extract=False, strict=True)
        (article,) = store.iter_articles()
        by_text = {TEXT[v.start:v.end]: v for v in store.spans(article.id, "alice")}
        store.decide("alice", by_text["Acme Frobnicator 3000"].id, "accept")
        store.decide("alice", by_text["Geneva"].id, "accept")
        store.decide("bob", by_text["Geneva"].id, "relabel", label="WIDGET")
        store.decide("bob", by_text["Acme Frobnicator 3000"].id, "accept")
        for who in ("alice", "bob"):
            store.set_status(article.id, who, "done")
    return path


def exported_labels(path: Path) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for raw in path.read_bytes().split(b"\n"):
        if raw:
            line = json.loads(raw)
            out[line["_annotator_id"]] = {(s["text"], s["label"]) for s in line["spans"]}
    return out


# -- the core: store and export keep labels the schema no longer has ---------------------------------

@pytest.mark.parametrize("change", ["removed", "renamed"])
def test_export_keeps_labels_the_schema_dropped(cli, db, tmp_path, change):
    schema = v2(tmp_path, change)
    before = db_fingerprint(db)
    out = tmp_path / "gold.jsonl"
    code, _, err = cli("export", "--db", db, "-o", out)
    assert code == 0, err
    assert exported_labels(out) == {
        "alice": {("Acme Frobnicator 3000", "WIDGET"), ("Geneva", "GPE")},
        "bob": {("Acme Frobnicator 3000", "WIDGET"), ("Geneva", "WIDGET")},
    }
    # The DocBin too: an unknown label keeps the kind stored with its span.
    spacy_out = tmp_path / "gold.spacy"
    code, _, err = cli("export", "--db", db, "-o", spacy_out, "--format", "spacy", "--schema", schema)
    assert code == 0, err
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    docs = list(DocBin().from_disk(spacy_out).get_docs(Vocab()))
    assert [sorted((e.text, e.label_) for e in doc.ents) for doc in docs] == [
        [("Acme Frobnicator 3000", "WIDGET"), ("Geneva", "GPE")],
        [("Acme Frobnicator 3000", "WIDGET"), ("Geneva", "WIDGET")],
    ]
    code, out_text, _ = cli("stats", "--db", db, "--json")
    assert json.loads(out_text)["spans_by_label"]["WIDGET"] == 1
    assert db_fingerprint(db) == before  # exporting and counting changed nothing


def test_reimport_under_a_renaming_schema_maps_old_labels(cli, db, tmp_path):
    out = tmp_path / "gold.jsonl"
    cli("export", "--db", db, "-o", out)
    fresh = tmp_path / "fresh.db"
    code, _, err = cli("import", out, "--db", fresh, "--schema", v2(tmp_path, "renamed"), "--no-extract", "--strict")
    assert code == 0, err
    again = tmp_path / "again.jsonl"
    cli("export", "--db", fresh, "-o", again)
    assert exported_labels(again) == {
        "alice": {("Acme Frobnicator 3000", "GADGET"), ("Geneva", "GPE")},
        "bob": {("Acme Frobnicator 3000", "GADGET"), ("Geneva", "GADGET")},
    }


def test_reimport_under_a_schema_without_the_label_refuses_the_line_not_the_span(cli, db, tmp_path):
    """A line whose label is gone is refused whole, with its line number; never imported with a span missing."""
    out = tmp_path / "gold.jsonl"
    cli("export", "--db", db, "-o", out)
    fresh = tmp_path / "fresh.db"
    code, _, err = cli("import", out, "--db", fresh, "--schema", v2(tmp_path, "removed"), "--no-extract")
    assert code == 1
    skipped = [line for line in err.splitlines() if line.startswith("skipped")]
    assert skipped == [f"skipped 2 articles of finished work (kept whole or not at all) with labels the schema "
                       f"neither has, maps nor drops, the first at {out}:1: WIDGET (3 spans). Add each to the "
                       "schema's labels, map it (map: {WIDGET: LABEL}, LABEL one of PERSON, ORG, GPE, LOC, NORP, "
                       "EVENT, MISC) or drop it (drop: [WIDGET])"]


def test_store_views_keep_unknown_labels_and_decisions(db, tmp_path):
    with Store(db) as store:
        (article,) = store.iter_articles()
        views = {TEXT[v.start:v.end]: v for v in store.spans(article.id, "bob")}
        assert views["Acme Frobnicator 3000"].label == "WIDGET"
        assert (views["Geneva"].suggested_label, views["Geneva"].label) == ("GPE", "WIDGET")
        assert len(store.decisions()) == 4


# -- the app: unknown-label spans are shown as such and can be relabelled ------------------------------

async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.main.settled()
    await pilot.pause()


@pytest.mark.parametrize("change", ["removed", "renamed"])
async def test_app_marks_unknown_labels_and_relabels_them(db, tmp_path, change):
    pytest.importorskip("textual")
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.widgets.span_list import SpanList

    schema = load_schema(v2(tmp_path, change))
    with Store(db) as store:
        (article,) = store.iter_articles()
        # carol has decided nothing: she sees the suggestions, one with the dropped label.
        store.set_status(article.id, "carol", "doing")
        app = AnnotatorApp(store, schema, "carol")
        async with app.run_test(size=(100, 30)) as pilot:
            await _settle(pilot)
            main = app.main
            assert main.state.article.id == article.id
            rows = main.query_one(SpanList)
            texts = [rows.render_line(y).text for y in range(4)]
            (widget_row,) = [row for row in texts if "WIDGET" in row]
            assert "WIDGET?" in widget_row, texts  # shown as an unknown label
            assert all("?" not in row.split()[1] for row in texts if "WIDGET" not in row and row.strip())
            # The first span is the WIDGET one; selecting it says why it is marked.
            assert TEXT[main.state.current.start:main.state.current.end] == "Acme Frobnicator 3000"
            assert "not in the schema" in main.message
            # Relabel by the picker.
            await pilot.press("l")
            await pilot.pause()
            await pilot.press(*"misc", "enter")
            await _settle(pilot)
            view = store.span(main.state.spans[0].id, "carol")
            assert (view.status, view.label, view.suggested_label) == ("accepted", "MISC", "WIDGET")
            row = rows.render_line(0).text
            assert "WIDGET→MISC" in row and "WIDGET?" not in row
        decisions = [(d.annotator, d.action, d.label) for d in store.decisions()]
    assert decisions[-1] == ("carol", "relabel", "MISC")
    assert len(decisions) == 5  # alice's and bob's decisions are all still there


async def test_app_accept_keeps_an_unknown_label_and_nothing_is_dropped(db, tmp_path):
    """bob reopens under the schema without WIDGET: his WIDGET decisions are shown, and kept."""
    pytest.importorskip("textual")
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.widgets.span_list import SpanList

    schema = load_schema(v2(tmp_path, "removed"))
    with Store(db) as store:
        (article,) = store.iter_articles()
        store.set_status(article.id, "bob", "doing")
        before = [(d.annotator, d.action, d.label) for d in store.decisions()]
        app = AnnotatorApp(store, schema, "bob", overlap=None)
        async with app.run_test(size=(100, 30)) as pilot:
            await _settle(pilot)
            rows = app.main.query_one(SpanList)
            texts = [rows.render_line(y).text for y in range(4)]
            assert any("GPE→WIDGET?" in row for row in texts), texts
            assert any("✓ WIDGET?" in row for row in texts), texts
            await pilot.press("q")
            await pilot.pause()
        assert [(d.annotator, d.action, d.label) for d in store.decisions()] == before
