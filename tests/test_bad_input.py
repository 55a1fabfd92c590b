"""Bad input, everywhere: every file of tests/data/bad/ gets one clear line, a documented exit status,
no traceback, and leaves the database as it was.

Exit statuses (README): 1 bad input, 2 schema or usage, 3 database, 4 export target exists.
Most cases run the real entry point in-process (the `cli` fixture); a few run `annotator` as a
subprocess to prove that no traceback reaches stderr. Big files (a 5 MB schema, a 10 MB line) are
made at test time.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from annotator.ingest import import_paths
from annotator.schema import load_schema
from annotator.store import Store
from tests.reliability import BAD, REPO, big_schema, big_single_line, copy_db, db_fingerprint, file_hash

NEWS = REPO / "schemas" / "news.yaml"
GOOD_JSONL = json.dumps({"text": "Staffan de Mistura met officials in Geneva.",
                         "spans": [{"start": 0, "end": 18, "label": "PERSON"}]})


# -- a small database every case starts from ----------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    source = folder / "in.jsonl"
    source.write_text(GOOD_JSONL + "\n" + json.dumps({"text": "The talks in Geneva went on."}) + "\n")
    path = folder / "template.db"
    with Store(path) as store:
        import_paths(store, [source], load_schema(NEWS), extract=False)
        (article,) = [a for a in store.iter_articles() if a.text.startswith("Staffan")]
        span = store.spans(article.id, "alice")[0]
        store.decide("alice", span.id, "accept")
    return path


@pytest.fixture
def db(template, tmp_path) -> Path:
    return copy_db(template, tmp_path / "work.db")


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert "Traceback" not in err
    return lines[0]


# -- schemas: `schema check FILE` and `import --schema FILE`, exit 2, FILE:LINE:COL ------------

SCHEMAS = [
    ("syntax_error.yaml", "4:1", "YAML syntax error"),
    ("labels_not_a_list.yaml", "1:9", "must be a non-empty list"),
    ("label_not_a_mapping.yaml", "2:5", "must be a mapping"),
    ("name_is_a_list.yaml", "2:11", "single value"),
    ("duplicate_field.yaml", "4:5", "field 'colour' twice"),
    ("duplicate_top_key.yaml", "6:1", "field 'labels' twice"),
    ("duplicate_label.yaml", "6:5", "defined twice"),
    ("duplicate_label_key.yaml", "6:5", "already the key of PERSON"),
    ("unknown_colour.yaml", "3:13", "'blurple' is not a colour"),
    ("tabs.yaml", "2:1", "'\\t'"),
    ("empty.yaml", "1:1", "empty"),
    ("only_comments.yaml", "1:1", "empty"),
    ("python_object_tag.yaml", "2:11", "python/object/apply:os.system' is not allowed"),
    ("custom_tag.yaml", "2:5", "'!label' is not allowed"),
    ("unknown_field.yaml", "3:5", "unknown field 'colur'"),
    ("bad_kind.yaml", "3:11", "kind 'relation'"),
    ("reserved_key.yaml", "3:10", "already an app key"),
    ("unknown_speaker.yaml", None, "'ALIEN', which is not an entity label"),
    ("map_to_unknown.yaml", "7:8", "'HUMAN', which is not a label"),
    ("bad_label_name.yaml", "2:11", "must start with a letter"),
    ("overlap_negative.yaml", "6:10", "at least 1"),
    ("not_utf8.yaml", "3:1", "not UTF-8"),
    ("nul_bytes.yaml", "1:1", "NUL bytes"),
    ("top_level_list.yaml", "1:1", "must be a mapping"),
    ("billion_laughs.yaml", "2:5", "must be a mapping"),  # nested aliases: answered at once, not expanded
]


@pytest.mark.parametrize(("name", "where", "words"), SCHEMAS, ids=[case[0] for case in SCHEMAS])
def test_bad_schema_gets_one_line_and_status_2(cli, db, tmp_path, name, where, words):
    path = BAD / "schemas" / name
    code, out, err = cli("schema", "check", path)
    line = one_line(err)
    assert code == 2
    assert line.startswith(f"annotator: {path}:{where or ''}"), line
    assert words in line
    # The same schema given to import stops before the database is touched.
    article = tmp_path / "a.txt"
    article.write_text("A new article that is not in the database.")
    before = db_fingerprint(db)
    code, out, err = cli("import", article, "--db", db, "--schema", path, "--no-extract")
    assert code == 2 and one_line(err).startswith(f"annotator: {path}:")
    assert db_fingerprint(db) == before


@pytest.mark.parametrize("target", ["a 5 MB schema", "a folder", "a missing file"])
def test_schema_that_is_not_a_schema_file(cli, db, tmp_path, target):
    path = {"a 5 MB schema": big_schema(tmp_path / "big.yaml"), "a folder": tmp_path,
            "a missing file": tmp_path / "nope.yaml"}[target]
    code, out, err = cli("schema", "check", path)
    line = one_line(err)
    assert code == 2 and line.startswith(f"annotator: {path}:1:1: ")
    before = db_fingerprint(db)
    code, out, err = cli("export", "--db", db, "-o", tmp_path / "out.spacy", "--format", "spacy", "--schema", path)
    assert code == 2 and one_line(err).startswith(f"annotator: {path}:1:1: ")
    assert db_fingerprint(db) == before
    assert not (tmp_path / "out.spacy").exists()


# -- article files and JSONL: exit 1, FILE or FILE:LINE -----------------------------------------

# (file, line of the problem or None for the whole file, words of the message)
UNREADABLE = [
    ("articles/invalid_utf8.txt", 2, "not UTF-8 (byte 0xe8)"),
    ("articles/nul_bytes.txt", None, "NUL"),
    ("articles/utf16_no_bom.txt", None, "NUL"),
    ("articles/binary.txt", None, "binary"),
    ("articles/empty.txt", None, "empty"),
    ("articles/blank.txt", None, "empty"),
    ("articles/header_only.txt", None, "empty"),
    ("articles/notes.csv", None, "not an article file"),
    ("jsonl/bad_json.jsonl", 2, "not valid JSON"),
    ("jsonl/trailing_comma.jsonl", 2, "not valid JSON"),
    ("jsonl/deeply_nested.jsonl", 2, "nested too deeply"),
    ("jsonl/not_an_object.jsonl", 2, "must be a JSON object"),
    ("jsonl/missing_text.jsonl", 2, "no 'text'"),
    ("jsonl/empty_text.jsonl", 2, "no 'text'"),
    ("jsonl/text_not_string.jsonl", 2, "no 'text'"),
    ("jsonl/meta_not_object.jsonl", 2, "'meta' must be an object"),
    ("jsonl/spans_not_list.jsonl", 2, "'spans' must be a list"),
    ("jsonl/span_not_object.jsonl", 2, "span 1 is not an object"),
    ("jsonl/span_out_of_range.jsonl", 2, "(0, 60) is not inside the text of 6 characters"),
    ("jsonl/span_reversed.jsonl", 2, "(5, 2) is not inside"),
    ("jsonl/span_empty.jsonl", 2, "(3, 3) is not inside"),
    ("jsonl/span_negative.jsonl", 2, "(-1, 4) is not inside"),
    ("jsonl/span_unknown_label.jsonl", 2, "'WIDGET', which the schema neither has nor maps"),
    ("jsonl/span_no_label.jsonl", 2, "has no label"),
    ("jsonl/span_label_list.jsonl", 2, "needs a 'label' string"),
    ("jsonl/relation_span_unhashable.jsonl", 2, "points at a span that is not in 'spans'"),
    ("jsonl/span_float_offsets.jsonl", 2, "whole-number"),
    ("jsonl/span_string_offsets.jsonl", 2, "whole-number"),
    ("jsonl/span_bool_offsets.jsonl", 2, "whole-number"),
    ("jsonl/span_huge_offset.jsonl", 2, "whole-number"),
    ("jsonl/nan_offset.jsonl", 2, "whole-number"),
    ("jsonl/relation_dangling.jsonl", 2, "points at a span that is not in 'spans'"),
    ("jsonl/tokens_out_of_range.jsonl", 2, "token 1 is not inside the text"),
    ("jsonl/bad_answer.jsonl", 2, "'answer' must be accept, reject or ignore"),
    ("jsonl/answer_without_annotator.jsonl", 2, "needs --annotator NAME"),
    ("jsonl/invalid_utf8.jsonl", 2, "not UTF-8 (byte 0xe8 at column 14)"),
    ("jsonl/utf16.jsonl", 1, "UTF-16 JSONL"),
    ("jsonl/empty.jsonl", None, "empty"),
    ("jsonl/blank_lines.jsonl", None, "empty"),
]


def where_of(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


@pytest.mark.parametrize(("name", "line", "words"), UNREADABLE, ids=[case[0] for case in UNREADABLE])
def test_bad_article_input_strict_is_one_line_status_1_database_unchanged(cli, db, name, line, words):
    path = BAD / name
    before = db_fingerprint(db)
    code, out, err = cli("import", path, "--db", db, "--no-extract", "--strict")
    text = one_line(err)
    assert code == 1
    assert text.startswith(f"annotator: {where_of(path, line)}: "), text
    assert words in text and "--strict: nothing imported" in text
    assert db_fingerprint(db) == before


@pytest.mark.parametrize(("name", "line", "words"), UNREADABLE, ids=[case[0] for case in UNREADABLE])
def test_bad_article_input_is_skipped_with_its_line_and_the_rest_imported(cli, db, name, line, words):
    path = BAD / name
    good_before = path.suffix == ".jsonl" and path.read_bytes().startswith(GOOD_JSONL.encode()) and line == 2
    fresh = db.with_name("fresh.db")  # the good line of a JSONL case is new here
    code, out, err = cli("import", path, "--db", fresh, "--no-extract")
    assert "Traceback" not in err
    skipped = [text for text in err.splitlines() if text.startswith("skipped ")]
    if "neither has nor maps" in words:  # the article comes in without the span; said once for the import
        assert skipped == [] and code == 0 and "imported 2 articles (1 spans)" in out
        assert err.strip().startswith("imported 1 article without their spans of labels the schema neither has, "
                                      f"maps nor drops, the first at {where_of(path, line)}: WIDGET (1 span). ")
        return
    assert len(skipped) == 1 and skipped[0].startswith(f"skipped {where_of(path, line)}: ") and words in skipped[0]
    assert skipped[0].count("skipped") == 1  # issue 36: "skipped x: ... not article text; skipped"
    if good_before:
        assert code == 0 and "imported 1 articles" in out
    else:
        assert code == 1 and err.rstrip().endswith("annotator: nothing could be imported")
        assert sorted(p.name for p in fresh.parent.glob("fresh.db*")) == []  # no empty database left behind


def test_strict_import_into_a_new_database_leaves_no_file(cli, tmp_path):
    new = tmp_path / "new.db"
    code, _, err = cli("import", BAD / "jsonl" / "bad_json.jsonl", "--db", new, "--no-extract", "--strict")
    assert code == 1 and "--strict: nothing imported" in one_line(err)
    assert list(tmp_path.glob("new.db*")) == []


@pytest.mark.parametrize("suffix", [".txt", ".jsonl"])
def test_ten_megabyte_single_line_is_refused_quickly(cli, db, tmp_path, suffix):
    path = big_single_line(tmp_path / f"huge{suffix}")
    before = db_fingerprint(db)
    # Too little for the parallel parser to start (it starts at 8 MB of JSONL); --parse-workers is not ours.
    code, out, err = cli("import", path, "--db", db, "--no-extract", "--strict")
    line = one_line(err)
    assert code == 1
    assert line.startswith(f"annotator: {path}{':1' if suffix == '.jsonl' else ''}: the article is ")
    assert "more than the 1,000,000" in line
    assert db_fingerprint(db) == before


def test_missing_paths_and_dangling_symlinks(cli, db, tmp_path):
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "never-there.txt")
    before = db_fingerprint(db)
    for path in (tmp_path / "nope.txt", dangling):
        code, out, err = cli("import", path, "--db", db, "--no-extract", "--strict")
        assert code == 1 and one_line(err).startswith(f"annotator: {path}: no such file or folder")
    assert db_fingerprint(db) == before


# -- inputs that are fine after all: read right --------------------------------------------------

READABLE = [
    ("articles/utf16_bom.txt", "Headline here\n\nThe envoy said: “Spoilers will not prevail.”"),
    ("articles/utf16_be_bom.txt", "Big-endian text is read too."),
    ("articles/crlf.txt", "First paragraph.\n\nSecond paragraph."),
    ("articles/cr_only.txt", "First paragraph.\n\nSecond paragraph."),
    ("articles/utf8_bom.txt", "A text with a byte order mark."),
]


@pytest.mark.parametrize(("name", "text"), READABLE, ids=[case[0] for case in READABLE])
def test_other_encodings_and_line_ends_import_right(cli, db, name, text):
    code, out, err = cli("import", BAD / name, "--db", db, "--no-extract", "--strict")
    assert code == 0 and err == "" and "imported 1 articles" in out
    with Store(db, create=False) as store:
        texts = [article.text for article in store.iter_articles()]
    assert texts[-1] == text
    assert "\r" not in texts[-1] and "\ufeff" not in texts[-1]


def test_crlf_header_is_parsed(cli, db):
    cli("import", BAD / "articles" / "crlf.txt", "--db", db, "--no-extract")
    with Store(db, create=False) as store:
        article = list(store.iter_articles())[-1]
    assert (article.date, article.source, article.dateline) == ("2017-02-27", "Reuters", "GENEVA")


def test_symlink_loop_ends_and_imports_each_file_once(cli, db, tmp_path):
    top = tmp_path / "in"
    (top / "a" / "b").mkdir(parents=True)
    (top / "a" / "one.txt").write_text("The first article of the loop.")
    (top / "a" / "b" / "two.txt").write_text("The second article of the loop.")
    (top / "a" / "b" / "back").symlink_to(top / "a")  # a/b/back -> a: a loop
    (top / "same.txt").symlink_to(top / "a" / "one.txt")  # the same file twice
    code, out, err = cli("import", top, "--db", db, "--no-extract", "--strict")
    assert code == 0 and "imported 2 articles" in out and "0 duplicates" in out


# -- databases: exit 3, the file untouched --------------------------------------------------------

def _make_db(kind: str, template: Path, folder: Path) -> Path:
    path = folder / f"{kind}.db"
    if kind == "not_sqlite":
        shutil.copyfile(BAD / "databases" / "not_sqlite.db", path)
    elif kind == "sqlite_header_only":
        shutil.copyfile(BAD / "databases" / "sqlite_header_only.db", path)
    elif kind in ("truncated", "truncated_header"):
        data = template.read_bytes()
        path.write_bytes(data[: len(data) // 2 if kind == "truncated" else 50])
    elif kind == "corrupt_pages":
        data = bytearray(template.read_bytes())
        for page in range(1, len(data) // 4096):
            data[page * 4096 + 8: page * 4096 + 100] = b"\xa5" * 92
        path.write_bytes(bytes(data))
    elif kind == "newer":
        copy_db(template, path)
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA user_version = 99")
        conn.close()
    elif kind == "foreign":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
            conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
        conn.close()
    elif kind == "folder":
        path.mkdir()
    elif kind == "missing":
        pass
    else:
        raise AssertionError(kind)
    return path


DATABASES = [
    ("not_sqlite", "not an annotator database"),
    ("sqlite_header_only", "not an annotator database"),
    ("truncated", "not an annotator database"),
    ("truncated_header", "not an annotator database"),
    ("corrupt_pages", "not an annotator database"),
    ("newer", "made by a newer annotator (database version 99"),
    ("foreign", "not an annotator database"),
    ("folder", "is a folder"),
]


def _state(path: Path) -> str:
    return "folder" if path.is_dir() else file_hash(path) if path.exists() else "missing"


@pytest.mark.parametrize(("kind", "words"), DATABASES, ids=[case[0] for case in DATABASES])
@pytest.mark.parametrize("command", ["stats", "export", "import", "agreement"])
def test_bad_database_is_one_line_status_3_and_untouched(cli, template, tmp_path, kind, words, command):
    path = _make_db(kind, template, tmp_path)
    before = _state(path)
    article = tmp_path / "a.txt"
    article.write_text("An article.")
    args = {"stats": ("stats", "--db", path), "export": ("export", "--db", path, "-o", tmp_path / "out.jsonl"),
            "import": ("import", article, "--db", path, "--no-extract"), "agreement": ("agreement", "--db", path)}[command]
    code, out, err = cli(*args)
    line = one_line(err)
    assert code == 3, line
    assert line.startswith(f"annotator: {path}: ") and words in line
    assert _state(path) == before
    assert not (tmp_path / "out.jsonl").exists()
    leftovers = {p.name for p in tmp_path.iterdir()} - {path.name, "a.txt"}
    assert not leftovers, leftovers  # no -wal, -shm or backup beside it


@pytest.mark.parametrize("command", ["stats", "export"])
def test_missing_database_is_not_created_by_reading_commands(cli, tmp_path, command):
    path = tmp_path / "missing.db"
    args = ("stats", "--db", path) if command == "stats" else ("export", "--db", path, "-o", tmp_path / "o.jsonl")
    code, out, err = cli(*args)
    assert code == 3 and one_line(err).startswith(f"annotator: {path}: no such database")
    assert not path.exists()


def test_export_over_an_existing_file_is_status_4(cli, db, tmp_path):
    target = tmp_path / "gold.jsonl"
    target.write_text("precious\n")
    code, out, err = cli("export", "--db", db, "-o", target, "--include-unfinished")
    assert code == 4 and one_line(err) == f"annotator: {target}: exists; pass --force to overwrite it"
    assert target.read_text() == "precious\n"


def _as_nobody() -> list[str] | None:
    """A prefix that runs a command as an unprivileged user: root ignores file permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else None


@pytest.mark.parametrize("where", ["file", "folder"])
def test_read_only_database_is_status_3_and_untouched(template, where):
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    folder = Path(tempfile.mkdtemp(prefix="annotator-ro-"))  # not under pytest's 0700 tmp folders
    try:
        os.chmod(folder, 0o755)
        path = copy_db(template, folder / "ro.db")
        article = folder / "a.txt"
        article.write_text("An article.")
        os.chmod(path, 0o444)
        if where == "folder":
            os.chmod(folder, 0o555)
        before = file_hash(path)
        env = {**os.environ, "HOME": str(folder)}
        result = subprocess.run([*prefix, sys.executable, "-m", "annotator", "import", str(article), "--db", str(path),
                                 "--no-extract", "--schema", str(NEWS)],
                                capture_output=True, text=True, timeout=60, cwd=folder, env=env)
        assert result.returncode == 3, result.stderr
        line = one_line(result.stderr)
        assert line.startswith(f"annotator: {path}: ") and ("read-only" in line or "cannot open" in line), line
        assert file_hash(path) == before
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder, ignore_errors=True)


# -- through a real process: nothing but the line reaches stderr ----------------------------------

def run(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_subprocess_bad_inputs_print_no_traceback(template, tmp_path):
    db = copy_db(template, tmp_path / "work.db")
    before = db_fingerprint(db)
    cases = [
        (("schema", "check", BAD / "schemas" / "python_object_tag.yaml"), 2),
        (("import", BAD / "jsonl" / "deeply_nested.jsonl", "--db", db, "--no-extract", "--strict"), 1),
        (("import", BAD / "articles" / "invalid_utf8.txt", "--db", db, "--strict"), 1),
        (("stats", "--db", BAD / "databases" / "not_sqlite.db"), 3),
        (("export", "--db", db, "-o", tmp_path), 4),
        (("import", "--db", db, "--no-such-option", "x.txt"), 2),
    ]
    for args, status in cases:
        result = run(*args, cwd=REPO)
        assert result.returncode == status, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 6  # click's usage box
    assert db_fingerprint(db) == before


def test_subprocess_ten_megabyte_jsonl_line_with_extraction(template, tmp_path):
    """The whole import path (parallel parsing, the model loaded) on a 10 MB line: one line, no traceback."""
    db = copy_db(template, tmp_path / "work.db")
    before = db_fingerprint(db)
    path = big_single_line(tmp_path / "huge.jsonl")
    result = run("import", path, "--db", db, cwd=REPO)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert f"skipped {path}:1: the article is " in result.stderr
    assert db_fingerprint(db) == before


@pytest.mark.parametrize("target", ["under a file", "unwritable"])
def test_export_target_that_cannot_be_written_is_one_line(cli, db, tmp_path, target):
    output = {"under a file": tmp_path / "a-file" / "gold.jsonl", "unwritable": Path("/proc/gold.jsonl")}[target]
    (tmp_path / "a-file").write_text("")
    before = db_fingerprint(db)
    code, out, err = cli("export", "--db", db, "-o", output, "--include-unfinished")
    line = one_line(err)
    if target == "under a file":  # the file in the way is named, and why
        assert code == 1 and line.startswith(f"annotator: {tmp_path / 'a-file'}: is a file, not a folder"), line
    else:
        assert code == 1 and ("no such folder for the export" in line or "cannot write the export" in line), line
    assert db_fingerprint(db) == before


@pytest.mark.parametrize(("case", "status", "words"), [
    ("not a database", 3, "not an annotator database"),
    ("newer database", 3, "made by a newer annotator"),
    ("bad schema", 2, "YAML syntax error"),
    ("name with a space", 2, "give an annotator name without spaces"),
    ("overlap 0", 2, "--overlap '0'"),
])
def test_annotate_refuses_bad_input_before_the_app_opens(cli, template, tmp_path, case, status, words):
    db = copy_db(template, tmp_path / "work.db")
    args = ["annotate", "--db", db, "--annotator", "alice"]
    if case == "not a database":
        args[2] = BAD / "databases" / "not_sqlite.db"
    elif case == "newer database":
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA user_version = 99")
        conn.close()
    elif case == "bad schema":
        args += ["--schema", BAD / "schemas" / "tabs.yaml"]
    elif case == "name with a space":
        args[4] = "a b"
    else:
        args += ["--overlap", "0"]
    before = _state(Path(args[2]))
    code, out, err = cli(*args)
    assert code == status and words in one_line(err)
    assert _state(Path(args[2])) == before


def test_extract_skips_bad_files_and_refuses_an_unwritable_output(cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("“We are ready,” said Ana Ruiz.")
    out = tmp_path / "out.jsonl"
    code, _, err = cli("extract", BAD / "jsonl" / "deeply_nested.jsonl", BAD / "articles" / "invalid_utf8.txt", good,
                       "-o", out)
    assert code == 0 and "Traceback" not in err
    assert f"skipped {BAD / 'jsonl' / 'deeply_nested.jsonl'}:2: not valid JSON (nested too deeply)" in err
    assert f"skipped {BAD / 'articles' / 'invalid_utf8.txt'}:2: not UTF-8" in err
    assert len(out.read_bytes().split(b"\n")) == 3  # the good line of the JSONL file and the good article
    code, _, err = cli("extract", good, "-o", "/proc/out.jsonl")
    assert code == 1 and one_line(err) == "annotator: /proc/out.jsonl: cannot write the output (No such file or directory)"


def test_json_messages_read_as_english(cli, tmp_path):
    """issue 36 #10: json's "Invalid control character at" came out as "... at at column 17"."""
    path = tmp_path / "ctrl.jsonl"
    path.write_bytes(b'{"text": "Tab\x01here"}\n')
    code, out, err = cli("import", path, "--db", tmp_path / "a.db", "--no-extract")
    assert err.splitlines()[0] == f"skipped {path}:1: not valid JSON (Invalid control character at column 14)", err
