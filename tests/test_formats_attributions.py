"""Attributions (content, source, cue) in the interchange formats: spaCy DocBin, citron, PolNeAR brat."""

from __future__ import annotations

import json

import pytest

from .attribution_data import (
    ATTRIBUTIONS,
    CITRON_TEXT,
    POLNEAR_TEXT,
    TEXT,
    citron_document,
    polnear_ann,
    write_line,
    write_polnear,
)


def test_docbin_has_cues_their_links_and_forms(cli, db_at, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    code, _, err = cli("import", "--db", db_at, write_line(tmp_path / "in.jsonl"), "--no-extract")
    assert code == 0, err
    out = tmp_path / "gold.spacy"
    code, _, err = cli("export", "--db", db_at, "-o", out, "--format", "spacy")
    assert code == 0, err
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert [c.text for c in doc.spans["cues"]] == ["said", "told reporters", "According to"]
    assert {c.label_ for c in doc.spans["cues"]} == {"CUE"}
    assert {q.label_ for q in doc.spans["quotes"]} == {"QUOTE"}

    def text(start, end):
        return TEXT[start:end]

    assert sorted((text(*link[:2]), text(*link[2:])) for link in doc.user_data["cues"]) == sorted(
        (content, cue) for content, _, cue in ATTRIBUTIONS)
    assert sorted((text(*link[:2]), text(*link[2:])) for link in doc.user_data["speakers"]) == sorted(
        (content, source) for content, source, _ in ATTRIBUTIONS)
    assert sorted((text(s, e), form) for s, e, form in doc.user_data["forms"]) == sorted(
        zip([content for content, _, _ in ATTRIBUTIONS], ["indirect", "direct", "mixed"], strict=True))


def write_json(path, obj):
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=4), encoding="utf-8")
    return path


def test_citron_file_round_trips_import_export(cli, db_at, tmp_path):
    original = citron_document()
    source = write_json(tmp_path / "doc.json", original)
    code, out, err = cli("import", "--db", db_at, source, "--no-extract", "--annotator", "alice")
    assert code == 0, err
    assert "imported 1 articles" in out
    code, _, err = cli("export", "--db", db_at, "-o", tmp_path / "out", "--format", "citron")
    assert code == 0, err
    (written,) = (tmp_path / "out").glob("*.json")
    assert json.loads(written.read_text(encoding="utf-8")) == original
    # and what the store made of it: one quote span an attribution, its source and cue linked
    code, _, err = cli("export", "--db", db_at, "-o", tmp_path / "out.jsonl")
    (line,) = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    def text(s):
        return CITRON_TEXT[s["start"]:s["end"]]
    pairs = sorted((text(r["head_span"]), r["label"], text(r["child_span"])) for r in line["relations"])
    assert pairs == sorted([
        ("“The talks will resume,” the envoy said on Monday, “and nobody will leave.”", "CUE", "said"),
        ("“The talks will resume,” the envoy said on Monday, “and nobody will leave.”", "SPEAKER", "the envoy"),
        ("that the plan was “a disaster”", "CUE", "told reporters"),
        ("that the plan was “a disaster”", "SPEAKER", "Officials"),
        ("Geneva was ready", "CUE", "According to"),
        ("Geneva was ready", "SPEAKER", "the statement")])


def test_citron_export_of_attributions_made_here(cli, db_at, tmp_path):
    """Quotes that did not come from a citron file: contents cut around their own source and cue."""
    code, _, err = cli("import", "--db", db_at, write_line(tmp_path / "in.jsonl"), "--no-extract")
    assert code == 0, err
    code, _, err = cli("export", "--db", db_at, "-o", tmp_path / "out", "--format", "citron")
    assert code == 0, err
    (written,) = (tmp_path / "out").glob("*.json")
    doc = json.loads(written.read_text(encoding="utf-8"))
    assert doc["text"] == TEXT
    assert [([c["text"] for c in q["contents"]], [s["text"] for s in q["sources"]], q["cue"]["text"])
            for q in doc["quotes"]] == [([content], [source], cue) for content, source, cue in ATTRIBUTIONS]
    for quote in doc["quotes"]:
        for span in [quote["cue"], *quote["sources"], *quote["contents"]]:
            assert TEXT[span["start"]:span["end"]] == span["text"]


def polnear_attributions(ann: str, text: str) -> set:
    """What a PolNeAR .ann says, whatever its numbering and order: (content fragments, source, cue)."""
    spans, out = {}, set()
    for line in ann.splitlines():
        name, body = line.split("\t")[:2]
        if name.startswith("T"):
            kind, where = body.split(" ", 1)
            spans[name] = (kind, tuple(text[int(s):int(e)] for s, e in (p.split() for p in where.split(";"))))
        else:
            roles = dict(role.split(":") for role in body.split())
            out.add(tuple(spans[roles[k]][1] if k in roles else None for k in ("Content", "Source", "Cue")))
    return out


def test_polnear_files_import_and_round_trip(cli, db_at, tmp_path):
    ann = write_polnear(tmp_path / "in")
    code, out, err = cli("import", "--db", db_at, ann, "--no-extract")
    assert code == 0, err
    assert "imported 1 articles" in out
    code, _, err = cli("export", "--db", db_at, "-o", tmp_path / "out", "--format", "polnear")
    assert code == 0, err  # the annotator is the code the file name ends with
    written = tmp_path / "out" / "article_4e07.ann"
    assert (tmp_path / "out" / "article_4e07.txt").read_text(encoding="utf-8") == POLNEAR_TEXT
    first = written.read_text(encoding="utf-8")
    assert polnear_attributions(first, POLNEAR_TEXT) == polnear_attributions(polnear_ann(), POLNEAR_TEXT)
    assert len(polnear_attributions(first, POLNEAR_TEXT)) == 5
    # the export reads back as it was written
    code, _, err = cli("import", "--db", tmp_path / "again.db", written, "--no-extract")
    assert code == 0, err
    code, _, err = cli("export", "--db", tmp_path / "again.db", "-o", tmp_path / "again", "--format", "polnear")
    assert code == 0, err
    assert (tmp_path / "again" / "article_4e07.ann").read_text(encoding="utf-8") == first


def test_polnear_layout_text_in_its_own_folder(cli, db_at, tmp_path):
    """PolNeAR keeps attributions/ARTICLE_4e07.ann and text/ARTICLE.txt apart."""
    ann = write_polnear(tmp_path / "dev" / "attributions")
    (tmp_path / "dev" / "text").mkdir()
    (ann.with_suffix(".txt")).rename(tmp_path / "dev" / "text" / "article.txt")
    code, out, err = cli("import", "--db", db_at, tmp_path / "dev" / "attributions", "--no-extract",
                         "--annotator", "alice")
    assert code == 0, err
    code, _, err = cli("export", "--db", db_at, "-o", tmp_path / "out.jsonl", "--annotator", "alice")
    (line,) = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert sum(r["label"] == "CUE" for r in line["relations"]) == 5
    assert sum(r["label"] == "SPEAKER" for r in line["relations"]) == 4
    forms = {POLNEAR_TEXT[s["start"]:s["end"]]: s["form"] for s in line["spans"] if s["label"] == "QUOTE"}
    assert forms["“The health issue matters,” said Caddell, speaking of Clinton’s health, “and it is deadly.”"] == "direct"
    assert forms["that the numbers\nwould fall"] == "indirect"


# -- bad input: one line naming FILE[:LINE], exit 1, nothing already imported lost ---------------


def _bad_citron(tmp_path, case):
    doc = citron_document()
    quote = doc["quotes"][1]
    if case == "missing field":
        del quote["cue"]
    elif case == "offsets outside the text":
        quote["contents"][0].update(start=len(CITRON_TEXT) - 3, end=len(CITRON_TEXT) + 40)
        quote["contents"][0].pop("text")
    elif case == "source on no word":
        blank = CITRON_TEXT.index("\n\n")
        quote["sources"][0] = {"start": blank, "end": blank + 2, "text": "\n\n"}
    path = write_json(tmp_path / "bad.json", doc)
    lines = path.read_text(encoding="utf-8").splitlines()
    # the line of the object at fault: the quote (missing field) or the span
    needle = {"missing field": '"sources": [', "offsets outside the text": f'"start": {len(CITRON_TEXT) - 3}',
              "source on no word": '"text": "\\n\\n"'}[case]
    line = next(n for n, text in enumerate(lines, 1) if needle in text and n > 20)
    while not lines[line - 1].rstrip().endswith("{"):  # back to the line the object opens on
        line -= 1
    return path, line


def _bad_polnear(tmp_path, case):
    ann = write_polnear(tmp_path / "bad")
    lines = polnear_ann().splitlines()
    if case == "no .txt":
        ann.with_suffix(".txt").unlink()
        return ann, None
    name = "T13\t" if case == "cue on no word" else "T17\t"  # T13: Cue "were worried"; T17: a Content
    n = next(n for n, text in enumerate(lines, 1) if text.startswith(name))
    name, body, _ = lines[n - 1].split("\t")
    blank = POLNEAR_TEXT.index("\n\n")
    where = f"{blank} {blank + 2}" if case == "cue on no word" else f"{len(POLNEAR_TEXT) - 5} {len(POLNEAR_TEXT) + 9}"
    lines[n - 1] = f"{name}\t{body.split()[0]} {where}\tx"
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ann, n


BAD = [
    ("citron", "missing field", "quote 2 has no 'cue'"),
    ("citron", "offsets outside the text", f"quote 2: the content ({len(CITRON_TEXT) - 3}, {len(CITRON_TEXT) + 40})"
                                           f" is not inside the text of {len(CITRON_TEXT)} characters"),
    ("citron", "source on no word", "overlaps no word of the text"),
    ("polnear", "offsets outside the text", "is not inside the text of"),
    ("polnear", "cue on no word", "Cue T13 (32, 34) overlaps no word of the text"),
    ("polnear", "no .txt", "no text for it: no article_4e07.txt beside it"),
]


@pytest.mark.parametrize(("fmt", "case", "words"), BAD, ids=[f"{f}: {c}" for f, c, _ in BAD])
def test_bad_attribution_files(cli, tmp_path, fmt, case, words):
    from tests.reliability import db_fingerprint

    path, line = (_bad_citron if fmt == "citron" else _bad_polnear)(tmp_path, case)
    db = tmp_path / "work.db"
    code, _, err = cli("import", "--db", db, write_line(tmp_path / "good.jsonl"), "--no-extract")
    assert code == 0, err
    before = db_fingerprint(db)
    code, _, err = cli("import", "--db", db, path, "--no-extract", "--strict")
    lines = [text for text in err.splitlines() if text.strip()]
    where = f"{path}:{line}" if line else f"{path}"
    assert len(lines) == 1 and "Traceback" not in err, err
    assert code == 1 and lines[0].startswith(f"annotator: {where}: ") and words in lines[0], lines[0]
    assert db_fingerprint(db) == before
    # without --strict the bad file is skipped with the same words and a good file beside it is imported
    other = write_line(tmp_path / "other.jsonl")
    other.write_text(other.read_text().replace("Officials said", "Diplomats said"), encoding="utf-8")
    code, out, err = cli("import", "--db", db, path, other, "--no-extract")
    assert err.splitlines()[0].startswith(f"skipped {where}: ") and words in err, err
    assert code == 0 and "imported 1 articles" in out


def test_polnear_files_as_polnear_writes_them(cli, db_at, tmp_path):
    """Shapes of PolNeAR's own files: a Content given as two T lines (Content, Content2), a T line whose
    text goes on over a line break, an attribution left without a Content (not an attribution here),
    a Discuss mark (written back)."""
    text = "He said the plan\nwas good and that\nit would pass. Mr. X told."
    def at(fragment):
        start = text.index(fragment)
        return f"{start} {start + len(fragment)}"
    ann = "\n".join([
        f"T1\tSource {at('He')}\tHe", f"T2\tCue {at('said')}\tsaid", f"T3\tContent {at('the plan')}\tthe plan",
        f"T4\tContent {at('was good and that')};{at('it would pass')}\twas good and that\nit would pass",
        f"T5\tAttribution {at('said')}\tsaid", "E1\tAttribution:T5 Source:T1 Cue:T2 Content:T3 Content2:T4",
        f"T6\tCue {at('told')}\ttold", f"T7\tAttribution {at('told')}\ttold", "E2\tAttribution:T7 Cue:T6",
        f"T8\tDiscuss {at('Mr. X')}\tMr. X", "#1\tAnnotatorNotes T8\tis this a source?", ""])
    (tmp_path / "a_d473.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a_d473.ann").write_text(ann, encoding="utf-8")
    code, out, err = cli("import", "--db", db_at, tmp_path / "a_d473.ann", "--no-extract")
    assert code == 0 and "skipped" not in err, err
    code, _, err = cli("export", "--db", db_at, "-o", tmp_path / "out", "--format", "polnear")
    assert code == 0, err
    assert (tmp_path / "out" / "a_d473.ann").read_text(encoding="utf-8").splitlines() == [
        "T1\tSource 0 2\tHe", "T2\tCue 3 7\tsaid",
        "T3\tContent 8 16;17 34;35 48\tthe plan was good and that it would pass",
        "T4\tAttribution 3 7\tsaid", "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1", "T5\tDiscuss 50 55\tMr. X"]


def test_brat_export_declares_and_writes_cue_links(cli, db_at, tmp_path):
    code, _, err = cli("import", "--db", db_at, write_line(tmp_path / "in.jsonl"), "--no-extract")
    assert code == 0, err
    code, _, err = cli("export", "--db", db_at, "-o", tmp_path / "brat", "--format", "brat")
    assert code == 0, err
    assert "CUE\tArg1:QUOTE, Arg2:CUE\n" in (tmp_path / "brat" / "annotation.conf").read_text()
    (ann,) = (tmp_path / "brat").glob("*.ann")
    lines = ann.read_text(encoding="utf-8").splitlines()
    ids = {line.split("\t")[2]: line.split("\t")[0] for line in lines if line.startswith("T")}
    cues = sorted(line.split("\t")[1] for line in lines if line.startswith("R") and "\tCUE " in line)
    assert cues == sorted(f"CUE Arg1:{ids[content]} Arg2:{ids[cue]}" for content, _, cue in ATTRIBUTIONS)


@pytest.mark.parametrize(("fmt", "name"), [("labelstudio", "out.json"), ("doccano", "out.jsonl")])
def test_cues_survive_labelstudio_and_doccano(cli, tmp_path, fmt, name):
    """Their writers give CUE relations and the relation reader reads them back: the same JSONL after."""
    code, _, err = cli("import", "--db", tmp_path / "a.db", write_line(tmp_path / "in.jsonl"), "--no-extract")
    assert code == 0, err
    cli("export", "--db", tmp_path / "a.db", "-o", tmp_path / "a.jsonl")
    code, _, err = cli("export", "--db", tmp_path / "a.db", "-o", tmp_path / name, "--format", fmt)
    assert code == 0, err
    read_as = "jsonl" if fmt == "doccano" else fmt  # doccano lines are read by our JSONL reader
    code, _, err = cli("import", "--db", tmp_path / "b.db", tmp_path / name, "--no-extract", "--format", read_as)
    assert code == 0, err
    cli("export", "--db", tmp_path / "b.db", "-o", tmp_path / "b.jsonl")
    assert (tmp_path / "b.jsonl").read_text() == (tmp_path / "a.jsonl").read_text()
    assert (tmp_path / "a.jsonl").read_text().count('"label":"CUE"}') >= 3


def attributions_line(**change) -> dict:
    """A line as the shared PolNeAR evaluation files draw one (hand-written here)."""
    def span(fragment):
        start = TEXT.index(fragment)
        return {"start": start, "end": start + len(fragment), "text": fragment}
    rows = [{"form": "indirect", "content": span(content), "parts": [[span(content)["start"], span(content)["end"]]],
             "source": span(source), "cue": span(cue)} for content, source, cue in ATTRIBUTIONS]
    rows[2]["source"] = None
    line = {"id": "a1", "text": TEXT, "attributions": rows}
    line.update(change)
    return line


def test_attribution_gold_jsonl_imports_when_named(cli, db_at, tmp_path):
    bad = attributions_line(text=TEXT.replace("Officials", "Officers"))
    bad["attributions"][1]["cue"] = {"start": len(TEXT) + 5, "end": len(TEXT) + 9, "text": "said"}
    bad["text"] = TEXT + " "
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (attributions_line(), bad)) + "\n")
    code, out, err = cli("import", "--db", db_at, path, "--no-extract", "--format", "attributions",
                         "--annotator", "gold")
    assert code == 0 and "imported 1 articles" in out, err
    assert err.strip() == (f"skipped {path}:2: attribution 2: the cue ({len(TEXT) + 5}, {len(TEXT) + 9}) is not "
                           f"inside the text of {len(TEXT) + 1} characters with start < end")
    cli("export", "--db", db_at, "-o", tmp_path / "out.jsonl")
    (line,) = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert line["meta"]["article_id"] == "a1"
    assert sorted(r["label"] for r in line["relations"]) == ["CUE", "CUE", "CUE", "SPEAKER", "SPEAKER"]
    assert sorted(s["form"] for s in line["spans"] if s["label"] == "QUOTE") == ["direct", "indirect", "mixed"]
