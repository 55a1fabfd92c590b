"""The label schema: a good one loads; every kind of bad one is one line FILE:LINE:COL and exit 2."""

from __future__ import annotations

import re

import pytest

from annotator.errors import SchemaError
from annotator.schema import load_schema, parse_schema

from .conftest import NEWS_SCHEMA

GOOD = """
labels:
  - name: PERSON
    key: "1"
    colour: "#5fafff"
  - name: ORG
    key: "2"
    color: orange1
  - name: QUOTE
    kind: quote
    colour: yellow
    speakers: [PERSON, ORG]
map: {FAC: ORG}
drop: [DATE]
"""


def test_news_schema_loads_with_its_labels_keys_and_map():
    schema = load_schema(NEWS_SCHEMA)
    assert {"PERSON", "ORG", "GPE", "QUOTE", "SPEAKER"} <= set(schema.names)
    assert schema.by_key("1").name == "PERSON"
    assert schema.quote_label == "QUOTE"
    assert schema.speaker_labels >= {"PERSON", "ORG"}
    assert schema.map_model_label("FAC") == "LOC"
    assert schema.map_model_label("DATE") is None
    assert schema.map_model_label("PERSON") == "PERSON"


def test_good_schema_parses_colour_spellings_and_maps():
    schema = parse_schema(GOOD, "s.yaml")
    assert schema.label("ORG").colour == "orange1"
    assert schema.map_model_label("FAC") == "ORG"
    assert schema.map_model_label("GPE") is None  # not in the schema
    assert schema.resolve_label("FAC") == "ORG"
    assert schema.kind_of("QUOTE") == "quote"


BAD = [
    ("labels: [\n", 2, "YAML syntax error"),
    ("labels:\n  - name: A\n    colour: notacolour\n", 3, "is not a colour"),
    ("labels:\n  - name: A\n    shade: red\n", 3, "unknown field 'shade'"),
    ("labels:\n  - kind: entity\n", 2, "has no name"),
    ("labels:\n  - name: A\n  - name: A\n", 3, "defined twice"),
    ("labels:\n  - name: A\n    key: '1'\n  - name: B\n    key: '1'\n", 4, "already the key of A"),
    ("labels:\n  - name: A\nmap:\n  FAC: NOPE\n", 4, "not a label of this schema"),
    ("labels:\n  - name: A\n    key: j\n", 3, "already an app key"),
    ("labels:\n  - name: A\n    kind: relation\n", 3, "must be one of"),
    ("labels:\n  - name: A\n    name: B\n", 3, "twice"),
    ("labels: !!python/object/apply:os.system ['true']\n", 1, "not allowed"),
    ("name: x\n", 1, "no 'labels:'"),
    ("labels: []\n", 1, "non-empty list"),
    ("labels:\n\t- name: A\n", 2, "YAML syntax error"),
    ("labels:\n  - name: Q\n    kind: quote\n    speakers: [NOBODY]\n", 4, "not an entity label"),
    ("overlap: -1\nlabels:\n  - name: A\n", 1, "overlap"),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD)
def test_bad_schema_names_file_line_and_column(text, line, words):
    with pytest.raises(SchemaError) as caught:
        parse_schema(text, "bad.yaml")
    message = str(caught.value)
    assert re.match(rf"^bad\.yaml:{line}:\d+: ", message), message
    assert words in message
    assert "\n" not in message


def test_unknown_speaker_names_its_own_line_and_column_in_a_flow_list():
    """issue 36 #7: it named the first label's line (the labels list), not the bad item."""
    text = ("labels:\n  - name: PERSON\n  - name: ORG\n  - name: QUOTE\n    kind: quote\n"
            "    speakers: [PERSON,\n               ORGANISATION, ORG]\n")
    with pytest.raises(SchemaError) as caught:
        parse_schema(text, "bad1.yaml")
    assert str(caught.value).startswith("bad1.yaml:7:16: speakers of QUOTE names 'ORGANISATION'"), str(caught.value)


def test_empty_and_binary_files(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(SchemaError, match=r"empty\.yaml:1:1: the schema is empty"):
        load_schema(empty)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(SchemaError, match="not UTF-8"):
        load_schema(binary)
    with pytest.raises(SchemaError, match="no such schema file"):
        load_schema(tmp_path / "missing.yaml")


def test_schema_check_cli_prints_table_and_exits_2_on_error(cli, tmp_path):
    code, out, err = cli("schema", "check", NEWS_SCHEMA)
    assert code == 0 and "PERSON" in out and "QUOTE" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("labels:\n  - name: A\n    colour: mauvish\n")
    code, out, err = cli("schema", "check", bad)
    assert code == 2
    assert err.strip().count("\n") == 0
    assert f"{bad}:3:13:" in err and "Traceback" not in err
