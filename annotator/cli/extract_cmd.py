"""`annotator extract PATH... [-o FILE]`: pre-extract entities, quotes and speakers without a database.

Writes one JSONL line per article in the export format of DESIGN.md (spans plus SPEAKER and
SPEAKER_ENTITY relations), with no answer and no annotator. Articles that arrive with spans of
their own (a .jsonl line with `spans`) keep them, as `annotator import` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract(
        paths: list[Path] = typer.Argument(..., help=".txt or .jsonl files, or folders (read recursively)."),
        output: Path = typer.Option(None, "-o", "--output", help="The JSONL file to write (default: stdout)."),
        model: str = typer.Option(None, "--model", help="spaCy model (default: the schema's, else en_core_web_sm)."),
        schema: Path = typer.Option(None, "--schema", help="Label schema YAML (default: schemas/news.yaml)."),
        n_process: int = typer.Option(1, "--n-process", min=1, help="Processes for the spaCy pipeline."),
        batch_size: int = typer.Option(64, "--batch-size", min=1, help="Texts per spaCy batch."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing output file."),
    ) -> None:
        """Pre-extract entities and quotes with their speakers; write JSONL (no database)."""
        run_extract(paths, output, model, schema, n_process, batch_size, force)


def run_extract(
    paths: list[Path],
    output: Path | None,
    model: str | None = None,
    schema_path: Path | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    force: bool = False,
) -> int:
    """The command's work; returns the number of articles written. Raises UserError on bad input."""
    import orjson

    from annotator.errors import InputError
    from annotator.export.prodigy import task_from_drafts
    from annotator.export.writers import check_target
    from annotator.ingest.readers import Problem, read_paths
    from annotator.schema import default_schema_path, load_schema

    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
    if output is not None:
        check_target(output, force)
    label_schema = load_schema(schema_path or default_schema_path())

    from annotator.extract import load_extractor  # lazy: loads spaCy and the model

    extractor = load_extractor(label_schema, model)
    if extractor.warning:
        print(f"warning: {extractor.warning}", file=sys.stderr)

    problems = 0
    written = 0

    def articles():
        nonlocal problems
        for item in read_paths(paths, label_schema):
            if isinstance(item, Problem):
                problems += 1
                print(f"skipped {item}", file=sys.stderr)
                continue
            yield item

    if output is not None:
        try:
            out = open(output, "wb")  # noqa: SIM115
        except OSError as exc:  # a folder not writable: one line, no traceback
            raise InputError(f"{output}: cannot write the output ({exc.strerror})") from None

        def emit(line: bytes) -> None:
            out.write(line)
    else:
        out = None

        def emit(line: bytes) -> None:
            sys.stdout.write(line.decode("utf-8"))

    try:
        for article, drafts, tokens in _extracted(extractor, articles(), n_process, batch_size):
            emit(orjson.dumps(task_from_drafts(article, drafts, tokens)) + b"\n")
            written += 1
    finally:
        if out is not None:
            out.close()
        else:
            sys.stdout.flush()
    if written == 0:
        if output is not None:
            output.unlink(missing_ok=True)
        raise InputError("nothing could be read" if problems else "no articles found")
    if output is not None:
        print(f"extracted {written} articles to {output}", file=sys.stderr)
    return written


def _extracted(extractor, articles, n_process: int, batch_size: int):
    """(article, drafts, tokens) in order; articles with spans of their own keep them."""
    from itertools import islice

    stream = iter(articles)
    chunk = max(batch_size * max(n_process, 1) * 4, 256)
    while True:
        batch = list(islice(stream, chunk))
        if not batch:
            return
        todo = [a for a in batch if not a.spans]
        found = iter(extractor.pipe_with_tokens((a.text for a in todo), n_process=n_process, batch_size=batch_size))
        for article in batch:
            if article.spans:
                tokens = article.tokens or _tokens(article.text)
                yield article, list(article.spans), tokens
            else:
                drafts, tokens = next(found)
                yield article, drafts, article.tokens or tokens


def _tokens(text: str) -> tuple[tuple[int, int], ...]:
    from annotator.ingest.tokens import token_offsets

    return next(token_offsets([text]))
