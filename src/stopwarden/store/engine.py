"""The store's engine: connections and transactions over the backend's engine (backends.py: a SQLite
file or a PostgreSQL pool), the schema's migrations, and the DB-API path of the statements every evaluation
runs. Each concern's queries are a class of their own over it (store.py puts them together)."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Self, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    func,
    select,
)
from sqlalchemy.exc import DatabaseError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from stopwarden.common.errors import StopwardenError, Unreadable
from stopwarden.store import backends, schema
from stopwarden.store.backends import safe_location
from stopwarden.store.redact import redacting_logger

log = redacting_logger("stopwarden.store")  # its records quote database errors, which may quote a row

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
CHECKPOINT_EVERY_S = 0.5  # how often a serving SQLite store checkpoints its WAL (`checkpoint_in_background`)
MIGRATION_LOCK = 0x5707_0001  # pg_advisory_xact_lock key: two servers starting at once migrate one at a time


_T = TypeVar("_T")


class StoreUnavailable(StopwardenError):
    """The database cannot be opened, read or written; the gate fails open with `store_unavailable`."""


def _unreachable(e: Exception) -> StoreUnavailable:
    """The error for a database that cannot be reached, with what the gate does meanwhile (an operator
    review: a command that needed it gave no hint at all)."""
    return StoreUnavailable(
        f"the database is unreachable: {first_line(e)}",
        hint="meanwhile the gate lets every stop through and its server keeps the events in its outbox; "
        "`stopwarden status` says whether the server runs",
    )


class StoreUnreadable(StoreUnavailable, Unreadable):
    """The project's SQLite file is no database (overwritten, truncated): every command that reads it fails."""


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
            store = cls(backends.for_location(location).engine(location))
            if migrate:
                store.migrate()
            return store
        except schema.SchemaTooNew:
            raise
        except Exception as e:
            raise StoreUnavailable(f"cannot open the database {safe_location(location)}: {first_line(e)}") from e

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
            raise _unreachable(e) from e
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
                    raise _unreachable(e) from e
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

    def checkpoint_in_background(self, stop: threading.Event, every_s: float = CHECKPOINT_EVERY_S) -> None:
        """On SQLite, copy the WAL into the database file every `every_s` on a thread of its own, until `stop`.

        A commit that leaves the WAL long checkpoints it at once, on the committing thread: in the server
        that is the event loop, where the checkpoint's writes and fsyncs held up every request in flight
        (issue 20). A PASSIVE checkpoint takes no lock a writer needs, and the driver lets go of the GIL
        while it runs.
        `backends.WAL_AUTOCHECKPOINT_PAGES` stays the backstop if this thread falls behind."""
        if self.backend != "sqlite":
            return  # PostgreSQL checkpoints on its own
        thread = threading.Thread(target=self._checkpoint_until, args=(stop, every_s), name="wal-checkpoint")
        thread.daemon = True
        thread.start()

    def _checkpoint_until(self, stop: threading.Event, every_s: float) -> None:
        failing = False  # said once when it starts failing and once when it works again, not twice a second
        while not stop.wait(every_s):
            try:
                raw = self.engine.raw_connection()
                try:
                    raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                finally:
                    raw.close()
            except Exception as e:  # the next round tries again, and the commits' own backstop holds meanwhile
                if not failing:
                    log.warning("checkpointing the WAL failed (the commits checkpoint meanwhile): %s", first_line(e))
                failing = True
            else:
                if failing:
                    log.info("checkpointing the WAL works again")
                failing = False

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
        """The schema's version; StoreUnavailable when the database cannot be read at all (a file that is no
        database), which every command reads first: one clear error rather than a crash in the command."""
        try:
            with self._read() as conn:
                return schema.current_version(conn)
        except DatabaseError as e:
            if self.backend != "sqlite":  # a shared database: its rights, its tables; never "move it aside"
                raise StoreUnavailable(f"the database cannot be read: {first_line(e)}") from e
            raise StoreUnreadable(
                f"the database cannot be read: {first_line(e)}",
                hint="restore it from a backup, or move it aside to start a new log (`stopwarden store check`)",
            ) from e

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


def compile_for_driver(engine: Engine, statement: Any) -> str:
    """`statement`'s SQL for the DB-API driver of `engine`, with named parameters (`:name` for sqlite3,
    `%(name)s` for psycopg): for the statements `StoreBase._hot` runs, compiled once per store."""
    backend = engine.dialect.name
    dialect = engine.dialect if backend == "postgresql" else dialect_of(backend).dialect(paramstyle="named")
    return str(statement.compile(dialect=dialect))


def quietly(call: Callable[[], object]) -> None:
    """A clean-up that may fail on a connection already broken; the error that broke it is what counts."""
    try:
        call()
    except Exception:
        pass
