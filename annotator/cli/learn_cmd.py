"""`annotator learn --db DB --every N`: keep the model learning from the team on a server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from annotator.cli import options
from annotator.cli.options import db_option
from annotator.dburl import shown


def register(app: typer.Typer) -> None:
    @app.command("learn")
    def learn(
        db: Any = db_option(),
        every: int = typer.Option(50, "--every", min=1, help="Retrain after this many newly finished articles."),
        output: Path = typer.Option(Path("models/learned"), "-o", "--output", help="The model folder kept up to date."),
        schema: Path = options.SCHEMA,
        base: str = options.BASE,
        annotator: str = options.LEARN_ANNOTATOR,
        gold: bool = options.GOLD,
        seed: int = options.SEED,
        max_epochs: int = options.MAX_EPOCHS,
        poll: float = typer.Option(30.0, "--poll", min=0.1, help="Seconds between looks at the database."),
        once: bool = typer.Option(False, "--once", help="One round as soon as there is enough work, then stop."),
    ) -> None:
        """Train after every N finished articles; keep the new model only if it scores at least as well
        on the held-back articles; re-suggest the untouched articles. Ctrl-C or SIGTERM stops cleanly."""
        from rich.console import Console

        from annotator.cli.suggest_cmd import run_suggest
        from annotator.cli.train_cmd import run_training
        from annotator.errors import UserError
        from annotator.learn.loop import Stopper, learn_round, trained_on, wait_for_work
        from annotator.learn.train import Settings
        from annotator.schema import default_schema_path, load_schema
        from annotator.store import Store

        if gold and annotator:
            raise UserError("give --annotator NAME or --gold, not both", exit_code=2)
        label_schema = load_schema(schema or default_schema_path())
        Store(db, create=False).close()  # a bad --db is one line now, not after the first wait
        console = Console(stderr=True)
        stop = Stopper()
        restore = stop.install()
        since = trained_on(output)
        settings = Settings(max_epochs=max_epochs)
        console.print(f"learning from {shown(db)}: a round after every {every} newly finished articles"
                      f" (model {output}{', trained on ' + str(since) if since else ''}); Ctrl-C stops")
        try:
            while not stop():
                count = wait_for_work(db, every, since, annotator, gold, stop, stop.event, poll)
                if count is None:
                    break

                def train(snapshot, keep):
                    return run_training(snapshot, label_schema, output, base=base, seed=seed, database=shown(db),
                                        settings=settings, console=console, should_stop=stop, keep=keep)

                def resuggest(store, model):
                    from annotator.cli.suggest_cmd import print_summary

                    summary = run_suggest(store, label_schema, model, console, should_stop=stop)
                    print_summary(summary)
                    return summary

                try:
                    done = learn_round(db, label_schema, output, base=base, seed=seed, settings=settings,
                                       annotator=annotator, gold=gold, should_stop=stop, train=train,
                                       resuggest=resuggest)
                except KeyboardInterrupt:
                    break
                verdict = "kept" if done.kept else "dropped (the current model does better)"
                print(f"round on {done.finished} finished articles: held-back F1 {done.new_f1:.3f} against "
                      f"{done.current_f1:.3f}: {verdict}", flush=True)
                since = count
                if once:
                    break
        finally:
            restore()
        if stop():
            print("stopped; the model folder holds the last kept model", flush=True)
