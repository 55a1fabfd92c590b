"""The model in the loop on the bundled seeds (issue 16's demo), end to end through the CLI.

Imports seeds/ into a fresh database, has one annotator finish the first N articles through
AnnotationSession (the calls the app's keys make): every suggested entity accepted, except the
small model's well-known mistakes, relabelled (Staffan de Mistura: PERSON, Tahrir al-Sham: ORG,
Douma: GPE, wherever they are suggested). Then `annotator train` and `annotator suggest` twice,
and prints what changed: the untouched articles' suggestions, and a digest of every opened
article's spans and decisions before and after (they must not change), and `stats --corrections`.

    python benchmarks/seed_loop.py [--finish 12] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.schema import load_schema  # noqa: E402
from annotator.session import AnnotationSession  # noqa: E402
from annotator.store import Store, learning  # noqa: E402

FIXES = {"Staffan de Mistura": "PERSON", "Tahrir al-Sham": "ORG", "Douma": "GPE"}


def cli(*args: str) -> tuple[str, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode:
        sys.exit(f"annotator {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout, time.perf_counter() - started


def finish_articles(db: Path, schema_path: Path, count: int) -> dict[str, int]:
    """What the annotator did: accepted and relabelled spans, over `count` articles."""
    tally = {"articles": 0, "accepted": 0, "relabelled": 0}
    with Store(db) as store:
        session = AnnotationSession(store, load_schema(schema_path), "alice")
        for _ in range(count):
            loaded = session.open()
            if loaded.article is None:
                break
            text = loaded.article.text
            for span in loaded.spans:
                if span.kind != "entity":
                    continue
                label = FIXES.get(text[span.start:span.end])
                if label and label != span.label:
                    session.accept(span, label)
                    tally["relabelled"] += 1
                else:
                    session.accept(span)
                    tally["accepted"] += 1
            session.finish(loaded.article.id, session.store.spans(loaded.article.id, "alice"))
            tally["articles"] += 1
    return tally


def snapshot(db: Path) -> tuple[dict[int, str], dict[int, set[tuple]]]:
    """Per article, by the store's own rule of untouched (what suggest may replace): a digest of the
    spans and decisions of each touched one, and the suggestions of each untouched one."""
    digests: dict[int, str] = {}
    untouched: dict[int, set[tuple]] = {}
    with Store(db) as store:
        conn = store.conn
        for (article_id,) in conn.execute("SELECT id FROM articles ORDER BY id").fetchall():
            if learning.still_untouched(conn, article_id):
                untouched[article_id] = learning.suggestions_of(conn, article_id)[0]
                continue
            rows = [conn.execute(f"SELECT * FROM {table} WHERE article_id = ? ORDER BY 1, 2", (article_id,)).fetchall()
                    for table in ("spans", "states")]
            digests[article_id] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests, untouched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--finish", type=int, default=12, help="Articles the annotator finishes.")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--schema", type=Path, default=ROOT / "schemas" / "news.yaml")
    parser.add_argument("--keep", type=Path, help="Keep the database and model in this folder.")
    options = parser.parse_args()

    work = options.keep or Path(tempfile.mkdtemp(prefix="seed-loop-"))
    work.mkdir(parents=True, exist_ok=True)
    db, model = work / "seeds.db", work / "models" / "seeds"
    db.unlink(missing_ok=True)
    shutil.rmtree(model, ignore_errors=True)

    out, took = cli("import", "--db", str(db), "--schema", str(options.schema), str(options.seeds))
    print(f"import: {took:.1f} s\n{out.strip()}")
    tally = finish_articles(db, options.schema, options.finish)
    print(f"finished {tally['articles']} articles: {tally['accepted']} entities accepted, "
          f"{tally['relabelled']} relabelled")
    print(cli("stats", "--db", str(db), "--corrections")[0].rstrip())

    before, suggested_before = snapshot(db)
    out, took = cli("train", "--db", str(db), "-o", str(model), "--schema", str(options.schema), "--seed", "0")
    print(f"train: {took:.1f} s (the whole command)\n{out.rstrip()}")
    runs = []
    for run in (1, 2):
        out, took = cli("suggest", "--db", str(db), "--model", str(model), "--schema", str(options.schema))
        print(f"suggest, run {run}: {took:.1f} s\n{out.rstrip()}")
        runs.append(snapshot(db))
    (_, suggested_first), (after, suggested_second) = runs  # opened articles: after both runs

    changed_opened = [a for a in before if after.get(a) != before[a]]
    changed_untouched = [a for a in suggested_before if suggested_before[a] != suggested_first.get(a)]
    second_run = [a for a in suggested_second if suggested_second[a] != suggested_first.get(a)]
    print(f"opened articles: {len(before)}, changed by suggest: {len(changed_opened)}")
    print(f"untouched articles: {len(suggested_before)}, suggestions changed: {len(changed_untouched)}, "
          f"changed again by the second run: {len(second_run)}")
    for article_id in changed_untouched:
        old, new = suggested_before[article_id], suggested_first[article_id]
        print(f"  article {article_id}: -{len(old - new)} +{len(new - old)}")
    print(cli("stats", "--db", str(db))[0].rstrip())
    if changed_opened or second_run:
        sys.exit("suggest changed an opened article or changed something the second time")


if __name__ == "__main__":
    main()
