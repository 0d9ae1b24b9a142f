"""The databases a store can live in, one `Backend` each, in one registry (`BACKENDS`): which locations
each one takes and how its SQLAlchemy engine is made. A SQLite file is the embedded default; PostgreSQL is
the shared store of a team. Adding one: a class with these members, its entry in `BACKENDS` (before the
SQLite fallback, which takes any path), its URL scheme in `names.STORE_URL_SCHEMES` if it has one, and the
store's tests run on it (tests/store/conftest.py)."""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from typing import Any, Final, Protocol

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlalchemy.util import queue as sqla_queue

from stopwarden.common.names import STORE_URL_SCHEMES

BUSY_TIMEOUT_MS = 1000  # a request must answer within its budget even when another process holds the lock
# A connection checkpoints the WAL into the database file when a commit leaves it this many pages long. The
# server checkpoints in the background (`StoreBase.checkpoint_in_background`), off the event loop that
# commits; this much higher than SQLite's 1,000 (4 MB) is the backstop for when that falls behind, and the
# checkpoint of a process without a server (the CLI's writes, the last connection's close).
WAL_AUTOCHECKPOINT_PAGES = 10_000
# Under a sustained burst the WAL reaches the backstop's length (~40 MB); once the burst is over and the WAL
# starts again from its beginning, the file is cut back to this.
WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024
# PostgreSQL: a small pool per server, and every wait bounded so that a request still answers within its
# budget (failing open) when the database is slow or gone.
PG_POOL_SIZE = 4
PG_POOL_IDLE_S = 10.0  # a pooled connection unused this long is closed: an idle server holds none (`ShrinkingPool`)
PG_CONNECT_TIMEOUT_S = 2
PG_STATEMENT_TIMEOUT_MS = 2000


def is_url(location: str) -> bool:
    """Whether `location` names a PostgreSQL database rather than a SQLite file."""
    return location.startswith(STORE_URL_SCHEMES)


def safe_location(location: str) -> str:
    """`location` fit to print or log: a URL's password masked (in its user part or as a `password`
    parameter); a URL too malformed to take apart is not shown at all."""
    if not is_url(location):
        return location
    try:
        url = make_url(location)
        if "password" in url.query:
            url = url.update_query_dict({"password": "***"})
        return url.render_as_string(hide_password=True)
    except Exception:
        return "the configured PostgreSQL URL (malformed)"


class _StampedQueue(sqla_queue.Queue[ConnectionPoolEntry]):
    """The idle connections of a `ShrinkingPool`, last in first out, each with the time it came back."""

    def __init__(self, maxsize: int = 0, use_lifo: bool = True) -> None:
        # Always LIFO: the busiest connection is reused, so the ones a quieter load leaves idle age out.
        super().__init__(maxsize, use_lifo=True)

    def _init(self, maxsize: int) -> None:
        super()._init(maxsize)
        self.returned: deque[float] = deque()  # beside `queue`: when each came back, oldest first

    def _put(self, item: ConnectionPoolEntry) -> None:
        super()._put(item)
        self.returned.append(time.monotonic())

    def _get(self) -> ConnectionPoolEntry:
        self.returned.pop()
        return super()._get()

    def oldest(self) -> float | None:
        """When the connection idle longest came back; None when none is idle."""
        with self.mutex:
            return self.returned[0] if self.returned else None

    def take_idle(self, since: float) -> list[ConnectionPoolEntry]:
        """Take out every connection idle since before `since`."""
        taken = []
        with self.mutex:
            while self.returned and self.returned[0] < since:
                self.returned.popleft()
                taken.append(self.queue.popleft())
            if taken:
                self.not_full.notify(len(taken))
        return taken


class ShrinkingPool(QueuePool):
    """A QueuePool that opens connections on demand (as QueuePool does) and closes each one left unused
    for `idle_s`, which QueuePool never does: a server between bursts holds no connection, so a database
    serves as many idle servers as it likes. A thread of its own runs only while a connection is idle."""

    _queue_class = _StampedQueue
    _pool: _StampedQueue
    idle_s = PG_POOL_IDLE_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shrinking = False
        self._shrink_lock = threading.Lock()

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        super()._do_return_conn(record)
        with self._shrink_lock:
            if self._shrinking:
                return
            self._shrinking = True
        threading.Thread(target=self._shrink, name="pool-shrink", daemon=True).start()

    def _shrink(self) -> None:
        while True:
            with self._shrink_lock:
                oldest = self._pool.oldest()
                if oldest is None:  # nothing idle: the next connection back starts this again
                    self._shrinking = False
                    return
            time.sleep(max(0.0, oldest + self.idle_s - time.monotonic()) + 0.01)
            for record in self._pool.take_idle(time.monotonic() - self.idle_s):
                try:
                    record.close()
                finally:
                    self._dec_overflow()  # the accounting QueuePool keeps when it closes one itself

    def recreate(self) -> ShrinkingPool:
        fresh = super().recreate()
        assert isinstance(fresh, ShrinkingPool)
        fresh.idle_s = self.idle_s
        return fresh


def postgresql_engine(url: str, idle_s: float = PG_POOL_IDLE_S) -> Engine:
    """An engine for a PostgreSQL URL, through psycopg 3, whose pool closes a connection unused for
    `idle_s`. The password, if any, comes from the URL as given (the environment, never the committed
    config), `PGPASSWORD`, `~/.pgpass` or a service file: libpq reads those itself."""
    engine = create_engine(
        "postgresql+psycopg://" + url.split("://", 1)[1],
        poolclass=ShrinkingPool,
        pool_size=PG_POOL_SIZE,
        max_overflow=PG_POOL_SIZE,
        pool_timeout=PG_CONNECT_TIMEOUT_S,
        # No ping per checkout (a round trip on every request): a connection the database dropped is found
        # by its first statement instead; SQLAlchemy then recycles the pool, and `Store._hot` retries once.
        pool_pre_ping=False,
        connect_args={
            "connect_timeout": PG_CONNECT_TIMEOUT_S,
            "options": f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}",
            "application_name": "stopwarden",
        },
    )
    assert isinstance(engine.pool, ShrinkingPool)
    engine.pool.idle_s = idle_s
    return engine


def sqlite_engine(path: str) -> Engine:
    """An engine for the SQLite file at `path` (created 0600), in WAL mode with a busy timeout."""
    if not os.path.exists(path):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    engine = create_engine(
        f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy own transactions, and take the write lock at BEGIN rather than mid-way (no
        # upgrade deadlocks between two writers), as the pysqlite dialect docs recommend.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


class Backend(Protocol):
    """One kind of database a store can live in."""

    @property
    def name(self) -> str: ...  # SQLAlchemy's dialect name, which `Store.backend` reports

    def takes(self, location: str) -> bool:
        """Whether `location` (a path or a URL, as `store_url` or `--store` give it) is this backend's."""
        ...

    def engine(self, location: str) -> Engine:
        """A new engine for the database at `location`."""
        ...


class PostgreSQL:
    name = "postgresql"

    def takes(self, location: str) -> bool:
        return is_url(location)

    def engine(self, location: str) -> Engine:
        return postgresql_engine(location)


class SQLite:
    name = "sqlite"

    def takes(self, location: str) -> bool:
        return True  # any path: the fallback, last in BACKENDS

    def engine(self, location: str) -> Engine:
        return sqlite_engine(location)


# In the order they are asked whether they take a location; the first that does is the store's.
BACKENDS: Final[tuple[Backend, ...]] = (PostgreSQL(), SQLite())


def for_location(location: str) -> Backend:
    return next(backend for backend in BACKENDS if backend.takes(location))
