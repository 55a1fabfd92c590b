"""Our JSONL: Prodigy's `spans_manual` tasks plus SPEAKER relations (export/prodigy.py); reads
Prodigy's and doccano's lines too (ingest/readers.py)."""

from __future__ import annotations

from pathlib import Path

from annotator.formats.registry import ExportJob, Format, ReadOptions
from annotator.ingest.readers import read_jsonl


def read(path: Path, options: ReadOptions):
    if options.jsonl is not None:  # big files: parsed in worker processes (ingest/parallel.py)
        return options.jsonl(path)
    return read_jsonl(path, options.schema, options.advance, options.pack)


def write(job: ExportJob) -> tuple[int, int]:
    if job.gold or not job.parallel:
        from annotator.export.writers import write_jsonl

        return write_jsonl(job.golds(), job.output)
    from annotator.export.parallel import export_jsonl  # the plain export runs on two cores when it is big

    return export_jsonl(job.store, job.output, job.annotator, job.include_unfinished)


def sniff(head: bytes, suffix: str) -> bool:
    return suffix == ".jsonl" or (suffix not in (".txt", ".json") and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{")


FORMAT = Format(
    name="jsonl",
    title="JSONL (Prodigy spans_manual tasks with relations; reads Prodigy db-out and doccano lines too)",
    keeps="everything: text, meta, tokens, every span (entities, quotes, speaker mentions), SPEAKER and "
          "SPEAKER_ENTITY relations, answer, annotator, time; export → import → export is exact",
    loses="nothing; hashes are our own (use `prodigy db-in --rehash`)",
    suffixes=(".jsonl",),
    read=read,
    write=write,
    sniff=sniff,
    order=10,
)
