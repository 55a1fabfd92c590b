"""The import pipeline: find the files, pick each one's format (formats/ reads it), batch the
articles into the store."""

from annotator.formats.base import Problem
from annotator.ingest.files import read_paths
from annotator.ingest.importer import ImportSummary, import_paths, text_hash

__all__ = ["ImportSummary", "Problem", "import_paths", "read_paths", "text_hash"]
