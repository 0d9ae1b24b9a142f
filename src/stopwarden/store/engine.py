"""The store's engine: a SQLite file or a PostgreSQL pool, connections and transactions, the schema's
migrations, and the DB-API path of the statements every evaluation runs. Each concern's queries are a
class of their own over it (store.py puts them together)."""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Self, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    create_engine,
    event,
    func,
    make_url,
    select,
)
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlalchemy.util import queue as sqla_queue

from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import STORE_URL_SCHEMES
from stopwarden.store import schema
from stopwarden.store.redact import redacting_logger

log = redacting_logger("stopwarden.store")  # its records quote database errors, which may quote a row

BUSY_TIMEOUT_MS = 1000  # a request must answer within its budget even when another process holds the lock
# PostgreSQL: a small pool per server, and every wait bounded so that a request still answers within its
# budget (failing open) when the database is slow or gone.
PG_POOL_SIZE = 4
PG_POOL_IDLE_S = 10.0  # a pooled connection unused this long is closed: an idle server holds none (`ShrinkingPool`)
PG_CONNECT_TIMEOUT_S = 2
PG_STATEMENT_TIMEOUT_MS = 2000
DOWN_RETRY_S = 1.0  # after failing to reach PostgreSQL, answer "unavailable" at once for this long
FLEET = "*"  # the settings scope of every project sharing the store
SETTINGS_CHANNEL = "stopwarden_settings"  # NOTIFY channel: a setting changed; the payload is its scope
# The LISTEN connection runs no statement while it waits, so only TCP keepalives find it dead when the
# database's host vanishes without closing it: after about idle + interval x count seconds.
LISTEN_KEEPALIVES: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}
LISTEN_WAKE_S = 2.0  # how often the waiting watcher looks at its stop flag (a timer, no statement)
MIGRATION_LOCK = 0x5707_0001  # pg_advisory_xact_lock key: two servers starting at once migrate one at a time


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


_T = TypeVar("_T")


class StoreUnavailable(StopwardenError):
    """The database cannot be opened, read or written; the gate fails open with `store_unavailable`."""


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
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


class StoreBase:
    """One engine and its transactions: `_write` (one transaction, SQLite's writers in this process behind
    one lock), `_read`, and `_hot` for the statements every evaluation runs on the driver's connection.
    The classes of each concern build on it; `store.Store` is all of them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.backend = engine.dialect.name  # "sqlite" or "postgresql"
        self._write_lock: AbstractContextManager[Any] = threading.Lock() if self.backend == "sqlite" else nullcontext()
        self._down_until: float = 0.0
        self._held = False  # see `hold`
        self._unheld = threading.local()
        # True while `watch_settings` listens: every change of a setting is then announced, so a cached copy
        # of them stays right until the announcement (gate/service.py) instead of expiring.
        self.listening = False

    @classmethod
    def open(cls, location: str, migrate: bool = True) -> Self:
        """Open (and by default migrate) the store at `location`, a SQLite file path or a PostgreSQL URL;
        StoreUnavailable when that fails."""
        try:
            store = cls(postgresql_engine(location) if is_url(location) else sqlite_engine(location))
            if migrate:
                store.migrate()
            return store
        except schema.SchemaTooNew:
            raise
        except Exception as e:
            raise StoreUnavailable(f"cannot open the database {safe_location(location)}: {e}") from e

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._write_lock, self._connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info["write"] = False

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._connect() as conn:
            yield conn

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A connection; StoreUnavailable when the database cannot be reached. After such a failure a
        PostgreSQL store answers StoreUnavailable at once for `DOWN_RETRY_S`, instead of making every
        request wait out its own connect timeout: requests must still answer within their budget."""
        self._check_available()
        try:
            conn = self.engine.connect()
        except (OperationalError, InterfaceError, PoolTimeout) as e:  # refused, gone, or every connection busy
            self._mark_down()
            raise StoreUnavailable(f"the database is unreachable: {first_line(e)}") from e
        try:
            with conn:
                yield conn
        except (OperationalError, InterfaceError) as e:
            # A lost connection (SQLAlchemy recycles the pool then) or a statement timeout: this call fails,
            # the next one connects afresh, and only a failure to connect says the database is away.
            raise StoreUnavailable(f"the database did not answer: {first_line(e)}") from e

    def _check_available(self) -> None:
        if time.monotonic() < self._down_until:
            raise StoreUnavailable("the database was unreachable a moment ago")
        if self._held and not getattr(self._unheld, "on", False):
            raise StoreUnavailable("the database is not ready for this stopwarden yet")

    def _hot(self, work: Callable[[Any], _T]) -> _T:
        """`work(cursor)` in one write transaction on a DB-API connection of the pool, without SQLAlchemy's
        per-statement machinery: for the statements every evaluation runs (`HotStatements`). A connection
        the database dropped while it sat in the pool (there is no ping per checkout) fails its first
        statement: it is thrown away and the work done once more on a fresh one. Never retried once COMMIT
        was sent, since the database may have committed it. StoreUnavailable as `_connect` says it."""
        self._check_available()
        dbapi = self.engine.dialect.loaded_dbapi
        for attempt in (1, 2):
            with self._write_lock:
                try:
                    raw = self.engine.raw_connection()
                # The pool hands the driver's own error on when it connects afresh.
                except (
                    OperationalError,
                    InterfaceError,
                    PoolTimeout,
                    dbapi.OperationalError,
                    dbapi.InterfaceError,
                ) as e:
                    self._mark_down()
                    raise StoreUnavailable(f"the database is unreachable: {first_line(e)}") from e
                committing = False
                try:
                    cursor = raw.cursor()
                    if self.backend == "sqlite":
                        cursor.execute("BEGIN IMMEDIATE")  # the write lock at once, as `sqlite_engine` says
                    done = work(cursor)
                    committing = True
                    raw.commit()
                    return done
                except (dbapi.OperationalError, dbapi.InterfaceError) as e:
                    dropped = self.engine.dialect.is_disconnect(e, raw.dbapi_connection, None)
                    if dropped:
                        raw.invalidate(e)
                    else:
                        quietly(raw.rollback)
                    if dropped and attempt == 1 and not committing:
                        continue
                    raise StoreUnavailable(f"the database did not answer: {first_line(e)}") from e
                except BaseException:
                    quietly(raw.rollback)
                    raise
                finally:
                    raw.close()  # back to the pool (or gone, when invalidated)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _mark_down(self) -> None:
        if self.backend == "postgresql":
            self._down_until = time.monotonic() + DOWN_RETRY_S

    def hold(self) -> None:
        """Answer StoreUnavailable to every caller but the one in `unheld`, until `release`: for a server
        that started without its database, which must migrate it before anything else touches it."""
        self._held = True

    def release(self) -> None:
        self._held = False

    @contextmanager
    def unheld(self) -> Iterator[None]:
        """This thread may use a held store (to migrate it)."""
        self._unheld.on = True
        try:
            yield
        finally:
            self._unheld.on = False

    @property
    def reachable(self) -> bool:
        """False while the store is held (`hold`) or a recent failure to reach the database holds (see
        `_connect`)."""
        return not self._held and time.monotonic() >= self._down_until

    # --- schema ---------------------------------------------------------------------------------------

    def migrate(self, target: int = schema.LATEST) -> list[str]:
        with self._write() as conn:
            if self.backend == "postgresql":
                conn.exec_driver_sql("SET LOCAL statement_timeout = 0")  # a migration may take longer than a request
                conn.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
            return schema.migrate(conn, time.time(), target)

    def schema_version(self) -> int:
        with self._read() as conn:
            return schema.current_version(conn)

    def round_trip_ms(self, tries: int = 5) -> float:
        """The median time of a trivial query, in milliseconds: what every request pays to reach the store."""
        times = []
        with self._read() as conn:
            for _ in range(tries):
                started = time.perf_counter()
                conn.execute(select(1)).scalar()
                times.append((time.perf_counter() - started) * 1000)
        return sorted(times)[len(times) // 2]


def first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def upsert(conn: Connection, table: Table) -> Any:
    """An INSERT that can say ON CONFLICT: both dialects have one, with the same API."""
    return dialect_of(conn.dialect.name).insert(table)


def dialect_of(backend: str) -> Any:
    """SQLAlchemy's module for the backend, imported when first used: a SQLite store never loads the
    PostgreSQL dialect (issue 20)."""
    return importlib.import_module(f"sqlalchemy.dialects.{'postgresql' if backend == 'postgresql' else 'sqlite'}")


def quietly(call: Callable[[], object]) -> None:
    """A clean-up that may fail on a connection already broken; the error that broke it is what counts."""
    try:
        call()
    except Exception:
        pass
