"""The README's command list, generated from the CLI itself (as docs/keys.md is from the key map).

`python -m annotator.cli.commands_doc` rewrites the block between `<!-- commands -->` and
`<!-- /commands -->` in README.md: one line a command, its arguments and options as Typer declares
them, and the first line of its help. `--check` only says whether the README is stale
(tests/test_commands_doc.py fails when it is).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
import typer

README = Path(__file__).resolve().parents[2] / "README.md"
_BLOCK = re.compile(r"(<!-- commands -->\n)(?P<body>.*?)(<!-- /commands -->)", re.S)


def _param(param: click.Parameter) -> str:
    name = (param.name or "").upper().replace("_", "-")
    if param.param_type_name == "argument":
        return f"{name}..." if param.nargs == -1 else name
    flag = max(param.opts, key=len)  # --output rather than -o
    shown = flag if getattr(param, "is_flag", False) else f"{flag} {param.metavar or name}"
    return shown if param.required else f"[{shown}]"


def _lines(group: click.Group, prefix: str) -> list[str]:
    out = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group: schema check, …
            out += _lines(command, f"{prefix} {name}")
            continue
        params = [_param(p) for p in command.params if p.name != "help" and not getattr(p, "hidden", False)]
        summary = " ".join((command.help or "").strip().split("\n\n")[0].split())
        out.append(f"{prefix} {name} {' '.join(params)}".rstrip() + (f"\n    # {summary}" if summary else ""))
    return out


def render_commands() -> str:
    from annotator.cli.commands import app

    return "```sh\n" + "\n".join(_lines(typer.main.get_command(app), "annotator")) + "\n```\n"  # type: ignore[arg-type]


def render(text: str) -> str:
    """The README with its command block regenerated; the prose around it stays as written."""
    commands = render_commands()
    return _BLOCK.sub(lambda m: m.group(1) + commands + m.group(3), text)


def main() -> None:
    text = README.read_text(encoding="utf-8")
    fresh = render(text)
    if "--check" in sys.argv[1:]:
        if fresh != text:
            print(f"{README} is stale: run python -m annotator.cli.commands_doc", file=sys.stderr)
            sys.exit(1)
        return
    README.write_text(fresh, encoding="utf-8")


if __name__ == "__main__":
    main()
