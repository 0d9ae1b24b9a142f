"""The decision log read from a SQLite store with the standard library's `sqlite3` alone: `gate log` while
no server runs (issue 20).

Importing SQLAlchemy costs `gate log` more than twenty interpreter starts, and the log is one indexed
query. So `cli/quick.py` reads it here (it only reads, and never creates the file) when the store is the
project's SQLite file at exactly this code's schema version. Anything else — a PostgreSQL store, a
database that is missing, behind or ahead, locked, or not a regular file — answers None, and the click
path opens the store as every other command does (and migrates a database that is behind).
`Store.events` is the query this one must equal: tests/store/test_sqlite_read.py compares both on the
same database for every filter.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import urllib.parse
from typing import Any

from stopwarden.common.names import NO_VERDICT_FAIL_OPEN_KINDS, SCHEMA_VERSION

# The columns of an event the API shows (cli/quick.EVENT_FIELDS), as stored: two are JSON text.
_COLUMNS = (
    "event_id, session_id, agent, ts, mode, decision, rule, fail_open_kind, short_circuit, signals_json,"
    " evidence_pointer_json, latency_ms, stop_text_preview, stop_text, project, host"
)
_ANNOTATION = "event_id, verdict, rationale, operator, dwell_ms, created_at"
BUSY_TIMEOUT_S = 1.0  # a server writing right now holds the lock for a millisecond; the store's own timeout


def counts(short_circuit: str | None, fail_open_kind: str | None) -> bool:
    """Whether a verdict on an event moves readiness: the authority's verdict decided it, no short-circuit
    and no failure without a verdict (rows.JUDGED says the same in SQL)."""
    return short_circuit is None and fail_open_kind not in NO_VERDICT_FAIL_OPEN_KINDS


# A session filter is a session id, or the start of one followed by "*" ("9f3c*"), as an operator copies it
# (an operator review: a prefix matched nothing). An id is one lookup of the (session_id, ts) index; a prefix
# is a range of it in SQLite's order of text, its UTF-8 bytes, which is the order of code points: from the
# prefix up to the prefix with its last character one higher. Its events are then sorted by time, so a short
# prefix that matches most sessions reads most of the log. PostgreSQL's collation may order text otherwise:
# there a prefix is an exact test of every row (Store.events).
PREFIX_MARK = "*"


def session_filter(session: str) -> tuple[str, str | None] | None:
    """For a filter that ends in "*", the session ids that start with the rest: from it (included) to the
    upper bound (excluded; None when there is none); None for a whole id, matched as it is."""
    if not session.endswith(PREFIX_MARK):
        return None
    prefix = session[: -len(PREFIX_MARK)]
    chars = list(prefix)
    while chars:
        last = ord(chars.pop())
        if last < 0x10FFFF:
            return prefix, "".join(chars) + chr(0xE000 if last + 1 == 0xD800 else last + 1)  # past the surrogates
    return prefix, None


def events(
    path: str,
    limit: int,
    decision: str | None = None,
    project: str | None = None,
    host: str | None = None,
    since: float | None = None,
    session: str | None = None,
) -> list[dict[str, Any]] | None:
    """The newest `limit` events (each with its latest annotation or None), as `Store.events` gives them;
    None when this reader cannot answer and the store must be opened."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):  # a link or anything but a file: the store's business
            return None
        # mode=rw, not ro: a WAL database needs its -shm file, which a read-only connection cannot create.
        uri = f"file:{urllib.parse.quote(path)}?mode=rw"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (OSError, sqlite3.Error):
        return None
    try:
        conn.execute("BEGIN")  # one snapshot for the events and their annotations
        if conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] != SCHEMA_VERSION:
            return None
        return _read(conn, limit, decision, project, host, since, session)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _read(
    conn: sqlite3.Connection,
    limit: int,
    decision: str | None,
    project: str | None,
    host: str | None,
    since: float | None,
    session: str | None = None,
) -> list[dict[str, Any]]:
    # With a session, "lower(decision)": the decision index would walk every event of that decision (Store.events).
    decided = "lower(decision) = ?" if session else "decision = ?"
    asked = ((decided, decision), ("project = ?", project), ("host = ?", host), ("ts >= ?", since))
    where: list[tuple[str, Any]] = [(c, v) for c, v in asked if v is not None]
    prefix = session_filter(session) if session else None
    if prefix is not None:
        low, high = prefix
        where += [("session_id >= ?", low)] + ([("session_id < ?", high)] if high is not None else [])
    elif session:
        where.append(("session_id = ?", session))
    clause = (" WHERE " + " AND ".join(c for c, _ in where)) if where else ""
    cursor = conn.execute(
        f"SELECT {_COLUMNS} FROM events{clause} ORDER BY ts DESC, event_id DESC LIMIT ?",
        [v for _, v in where] + [limit],
    )
    names = [d[0] for d in cursor.description]
    found = [dict(zip(names, row, strict=True)) for row in cursor]
    for event in found:
        event["signals"] = json.loads(event.pop("signals_json"))
        event["evidence_pointer"] = json.loads(event.pop("evidence_pointer_json"))
        event["counts"] = counts(event["short_circuit"], event["fail_open_kind"])
    latest = _latest_annotations(conn, [e["event_id"] for e in found])
    for event in found:
        event["annotation"] = latest.get(event["event_id"])
    return found


def _latest_annotations(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest annotation of each event, in chunks that stay under SQLite's limit of bound parameters."""
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        cursor = conn.execute(
            f"SELECT {_ANNOTATION} FROM annotations WHERE annotation_id IN"
            f" (SELECT max(annotation_id) FROM annotations WHERE event_id IN ({marks}) GROUP BY event_id)",
            chunk,
        )
        names = [d[0] for d in cursor.description]
        for row in cursor:
            note = dict(zip(names, row, strict=True))
            out[int(note["event_id"])] = note
    return out
