"""The counters: session starts, rate-limit windows, each session's continues and stuck flag, and the
authority's circuit breaker; each written as one atomic statement, so servers sharing a store agree."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import (
    Engine,
    bindparam,
    case,
    or_,
    select,
    true,
    update,
)

from stopwarden.store import schema
from stopwarden.store.engine import (
    StoreBase,
    compile_for_driver,
    dialect_of,
    upsert,
)


class SessionStarted(NamedTuple):
    """What `Store.start_session` did."""

    recorded: bool  # False: the session had started before (a resume, a compaction); its first start stands
    stuck: str | None  # the project's latest stuck session, now reported to this one; None when none is


class SessionStatements(NamedTuple):
    """The SQL of the statements every SessionStart runs, compiled once per store for the DB-API driver,
    as `events.HotStatements` is for every evaluation."""

    record: str
    take_stuck: str


def _session_statements(engine: Engine) -> SessionStatements:
    s, c = schema.sessions, schema.session_counters
    # First start wins: a row comes back only when this statement recorded it. RETURNING, not rowcount:
    # psycopg reports -1 for an INSERT ... ON CONFLICT.
    record = dialect_of(engine.dialect.name).insert(s).values({col.name: bindparam(col.name) for col in s.c})
    record = record.on_conflict_do_nothing(index_elements=["session_id"]).returning(s.c.session_id)
    # Every stuck session of the project not yet reported is marked reported in one atomic statement, so of
    # two servers starting sessions at once only one is told.
    take = (
        update(c)
        .where(c.c.project == bindparam("project"), c.c.stuck_at.is_not(None), c.c.stuck_reported.is_(False))
        .values(stuck_reported=true())
        .returning(c.c.session_id, c.c.stuck_at)
    )
    return SessionStatements(compile_for_driver(engine, record), compile_for_driver(engine, take))


def _latest(stuck: Any) -> str | None:
    """The session id of the latest of `(session_id, stuck_at)` rows."""
    return str(max(stuck, key=lambda row: row[1])[0]) if stuck else None


class _Full(Exception):
    """A rate counter at its limit: rolls back what the same call took from the others."""


class Counters(StoreBase):
    """Session starts, rate windows, continue counts and the stuck flag, and the authority's breaker."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._session_sql = _session_statements(engine)  # compiled now, not while the first session waits

    # --- sessions -------------------------------------------------------------------------------------

    def start_session(
        self, session_id: str, agent: str, started_at: float, source: str, project: str
    ) -> SessionStarted:
        """Record a session start (the first start wins) and, when this call recorded it, take the report of
        the project's latest stuck session: one transaction of statements built once, on the driver's
        connection, since every SessionStart hook waits for it (`StoreBase._hot`)."""
        sql = self._session_sql
        values = {"session_id": session_id, "agent": agent, "started_at": started_at, "source": source}

        def work(cursor: Any) -> SessionStarted:  # may run twice (see `_hot`): it changes nothing of its own
            cursor.execute(sql.record, values)
            if cursor.fetchone() is None:
                return SessionStarted(False, None)
            cursor.execute(sql.take_stuck, {"project": project})
            return SessionStarted(True, _latest(cursor.fetchall()))

        return self._hot(work)

    def session_start(self, session_id: str) -> float | None:
        with self._read() as conn:
            row = conn.execute(
                select(schema.sessions.c.started_at).where(schema.sessions.c.session_id == session_id)
            ).first()
        return float(row[0]) if row else None

    def take_rate(self, slots: list[tuple[str, float, int]]) -> bool:
        """Take one evaluation from each `(key, window start, limit)` counter, all or none, in one
        transaction of atomic statements: servers sharing the store can never pass a limit together. A
        counter whose window has moved on starts again at 1. False (nothing taken) when one is full."""
        r = schema.rate_counters
        try:
            with self._write() as conn:
                for key, window_start, limit in slots:
                    stmt = upsert(conn, r).values(key=key, window_start=window_start, count=1)
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
            stmt = upsert(conn, c).values(
                session_id=session_id, continues=0, stuck_at=now, stuck_reported=False, project=project
            )
            conn.execute(
                stmt.on_conflict_do_update(index_elements=["session_id"], set_={"stuck_at": now, "project": project})
            )

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
            first = upsert(conn, b).values(
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
            stmt = upsert(conn, schema.breaker).values(authority=authority, **values)
            conn.execute(stmt.on_conflict_do_update(index_elements=["authority"], set_=values))
