"""Interchange formats, one module each, found through one registry (formats/registry.py)."""

from annotator.formats.registry import ExportJob, Format, ReadOptions, all_formats, detect, get, read_paths

__all__ = ["ExportJob", "Format", "ReadOptions", "all_formats", "detect", "get", "read_paths"]
