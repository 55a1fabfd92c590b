"""Exporting gold data: Prodigy-compatible JSONL and spaCy DocBin, streamed from the store."""

from annotator.export.gold import GoldArticle, iter_gold
from annotator.export.prodigy import build_task, task_from_drafts
from annotator.export.writers import check_target, task_of, write_docbin, write_jsonl

__all__ = ["GoldArticle", "build_task", "check_target", "iter_gold", "task_from_drafts", "task_of",
           "write_docbin", "write_jsonl"]
