"""`annotator extract PATH... [-o FILE]`: pre-extract entities, quotes and speakers without a database.

Writes one JSONL line per article in the export format of DESIGN.md (spans plus SPEAKER and
SPEAKER_ENTITY relations), with no answer and no annotator. Articles that arrive with spans of
their own (a .jsonl line with `spans`) keep them, as `annotator import` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from annotator.cli import options
from annotator.errors import EXIT_SCHEMA, UserError


class UsageError(UserError):
    exit_code = EXIT_SCHEMA


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract(
        paths: list[Path] = typer.Argument(..., help=".txt or .jsonl files, or folders (read recursively)."),
        output: Path = typer.Option(None, "-o", "--output", help="The JSONL file to write (default: stdout)."),
        model: str = typer.Option(None, "--model", help="spaCy model (default: the schema's, else en_core_web_md, else en_core_web_sm)."),
        schema: Path = options.SCHEMA,
        n_process: int = typer.Option(1, "--n-process", min=1, help="Processes for the spaCy pipeline."),
        batch_size: int = typer.Option(64, "--batch-size", min=1, help="Texts per spaCy batch."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing output file."),
        ray: str = typer.Option(
            None, "--ray", metavar="local|auto|ADDRESS",
            help="Run on Ray (pip install 'annotator\\[ray]'): 'local' starts a cluster on this machine"
                 ", 'auto' joins the running one, or a cluster's HOST:PORT. -o is then a folder of shards.",
        ),
        workers: int = typer.Option(None, "--workers", min=1, help="With --ray: actors (default: the cluster's CPUs)."),
    ) -> None:
        """Pre-extract entities and quotes with their speakers; write JSONL (no database)."""
        if ray is not None:
            run_extract_ray(paths, output, ray, model, schema, workers, batch_size, force)
            return
        if workers is not None:
            raise UsageError("--workers goes with --ray")
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
    from annotator.errors import InputError
    from annotator.export.extracted import extracted_lines
    from annotator.formats import Problem, check_target
    from annotator.ingest import read_paths
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
        for _, line in extracted_lines(extractor, articles(), n_process, batch_size):
            emit(line)
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


def run_extract_ray(
    paths: list[Path | str],
    output: Path | str | None,
    ray: str = "local",
    model: str | None = None,
    schema_path: Path | None = None,
    workers: int | None = None,
    batch_size: int = 64,
    force: bool = False,
    chunk_bytes: int | None = None,
) -> int:
    """`extract --ray`: the same lines, sharded into OUT/part-NNNNN.jsonl by a pool of Ray actors
    (annotator/extract/distributed.py). Returns the number of articles written."""
    from annotator.errors import InputError
    from annotator.export.extracted import ExtractionJob
    from annotator.extract import distributed
    from annotator.schema import default_schema_path, load_schema

    if ray not in ("local", "auto") and ":" not in ray:
        raise UsageError(f"--ray takes local, auto or a cluster's HOST:PORT, not {ray!r}"
                         " (--ray needs one of them)")
    if output is None:
        raise UsageError("--ray writes shards into a folder: give it with -o OUT/")
    distributed.import_ray()  # one line and exit 2 when Ray is not installed
    for path in paths:
        if "://" not in str(path) and not Path(path).exists():
            raise InputError(f"{path}: no such file or folder")
    load_schema(schema_path or default_schema_path())  # a wrong schema fails here, not in every actor
    if model is not None and not _model_here(model):  # one line here rather than dead actors
        from annotator.extract import ModelNotFound

        raise ModelNotFound(model)
    out = str(output)
    distributed.prepare_output(out, force)
    job = ExtractionJob(str(Path(schema_path).resolve()) if schema_path else None,
                        str(Path(model).resolve()) if model and Path(model).exists() else model, batch_size)

    def report(line: str) -> None:
        print(f"skipped {line}", file=sys.stderr, flush=True)

    started = distributed.connect(ray)
    try:
        summary = distributed.run(job, [str(p) for p in paths], out, workers, report, chunk_bytes)
    finally:
        if started:
            import ray as ray_module

            ray_module.shutdown()
    if summary.articles == 0:
        raise InputError("nothing could be read" if summary.problems else "no articles found")
    print(f"extracted {summary.articles} articles to {summary.shards} shards in {out}", file=sys.stderr)
    return summary.articles


def _model_here(model: str) -> bool:
    """Whether `model` is a pipeline folder or an installed package (without loading it)."""
    import importlib.util

    path = Path(model)
    if path.exists():
        return (path / "config.cfg").exists()
    try:
        return importlib.util.find_spec(model) is not None
    except (ImportError, ValueError):
        return False
