"""Import: .txt with the seed header, .jsonl with spans, folders; bad input reported and skipped."""

from __future__ import annotations

import json

import pytest

from annotator.errors import InputError
from annotator.formats.base import Problem
from annotator.formats.text import parse_txt
from annotator.ingest import import_paths, read_paths

from .conftest import SEEDS


def lines(*objs) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objs)


def test_txt_header_goes_into_meta_and_is_not_text():
    draft = parse_txt(" date 2017-02-27 Reuters, GENEVA, Switzerland\n\nA UN envoy said so.\n", "x.txt")
    assert draft.text == "A UN envoy said so."
    assert (draft.date, draft.source, draft.dateline) == ("2017-02-27", "Reuters", "GENEVA, Switzerland")
    assert draft.meta["source"] == "Reuters" and draft.meta["file"] == "x.txt"
    assert draft.title is None  # a sentence is not a headline


def test_txt_without_header_and_with_headline():
    draft = parse_txt("Crane collapse kills 107\n\nSaturday, the crane fell.", "y.txt")
    assert draft.date is None and draft.title == "Crane collapse kills 107"


def test_seeds_import_25_articles_once(store, schema):
    summary = import_paths(store, [SEEDS], schema, extract=False)
    assert (summary.imported, summary.duplicates, summary.skipped) == (25, 0, 0)
    again = import_paths(store, [SEEDS], schema, extract=False)
    assert (again.imported, again.duplicates) == (0, 25)
    assert store.article_count() == 25
    seed = next(a for a in store.iter_articles() if a.source == "Reuters")
    assert seed.date == "2017-02-27" and seed.text.startswith("A UN peace envoy")
    assert seed.tokens[0] == (0, 1)  # "A"


def test_jsonl_spans_are_checked_and_bad_lines_skipped(tmp_path, store, schema):
    text = "Staffan de Mistura met officials in Geneva."
    path = tmp_path / "in.jsonl"
    path.write_text(lines(
        {"text": text, "meta": {"source": "Reuters"}, "spans": [{"start": 0, "end": 18, "label": "PERSON"},
                                                                 {"start": 36, "end": 42, "label": "GPE"}]},
        "{not json",
        {"text": "Out of range.", "spans": [{"start": 5, "end": 99, "label": "ORG"}]},
        {"text": "Reversed.", "spans": [{"start": 5, "end": 2, "label": "ORG"}]},
        {"text": "Unknown label.", "spans": [{"start": 0, "end": 7, "label": "WIDGET"}]},
        {"text": "Float offsets.", "spans": [{"start": 0.5, "end": 7, "label": "ORG"}]},
        {"meta": {}},
        {"text": "Model label mapped.", "spans": [{"start": 0, "end": 5, "label": "FAC"}]},
        "",
    ), encoding="utf-8")
    summary = import_paths(store, [path], schema, extract=False)
    assert summary.imported == 3  # the unknown label's article too, without that span
    assert summary.unknown == {"WIDGET": 1} and summary.unknown_articles == [f"{path}:5"]
    wheres = [p.where for p in summary.problems]
    assert wheres == [f"{path}:{n}" for n in (2, 3, 4, 6, 7)]
    messages = " | ".join(p.message for p in summary.problems)
    for words in ("not valid JSON", "not inside the text", "whole-number", "no 'text'"):
        assert words in messages
    first = next(store.iter_articles())
    assert first.source == "Reuters"
    views = store.spans(first.id, "alice")
    assert [(v.start, v.end, v.label, v.origin) for v in views] == [(0, 18, "PERSON", "import"), (36, 42, "GPE", "import")]
    _, unknown, mapped = store.iter_articles()
    assert unknown.text == "Unknown label." and store.spans(unknown.id, "alice") == []
    assert store.spans(mapped.id, "alice")[0].label == "LOC"


def test_strict_aborts_and_leaves_database_unchanged(tmp_path, store, schema):
    good = tmp_path / "good.txt"
    good.write_text("An article.")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines({"text": "fine"}, "[1, 2"))
    import_paths(store, [good], schema, extract=False)
    before = store.stats()
    with pytest.raises(InputError, match=r"bad\.jsonl:2: not valid JSON.*--strict: nothing imported"):
        import_paths(store, [tmp_path], schema, extract=False, strict=True)
    assert store.stats() == before


@pytest.mark.parametrize(("content", "words"), [
    (b"", "empty"),
    (b"   \n\n  ", "empty"),
    (b"caf\xe9 au lait\n", "not UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
])
def test_unreadable_txt_files_are_reported(tmp_path, content, words):
    path = tmp_path / "f.txt"
    path.write_bytes(content)
    items = list(read_paths([path]))
    assert len(items) == 1 and isinstance(items[0], Problem)
    assert words in items[0].message and str(path) in str(items[0])


def test_utf16_bom_and_crlf_are_read(tmp_path):
    path = tmp_path / "w.txt"
    path.write_bytes("First line.\r\n\r\nSecond “quoted”.".encode("utf-16"))
    (draft,) = read_paths([path])
    assert draft.text == "First line.\n\nSecond “quoted”."


def test_folders_recurse_and_symlink_loops_end(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one.txt").write_text("One.")
    (tmp_path / "a" / "two.txt").write_text("Two.")
    (tmp_path / "a" / "notes.md").write_text("ignored")
    (tmp_path / "a" / "b" / "loop").symlink_to(tmp_path / "a")
    texts = [item.text for item in read_paths([tmp_path])]
    assert sorted(texts) == ["One.", "Two."]


def test_missing_path_and_wrong_suffix(tmp_path):
    other = tmp_path / "x.csv"
    other.write_text("a,b")
    problems = list(read_paths([tmp_path / "nope", other]))
    assert [p.message.split(";")[0] for p in problems] == ["no such file or folder", "not an article file"]


def test_import_cli_reports_and_counts(cli, tmp_path):
    db = tmp_path / "a.db"
    code, out, err = cli("import", SEEDS, "--db", db, "--no-extract")
    assert code == 0 and "imported 25 articles" in out
    code, out, err = cli("stats", "--db", db, "--json")
    assert json.loads(out)["articles"] == 25
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    code, out, err = cli("import", bad, "--db", db, "--no-extract", "--strict")
    assert code == 1 and f"{bad}:1: not valid JSON" in err and "Traceback" not in err


DOCCANO_TEXT = "Envoy Jan Novak said: “We will talk.” Geneva agreed."


def test_doccano_jsonl_of_either_version_imports_as_suggestions(tmp_path, store, schema):
    """Teams arrive from doccano: `label` triples (1.x) and `entities` with relations (later)."""
    quote = (DOCCANO_TEXT.index("“"), DOCCANO_TEXT.index("”") + 1)
    name, place = (DOCCANO_TEXT.index("Jan"), DOCCANO_TEXT.index(" said")), (DOCCANO_TEXT.index("Geneva"), 44)
    path = tmp_path / "doccano.jsonl"
    path.write_text(lines(
        {"id": 1, "text": DOCCANO_TEXT, "label": [[*name, "PERSON"], [*place, "FAC"]]},
        {"id": 2, "text": DOCCANO_TEXT + " ", "entities": [
            {"id": 10, "label": "PERSON", "start_offset": name[0], "end_offset": name[1]},
            {"id": 11, "label": "QUOTE", "start_offset": quote[0], "end_offset": quote[1]}],
         "relations": [{"id": 5, "from_id": 11, "to_id": 10, "type": "speaker"}]},
        {"id": 3, "text": DOCCANO_TEXT + "  ", "label": ["positive"]},  # text classification: no spans
    ), encoding="utf-8")
    summary = import_paths(store, [path], schema, extract=False)
    assert (summary.imported, summary.skipped, summary.spans) == (3, 0, 4)
    first, second, third = (store.spans(a.id, "ann") for a in store.iter_articles())
    assert [(DOCCANO_TEXT[v.start:v.end], v.label) for v in first] == [("Jan Novak", "PERSON"), ("Geneva", "LOC")]
    person, said = second
    assert (said.kind, said.speaker_span_id) == ("quote", person.id)
    assert third == []


def test_doccano_relation_to_an_unknown_entity_is_reported(tmp_path, store, schema):
    path = tmp_path / "doccano.jsonl"
    path.write_text(lines({"text": DOCCANO_TEXT, "entities": [
        {"id": 1, "label": "QUOTE", "start_offset": 22, "end_offset": 37}],
        "relations": [{"from_id": 1, "to_id": 99, "type": "SPEAKER"}]}), encoding="utf-8")
    summary = import_paths(store, [path], schema, extract=False)
    assert [str(p) for p in summary.problems] == [
        f"{path}:1: relation 1 (SPEAKER) points at a span that is not in 'spans'"]


def test_import_keeps_the_models_tokens_instead_of_tokenizing_twice(tmp_path, store, schema, extractor, monkeypatch):
    """issue 36 (a 300 kB article): the store's tokens come from the model's Doc when its tokenizer is
    the store's, and are the very tokens the store's own tokenizer gives."""
    from annotator import extract
    from annotator.ingest import importer
    from annotator.tokens import token_offsets

    text = (SEEDS / "000_424ad7856360768d.txt").read_text(encoding="utf-8").split("\n", 1)[1].strip()
    path = tmp_path / "a.txt"
    path.write_text(text + "\n\nIt's 3 p.m. -- \"quoted,\" she said.  Two  spaces.\n", encoding="utf-8")
    expected = next(token_offsets([path.read_text(encoding="utf-8").strip()]))
    monkeypatch.setattr(extract, "load_extractor", lambda *args, **kwargs: extractor)
    monkeypatch.setattr(importer, "token_offsets", lambda texts: pytest.fail("tokenized a second time"))
    summary = import_paths(store, [path], schema, extract=True)
    assert summary.imported == 1 and summary.spans > 10
    (article,) = store.iter_articles()
    assert article.tokens == expected


def test_a_tokenizer_unlike_the_stores_makes_import_tokenize_again():
    import spacy

    from annotator.tokens import tokenizes_alike

    assert tokenizes_alike(spacy.blank("en"))
    special = spacy.blank("en")
    special.tokenizer.add_special_case("gimme", [{"ORTH": "gim"}, {"ORTH": "me"}])
    assert not tokenizes_alike(special) and not tokenizes_alike(spacy.blank("de")) and not tokenizes_alike(None)


def test_an_article_whose_spans_were_all_of_unknown_labels_gets_no_model_suggestions(tmp_path, store, schema,
                                                                                      monkeypatch):
    """It came with spans: the model does not fill it in as if it had none (issue 36 #9)."""
    from annotator import extract

    path = tmp_path / "odd.jsonl"
    path.write_text(lines({"text": "Kent beat Essex at Lord's.", "spans": [{"start": 0, "end": 4, "label": "TEAM"}]}))
    class NoModel:
        def pipe(self, texts, **kwargs):
            assert list(texts) == [], "the article was pre-extracted"
            return iter(())

    monkeypatch.setattr(extract, "load_extractor", lambda *a, **k: NoModel())
    summary = import_paths(store, [path], schema, extract=True)
    assert summary.imported == 1 and summary.unknown == {"TEAM": 1}
