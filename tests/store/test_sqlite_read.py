"""store/sqlite_read.py, the decision log read with `sqlite3` alone, gives what `Store.events` gives on the
same SQLite file, for every filter; and answers None, never a wrong log, whenever it cannot read one."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stopwarden.common.names import DECISIONS, SCHEMA_VERSION
from stopwarden.store import schema, sqlite_read
from stopwarden.store.store import Store
from tests.store.test_store import event


def test_its_version_is_the_schemas() -> None:
    assert SCHEMA_VERSION == schema.LATEST


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with events of two projects, two hosts, every decision, equal timestamps, and annotations."""
    path = str(tmp_path_factory.mktemp("log") / "stopwarden.db")
    store = Store.open(path)
    for i in range(60):
        row = event(ts=1000.0 + i // 3, decision=DECISIONS[i % len(DECISIONS)], project=f"p{i % 2}",
                    host=f"h{i % 3}", session_id=f"s{i % 4}", stop_text=f"stop {i} ünïcode")  # fmt: skip
        found = store.record_event(row)
        if i % 5 == 0:  # some events annotated, one of them twice: the latest counts
            for verdict in ("incorrect", "correct")[: 1 + (i % 10 == 0)]:
                store.add_annotation(found[0], "ann", verdict, f"why {i}", 20_000, 2000.0 + i)
    store.close()
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    limit=st.integers(1, 80),
    decision=st.none() | st.sampled_from(DECISIONS),
    project=st.none() | st.sampled_from(["p0", "p1", "nope"]),
    host=st.none() | st.sampled_from(["h0", "h2", ""]),
    since=st.none() | st.floats(990.0, 1030.0),
)
def test_the_same_log_as_the_store(filled: str, limit: int, decision: str | None, project: str | None,
                                   host: str | None, since: float | None) -> None:  # fmt: skip
    store = Store.open(filled, migrate=False)
    try:
        expected = store.events(limit, decision, since, project=project, host=host)
    finally:
        store.close()
    found = sqlite_read.events(filled, limit, decision, project, host, since)
    assert found is not None
    keep = [*sqlite_read._COLUMNS.replace("_json", "").replace(" ", "").split(","), "counts", "annotation"]
    assert found == [{k: e[k] for k in keep} for e in expected]


def test_none_when_it_cannot_read(tmp_path: Path, filled: str) -> None:
    missing = str(tmp_path / "stopwarden.db")
    assert sqlite_read.events(missing, 5) is None and not os.path.exists(missing)  # never created
    os.symlink(filled, missing)
    assert sqlite_read.events(missing, 5) is None  # a link: the store's own checks decide
    behind = str(tmp_path / "behind.db")
    Store.open(behind).close()
    with sqlite3.connect(behind) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = ?", (SCHEMA_VERSION,))
    assert sqlite_read.events(behind, 5) is None  # behind: the click path migrates it
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert sqlite_read.events(str(garbage), 5) is None
