"""The YAML label schema: labels, colours, keys, the model-label map.

Loaded with PyYAML's safe loader; we compose the node tree first so every error can name
FILE:LINE:COL of the node that is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rich.color import Color, ColorParseError

from annotator import keys as key_map
from annotator.errors import SchemaError
from annotator.model import IDLE_AFTER_S, ORDERS

KINDS = ("entity", "quote", "speaker", "cue")

_LABEL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_TOP_FIELDS = {"name", "model", "overlap", "labels", "map", "drop", "allow_nested", "idle_after", "guidelines",
               "keys", "order"}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min)?\s*$")
_LABEL_FIELDS = {"name", "kind", "key", "colour", "color", "description", "speakers"}
# libyaml's safe loader when PyYAML has it (ten times faster; same node marks), else the pure one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:float",
}


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    kind: str
    colour: str
    key: str | None = None
    description: str = ""
    speakers: tuple[str, ...] = ()  # quotes only: entity labels that may speak


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    labels: tuple[Label, ...]
    model_map: dict[str, str] = field(default_factory=dict)
    drop: frozenset[str] = frozenset()
    model: str | None = None
    overlap: int | None = None  # None: 'all' annotators
    allow_nested: bool = False
    path: str = ""
    idle_after: float = IDLE_AFTER_S  # seconds: active time cuts every longer gap to this
    guidelines: str | None = None  # the annotation guidelines (Markdown), resolved against the schema's folder
    guidelines_at: str = ""  # FILE:LINE:COL of the schema line that names them
    guidelines_name: str = ""  # as the schema writes it (relative to the schema file), for screens
    keymap: dict[str, str] = field(default_factory=dict)  # the team's keys: binding id -> keys (docs/keys.md)
    keymap_at: dict[str, str] = field(default_factory=dict)  # binding id -> FILE:LINE:COL of its keys
    order: str = "import"  # which article next: import, uncertain or random (store/ordering.py)

    def label(self, name: str) -> Label | None:
        for label in self.labels:  # a handful of labels: a scan beats building a dict
            if label.name == name:
                return label
        return None

    def __contains__(self, name: str) -> bool:
        return self.label(name) is not None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def by_key(self, key: str) -> Label | None:
        for label in self.labels:
            if label.key == key:
                return label
        return None

    def labels_of(self, kind: str) -> tuple[Label, ...]:
        return tuple(label for label in self.labels if label.kind == kind)

    @property
    def quote_label(self) -> str:
        quotes = self.labels_of("quote")
        return quotes[0].name if quotes else "QUOTE"

    @property
    def speaker_label(self) -> str:
        speakers = self.labels_of("speaker")
        return speakers[0].name if speakers else "SPEAKER"

    @property
    def cue_label(self) -> str | None:
        """The label of an attribution's cue ("said", "according to"); None: the schema keeps no cues
        (a schema written before cues existed still loads, and its quotes carry no cue span)."""
        cues = self.labels_of("cue")
        return cues[0].name if cues else None

    @property
    def speaker_labels(self) -> frozenset[str]:
        names: set[str] = set()
        for quote in self.labels_of("quote"):
            names.update(quote.speakers)
        return frozenset(names)

    def map_model_label(self, label: str) -> str | None:
        """The schema label for a model label, or None when the schema drops it."""
        if label in self.drop:
            return None
        mapped = self.model_map.get(label, label)
        return mapped if mapped in self else None

    def resolve_label(self, label: str) -> str | None:
        """A label read from a file: a schema label, or a model label the schema maps."""
        if label in self:
            return label
        mapped = self.model_map.get(label)
        return mapped if mapped and mapped in self else None

    def kind_of(self, label: str) -> str:
        found = self.label(label)
        return found.kind if found else "entity"


def overlap_of(raw: str) -> int | None:
    """How many annotators each article gets: 'all' -> None (everyone), else a whole number >= 1."""
    raw = raw.strip().lower()
    if raw == "all":
        return None
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    raise ValueError(raw)


def _where(path: str, node: yaml.Node) -> str:
    mark = node.start_mark
    return f"{path}:{mark.line + 1}:{mark.column + 1}"


def _fail(path: str, node: yaml.Node, message: str) -> SchemaError:
    return SchemaError(f"{_where(path, node)}: {message}")


def _check_tags(path: str, node: yaml.Node) -> None:
    """Refuse YAML tags that would construct objects (!!python/object and friends)."""
    todo = [node]
    seen: set[int] = set()  # aliases share nodes: visit each once, or nested aliases ("billion laughs") never end
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.tag not in _STANDARD_TAGS:
            raise _fail(path, current, f"YAML tag {current.tag!r} is not allowed; remove it")
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                todo.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            todo.extend(current.value)


def _mapping(path: str, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise _fail(path, node, f"{what} must be a mapping of field: value")
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise _fail(path, key, f"{what} has a key that is not a plain name")
        name = key.value
        if name in out:
            raise _fail(path, key, f"{what} has field {name!r} twice; keep one")
        if allowed and name not in allowed:
            known = ", ".join(sorted(allowed - {"color"}))
            raise _fail(path, key, f"unknown field {name!r} in {what}; known fields: {known}")
        out[name] = (key, value)
    return out


def _scalar(path: str, node: yaml.Node, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise _fail(path, node, f"{what} must be a single value, not a list or mapping")
    return node.value


def _one_of(path: str, node: yaml.Node, what: str, allowed: tuple[str, ...], whose: str = "") -> str:
    """A scalar that must be one of `allowed` (a label's kind, the order)."""
    value = _scalar(path, node, what)
    if value not in allowed:
        raise _fail(path, node, f"{what} {value!r}{whose} must be one of: {', '.join(allowed)}")
    return value


def _string_list(path: str, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
    if not isinstance(node, yaml.SequenceNode):
        raise _fail(path, node, f"{what} must be a list, e.g. [DATE, TIME]")
    return [(_scalar(path, item, f"an item of {what}"), item) for item in node.value]


def _colour(path: str, node: yaml.Node) -> str:
    value = _scalar(path, node, "colour").strip()
    try:
        Color.parse(value)
    except ColorParseError:
        raise _fail(path, node, f"colour {value!r} is not a colour; use a name like 'red' or a hex value like '#ff8800'") from None
    return value


def _key(path: str, node: yaml.Node) -> str:
    value = _scalar(path, node, "key")
    if len(value) != 1 or not value.isprintable() or value.isspace():
        raise _fail(path, node, f"key {value!r} must be one printable character, like '1' or 'p'")
    return value


def _label(path: str, node: yaml.Node) -> tuple[Label, yaml.Node, tuple[yaml.Node, ...]]:
    """A label, its node, and its speakers' item nodes (so an unknown speaker names its own line)."""
    fields = _mapping(path, node, "a label", _LABEL_FIELDS)
    if "name" not in fields:
        raise _fail(path, node, "label has no name; add 'name: LABEL'")
    name_node = fields["name"][1]
    name = _scalar(path, name_node, "name")
    if not _LABEL_NAME.match(name):
        raise _fail(path, name_node, f"label name {name!r} must start with a letter and hold only letters, digits, _ or -")
    kind = _one_of(path, fields["kind"][1], "kind", KINDS, f" of label {name}") if "kind" in fields else "entity"
    if "colour" in fields and "color" in fields:
        raise _fail(path, fields["color"][0], f"label {name} has both colour and color; keep one")
    colour_entry = fields.get("colour") or fields.get("color")
    colour = _colour(path, colour_entry[1]) if colour_entry else "white"
    key = _key(path, fields["key"][1]) if "key" in fields and fields["key"][1].value != "" else None
    description = _scalar(path, fields["description"][1], "description") if "description" in fields else ""
    items: list[tuple[str, yaml.Node]] = []
    if "speakers" in fields:
        if kind != "quote":
            raise _fail(path, fields["speakers"][0], f"only quote labels take 'speakers'; {name} is kind {kind}")
        items = _string_list(path, fields["speakers"][1], "speakers")
    speakers = tuple(value for value, _ in items)
    return Label(name, kind, colour, key, description, speakers), node, tuple(item for _, item in items)


def compose(text: str, path: str) -> yaml.Node | None:
    """The YAML node tree of a text, its tags checked; a syntax error names FILE:LINE:COL."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "not valid YAML"
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            problem = "a tab ('\\t') where YAML wants spaces"
        raise SchemaError(f"{path}:{line}:{col}: YAML syntax error: {problem}; fix the YAML") from None
    except yaml.YAMLError as exc:
        raise SchemaError(f"{path}:1:1: not valid YAML ({exc}); fix the YAML") from None
    if root is not None:
        _check_tags(path, root)
    return root


def keymap_entries(path: str, node: yaml.Node, app: str = "annotate") -> tuple[dict[str, str], dict[str, yaml.Node]]:
    """A keymap mapping (binding id -> keys): the keys normalised, and each entry's value node."""
    keymap: dict[str, str] = {}
    nodes: dict[str, yaml.Node] = {}
    for binding_id, (id_node, value_node) in _mapping(path, node, "keys", set()).items():
        problem = key_map.unknown_id(binding_id, app)
        if problem:
            raise _fail(path, id_node, problem)
        value = _scalar(path, value_node, f"the keys of {binding_id}").strip()
        problem = key_map.key_problem(value)
        if problem:
            raise _fail(path, value_node, problem)
        keymap[binding_id] = ",".join(key_map.normalised({binding_id: value})[binding_id])
        nodes[binding_id] = value_node
    return keymap, nodes


def _check_keys(path: str, labels: list[tuple[Label, yaml.Node]], keymap: dict[str, str],
                nodes: dict[str, yaml.Node]) -> None:
    """No key may be two actions at once: label keys against the app's, after the team's keymap."""
    label_keys = {label.name: label.key for label, _ in labels if label.key}
    found = key_map.clash(keymap, label_keys)
    if found is None:
        return
    for label, node in labels:  # a label on a key the app has anyway
        if key_map.LABEL_PREFIX + label.name == found.second:
            raise _fail(path, node, f"key {label.key!r} is already an app key; pick another (digits are free)")
    raise _fail(path, nodes[found.second], str(found))  # a key the keymap moved


def parse_schema(text: str, path: str = "<schema>") -> Schema:
    """Parse schema YAML text; raise SchemaError naming FILE:LINE:COL on any problem."""
    if not text.strip():
        raise SchemaError(f"{path}:1:1: the schema is empty; it needs at least 'labels:'")
    root = compose(text, path)
    if root is None:
        raise SchemaError(f"{path}:1:1: the schema is empty; it needs at least 'labels:'")
    top = _mapping(path, root, "the schema", _TOP_FIELDS)
    if "labels" not in top:
        raise _fail(path, root, "the schema has no 'labels:' list; add one")
    labels_node = top["labels"][1]
    if not isinstance(labels_node, yaml.SequenceNode) or not labels_node.value:
        raise _fail(path, labels_node, "'labels' must be a non-empty list of labels")

    labels: list[Label] = []
    key_nodes: list[tuple[Label, yaml.Node]] = []
    speaker_nodes: dict[str, tuple[yaml.Node, ...]] = {}
    seen_names: dict[str, Label] = {}
    seen_keys: dict[str, Label] = {}
    for item in labels_node.value:
        label, node, speaker_nodes[label.name] = _label(path, item)
        if label.name in seen_names:
            raise _fail(path, node, f"label {label.name} is defined twice; keep one")
        if label.key and label.key in seen_keys:
            raise _fail(path, node, f"key {label.key!r} of {label.name} is already the key of {seen_keys[label.key].name}; pick another")
        seen_names[label.name] = label
        if label.key:
            seen_keys[label.key] = label
            key_nodes.append((label, _mapping(path, node, "a label", _LABEL_FIELDS)["key"][1]))
        labels.append(label)
    keymap, keymap_nodes = keymap_entries(path, top["keys"][1]) if "keys" in top else ({}, {})
    _check_keys(path, key_nodes, keymap, keymap_nodes)

    for label in labels:
        for speaker, speaker_node in zip(label.speakers, speaker_nodes[label.name], strict=True):
            target = seen_names.get(speaker)
            if target is None or target.kind == "quote":
                raise _fail(path, speaker_node, f"speakers of {label.name} names {speaker!r}, which is not an entity label of this schema")

    model_map: dict[str, str] = {}
    if "map" in top:
        for source, (_, value_node) in _mapping(path, top["map"][1], "map", set()).items():
            target = _scalar(path, value_node, f"map of {source}")
            if target not in seen_names:
                raise _fail(path, value_node, f"map sends {source} to {target!r}, which is not a label of this schema; add the label or fix the map")
            model_map[source] = target
    drop: set[str] = set()
    if "drop" in top:
        drop = {value for value, _ in _string_list(path, top["drop"][1], "drop")}

    name = _scalar(path, top["name"][1], "name") if "name" in top else Path(path).stem
    model = _scalar(path, top["model"][1], "model") if "model" in top else None
    overlap: int | None = 1
    if "overlap" in top:
        node = top["overlap"][1]
        raw = _scalar(path, node, "overlap")
        try:
            overlap = overlap_of(raw)
        except ValueError:
            raise _fail(path, node, f"overlap {raw!r} must be a whole number of at least 1, or 'all'") from None
    allow_nested = False
    if "allow_nested" in top:
        node = top["allow_nested"][1]
        raw = _scalar(path, node, "allow_nested").lower()
        if raw not in ("true", "false", "yes", "no"):
            raise _fail(path, node, "allow_nested must be true or false")
        allow_nested = raw in ("true", "yes")
    idle_after = _idle_after(path, top["idle_after"][1]) if "idle_after" in top else IDLE_AFTER_S
    guidelines, at, written = _guidelines(path, top["guidelines"][1]) if "guidelines" in top else (None, "", "")
    order = _one_of(path, top["order"][1], "order", ORDERS) if "order" in top else "import"
    return Schema(name, tuple(labels), model_map, frozenset(drop), model or None, overlap, allow_nested, path,
                  idle_after, guidelines, at, written, keymap, {id: _where(path, n) for id, n in keymap_nodes.items()},
                  order)


def _idle_after(path: str, node: yaml.Node) -> float:
    """Seconds: 120, '90s' or '2m'."""
    raw = _scalar(path, node, "idle_after")
    found = _DURATION.match(raw)
    seconds = float(found[1]) * (60 if found and found[2] in ("m", "min") else 1) if found else 0.0
    if seconds <= 0:
        raise _fail(path, node, f"idle_after {raw!r} must be a time above zero, like 120, '90s' or '2m'")
    return seconds


def _guidelines(path: str, node: yaml.Node) -> tuple[str, str, str]:
    """(the guidelines file resolved against the schema's folder, FILE:LINE:COL of the line naming it,
    the name as written)."""
    raw = _scalar(path, node, "guidelines").strip()
    if not raw:
        raise _fail(path, node, "guidelines is empty; name a Markdown file, e.g. guidelines/news.md")
    if path.startswith("<"):  # parsed from text: nothing to resolve against
        return raw, _where(path, node), raw
    return str((Path(path).parent / raw).resolve()), _where(path, node), raw


def guidelines_problem(schema: Schema) -> str | None:
    """Why the schema's guidelines cannot be shown, as FILE:LINE:COL: why; None when they can (or there are none).

    Not checked on every load: a schema copied without its guidelines still imports, exports and
    annotates; `schema check` fails on it, and the app's g key says what is wrong.
    """
    if schema.guidelines is None:
        return None
    target = Path(schema.guidelines)
    if target.is_file():
        return None
    why = "is a folder" if target.is_dir() else "does not exist"
    return f"{schema.guidelines_at}: guidelines file {target} {why}; fix the path or remove the line"


def load_schema(path: str | Path) -> Schema:
    """Read and parse a schema file; every problem is a SchemaError of one line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SchemaError(f"{path}:1:1: no such schema file; give an existing YAML file") from None
    except IsADirectoryError:
        raise SchemaError(f"{path}:1:1: is a folder, not a schema file") from None
    except OSError as exc:
        raise SchemaError(f"{path}:1:1: cannot read the schema ({exc.strerror})") from None
    if len(raw) > 1_000_000:
        raise SchemaError(f"{path}:1:1: the schema is {len(raw):,} bytes; a schema is a few kB, check the file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SchemaError(f"{path}:{line}:1: not UTF-8 text; save the schema as UTF-8") from None
    if "\x00" in text:
        raise SchemaError(f"{path}:1:1: holds NUL bytes; a schema is a YAML text file")
    return parse_schema(text, str(path))


def default_schema_path() -> Path:
    """schemas/news.yaml of the working folder, else the copy shipped with the package."""
    local = Path("schemas/news.yaml")
    if local.exists():
        return local
    packaged = Path(__file__).resolve().parent / "data" / "news.yaml"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[1] / "schemas" / "news.yaml"  # an editable install: the repository's
