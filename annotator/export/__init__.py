"""Which work to export: an annotator's finished work (gold.py), the adjudicated gold
(adjudicated.py), extraction's suggestions (extracted.py); an ExportJob hands it to a format's
writer (formats/), and a big one runs on two cores (parallel.py)."""

from annotator.export.gold import iter_gold
from annotator.export.job import ExportJob

__all__ = ["ExportJob", "iter_gold"]
