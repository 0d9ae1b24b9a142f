"""The outbox (SPEC §13): where a server keeps the events it decided while its database was away, until
the database is back. A SQLite file under `.stopwarden/`, local to the server, appended in order and
drained in order; each event carries its `event_uid`, and the store skips one it already has, so an event
is stored exactly once even when a drain is cut off between storing and forgetting.

Rows are the store's event columns, already redacted: nothing unredacted reaches the disk here either.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from typing import Any

from stopwarden.store.store import Store, event_columns

log = logging.getLogger("stopwarden.outbox")

BATCH = 200


class Outbox:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        with self._lock, self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def append(self, row: dict[str, Any]) -> None:
        """Keep one event (the row the gate would have stored) until the database takes it."""
        text = json.dumps(event_columns(row), sort_keys=True)
        with self._lock, self._connect() as db:
            db.execute("INSERT INTO outbox (event) VALUES (?)", (text,))

    def pending(self) -> int:
        with self._lock, self._connect() as db:
            return int(db.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def drain(self, store: Store) -> int:
        """Move every kept event to `store`, oldest first, a batch per transaction; returns how many the
        store did not have yet. A failure (the database away again) leaves the rest for the next drain."""
        moved = 0
        while True:
            with self._lock, self._connect() as db:
                batch = db.execute("SELECT id, event FROM outbox ORDER BY id LIMIT ?", (BATCH,)).fetchall()
            if not batch:
                return moved
            moved += store.import_events([json.loads(event) for _, event in batch])
            with self._lock, self._connect() as db:  # stored first, forgotten after: a replay is harmless
                db.execute("DELETE FROM outbox WHERE id <= ?", (batch[-1][0],))


def drain_while_running(outbox: Outbox, store: Store, stop: threading.Event, every_s: float = 0.5) -> None:
    """Drain the outbox whenever it holds events and the database answers, until `stop` is set."""
    while not stop.wait(every_s):
        try:
            if outbox.pending() and store.reachable:
                moved = outbox.drain(store)
                log.info("outbox: %d events stored now that the database answers", moved)
        except Exception as e:  # still away: the events wait
            log.warning("outbox: cannot drain yet (%s)", e)
