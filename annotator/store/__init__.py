"""The store: every query and write of annotation data lives here, on SQLite (the default) or PostgreSQL (a URL)."""

from annotator.store.store import FINISHED, Store

__all__ = ["FINISHED", "Store"]
