"""A serving SQLite store checkpoints its WAL on a thread of its own, not on the thread that commits
(store/engine.py `checkpoint_in_background`, issue 20)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from stopwarden.store import backends
from stopwarden.store.store import Store


def _sessions(store: Store, n: int, prefix: str) -> None:
    for i in range(n):
        store.start_session(f"{prefix}-{i}", "claude-code", 1_797_200_000.0 + i, "startup", "")


def test_every_connection_checkpoints_only_as_the_backstop(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "s.db"))
    try:
        with store.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
            limit = conn.exec_driver_sql("PRAGMA journal_size_limit").scalar()
        assert (pages, limit) == (backends.WAL_AUTOCHECKPOINT_PAGES, backends.WAL_SIZE_LIMIT_BYTES)
    finally:
        store.close()


def test_the_background_thread_copies_the_wal_into_the_database_until_stopped(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store.open(str(path))
    stop = threading.Event()
    try:
        _sessions(store, 300, "before")  # far below the backstop: no commit checkpoints
        size_before = path.stat().st_size
        running = set(threading.enumerate())
        store.checkpoint_in_background(stop, every_s=0.02)
        [thread] = [t for t in threading.enumerate() if t not in running]
        assert thread.name == "wal-checkpoint" and thread.daemon
        deadline = time.monotonic() + 5
        while path.stat().st_size == size_before and time.monotonic() < deadline:
            time.sleep(0.02)
        assert path.stat().st_size > size_before  # the rows reached the database file
    finally:
        stop.set()
        store.close()
    thread.join(5)
    assert not thread.is_alive()


def test_without_the_thread_the_rows_stay_in_the_wal(tmp_path: Path) -> None:
    """The control of the test above: the same commits, no thread, and the database file does not grow."""
    path = tmp_path / "s.db"
    store = Store.open(str(path))
    try:
        _sessions(store, 300, "before")
        size_before = path.stat().st_size
        _sessions(store, 300, "after")
        time.sleep(0.2)
        assert path.stat().st_size == size_before
    finally:
        store.close()


def test_a_failing_checkpoint_is_said_once_not_every_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(str(tmp_path / "s.db"))
    stop = threading.Event()
    real = store.engine.raw_connection
    rounds = {"n": 0}

    def broken() -> Any:
        rounds["n"] += 1
        if rounds["n"] <= 5:
            raise OSError("disk I/O error")
        return real()

    monkeypatch.setattr(store.engine, "raw_connection", broken)
    try:
        with caplog.at_level(logging.INFO, logger="stopwarden"):
            store.checkpoint_in_background(stop, every_s=0.01)
            deadline = time.monotonic() + 5
            while rounds["n"] < 8 and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        stop.set()
        store.close()
    said = [r.getMessage() for r in caplog.records if "checkpointing the WAL" in r.getMessage()]
    assert said == [
        "checkpointing the WAL failed (the commits checkpoint meanwhile): disk I/O error",
        "checkpointing the WAL works again",
    ]
