"""spaCy's DocBin (export/writers.py: write_docbin), for `spacy train`."""

from __future__ import annotations

from annotator.formats.registry import ExportJob, Format


def write(job: ExportJob) -> tuple[int, int]:
    from annotator.export.writers import write_docbin

    kinds = {label.name: label.kind for label in job.label_schema.labels}
    return write_docbin(job.golds(), job.output, kinds)


FORMAT = Format(
    name="spacy",
    title="spaCy DocBin (-o FILE.spacy, or -o DIR for shards of 1,000 docs)",
    keeps="entities as doc.ents (O outside them in finished articles), quotes in doc.spans['quotes'], speaker "
          "mentions in doc.spans['speakers'], cues in doc.spans['cues'], quote→speaker and quote→cue links in "
          "doc.user_data['speakers'] and ['cues'], quotes' forms in doc.user_data['forms']",
    loses="overlapping entities (the longest is kept), SPEAKER_ENTITY links, answer and time; not read back",
    suffixes=(".spacy",),
    write=write,
    order=20,
)
