"""Names people give on the command line (--annotator, --reviewer): stored as they are, so one word."""

from __future__ import annotations

from annotator.errors import UserError


def check_name(name: str, option: str = "--annotator") -> str:
    """The name stripped; a usage error (exit 2) when it is empty or holds spaces or control characters."""
    name = name.strip()
    if not name or any(ch.isspace() or not ch.isprintable() for ch in name):
        role = option.removeprefix("--")
        raise UserError(f"{name!r}: give {'an' if role[0] in 'aeiou' else 'a'} {role} name without spaces"
                        f" ({option} NAME)", exit_code=2)
    return name
