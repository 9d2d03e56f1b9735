"""A throwaway PostgreSQL cluster on loopback (initdb in a temp dir), for tests and benchmarks.

Used by tests marked ``postgres``: in CI (CI=true) failing to start is a test failure, elsewhere
the tests skip with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"),
               Path("/usr/lib/postgresql/17/bin")]


class PgUnavailable(Exception):
    pass


def _bin(name: str) -> str:
    for d in PG_BIN_DIRS:
        if (d / name).exists():
            return str(d / name)
    found = shutil.which(name)
    if not found:
        raise PgUnavailable(f"{name} not found (install Debian package postgresql)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def cluster(extra_conf: dict[str, str] | None = None) -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh database; the cluster is removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="pgsandbox-"))
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:  # initdb refuses to run as root
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            raise PgUnavailable("running as root and there is no 'postgres' user") from None
        os.chown(root, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, sock = root / "data", root
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}

    def sh(*cmd: str, timeout: float = 60) -> None:
        r = subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=timeout,
                           env=env)
        if r.returncode != 0:
            raise PgUnavailable(f"{cmd[0]} failed: {r.stderr.strip()[-400:]}")

    try:
        sh(_bin("initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "-E", "UTF8",
           "--no-sync")
        conf = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(port),
            "unix_socket_directories": f"'{sock}'",
            "fsync": "off",  # throwaway cluster: durability is not under test
            "max_connections": "200",
            **(extra_conf or {}),
        }
        with open(data / "postgresql.conf", "a") as f:
            f.writelines(f"{k} = {v}\n" for k, v in conf.items())
        sh(_bin("pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "30", "start")
        try:
            url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
            _wait(url)
            yield url
        finally:
            subprocess.run([*prefix, _bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _wait(url: str, timeout: float = 20) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg", "postgresql")
    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(dsn, connect_timeout=2).close()
            return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise PgUnavailable(f"server did not accept connections: {exc}") from None
            time.sleep(0.1)
