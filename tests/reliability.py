"""Helpers shared by the reliability tests (bad input, kills, hostile text, schema changes)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BAD = Path(__file__).resolve().parent / "data" / "bad"
ANNOTATOR_BIN = REPO / ".venv" / "bin" / "annotator"


def db_fingerprint(path: Path) -> str:
    """A hash of the database's whole content (schema and rows) plus its pragmas that matter.

    Reads through a normal connection: reading changes nothing; a -wal left behind is read too.
    """
    conn = sqlite3.connect(str(path))
    try:
        digest = hashlib.sha256()
        for pragma in ("user_version", "application_id"):
            digest.update(f"{pragma}={conn.execute(f'PRAGMA {pragma}').fetchone()[0]}\n".encode())
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
            digest.update(b"\n")
        return digest.hexdigest()
    finally:
        conn.close()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def copy_db(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


def big_schema(path: Path, size: int = 5_000_000) -> Path:
    """A syntactically fine schema of `size` bytes: one label and a very long description."""
    head = "labels:\n  - name: PERSON\n    description: "
    path.write_text(head + "x" * (size - len(head) - 1) + "\n", encoding="utf-8")
    return path


def big_single_line(path: Path, size: int = 10_000_000) -> Path:
    """`size` bytes of words and no newline: .txt as it is, .jsonl as one {"text": ...} line."""
    words = "the envoy said “talks will go on” in Geneva on Monday . "
    body = (words * (size // len(words) + 1))[: size - 20]
    if path.suffix == ".jsonl":
        path.write_text('{"text": "' + body + '"}', encoding="utf-8")
    else:
        path.write_text(body, encoding="utf-8")
    return path
