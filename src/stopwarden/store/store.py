"""The store: every read and write of the decision log and the gate's persistent state (SPEC §7.1, §13).

The server and the CLI both call these methods; neither writes SQL of its own. Two backends sit behind
the one class, told apart by where the store is: a file path is the project's SQLite database, a
`postgresql://` URL a PostgreSQL database a fleet shares. Each public write method is one transaction: it
commits as a whole or not at all. With SQLite, writes in this process go through one lock (SQLite has a
single writer anyway, and waiting on a Python lock is cheaper than retrying on SQLITE_BUSY); other
processes, such as a CLI command while the server runs, wait on SQLite's busy timeout. PostgreSQL takes
concurrent writers itself; what must hold across servers is written as one atomic statement.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    bindparam,
    case,
    create_engine,
    delete,
    event,
    false,
    func,
    insert,
    literal_column,
    make_url,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlalchemy.util import queue as sqla_queue

from stopwarden.errors import StopwardenError
from stopwarden.names import AUTHORITY_FAILURES, NO_VERDICT_FAIL_OPEN_KINDS, STORE_URL_SCHEMES
from stopwarden.store import schema
from stopwarden.store.redact import redact, redacting_logger, stored

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


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.backend = engine.dialect.name  # "sqlite" or "postgresql"
        self._write_lock: AbstractContextManager[Any] = threading.Lock() if self.backend == "sqlite" else nullcontext()
        self._down_until: float = 0.0
        self._held = False  # see `hold`
        self._unheld = threading.local()
        self._statements = _hot_statements(engine)
        # True while `watch_settings` listens: every change of a setting is then announced, so a cached copy
        # of them stays right until the announcement (gate/decide.py) instead of expiring.
        self.listening = False

    @classmethod
    def open(cls, location: str, migrate: bool = True) -> Store:
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
            raise StoreUnavailable(f"the database is unreachable: {_first_line(e)}") from e
        try:
            with conn:
                yield conn
        except (OperationalError, InterfaceError) as e:
            # A lost connection (SQLAlchemy recycles the pool then) or a statement timeout: this call fails,
            # the next one connects afresh, and only a failure to connect says the database is away.
            raise StoreUnavailable(f"the database did not answer: {_first_line(e)}") from e

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
                    raise StoreUnavailable(f"the database is unreachable: {_first_line(e)}") from e
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
                        _quietly(raw.rollback)
                    if dropped and attempt == 1 and not committing:
                        continue
                    raise StoreUnavailable(f"the database did not answer: {_first_line(e)}") from e
                except BaseException:
                    _quietly(raw.rollback)
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

    # --- settings: mode, kill switch, and what else must survive a restart ------------------------------

    def settings(self, scopes: tuple[str, ...] = (FLEET,)) -> dict[str, dict[str, str]]:
        """Scope -> its settings, for each of `scopes` (an empty dict for a scope with none)."""
        c = schema.settings.c
        found: dict[str, dict[str, str]] = {scope: {} for scope in scopes}
        with self._read() as conn:
            for scope, key, value in conn.execute(select(c.scope, c.key, c.value).where(c.scope.in_(scopes))):
                found[scope][key] = value
        return found

    def put_settings(self, values: dict[str, str], now: float, scope: str = FLEET) -> None:
        """Set several settings of one scope in one transaction (e.g. the kill switch and its reason). On
        PostgreSQL the same transaction notifies every server listening (`watch_settings`)."""
        with self._write() as conn:
            for key, value in values.items():
                stmt = _upsert(conn, schema.settings).values(scope=scope, key=key, value=value, updated_at=now)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["scope", "key"], set_={"value": value, "updated_at": now}
                    )
                )
            if self.backend == "postgresql":
                conn.execute(select(func.pg_notify(SETTINGS_CHANNEL, scope)))

    def watch_settings(
        self, changed: Callable[[], None], stop: threading.Event, poll_s: float = 2.0, listen_url: str = ""
    ) -> None:
        """Call `changed()` whenever any server changes a setting, until `stop` is set (run it on a thread
        of its own). PostgreSQL: `LISTEN` on a connection of its own (to `listen_url`, when the store's URL
        is a transaction-pooling proxy, where LISTEN hears nothing), which then runs no statement at all:
        `changed()` runs once on listening (for whatever changed while nobody listened) and once per
        notification, and `listening` is True meanwhile, so no one else need poll either. While it cannot
        listen (the database away, the connection dropped, LISTEN refused), `changed()` runs every
        `poll_s`, and LISTEN is tried again as often. SQLite has one server per store: nothing to watch."""
        if self.backend != "postgresql":
            return
        import psycopg

        url = listen_url or self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        polling = False
        while not stop.is_set():
            try:
                with psycopg.connect(
                    url, autocommit=True, connect_timeout=PG_CONNECT_TIMEOUT_S, application_name="stopwarden-listen",
                    **LISTEN_KEEPALIVES,
                ) as conn:  # fmt: skip
                    conn.execute(f"LISTEN {SETTINGS_CHANNEL}")
                    self.listening = True
                    if polling:
                        log.info("settings: listening again")
                        polling = False
                    changed()
                    while not stop.is_set():
                        # Waits on the socket: a dropped connection (or a keepalive that went unanswered)
                        # raises here; a timeout only lets the loop look at `stop`.
                        for _ in conn.notifies(timeout=LISTEN_WAKE_S, stop_after=1):
                            changed()
            except Exception as e:  # the database went away, or LISTEN is refused: poll until it is back
                if not polling:
                    log.warning("settings: not listening (%s); polling every %.0f s", _first_line(e), poll_s)
                    polling = True
            finally:
                self.listening = False
            if not stop.is_set():
                changed()
                stop.wait(poll_s)

    # --- sessions -------------------------------------------------------------------------------------

    def record_session(self, session_id: str, agent: str, started_at: float, source: str) -> bool:
        """Record a session start; the first start wins. True when this call recorded it."""
        with self._write() as conn:
            stmt = _upsert(conn, schema.sessions).values(
                session_id=session_id, agent=agent, started_at=started_at, source=source
            )
            # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT through SQLAlchemy.
            stmt = stmt.on_conflict_do_nothing(index_elements=["session_id"]).returning(schema.sessions.c.session_id)
            return conn.execute(stmt).first() is not None

    def session_start(self, session_id: str) -> float | None:
        with self._read() as conn:
            row = conn.execute(
                select(schema.sessions.c.started_at).where(schema.sessions.c.session_id == session_id)
            ).first()
        return float(row[0]) if row else None

    # --- events ---------------------------------------------------------------------------------------

    def record_event(self, row: dict[str, Any], counts_continue: bool = False, ceiling: int = 0) -> Recorded:
        """Store one evaluation, in one transaction of statements built once (this runs on every request).
        With `counts_continue`, the session's continue counter goes up in the same transaction, and only
        while it is under `ceiling`: one atomic statement, so neither two requests at once nor two servers
        sharing the store can pass it. An event whose continue was refused is stored as the `force_allow`
        it became."""
        values = event_columns(row)
        hot = self._statements

        def work(cursor: Any) -> Recorded:  # may run twice (see `_hot`): it changes nothing of its own
            continues, stored = None, values
            if counts_continue:
                cursor.execute(hot.add_continue, {"session_id": str(row.get("session_id", "")), "ceiling": ceiling})
                counted = cursor.fetchone()  # a row when it was counted, none when refused
                if counted is None:
                    stored = values | {"decision": "force_allow", "short_circuit": "ceiling"}
                else:
                    continues = int(counted[0])
            cursor.execute(hot.insert_event, stored)
            return Recorded(int(cursor.fetchone()[0]), not counts_continue or continues is not None, continues)

        return self._hot(work)

    def import_events(self, columns: list[dict[str, Any]]) -> int:
        """Store events decided while the database was away (`event_columns` each, from a server's outbox),
        in their order, in one transaction; one whose `event_uid` is already stored is skipped. Returns how
        many were new."""
        added = 0
        with self._write() as conn:
            for values in columns:
                stmt = _upsert(conn, schema.events).values(**values)
                stmt = stmt.on_conflict_do_nothing(index_elements=["event_uid"]).returning(schema.events.c.event_id)
                added += conn.execute(stmt).first() is not None
        return added

    def events(
        self,
        limit: int = 50,
        decision: str | None = None,
        since: float | None = None,
        session: str | None = None,
        annotated: bool | None = None,
        offset: int = 0,
        project: str | None = None,
        host: str | None = None,
        judged: bool | None = None,
    ) -> list[dict[str, Any]]:
        """The decision log, newest first; each event with its latest annotation (or None). A store a fleet
        shares holds every project's events: `project` and `host` narrow it to one; `judged` to the events
        readiness counts (the authority's verdicts), or to the others."""
        e, a = schema.events.c, schema.annotations.c
        # (ts, event_id) is the order of every events index (the rowid ends each one), so whichever index a
        # filter picks also gives the order: a page costs the same with a million rows, filtered or not.
        query = select(schema.events).order_by(e.ts.desc(), e.event_id.desc()).limit(limit).offset(offset)
        if annotated is not None:
            noted = select(a.event_id).where(a.event_id == e.event_id).exists()
            query = query.where(noted if annotated else ~noted)
        if decision and session:
            # A session is the narrower filter: keep the planner on its index (an expression on
            # `decision` cannot use the decision index), or it walks every event of that decision.
            query = query.where(func.lower(e.decision) == decision)
        elif decision:
            query = query.where(e.decision == decision)
        if since is not None:
            query = query.where(e.ts >= since)
        if session:
            query = query.where(e.session_id == session)
        if judged is not None:
            query = query.where(and_(*_JUDGED) if judged else not_(and_(*_JUDGED)))
        query = _of(query, project, host)
        with self._read() as conn:
            events = [_event_out(dict(r._mapping)) for r in conn.execute(query)]
            latest = _latest_annotations(conn, [ev["event_id"] for ev in events])
        for found in events:
            found["annotation"] = latest.get(found["event_id"])
        return events

    def event(self, event_id: int) -> dict[str, Any] | None:
        with self._read() as conn:
            row = conn.execute(select(schema.events).where(schema.events.c.event_id == event_id)).first()
            if row is None:
                return None
            found = _event_out(dict(row._mapping))
            found["annotation"] = _latest_annotations(conn, [event_id]).get(event_id)
        return found

    # --- annotations and the operator log ------------------------------------------------------------------

    def add_annotation(
        self, event_id: int, operator: str, verdict: str, rationale: str, dwell_ms: int, now: float
    ) -> dict[str, Any] | None:
        """Record an operator's verdict on an event; None when there is no such event. One transaction."""
        values = {"event_id": event_id, "operator": redact(operator)[:200], "verdict": verdict,
                  "rationale": redact(rationale)[:4000], "dwell_ms": dwell_ms, "created_at": now}  # fmt: skip
        with self._write() as conn:
            if (
                conn.execute(select(schema.events.c.event_id).where(schema.events.c.event_id == event_id)).first()
                is None
            ):
                return None
            key = conn.execute(insert(schema.annotations).values(**values)).inserted_primary_key
        return {"annotation_id": int(key[0]) if key else 0, **values}

    def annotations(self, event_id: int) -> list[dict[str, Any]]:
        a = schema.annotations.c
        query = select(schema.annotations).where(a.event_id == event_id).order_by(a.annotation_id)
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def log_operator(self, action: str, detail: str, now: float) -> None:
        with self._write() as conn:
            conn.execute(insert(schema.operator_log).values(ts=now, action=action, detail=redact(detail)[:2000]))

    def operator_log(self, since: float, limit: int = 100) -> list[dict[str, Any]]:
        o = schema.operator_log.c
        query = select(o.ts, o.action, o.detail).where(o.ts >= since).order_by(o.ts.desc()).limit(limit)
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # --- the report ----------------------------------------------------------------------------------------

    def daily_counts(self, since: float, project: str | None = None) -> list[dict[str, Any]]:
        """Per UTC day since `since`: counts per decision, per rule and per failure kind."""
        e = schema.events.c
        day = (
            func.strftime("%Y-%m-%d", e.ts, "unixepoch")
            if self.backend == "sqlite"
            else func.to_char(func.timezone("UTC", func.to_timestamp(e.ts)), "YYYY-MM-DD")  # not the session's zone
        )
        days: dict[str, dict[str, dict[str, int]]] = {}
        with self._read() as conn:
            for column, key in ((e.decision, "decisions"), (e.rule, "rules"), (e.fail_open_kind, "fail_open")):
                query = _of(
                    select(day.label("day"), column, func.count())
                    .where(e.ts >= since, column.is_not(None))
                    .group_by("day", column),
                    project,
                )
                for name, value, n in conn.execute(query):
                    days.setdefault(name, {"decisions": {}, "rules": {}, "fail_open": {}})[key][value] = int(n)
        return [{"day": name, **counts} for name, counts in sorted(days.items())]

    def latencies(self, since: float, limit: int = 100_000, project: str | None = None) -> list[float]:
        """The latest `limit` decision latencies since `since`, for percentiles."""
        e = schema.events.c
        query = select(e.latency_ms).where(e.ts >= since).order_by(e.ts.desc(), e.event_id.desc()).limit(limit)
        query = _of(query, project)
        with self._read() as conn:
            return [float(r[0]) for r in conn.execute(query)]

    def evaluation_times(self, since: float, session: str | None, limit: int) -> list[float]:
        """The times of the newest `limit` evaluations since `since` (of one session, or all): what the
        rate limits count, read once when a window is first needed."""
        e = schema.events.c
        refused = e.fail_open_kind.in_(["rate_limited", "shed_overload"])
        query = (
            select(e.ts)
            .where(e.ts >= since, e.short_circuit.is_(None), or_(e.fail_open_kind.is_(None), ~refused))
            .order_by(e.ts.desc(), e.event_id.desc())
            .limit(limit)
        )
        if session is not None:
            query = query.where(e.session_id == session)
        with self._read() as conn:
            return [float(row[0]) for row in conn.execute(query)]

    def recent_fail_open_kinds(self, last: int, project: str | None = None) -> list[str | None]:
        """The failure kinds of the last `last` evaluations that reached the authority or its checks."""
        e = schema.events.c
        query = select(e.fail_open_kind).where(e.short_circuit.is_(None)).order_by(e.event_id.desc()).limit(last)
        query = _of(query, project)
        with self._read() as conn:
            return [row[0] for row in conn.execute(query)]

    def last_authority_failure(self, project: str | None = None) -> dict[str, Any] | None:
        """The newest event whose authority failed (the kinds that count toward the breaker), or None."""
        e = schema.events.c
        query = _of(select(e.fail_open_kind, e.ts).where(e.fail_open_kind.in_(AUTHORITY_FAILURES)), project)
        with self._read() as conn:
            row = conn.execute(query.order_by(e.ts.desc()).limit(1)).first()
        return {"kind": row[0], "ts": row[1]} if row else None

    def decision_counts(self, since: float, project: str | None = None) -> dict[str, int]:
        e = schema.events.c
        query = _of(select(e.decision, func.count()).where(e.ts >= since).group_by(e.decision), project)
        with self._read() as conn:
            return {decision: int(n) for decision, n in conn.execute(query)}

    def prune(self, before: float, project: str | None = None) -> int:
        """Delete events older than `before` (retention), of `project` only when named (in a store a fleet
        shares, each project keeps its own retention), and rate counters of windows long gone; returns how
        many events."""
        with self._write() as conn:
            r = schema.rate_counters.c
            conn.execute(delete(schema.rate_counters).where(r.window_start < time.time() - 2 * 86400))
            query = delete(schema.events).where(schema.events.c.ts < before)
            if project is not None:
                query = query.where(schema.events.c.project == project)
            return int(conn.execute(query).rowcount)

    def take_rate(self, slots: list[tuple[str, float, int]]) -> bool:
        """Take one evaluation from each `(key, window start, limit)` counter, all or none, in one
        transaction of atomic statements: servers sharing the store can never pass a limit together. A
        counter whose window has moved on starts again at 1. False (nothing taken) when one is full."""
        r = schema.rate_counters
        try:
            with self._write() as conn:
                for key, window_start, limit in slots:
                    stmt = _upsert(conn, r).values(key=key, window_start=window_start, count=1)
                    fresh = r.c.window_start != window_start
                    stmt = stmt.on_conflict_do_update(
                        index_elements=["key"],
                        set_={"window_start": window_start, "count": case((fresh, 1), else_=r.c.count + 1)},
                        where=or_(fresh, r.c.count < limit),
                    )
                    if conn.execute(stmt.returning(r.c.count)).first() is None:
                        raise _Full
        except _Full:
            return False
        return True

    def annotation_summary(self, project: str | None = None) -> dict[str, int]:
        """Counts behind readiness (SPEC §7.3): annotated events, by decision, and the verdicts on each
        decision: `continue_incorrect` are blocks that should not have been, `missed_continue` the
        `allow`s and `escalate`s judged incorrect (stops that should have been sent back to work).

        An event annotated more than once counts once, with its latest annotation.
        """
        e, a = schema.events.c, schema.annotations.c
        query = _of(_judged_annotated(e.decision, a.verdict, func.count()).group_by(e.decision, a.verdict), project)
        decisions = ("continue", "allow", "escalate")
        summary = {"annotated": 0, **{d: 0 for d in decisions}, "missed_continue": 0}
        summary |= {f"{d}_{v}": 0 for d in decisions for v in ("correct", "incorrect")}
        with self._read() as conn:
            for decision, verdict, n in conn.execute(query):
                summary["annotated"] += n
                if decision not in decisions:
                    continue
                summary[decision] += n
                if verdict in ("correct", "incorrect"):
                    summary[f"{decision}_{verdict}"] += n
        judged = ("allow_correct", "allow_incorrect", "escalate_correct", "escalate_incorrect")
        summary["let_through_judged"] = sum(summary[k] for k in judged)  # allow/escalate judged right or wrong
        summary["missed_continue"] = summary["allow_incorrect"] + summary["escalate_incorrect"]
        return summary

    def annotated_events(self, project: str | None = None) -> list[dict[str, Any]]:
        """The events readiness counts (the authority's verdicts) that an operator annotated, oldest first,
        each with its latest annotation: what `gate export --annotated` labels for `eval`."""
        e, a = schema.events.c, schema.annotations.c
        query = _of(_judged_annotated(schema.events, a.verdict, a.rationale, a.operator).order_by(e.event_id), project)
        with self._read() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        for row in rows:
            row["annotation"] = {key: row.pop(key) for key in ("verdict", "rationale", "operator")}
        return [_event_out(row) for row in rows]

    # --- per-session counters: the continue ceiling and the stuck flag --------------------------------------

    def continues(self, session_id: str) -> int:
        with self._read() as conn:
            row = conn.execute(
                select(schema.session_counters.c.continues).where(schema.session_counters.c.session_id == session_id)
            ).first()
        return int(row[0]) if row else 0

    def sessions_at(self, ceiling: int, limit: int) -> list[str]:
        """Up to `limit` sessions whose continues reached `ceiling`: what a server remembers at its start
        (gate/windows.py), so that it need not ask the store on every request."""
        c = schema.session_counters.c
        query = select(c.session_id).where(c.continues >= ceiling).limit(limit)
        with self._read() as conn:
            return [str(row[0]) for row in conn.execute(query)]

    def mark_stuck(self, session_id: str, now: float, project: str = "") -> None:
        c = schema.session_counters
        with self._write() as conn:
            stmt = _upsert(conn, c).values(
                session_id=session_id, continues=0, stuck_at=now, stuck_reported=False, project=project
            )
            conn.execute(
                stmt.on_conflict_do_update(index_elements=["session_id"], set_={"stuck_at": now, "project": project})
            )

    def take_stuck_report(self, project: str = "") -> str | None:
        """The most recent stuck session of `project` not yet reported to a new session, marking every such
        one reported: one atomic statement, so of two servers starting sessions at once only one is told."""
        c = schema.session_counters.c
        with self._write() as conn:
            taken = conn.execute(
                update(schema.session_counters)
                .where(c.project == project, c.stuck_at.is_not(None), c.stuck_reported.is_(False))
                .values(stuck_reported=True)
                .returning(c.session_id, c.stuck_at)
            ).all()
        return str(max(taken, key=lambda row: row[1])[0]) if taken else None

    # --- the authority's circuit breaker ---------------------------------------------------------------------

    def breaker(self, authority: str) -> dict[str, Any]:
        b = schema.breaker.c
        with self._read() as conn:
            row = conn.execute(select(schema.breaker).where(b.authority == authority)).first()
        if row is None:
            return {"authority": authority, "failures": 0, "open_until": None, "probe_until": None}
        return dict(row._mapping)

    def claim_probe(self, authority: str, now: float, until: float) -> bool:
        """Claim the one probe an open breaker admits after its cool-down, in one atomic statement: of
        any number of concurrent evaluations (or servers sharing the store), exactly one gets True."""
        b = schema.breaker.c
        with self._write() as conn:
            claimed = conn.execute(
                update(schema.breaker)
                .where(b.authority == authority, b.open_until <= now, or_(b.probe_until.is_(None), b.probe_until < now))
                .values(probe_until=until)
            )
            return bool(claimed.rowcount)

    def breaker_failed(self, authority: str, now: float, to_open: int, open_seconds: float) -> None:
        """One more failure of `authority`, in one atomic statement: at `to_open` failures in a row the
        breaker opens (again) for `open_seconds`; its probe, if one ran, is over."""
        b = schema.breaker
        with self._write() as conn:
            first = _upsert(conn, b).values(
                authority=authority, failures=1, open_until=now + open_seconds if to_open <= 1 else None
            )
            opens = b.c.failures + 1 >= to_open
            conn.execute(
                first.on_conflict_do_update(
                    index_elements=["authority"],
                    set_={
                        "failures": b.c.failures + 1,
                        "open_until": case((opens, now + open_seconds), else_=b.c.open_until),
                        "probe_until": None,
                    },
                )
            )

    def breaker_succeeded(self, authority: str) -> None:
        """Close the breaker of `authority` (one statement; nothing written when it is closed already)."""
        b = schema.breaker.c
        with self._write() as conn:
            conn.execute(
                update(schema.breaker)
                .where(b.authority == authority, or_(b.failures > 0, b.open_until.is_not(None)))
                .values(failures=0, open_until=None, probe_until=None)
            )

    def put_breaker(self, authority: str, failures: int, open_until: float | None, probe_until: float | None) -> None:
        values = {"failures": failures, "open_until": open_until, "probe_until": probe_until}
        with self._write() as conn:
            stmt = _upsert(conn, schema.breaker).values(authority=authority, **values)
            conn.execute(stmt.on_conflict_do_update(index_elements=["authority"], set_=values))


# Events where the authority's verdict (valid or not) was what decided: no short-circuit, and not a failure
# where no verdict came back (names.NO_VERDICT_FAIL_OPEN_KINDS). Never NULL, so its negation is exact.
_JUDGED = (
    schema.events.c.short_circuit.is_(None),
    or_(
        schema.events.c.fail_open_kind.is_(None),
        schema.events.c.fail_open_kind.not_in(NO_VERDICT_FAIL_OPEN_KINDS),
    ),
)


def _judged_annotated(*columns: Any) -> Any:
    """SELECT `columns` over the events of the authority's verdicts (`_JUDGED`) that were annotated, each
    joined to its latest annotation: an event annotated more than once counts once, as last judged."""
    a, e = schema.annotations.c, schema.events.c
    latest = select(a.event_id, func.max(a.annotation_id).label("last")).group_by(a.event_id).subquery("latest")
    return (
        select(*columns)
        .select_from(latest.join(schema.annotations, a.annotation_id == latest.c.last))
        .join(schema.events, e.event_id == a.event_id)
        .where(*_JUDGED)  # readiness is about the authority's verdicts, not short-circuits
    )


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


class _Full(Exception):
    """A rate counter at its limit: rolls back what the same call took from the others."""


def _of(query: Any, project: str | None, host: str | None = None) -> Any:
    """`query` narrowed to one project's (and one host's) events, when they are named."""
    if project is not None:
        query = query.where(schema.events.c.project == project)
    if host is not None:
        query = query.where(schema.events.c.host == host)
    return query


def _latest_annotations(conn: Connection, event_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest annotation of each of these events (one query for a page of events)."""
    if not event_ids:
        return {}
    a = schema.annotations.c
    latest = select(func.max(a.annotation_id)).where(a.event_id.in_(event_ids)).group_by(a.event_id).scalar_subquery()
    query = select(a.event_id, a.verdict, a.rationale, a.operator, a.dwell_ms, a.created_at).where(
        a.annotation_id.in_(latest)
    )
    return {int(r[0]): dict(r._mapping) for r in conn.execute(query)}


def _upsert(conn: Connection, table: Table) -> Any:
    """An INSERT that can say ON CONFLICT: both dialects have one, with the same API."""
    return _dialect(conn.dialect.name).insert(table)


def _dialect(backend: str) -> Any:
    """SQLAlchemy's module for the backend, imported when first used: a SQLite store never loads the
    PostgreSQL dialect (issue 20)."""
    return importlib.import_module(f"sqlalchemy.dialects.{'postgresql' if backend == 'postgresql' else 'sqlite'}")


class Recorded(NamedTuple):
    """What `Store.record_event` stored."""

    event_id: int
    granted: bool  # False: the session's continue was refused (at its ceiling); True when none was asked
    continues: int | None  # the session's continues after this event, when it counted one


class HotStatements(NamedTuple):
    """The SQL of the statements every evaluation runs, compiled once per store, with named parameters
    for the DB-API driver (`:name` for sqlite3, `%(name)s` for psycopg)."""

    insert_event: str
    add_continue: str


def _hot_statements(engine: Engine) -> HotStatements:
    backend = engine.dialect.name
    dialect = engine.dialect if backend == "postgresql" else _dialect(backend).dialect(paramstyle="named")
    e, c = schema.events, schema.session_counters
    event = insert(e).values({col.name: bindparam(col.name) for col in e.c if not col.primary_key})
    # One more continue for the session, only while it is under the ceiling: a row comes back when it
    # was counted (inserted, or raised), none when it was refused.
    more = (
        _dialect(backend)
        .insert(c)
        .values(session_id=bindparam("session_id"), continues=literal_column("1"), stuck_reported=false())
    )
    more = more.on_conflict_do_update(
        index_elements=["session_id"], set_={"continues": c.c.continues + literal_column("1")},
        where=c.c.continues < bindparam("ceiling"),
    )  # fmt: skip
    return HotStatements(
        str(event.returning(e.c.event_id).compile(dialect=dialect)),
        str(more.returning(c.c.continues).compile(dialect=dialect)),
    )


def _quietly(call: Callable[[], object]) -> None:
    """A clean-up that may fail on a connection already broken; the error that broke it is what counts."""
    try:
        call()
    except Exception:
        pass


def event_columns(row: dict[str, Any]) -> dict[str, Any]:
    """The columns of one event, with every text redacted before it is stored (here or in an outbox), and
    without NUL characters, which PostgreSQL's text refuses."""
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in _columns(row).items()}


def _columns(row: dict[str, Any]) -> dict[str, Any]:
    preview, stop_text = stored(str(row.get("stop_text", "")))
    return {
        "session_id": redact(str(row.get("session_id", "")))[:200],
        "agent": str(row.get("agent", ""))[:32],
        "ts": float(row["ts"]),
        "mode": row["mode"],
        "decision": row["decision"],
        "rule": row.get("rule"),
        "fail_open_kind": row.get("fail_open_kind"),
        "short_circuit": row.get("short_circuit"),
        "signals_json": json.dumps(row.get("signals") or [], sort_keys=True),
        "evidence_pointer_json": redact(json.dumps(row.get("evidence_pointer") or {}, sort_keys=True)),
        "latency_ms": float(row.get("latency_ms", 0.0)),
        "stop_text_preview": preview,
        "stop_text": stop_text,
        "project": str(row.get("project", ""))[:200],
        "host": str(row.get("host", ""))[:200],
        "event_uid": str(row.get("event_uid") or uuid.uuid4().hex)[:32],
    }


def _event_out(row: dict[str, Any]) -> dict[str, Any]:
    row["signals"] = json.loads(row.pop("signals_json"))
    row["evidence_pointer"] = json.loads(row.pop("evidence_pointer_json"))
    return row
