"""The SQLite store: every query and write of annotation data lives here."""

from annotator.store.store import FINISHED, Store

__all__ = ["FINISHED", "Store"]
