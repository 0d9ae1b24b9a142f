"""The decision log: one event per stop, written on the hot path (`record_event`), read back for the log,
the report and the breaker, and pruned."""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from sqlalchemy import (
    Engine,
    and_,
    bindparam,
    delete,
    false,
    func,
    insert,
    literal_column,
    not_,
    or_,
    select,
)

from stopwarden.common.names import AUTHORITY_FAILURES
from stopwarden.store import schema
from stopwarden.store.engine import (
    StoreBase,
    compile_for_driver,
    dialect_of,
    upsert,
)
from stopwarden.store.rows import JUDGED, event_columns, event_out, latest_annotations, narrowed
from stopwarden.store.sqlite_read import session_filter


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
    e, c = schema.events, schema.session_counters
    event = insert(e).values({col.name: bindparam(col.name) for col in e.c if not col.primary_key})
    # One more continue for the session, only while it is under the ceiling: a row comes back when it
    # was counted (inserted, or raised), none when it was refused.
    more = (
        dialect_of(backend)
        .insert(c)
        .values(session_id=bindparam("session_id"), continues=literal_column("1"), stuck_reported=false())
    )
    more = more.on_conflict_do_update(
        index_elements=["session_id"], set_={"continues": c.c.continues + literal_column("1")},
        where=c.c.continues < bindparam("ceiling"),
    )  # fmt: skip
    return HotStatements(
        compile_for_driver(engine, event.returning(e.c.event_id)),
        compile_for_driver(engine, more.returning(c.c.continues)),
    )


class Events(StoreBase):
    """The events table: written once per stop, read by the log, the report, readiness and the breaker."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._statements = _hot_statements(engine)  # compiled now, not while the first stop waits

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
                stmt = upsert(conn, schema.events).values(**values)
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
        prefix = session_filter(session) if session else None
        if prefix is not None:  # "9f3c*": SQLite's index answers a range (sqlite_read.session_filter); under
            low, high = prefix  # PostgreSQL's collation a range is no prefix, and its test is exact
            if self.backend != "sqlite":
                query = query.where(func.substr(e.session_id, 1, len(low)) == low)
            else:
                query = query.where(e.session_id >= low, *([e.session_id < high] if high is not None else []))
        elif session:
            query = query.where(e.session_id == session)
        if judged is not None:
            query = query.where(and_(*JUDGED) if judged else not_(and_(*JUDGED)))
        query = narrowed(query, project, host)
        with self._read() as conn:
            events = [event_out(dict(r._mapping)) for r in conn.execute(query)]
            latest = latest_annotations(conn, [ev["event_id"] for ev in events])
        for found in events:
            found["annotation"] = latest.get(found["event_id"])
        return events

    def event(self, event_id: int) -> dict[str, Any] | None:
        with self._read() as conn:
            row = conn.execute(select(schema.events).where(schema.events.c.event_id == event_id)).first()
            if row is None:
                return None
            found = event_out(dict(row._mapping))
            found["annotation"] = latest_annotations(conn, [event_id]).get(event_id)
        return found

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
                query = narrowed(
                    select(day.label("day"), column, func.count())
                    .where(e.ts >= since, column.is_not(None))
                    .group_by("day", column),
                    project,
                )
                for name, value, n in conn.execute(query):
                    if name is None:  # a time SQLite cannot read as one (text written by another tool): no day
                        continue
                    days.setdefault(name, {"decisions": {}, "rules": {}, "fail_open": {}})[key][value] = int(n)
        return [{"day": name, **counts} for name, counts in sorted(days.items())]

    def latencies(self, since: float, limit: int = 100_000, project: str | None = None) -> list[float]:
        """The latest `limit` decision latencies since `since`, for percentiles."""
        e = schema.events.c
        query = select(e.latency_ms).where(e.ts >= since).order_by(e.ts.desc(), e.event_id.desc()).limit(limit)
        query = narrowed(query, project)
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
        query = narrowed(query, project)
        with self._read() as conn:
            return [row[0] for row in conn.execute(query)]

    def last_authority_failure(self, project: str | None = None) -> dict[str, Any] | None:
        """The newest event whose authority failed (the kinds that count toward the breaker), or None."""
        e = schema.events.c
        query = narrowed(select(e.fail_open_kind, e.ts).where(e.fail_open_kind.in_(AUTHORITY_FAILURES)), project)
        with self._read() as conn:
            row = conn.execute(query.order_by(e.ts.desc()).limit(1)).first()
        return {"kind": row[0], "ts": row[1]} if row else None

    def decision_counts(self, since: float, project: str | None = None) -> dict[str, int]:
        e = schema.events.c
        query = narrowed(select(e.decision, func.count()).where(e.ts >= since).group_by(e.decision), project)
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
            pruned = int(conn.execute(query).rowcount)
            # Their annotations go with them, and any left by an older prune: SQLite numbers events from 1
            # again once the table is empty, and an annotation left behind would be a new event's verdict,
            # counted by readiness (an operator review).
            a = schema.annotations.c
            conn.execute(delete(schema.annotations).where(a.event_id.not_in(select(schema.events.c.event_id))))
            return pruned
