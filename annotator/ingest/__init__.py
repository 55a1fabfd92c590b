"""Reading article files and importing them into the store."""

from annotator.ingest.importer import ImportSummary, import_paths, text_hash
from annotator.ingest.readers import Problem, read_paths

__all__ = ["ImportSummary", "Problem", "import_paths", "read_paths", "text_hash"]
