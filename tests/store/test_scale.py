"""The decision log at scale: one million events in a real SQLite store, and a page of it within 20 ms.

`GET /v1/events?limit=100` must answer within 20 ms (median, over real HTTP) with a million events in the
database, and the store call behind it well within that. The filters (`decision=`, `session=`, `since=`)
are timed the same way. Every number is printed (run with `-s`) and recorded with `record_property`
(in the JUnit XML), for the README.

The setup writes the million rows with raw `executemany` on a sqlite3 connection, in one transaction,
with the journal and fsync off and the secondary indexes rebuilt afterwards from their own DDL; it is
test setup only: what is measured is the read, through the product's own code. No ANALYZE is run, as the
product never runs one, so SQLite plans the queries as it would in the field.

This module runs with the rest of the suite, unmarked, so CI runs it: about 20 s on a 2-core machine, a
quarter of it writing the million rows.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from stopwarden.store import schema
from stopwarden.store.store import Store
from tests.server.conftest import Server, run_server

N_EVENTS = 1_000_000
EVENTS_PER_SESSION = 50  # a session's evaluations are consecutive: 20,000 sessions
SPAN_S = 30 * 86400  # the last 30 days, inside the 90 days of retention
BUDGET_MS = 20.0  # GET /v1/events?limit=100, median over real HTTP
STORE_BUDGET_MS = 10.0  # the store call alone: half the budget, the rest is HTTP and serialization
ROUNDS = 20  # measured requests per query, after WARMUP
WARMUP = 2
SLOW_ROUNDS = 3  # for queries known to be slow (xfail), after one warm-up, to keep the file fast

# The columns the setup fills, in the order of the tuples below; any column added later must have a default.
COLUMNS = ("session_id", "agent", "ts", "mode", "decision", "rule", "fail_open_kind", "short_circuit", "signals_json",
           "evidence_pointer_json", "latency_ms", "stop_text_preview", "project", "host")  # fmt: skip
STOP_TEXTS = (
    "Step 3 of the plan is committed. To preserve context I'll stop here; a fresh session can pick up step 4.",
    "All tests pass and the feature is complete; the PR description is written.",
    "I need the staging API key to go on; could you add it to .env?",
    "Good break point: the migration is done, the UI comes next.",
)


def decision_of(i: int) -> str:
    """80% allow, 12% continue, 7% escalate, 1% force_allow, spread evenly (a multiplicative hash)."""
    h = (i * 2654435761) % 4294967296 % 100
    return "allow" if h < 80 else "continue" if h < 92 else "escalate" if h < 99 else "force_allow"


def session_of(i: int) -> str:
    return f"session-{i // EVENTS_PER_SESSION:06d}"


@dataclass(frozen=True)
class Million:
    path: Path
    first_ts: float
    last_ts: float
    insert_s: float


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Million]:
    """A migrated stopwarden database holding N_EVENTS events, oldest first, event_id 1 to N_EVENTS."""
    path = tmp_path_factory.mktemp("scale") / "stopwarden.db"
    store = Store.open(str(path))  # created and migrated by the product, as at a server's start
    store.close()
    assert set(COLUMNS) <= {c.name for c in schema.events.columns}

    started = time.perf_counter()
    last_ts = time.time() - 60
    first_ts = last_ts - SPAN_S
    step = SPAN_S / (N_EVENTS - 1)
    signals = {"allow": '["done"]', "continue": '["cites_context","wants_to_stop"]', "escalate": '["wants_to_stop"]',
               "force_allow": '["cites_context","wants_to_stop"]'}  # fmt: skip
    rules = {"allow": "U_LEGIT_COMPLETION", "continue": "C_CONTEXT_PRESERVATION", "escalate": None, "force_allow": None}
    pointer = '{"artifact":"docs/plans/billing.md","commit":"4f2c1e9a7b3d"}'

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(N_EVENTS):
            decision = decision_of(i)
            yield (session_of(i), "claude-code", first_ts + i * step, "shadow", decision, rules[decision], None, None,
                   signals[decision], pointer, 1.5 + i % 7, STOP_TEXTS[i % 4], "demo", "box")  # fmt: skip

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")  # setup only: no WAL copy of 200 MB, no fsync
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-512000")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL"
        ).fetchall()
        assert len(indexes) >= 4, indexes
        conn.execute("BEGIN")
        for name, _ in indexes:  # bulk-loading, then indexing, is faster than indexing row by row
            conn.execute(f'DROP INDEX "{name}"')
        conn.executemany(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows())
        for _, ddl in indexes:
            conn.execute(ddl)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode=WAL")  # as the product leaves it
        after = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").fetchall()
        assert {name for name, _ in indexes} <= {name for (name,) in after}
        assert conn.execute("SELECT count(*), min(event_id), max(event_id) FROM events").fetchone() == (
            N_EVENTS,
            1,
            N_EVENTS,
        )
    finally:
        conn.close()
    insert_s = time.perf_counter() - started
    print(f"\nsetup: {N_EVENTS:,} events written in {insert_s:.1f} s ({os.path.getsize(path) >> 20} MiB)")
    yield Million(path, first_ts, last_ts, insert_s)
    remove_database(path)  # pytest keeps the last runs' temporary folders; not 335 MiB databases in them


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture(scope="module")
def store(million: Million) -> Iterator[Store]:
    """Read-only use: nothing writes to the module's database after the setup, so copying it is safe."""
    s = Store.open(str(million.path), migrate=False)
    yield s
    s.close()


@pytest.fixture
def big_server(installed: Path, million: Million) -> Iterator[Server]:
    """The gate server of a freshly initialised project, over a copy of the million-event database."""
    db = installed / ".stopwarden" / "stopwarden.db"
    remove_database(db)
    shutil.copyfile(million.path, db)
    db.chmod(0o600)
    yield from run_server(installed)
    remove_database(db)


def median_ms(call: Callable[[], object], rounds: int = ROUNDS, warmup: int = WARMUP) -> float:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def get_events(server: Server, **query: Any) -> list[dict[str, Any]]:
    code, body = server.call("GET", "/v1/events?" + urlencode({"limit": 100, **query}))
    assert code == 200, body
    assert isinstance(body, list)
    return body


def report(record_property: Callable[[str, object], None], name: str, ms: float) -> None:
    record_property(name, round(ms, 2))
    print(f"  {name}: {ms:.2f} ms")


# --- what the queries answer (so that what is timed is right) ---------------------------------------------


def test_the_million_is_there_and_pages_are_right(store: Store, million: Million, record_property: Any) -> None:
    record_property("insert_1m_s", round(million.insert_s, 2))
    page = store.events(100)
    assert [e["event_id"] for e in page] == list(range(N_EVENTS, N_EVENTS - 100, -1))
    assert all(e["decision"] == "continue" for e in store.events(100, decision="continue"))
    middle = session_of(N_EVENTS // 2)
    in_session = store.events(100, session=middle)
    assert len(in_session) == EVENTS_PER_SESSION and {e["session_id"] for e in in_session} == {middle}
    started = store.events(100, session=middle[:-1] + "*")  # the start of ten sessions' ids, with "*"
    assert len(started) == 100 and all(e["session_id"][:-1] == middle[:-1] for e in started)
    since = million.last_ts - 3600
    recent = store.events(100, since=since)
    assert len(recent) == 100 and all(e["ts"] >= since for e in recent)


# --- the store call alone -----------------------------------------------------------------------------------


def test_store_reads_a_page_within_budget(store: Store, million: Million, record_property: Any) -> None:
    middle = session_of(N_EVENTS // 2)
    timings = {
        "store_latest_100_ms": median_ms(lambda: store.events(100)),
        "store_session_100_ms": median_ms(lambda: store.events(100, session=middle)),
        "store_unknown_session_100_ms": median_ms(lambda: store.events(100, session="no-such-session")),
        "store_session_prefix_100_ms": median_ms(lambda: store.events(100, session=middle[:-1] + "*")),
        "store_since_1h_100_ms": median_ms(lambda: store.events(100, since=million.last_ts - 3600)),
        "store_since_oldest_100_ms": median_ms(lambda: store.events(100, since=million.first_ts)),
    }
    print()
    for name, ms in timings.items():
        report(record_property, name, ms)
    assert all(ms <= STORE_BUDGET_MS for ms in timings.values()), timings


# --- over real HTTP -----------------------------------------------------------------------------------------


def test_events_page_over_http_within_budget(big_server: Server, million: Million, record_property: Any) -> None:
    middle = session_of(N_EVENTS // 2)
    timings = {
        "http_latest_100_ms": median_ms(lambda: get_events(big_server)),
        "http_session_100_ms": median_ms(lambda: get_events(big_server, session=middle)),
        "http_unknown_session_100_ms": median_ms(lambda: get_events(big_server, session="no-such-session")),
        "http_since_1h_100_ms": median_ms(lambda: get_events(big_server, since=iso(million.last_ts - 3600))),
        "http_since_oldest_100_ms": median_ms(lambda: get_events(big_server, since=iso(million.first_ts))),
    }
    print()
    for name, ms in timings.items():
        report(record_property, name, ms)
    assert timings["http_latest_100_ms"] <= BUDGET_MS, timings
    assert all(ms <= BUDGET_MS for ms in timings.values()), timings


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


# --- filtered pages: every index ends in (ts, event_id), so each filter is a range scan -----------------------


def test_decision_filter_within_budget(
    big_server: Server, store: Store, million: Million, record_property: Any
) -> None:
    middle = session_of(N_EVENTS // 2)
    queries: dict[str, Callable[[], object]] = {
        "store_decision_continue_100_ms": lambda: store.events(100, decision="continue"),
        "http_decision_continue_100_ms": lambda: get_events(big_server, decision="continue"),
        "http_decision_allow_100_ms": lambda: get_events(big_server, decision="allow"),
        "http_decision_escalate_100_ms": lambda: get_events(big_server, decision="escalate"),
        "http_decision_force_allow_100_ms": lambda: get_events(big_server, decision="force_allow"),
        "http_decision_continue_session_100_ms": lambda: get_events(big_server, decision="continue", session=middle),
    }
    timings = {name: median_ms(query, SLOW_ROUNDS, warmup=1) for name, query in queries.items()}
    print()
    for name, ms in timings.items():
        report(record_property, name, ms)
    assert all(ms <= BUDGET_MS for ms in timings.values()), timings


def test_since_with_few_matches_within_budget(big_server: Server, million: Million, record_property: Any) -> None:
    since = iso(million.last_ts + 1)  # newer than every event
    timings = {"http_since_newer_than_all_100_ms": median_ms(lambda: get_events(big_server, since=since), SLOW_ROUNDS)}
    print()
    for name, ms in timings.items():
        report(record_property, name, ms)
    assert all(ms <= BUDGET_MS for ms in timings.values()), timings
