"""A real PostgreSQL server for the tests and benchmarks, started from the binaries the `pgserver`
package ships (the dev extra), else from `initdb`/`postgres` on PATH; ANNOTATOR_PG_BIN=FOLDER picks others.

PostgreSQL refuses to run as root (CI runs as root): then the server runs as an unprivileged
system user (`annotator-pg`, made with useradd when missing), its folder owned by that user.
Each server listens on 127.0.0.1 at a free port with trust authentication, and goes away with the
process that started it (stop()). `fast=True` (tests): no fsync; the benchmark keeps the defaults.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_USER = "annotator-pg"


class Unavailable(Exception):
    """No PostgreSQL can be started here (the reason says why)."""


def binaries() -> Path:
    chosen = os.environ.get("ANNOTATOR_PG_BIN")  # a folder with initdb and pg_ctl: another PostgreSQL version
    if chosen:
        return Path(chosen)
    import importlib.util

    spec = importlib.util.find_spec("pgserver")  # found, not imported: importing it starts its own machinery
    if spec is not None and spec.origin:
        shipped = Path(spec.origin).parent / "pginstall" / "bin"
        if (shipped / "initdb").exists():
            return shipped
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    raise Unavailable("no PostgreSQL binaries: install the dev extra (pgserver) or put initdb and pg_ctl on PATH")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _system_user() -> tuple[int, int] | None:
    """(uid, gid) to run the server as when we are root; None when we are not."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        entry = pwd.getpwnam(PG_USER)
    except KeyError:
        try:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                           check=True, capture_output=True, text=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            problem = exc
        else:
            problem = None
        try:  # the other pytest worker may have made it in the same moment
            entry = pwd.getpwnam(PG_USER)
        except KeyError:
            raise Unavailable(f"running as root and cannot make the user {PG_USER} for PostgreSQL: {problem}") from None
    return entry.pw_uid, entry.pw_gid


def _traversable(path: Path) -> None:
    """Let the server's user reach `path` (the binaries may live under a folder only root may enter)."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & 0o001:
            folder.chmod(mode | 0o011)


@dataclass
class Server:
    base: Path
    port: int
    bin: Path
    as_user: tuple[int, int] | None

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        kwargs: dict = {}
        if self.as_user is not None:
            kwargs = {"user": self.as_user[0], "group": self.as_user[1], "extra_groups": []}
        return subprocess.run([str(self.bin / args[0]), *args[1:]], capture_output=True, text=True, timeout=timeout,
                              cwd=self.base, env={**os.environ, "LC_ALL": "C", "LANG": "C"}, **kwargs)

    def stop(self) -> None:
        if not self.base.exists():
            return  # stopped already
        self._run("pg_ctl", "-D", str(self.base / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)


def start(fast: bool = True) -> Server:
    """A new server in a new folder under the temporary folder (which every user can enter)."""
    bin = binaries()
    as_user = _system_user()
    base = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
    if as_user is not None:
        os.chown(base, *as_user)
        _traversable(bin)
        _traversable(bin.parent / "lib")
    server = Server(base, _free_port(), bin, as_user)
    done = server._run("initdb", "-D", str(base / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                       "--locale=C", "--no-sync")
    if done.returncode:
        shutil.rmtree(base, ignore_errors=True)
        raise Unavailable(f"initdb failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    options = f"-h 127.0.0.1 -p {server.port} -k {base} -c max_connections=60"
    if fast:
        options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    done = server._run("pg_ctl", "-D", str(base / "data"), "-l", str(base / "log"), "-o", options, "-w", "-t", "60",
                       "start")
    if done.returncode:
        log = (base / "log").read_text(errors="replace") if (base / "log").exists() else done.stderr
        shutil.rmtree(base, ignore_errors=True)
        raise Unavailable(f"PostgreSQL did not start: {log.strip().splitlines()[-1:]}")
    atexit.register(server.stop)  # a run that ends without its teardown leaves no server behind
    return server
