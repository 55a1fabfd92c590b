"""Formats from other distributions plug in through the entry point group `annotator.formats`, and
`annotator formats` lists every format: name, way, suffixes, what it is."""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint

import pytest
from typer.testing import CliRunner

from annotator.formats import Format, ReadOptions, all_formats, get, origin, registry
from annotator.model import ArticleDraft

GROUP = "annotator.formats"


def _read_lines(path, options: ReadOptions):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        yield ArticleDraft(line, None, None, None, None, {}, origin=f"{path}:{number}")


FAKE = Format(name="fakelines", title="one article a line (a test's plug-in)", keeps="the text",
              loses="everything else", suffixes=(".lines",), read=_read_lines, order=95)
NOT_A_FORMAT = object()
SHADOW = Format(name="jsonl", title="a plug-in that would replace a built-in", keeps="-", loses="-",
                read=_read_lines)


@pytest.fixture
def plugged(monkeypatch):
    """The registry as it is with these entry points installed (and as it was after the test)."""

    def install(*points: tuple[str, str]) -> None:
        found = [EntryPoint(name, value, GROUP) for name, value in points]
        monkeypatch.setattr(registry, "entry_points", lambda group: found if group == GROUP else [])
        registry._found.cache_clear()

    yield install
    registry._found.cache_clear()


def _run(*args: str):
    from annotator.cli.commands import app

    return CliRunner().invoke(app, list(args))


def test_formats_command_lists_name_way_suffixes_and_title():
    result = _run("formats")
    assert result.exit_code == 0, result.output
    assert "jsonl (import, export; .jsonl): JSONL" in result.output
    assert "spacy (export only; .spacy): spaCy DocBin" in result.output
    assert "text (import only; .txt): plain-text articles" in result.output
    for fmt in all_formats():
        assert f"{fmt.name} (" in result.output and "[from" not in result.output


def test_a_format_from_an_entry_point_is_listed_and_read(plugged, tmp_path, store, schema):
    plugged(("fakelines", f"{__name__}:FAKE"))
    assert get("fakelines") is FAKE and origin("fakelines") == __name__ and origin("jsonl") is None
    result = _run("formats")
    assert result.exit_code == 0, result.output
    assert f"fakelines (import only; .lines) [from {__name__}]: one article a line (a test's plug-in)" in result.output

    from annotator.ingest import import_paths

    path = tmp_path / "news.lines"
    path.write_text("The first article.\nThe second article.\n", encoding="utf-8")
    summary = import_paths(store, [path], schema, extract=False)
    assert summary.imported == 2 and not summary.problems


def test_a_module_with_a_FORMAT_plugs_in_too(plugged, monkeypatch):
    import sys
    import types

    module = types.ModuleType("fake_format_module")
    module.FORMAT = FAKE
    monkeypatch.setitem(sys.modules, "fake_format_module", module)
    plugged(("fakelines", "fake_format_module"))
    assert get("fakelines") is FAKE


def test_a_broken_plug_in_is_left_out_with_one_line_and_a_builtin_keeps_its_name(plugged, capsys):
    plugged(("missing", "no_such_module_anywhere:FORMAT"), ("odd", f"{__name__}:NOT_A_FORMAT"),
            ("jsonl", f"{__name__}:SHADOW"), ("fakelines", f"{__name__}:FAKE"))
    names = [fmt.name for fmt in all_formats()]
    assert "fakelines" in names and "missing" not in names and "odd" not in names
    assert get("jsonl") is not SHADOW and get("jsonl").write is not None
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "'missing'" in err[0] and "cannot be loaded" in err[0] and "is not a Format" in err[1]


def test_detection_knows_a_plugged_in_suffix(plugged, tmp_path):
    plugged(("fakelines", f"{__name__}:FAKE"))
    path = tmp_path / "a.lines"
    path.write_text(json.dumps("not json lines, plain text") + "\n", encoding="utf-8")
    assert registry.detect(path).name == "fakelines"
