"""Telling a PostgreSQL URL from an SQLite path, and showing a URL without its password.

Light on purpose: the command line reads `--db` through here before anything heavy is imported.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")


def is_url(db: str | Path) -> bool:
    """A PostgreSQL URL (`postgresql://` or `postgres://`); anything else is an SQLite file path."""
    return isinstance(db, str) and db.lower().startswith(SCHEMES)


def database(db: str | Path) -> str | Path:
    """What `--db` names: a URL as it is (a Path would fold its `//`), else a path."""
    return db if is_url(db) else Path(db)


def redact(url: str) -> str:
    """The URL without its password (in the user part or as ?password=), to print."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.partition(':')[0]}@{host}"
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"])
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return url.split("://", 1)[0] + "://…"


def shown(db: str | Path) -> str:
    """How messages name the database: a path as it is, a URL without its password."""
    return redact(db) if is_url(db) else str(db)
