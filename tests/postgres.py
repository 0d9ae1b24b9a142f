"""A throwaway PostgreSQL server for the tests (SPEC §13): Debian's `postgresql` binaries, a cluster made
with `initdb` in a temporary folder and started with `pg_ctl` on a free loopback port. Never a mock.

As root, the cluster is made and run as the `postgres` user (PostgreSQL refuses to run as root), in a
folder of its own under /tmp that user can reach. Authentication is `trust` on loopback: the suite's
cluster holds nothing and lives only as long as the test session.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

REQUIRED_ENV = "STOPWARDEN_POSTGRES_REQUIRED"  # "1": a missing PostgreSQL fails the tests instead of skipping


def find_bin_dir() -> str | None:
    """Where `initdb` and `pg_ctl` are: on PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return os.path.dirname(os.path.realpath(on_path))
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return os.path.dirname(found[-1]) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """One PostgreSQL server: `start()`, `stop()`, `create_database()`, `url()`."""

    def __init__(self, bin_dir: str) -> None:
        self.bin_dir = bin_dir
        self.folder = tempfile.mkdtemp(prefix="stopwarden-pg-")
        self.data = os.path.join(self.folder, "data")
        self.port = free_port()
        self.user = "postgres"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            entry = pwd.getpwnam("postgres")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", self.user, "-E", "UTF8", "--no-sync")
        self._databases = 0
        # pg_stat_statements (in Debian's postgresql package) counts every statement each database runs.
        self.counts_statements = os.path.exists(os.path.join(bin_dir, "..", "lib", "pg_stat_statements.so"))

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self._as, os.path.join(self.bin_dir, tool), *args], capture_output=True,
                              text=True, timeout=60, cwd=self.folder)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} failed ({done.returncode}): {done.stderr or done.stdout}")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off -c max_connections=200"
        if self.counts_statements:
            options += " -c shared_preload_libraries=pg_stat_statements"
        self._run("pg_ctl", "start", "-w", "-D", self.data, "-l", os.path.join(self.folder, "server.log"),
                  "-o", options)  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", self.data)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        self._databases += 1
        name = f"t{os.getpid()}_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        return Path(self.folder, "server.log").read_text(errors="replace")

    def destroy(self) -> None:
        try:
            self._run("pg_ctl", "stop", "-m", "immediate", "-D", self.data)
        except RuntimeError:
            pass  # not running
        shutil.rmtree(self.folder, ignore_errors=True)


def connections(url: str) -> list[tuple[str, str]]:
    """(application name, last statement) of every other connection to `url`'s database."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT application_name, query FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchall()
    return [(str(name), str(query)) for name, query in rows]


def statements(url: str) -> int:
    """How many statements `url`'s database has run (pg_stat_statements; these reads not counted)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        row = conn.execute(
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND query NOT LIKE '%pg_stat_statements%'"
        ).fetchone()
    return int(row[0]) if row else 0
