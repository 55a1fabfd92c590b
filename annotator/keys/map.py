"""The key map: every key of the apps as plain data, each with a binding id.

The only source of keys. The TUI builds Textual bindings from it (annotator/tui/bindings.py), the
schema takes from it the keys a label may not use and checks keymaps against it, and docs/keys.md
is generated from it (annotator/keys/doc.py). No textual import: the core reads it too.

A keymap (the schema's `keys:`, then ~/.config/annotator/keys.yaml) maps binding ids to keys,
Textual's names, comma-separated: `accept: y` or `accept: "y,enter"`. It replaces every default key
of that binding.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

# Main-screen modes a binding works in (MainScreen.check_action); keys may repeat across modes.
NORMAL = frozenset({"normal"})
MARK = frozenset({"mark"})
EDIT = frozenset({"edit"})
MODES = frozenset({"normal", "mark", "edit"})


@dataclass(frozen=True, slots=True)
class Key:
    id: str
    action: str
    keys: tuple[str, ...]  # Textual key names: "j", "down", "question_mark", "shift+left"
    description: str  # the footer's and the command palette's name
    help: str = ""  # the help screen's line and the tooltip (default: the description)
    doc: str = ""  # docs/keys.md's line (default: the help)
    show: bool = True  # in the footer
    key_display: str | None = None  # how the footer writes the default keys
    modes: frozenset[str] = NORMAL

    @property
    def help_text(self) -> str:
        return self.help or self.description

    @property
    def doc_text(self) -> str:
        return self.doc or self.help_text

    @property
    def action_name(self) -> str:
        return self.action.split("(")[0]


def _k(id: str, action: str, keys: str, description: str, help: str = "", doc: str = "", *, show: bool = True,
       display: str | None = None, modes: frozenset[str] = NORMAL) -> Key:
    return Key(id, action, tuple(keys.split(",")), description, help, doc, show, display, modes)


MAIN = (
    _k("next_span", "next_span", "j,down", "Next", "Select the next span", display="j/k"),
    _k("prev_span", "prev_span", "k,up", "Prev", "Select the previous span", show=False),
    _k("accept", "accept", "a,enter", "Accept", "Accept the span and go to the next undecided one",
       "accept the span, move to the next undecided one; in mark mode, create the span (the label picker)",
       display="a", modes=NORMAL | MARK),
    _k("reject", "reject", "x", "Reject", "Reject the span and go on", "reject the span (shown dimmed), move on"),
    _k("relabel", "relabel", "l", "Label", "Relabel through a picker (type to filter)",
       "relabel through a picker: a label's key picks it, or type to filter and `enter` chooses; `esc` cancels",
       modes=MODES),
    _k("undo", "undo", "u", "Undo", "Undo your latest decision in this article (repeat to go back)"),
    _k("next_article", "article(1)", "right_square_bracket", "Article", "Next article", display="]"),
    _k("prev_article", "article(-1)", "left_square_bracket", "Previous article", display="[", show=False),
    _k("done", "done", "d", "Done", "Mark the article done and open the next",
       "mark the article done; when spans are undecided a dialog offers `a` accept them all, or `esc` go back"),
    _k("mark", "mark", "m", "Mark new span", doc="mark a new span (below)", show=False),
    _k("edit", "edit", "e", "Edit bounds", doc="edit the span's bounds (below)", show=False),
    _k("speaker", "speaker", "s", "Speaker",
       doc="set a quote's speaker (and accept the quote): the current one first, then each name once, nearest "
           "first; \"no speaker\", or \"new speaker from a selection\"",
       show=False),
    _k("cue", "cue", "c", "Cue",
       doc="set an attribution's cue (\"said\", \"according to\"): select its words as in mark mode, `enter` links "
           "them to the quote and accepts it",
       show=False),
    _k("filter", "filter", "f", "Filter list",
       doc="filter the list: all, undecided only, entities, quotes, one form of quote, or one label (the current"
           " one is marked; `f` then `enter` shows all again)", show=False),
    _k("search", "search", "slash", "Search text", doc="search the text; the selection follows the match",
       display="/", show=False),
    _k("search_next", "search_step(1)", "n", "Next match", show=False),
    _k("search_prev", "search_step(-1)", "N", "Previous match", show=False),
    _k("export", "export", "E", "Export my work",
       "Your finished articles as JSONL: a download in the browser, else a file in exports/",
       "export your finished articles as JSONL: a download in the browser (`annotator serve`), else a file in "
       "`exports/`; with none finished yet it says so", show=False),
    _k("flag", "flag", "exclamation_mark", "Flag",
       "Flag the article with a note for the reviewer (again: edit or clear it)",
       "flag the article with a note for the reviewer (a modal: `enter` saves, `esc` cancels); again to edit the "
       "note, or empty it (`ctrl+u`) and `enter` to clear the flag", display="!", show=False),
    _k("next_flagged", "next_flagged", "F", "Next flagged", "Go to your next flagged article",
       "go to your next flagged article (round to the first)", show=False),
    _k("guidelines", "guidelines", "g", "Guidelines", "Read the annotation guidelines (esc comes back)",
       "the schema's guidelines (`guidelines:` in the schema), rendered as Markdown", show=False, modes=MODES),
    _k("help", "help", "question_mark", "Help", doc="the help screen", display="?", modes=MODES),
    _k("quit", "quit", "q", "Quit", doc="quit (after every queued decision is saved)", modes=MODES),
    # Mark mode: a cursor over tokens, v starts a selection.
    _k("mark.left", "cursor(-1)", "left", "Cursor left", display="←", show=False, modes=MARK),
    _k("mark.right", "cursor(1)", "right", "Cursor right", display="→", show=False, modes=MARK),
    _k("mark.word_back", "cursor(-1)", "b", "Word back", show=False, modes=MARK),
    _k("mark.word_forward", "cursor(1)", "w", "Word forward", show=False, modes=MARK),
    _k("mark.up", "cursor_line(-1)", "up", "Line up", doc="move the cursor up a screen line", display="↑",
       show=False, modes=MARK),
    _k("mark.down", "cursor_line(1)", "down", "Line down", doc="move the cursor down a screen line", display="↓",
       show=False, modes=MARK),
    _k("mark.select", "select_start", "v", "Select", doc="start (or drop) a selection that the cursor keys extend",
       modes=MARK),
    # Edit mode: move the selected span's start (←/→) and end (shift+←/→) by a token.
    _k("edit.start_left", "bound('start', -1)", "left", "Start left", doc="move the start one token left",
       display="←", modes=EDIT),
    _k("edit.start_right", "bound('start', 1)", "right", "Start right", doc="move the start one token right",
       display="→", modes=EDIT),
    _k("edit.end_left", "bound('end', -1)", "shift+left", "End left", doc="move the end one token left",
       display="⇧←", modes=EDIT),
    _k("edit.end_right", "bound('end', 1)", "shift+right", "End right", doc="move the end one token right",
       display="⇧→", modes=EDIT),
    _k("edit.save", "save_bounds", "enter", "Save", doc="save the bounds (a decision `adjust` with the new offsets)",
       modes=EDIT),
    _k("leave", "leave", "escape", "Leave", doc="leave mark mode without creating anything; cancel bounds editing",
       display="esc", modes=MARK | EDIT),
)

HELP = (
    _k("help.close", "close", "escape,q,question_mark", "Close", "close the help screen"),
    _k("help.down", "scroll(1)", "j,down", "Down", "scroll down a line", display="j/k"),
    _k("help.up", "scroll(-1)", "k,up", "Up", "scroll up a line", show=False),
    _k("help.page_down", "page(1)", "space,pagedown", "Page down", display="space"),
    _k("help.page_up", "page(-1)", "b,pageup", "Page up", show=False),
)
GUIDELINES = (
    _k("guidelines.close", "close", "escape,g,q", "Back to the article", display="esc"),
    _k("guidelines.down", "scroll(1)", "j,down", "Down", "scroll down a line", display="j/k"),
    _k("guidelines.up", "scroll(-1)", "k,up", "Up", "scroll up a line", show=False),
    _k("guidelines.page_down", "page(1)", "space,pagedown", "Page down", display="space"),
    _k("guidelines.page_up", "page(-1)", "b,pageup", "Page up", show=False),
    _k("guidelines.top", "top", "home", "Top", show=False),
    _k("guidelines.end", "bottom", "end", "End", show=False),
)
PICKER = (
    _k("picker.cancel", "cancel", "escape", "Cancel", "close the picker, choosing nothing"),
    _k("picker.down", "move(1)", "down", "Down", "the next choice", show=False),
    _k("picker.up", "move(-1)", "up", "Up", "the previous choice", show=False),
)
DONE_DIALOG = (
    _k("done.accept_all", "answer(True)", "a", "Accept all", "accept every undecided span and finish"),
    _k("done.back", "answer(False)", "escape,b", "Go back", "back to the article"),
)
PROMPT = (_k("prompt.cancel", "cancel", "escape", "Cancel", "close the prompt"),)
FLAG_DIALOG = (_k("flag.cancel", "cancel", "escape", "Cancel", "close the flag note, changing nothing"),)

REVIEW = (
    _k("review.next", "move(1)", "j,down", "Next", "the next version", display="j"),
    _k("review.prev", "move(-1)", "k,up", "Prev", "the previous version", display="k"),
    _k("review.take", "take", "a,enter", "Take version", "take the version under the cursor", display="a"),
    _k("review.reject", "reject", "x", "Reject all", "reject the disagreement: none of its spans in the gold"),
    # Your own version, when every annotator's is wrong: the annotation app's screen and keys over it
    # (`d` there makes it the gold, `q` comes back); these keys open it and act on the span at once.
    _k("review.own", "own", "o", "Own version",
       "make your own version with the annotation keys (d there makes it the gold, q comes back)"),
    _k("review.relabel", "own('relabel')", "l", "Relabel", "relabel in your own version (a picker; there the "
       "schema's number keys relabel too)", show=False),
    _k("review.bounds", "own('edit')", "e", "Edit bounds", "edit the span's bounds in your own version", show=False),
    _k("review.mark", "own('mark')", "m", "Mark new span", "mark a span nobody marked, in your own version", show=False),
    _k("review.speaker", "own('speaker')", "s", "Speaker", "set the quote's speaker in your own version", show=False),
    _k("review.undo", "own('undo')", "u", "Undo", "undo the latest edit of your own version", show=False),
    _k("review.help", "help", "question_mark", "Help", "every key of the review and of your own version", display="?"),
    *(_k(f"review.pick.{n}", f"pick({n - 1})", str(n), f"Version {n}",
         f"take version {n} of the current disagreement", show=False) for n in range(1, 10)),
    _k("review.finish", "finish(False)", "f", "Finish", "finish the article"),
    _k("review.finish_anyway", "finish(True)", "F", "Finish anyway", "finish the article even with disagreements left",
       show=False),
    _k("review.next_article", "article(1)", "right_square_bracket", "Next article", display="]"),
    _k("review.prev_article", "article(-1)", "left_square_bracket", "Prev article", display="["),
    _k("review.export", "export", "E", "Export gold",
       doc="export the gold (a download in the browser under `annotator serve`)"),
    _k("review.quit", "quit", "q", "Quit"),
)

# Each context is one set of keys that are live together: a screen, or a modal over it.
CONTEXTS: dict[str, tuple[Key, ...]] = {
    "main": MAIN, "help": HELP, "guidelines": GUIDELINES, "picker": PICKER, "done": DONE_DIALOG,
    "prompt": PROMPT, "flag": FLAG_DIALOG, "review": REVIEW,
}
APPS = {"annotate": ("main", "help", "guidelines", "picker", "done", "prompt", "flag"), "review": ("review",)}
BY_ID: dict[str, Key] = {key.id: key for keys in CONTEXTS.values() for key in keys}
CONTEXT_OF: dict[str, str] = {key.id: name for name, keys in CONTEXTS.items() for key in keys}
LABEL_PREFIX = "label."  # the schema's label keys are bindings label.NAME of the main screen

# Textual's own keys on every screen: quit, copy, the command palette.
TEXTUAL_KEYS = frozenset({"ctrl+q", "ctrl+c", "ctrl+p"})
_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_KEY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_REPLACEMENTS = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
                 "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}


def key_name(key: str) -> str:
    """Textual's name of a key as written: "?" -> "question_mark", "y" -> "y", "ctrl+s" as it is."""
    key = key.strip()
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return _REPLACEMENTS.get(name, name)


_SHOWN = {"down": "↓", "up": "↑", "left": "←", "right": "→", "shift+left": "shift+←", "shift+right": "shift+→",
          "escape": "esc"}


def shown(key: str) -> str:
    """A key name as people write it: "question_mark" -> "?", "left" -> "←", "ctrl+s" as it is."""
    if key in _SHOWN:
        return _SHOWN[key]
    name = {value: name for name, value in _REPLACEMENTS.items()}.get(key, key)
    if len(name) > 1 and "+" not in name:
        for written in (name.replace("_", " "), name.replace("_", "-")):
            try:
                character = unicodedata.lookup(written)
            except KeyError:
                continue
            if character.isprintable() and not character.isalnum() and not character.isspace():
                return character
    return key


def written(binding_id: str, keymap: Mapping[str, str] | None = None) -> str:
    """A binding's keys after the keymap, as a hint writes them: "l", "a/enter", "⇧←"."""
    keys = normalised(keymap or {}).get(binding_id, BY_ID[binding_id].keys)
    return "/".join(shown(key).replace("shift+", "⇧") for key in keys)


def first_key(binding_id: str, keymap: Mapping[str, str] | None = None) -> str:
    """The one key a sentence names for a binding ("Press e to export"), after the keymap."""
    return shown(normalised(keymap or {}).get(binding_id, BY_ID[binding_id].keys)[0])


def key_problem(keys: str) -> str | None:
    """Why a keymap value is not a list of keys; None when it is."""
    for key in keys.split(","):
        key = key.strip()
        if not key:
            return f"{keys!r} has an empty key; write keys like 'y', 'ctrl+s' or 'y,enter'"
        if key in TEXTUAL_KEYS:
            return f"{key!r} is Textual's own key (quit, copy, the command palette); pick another"
        *modifiers, base = key.split("+") if len(key) > 1 else [key]
        if any(m not in _MODIFIERS for m in modifiers):
            return f"{key!r}: modifiers are {', '.join(sorted(_MODIFIERS))}, as in 'ctrl+s'"
        if not (len(base) == 1 and base.isprintable() and not base.isspace()) and not _KEY_NAME.match(base):
            return f"{key!r} is not a key; write one character ('y', '?') or a key name ('enter', 'f2', 'ctrl+s')"
    return None


def normalised(keymap: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """A keymap's values as tuples of Textual key names."""
    return {id: tuple(dict.fromkeys(key_name(k) for k in keys.split(","))) for id, keys in keymap.items()}


def effective(context: str, keymap: Mapping[str, str] | None = None) -> list[tuple[Key, tuple[str, ...]]]:
    """The context's bindings in order, each with its keys after the keymap."""
    remap = normalised(keymap or {})
    return [(key, remap.get(key.id, key.keys)) for key in CONTEXTS[context]]


def reserved_keys(keymap: Mapping[str, str] | None = None) -> frozenset[str]:
    """Keys a schema label may not take: every key of the main screen after the keymap."""
    return frozenset(k for _, keys in effective("main", keymap) for k in keys)


@dataclass(frozen=True, slots=True)
class Clash:
    key: str
    first: str  # binding ids; `second` is the one the keymap moved when only one was
    second: str

    def __str__(self) -> str:
        return f"key {self.key!r} would be both {self.first} and {self.second}; give one of them another key"


def clash(keymap: Mapping[str, str], label_keys: Mapping[str, str] | None = None) -> Clash | None:
    """The first key that two actions would share in one context (and mode) after the keymap."""
    moved = set(keymap)
    for context in CONTEXTS:
        bound = effective(context, keymap)
        if context == "main":
            bound += [(Key(LABEL_PREFIX + name, "label_key", (key,), name, modes=MODES), (key_name(key),))
                      for name, key in (label_keys or {}).items()]
        seen: dict[str, list[Key]] = {}
        for key, keys in bound:
            for k in keys:
                for other in seen.get(k, ()):
                    if other.modes & key.modes and other.action != key.action:
                        first, second = (key, other) if other.id in moved and key.id not in moved else (other, key)
                        return Clash(k, first.id, second.id)
                seen.setdefault(k, []).append(key)
    return None


def unknown_id(binding_id: str, app: str = "annotate") -> str | None:
    """Why a keymap may not name this binding id; None when it may."""
    if binding_id.startswith(LABEL_PREFIX):
        return f"{binding_id!r}: a label's key is set on the label ('key:' in the schema's labels)"
    if binding_id not in BY_ID:
        near = difflib.get_close_matches(binding_id, BY_ID, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        return f"unknown binding id {binding_id!r}; {hint}docs/keys.md lists them all"
    if app in APPS and CONTEXT_OF[binding_id] not in APPS[app]:
        return f"{binding_id!r} is a key of the review app, which does not read the schema; put it in keys.yaml"
    return None


def keys_of(context: str, keymap: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """binding id -> its keys after the keymap."""
    return {key.id: keys for key, keys in effective(context, keymap)}
