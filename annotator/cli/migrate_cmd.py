"""`annotator migrate --from DB --to DB`: copy a database exactly, SQLite to PostgreSQL or back."""

from __future__ import annotations

import typer

from annotator.dburl import database, shown


def register(app: typer.Typer) -> None:
    @app.command("migrate")
    def migrate(
        source: str = typer.Option(..., "--from", help="The database to copy: a file, or a postgresql:// URL."),
        target: str = typer.Option(..., "--to", help="An empty (or new) database to copy into."),
    ) -> None:
        """Copy every table, row and id into an empty database; both then export the same bytes."""
        from pathlib import Path

        from annotator.errors import UserError
        from annotator.store import Store
        from annotator.store.copy import copy_database

        src, dst = database(source), database(target)
        if isinstance(src, Path) and isinstance(dst, Path) and src.resolve() == dst.resolve():
            raise UserError(f"{src}: --from and --to are the same database", 2)
        created = isinstance(dst, Path) and not dst.exists()
        with Store(src, create=False) as store:
            try:
                with Store(dst) as into:
                    copied = copy_database(store, into)
            except BaseException:
                if created:  # a failed copy leaves no half-made file behind
                    for leftover in (dst, dst.with_name(dst.name + "-wal"), dst.with_name(dst.name + "-shm")):
                        leftover.unlink(missing_ok=True)
                raise
        rows = ", ".join(f"{n:,} {table}" for table, n in copied.items() if n)
        print(f"copied {shown(src)} to {shown(dst)}: {rows or 'nothing (the source is empty)'}")
