"""`annotator serve --db DB`: the app in a browser, through textual-serve (optional dependency)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import typer

from annotator.cli.options import db_option
from annotator.dburl import redact
from annotator.errors import UserError

INSTALL = "pip install 'annotator[serve]'  (or: pip install 'textual-serve>=1.1')"


def serve_command(db: Path | str, review: bool, name: str | None, overlap: str | None, order: str | None = None) -> str:
    """The command each browser session runs: this annotator, same interpreter, same database."""
    where = str(db.resolve()) if isinstance(db, Path) else db  # a postgresql:// URL as it is
    args = [sys.executable, "-m", "annotator", "review" if review else "annotate", "--db", where]
    if name:
        args += ["--reviewer" if review else "--annotator", name]
    if overlap and not review:
        args += ["--overlap", overlap]
    if order and not review:
        args += ["--order", order]
    return shlex.join(args)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        db: Any = db_option(),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback: reach it by SSH tunnel)."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
        annotator: str = typer.Option(None, "--annotator", help="Who annotates in this browser (default: login name)."),
        overlap: str = typer.Option(None, "--overlap", help="Annotators per article: a number or 'all'."),
        review: bool = typer.Option(False, "--review", help="Serve the review (adjudication) screen instead."),
        order: str = typer.Option(None, "--order", help="Which article next: uncertain, import or random."),
        public_url: str = typer.Option(None, "--public-url", help="Where browsers reach the server, when a proxy "
                                       "does not pass the page's own address through, e.g. https://example.org/annotate "
                                       "(default: every URL of the page is relative to it: any tunnel port or path "
                                       "prefix works)."),
    ) -> None:
        """Run the app in a browser: each browser tab gets its own session on the same database."""
        try:
            from annotator.cli.serving import ClosingServer
        except ImportError:
            raise UserError(f"`serve` needs textual-serve: {INSTALL}") from None
        if isinstance(db, Path) and not db.exists():
            raise UserError(f"{db}: no such database; import articles first (annotator import PATH --db {db})")
        command = serve_command(db, review, annotator, overlap, order)
        shown = command if isinstance(db, Path) else serve_command(redact(db), review, annotator, overlap, order)
        if public_url is not None and not public_url.startswith(("http://", "https://")):
            raise UserError(f"--public-url {public_url!r} must start with http:// or https://", exit_code=2)
        public_url = public_url.rstrip("/") if public_url else None
        reached = f" (browsers: {public_url}/)" if public_url else ""
        print(f"serving {'review' if review else 'annotate'} on http://{host}:{port}{reached}  ({shown})", file=sys.stderr)
        ClosingServer(command, host=host, port=port, title="annotator", public_url=public_url).serve()
