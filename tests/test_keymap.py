"""The key map: schema `keys:`, the personal keys.yaml, the keys labels may not take, docs/keys.md."""

from __future__ import annotations

import pytest

from annotator import keys as key_map
from annotator.errors import SchemaError
from annotator.keys import doc as keys_doc
from annotator.keys.keymap import for_annotate
from annotator.schema import parse_schema

LABELS = "labels:\n  - name: PERSON\n    key: '1'\n  - name: ORG\n    key: p\n"


def error(text: str) -> str:
    with pytest.raises(SchemaError) as caught:
        parse_schema(text, "team.yaml")
    return str(caught.value)


def test_the_default_keys_share_no_key_in_one_mode():
    assert key_map.clash({}) is None
    assert len(key_map.BY_ID) == sum(len(keys) for keys in key_map.CONTEXTS.values())  # ids are unique


def test_a_schema_keymap_is_kept_normalised():
    schema = parse_schema(LABELS + "keys:\n  accept: y\n  help: 'h,?'\n", "team.yaml")
    assert schema.keymap == {"accept": "y", "help": "h,question_mark"}
    assert schema.keymap_at == {"accept": "team.yaml:7:11", "help": "team.yaml:8:9"}


@pytest.mark.parametrize(("keys", "where", "says"), [
    ("  acept: y\n", "team.yaml:7:3", "unknown binding id 'acept'; did you mean 'accept'?"),
    ("  label.PERSON: y\n", "team.yaml:7:3", "a label's key is set on the label"),
    ("  review.take: t\n", "team.yaml:7:3", "review app"),
    ("  accept: x\n", "team.yaml:7:11", "key 'x' would be both reject and accept"),
    ("  accept: y\n  reject: y\n", "team.yaml:8:11", "key 'y' would be both accept and reject"),
    ("  accept: '1'\n", "team.yaml:7:11", "key '1' would be both label.PERSON and accept"),
    ("  accept: 'y,'\n", "team.yaml:7:11", "has an empty key"),
    ("  accept: cmd+y\n", "team.yaml:7:11", "modifiers are"),
    ("  accept: [y]\n", "team.yaml:7:11", "must be a single value"),
    ("  accept: ctrl+q\n", "team.yaml:7:11", "Textual's own key"),
])
def test_schema_keymap_errors_name_file_line_col(keys, where, says):
    message = error(LABELS + "keys:\n" + keys)
    assert message.startswith(where + ": ")
    assert says in message


def test_keys_may_repeat_across_modes():
    # ← is mark.left in mark mode and edit.start_left in bounds mode; moving one next to the other is fine.
    schema = parse_schema(LABELS + "keys:\n  mark.word_back: shift+left\n", "team.yaml")
    assert schema.keymap == {"mark.word_back": "shift+left"}


def test_a_label_may_take_a_key_the_keymap_freed_but_not_one_it_took():
    freed = parse_schema("labels:\n  - name: A\n    key: x\nkeys:\n  reject: r\n", "team.yaml")
    assert freed.label("A").key == "x"
    message = error("labels:\n  - name: A\n    key: r\nkeys:\n  reject: r\n")
    assert message.startswith("team.yaml:5:11: key 'r' would be both label.A and reject")
    assert error("labels:\n  - name: A\n    key: j\n").startswith("team.yaml:3:10: key 'j' is already an app key")


def test_reserved_keys_are_the_main_screens_keys_after_the_keymap():
    assert key_map.reserved_keys() == {k for key in key_map.MAIN for k in key.keys}
    moved = key_map.reserved_keys({"reject": "r"})
    assert "r" in moved and "x" not in moved


def test_personal_keymap_goes_over_the_teams(tmp_path):
    schema = parse_schema(LABELS + "keys:\n  accept: y\n  reject: r\n", "team.yaml")
    path = tmp_path / "keys.yaml"
    path.write_text("accept: z\n", encoding="utf-8")
    from annotator.keys.keymap import load_personal

    assert for_annotate(schema, load_personal(path)) == {"accept": "z", "reject": "r"}
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert for_annotate(schema, load_personal(path)) == {"accept": "y", "reject": "r"}
    path.write_text("quit: p\n", encoding="utf-8")  # p is ORG's key in this schema
    with pytest.raises(SchemaError) as caught:
        for_annotate(schema, load_personal(path))
    assert str(caught.value).startswith(f"{path}:1:7: key 'p' would be both label.ORG and quit")


@pytest.mark.parametrize(("text", "where", "says"), [
    ("accept: [y\n", ":2:1", "YAML syntax error"),
    ("- accept\n", ":1:1", "keys must be a mapping"),
    ("nope: y\n", ":1:1", "unknown binding id 'nope'"),
    ("accept: x\n", ":1:9", "would be both reject and accept"),
    ("review.take: x\n", ":1:14", "would be both review.reject and review.take"),
])
def test_a_bad_personal_keymap_stops_the_apps_in_one_line(cli, tmp_path, monkeypatch, text, where, says):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "annotator").mkdir()
    path = tmp_path / "annotator" / "keys.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = cli("annotate", "--db", tmp_path / "none.db")
    assert code == 2
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert f"{path}{where}: " in err and says in err
    code, out, err = cli("review", "--db", tmp_path / "none.db")
    assert code == 2 and f"{path}{where}: " in err


def test_schema_check_names_the_keymap_problem(cli, tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text(LABELS + "keys:\n  accept: y\n  reject: y\n", encoding="utf-8")
    code, out, err = cli("schema", "check", path)
    assert code == 2
    assert f"{path}:8:11: key 'y' would be both accept and reject" in err


def test_docs_keys_md_is_generated_from_the_key_map():
    text = keys_doc.DOC.read_text(encoding="utf-8")
    assert keys_doc.render(text) == text, "docs/keys.md is stale: run python -m annotator.keys.doc"
    for key in key_map.BY_ID.values():
        assert f"`{key.id}`" in text


def test_a_stale_doc_is_seen():
    text = keys_doc.DOC.read_text(encoding="utf-8")
    assert keys_doc.render(text.replace("`next_span`", "`next`", 1)) != text.replace("`next_span`", "`next`", 1)
