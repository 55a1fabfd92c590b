"""Interchange formats, one module each (its reader and its writer), found through one registry
(formats/registry.py) that also reads the `annotator.formats` entry points."""

from annotator.formats.base import Item, Problem, check_target
from annotator.formats.registry import (
    Format,
    ReadOptions,
    WriteJob,
    all_formats,
    detect,
    get,
    origin,
    readable_suffixes,
)

__all__ = ["Format", "Item", "Problem", "ReadOptions", "WriteJob", "all_formats", "check_target", "detect", "get",
           "origin", "readable_suffixes"]
