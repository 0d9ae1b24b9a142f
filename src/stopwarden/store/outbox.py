"""The outbox (SPEC §13): where a server keeps the events it decided while its database was away, until
the database is back. A SQLite file under `.stopwarden/` (mode 0600), local to the server, appended in
order and drained in order; each event carries its `event_uid`, and the store skips one it already has, so
an event is stored exactly once even when a drain is cut off between storing and forgetting.

Rows are the store's event columns, already redacted: nothing unredacted reaches the disk here either. An
event the database refuses for itself (not for being away) is set aside in the `refused` table, with the
reason, so that it cannot hold up every event after it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

from stopwarden.store import schema
from stopwarden.store.redact import redact, redacting_logger
from stopwarden.store.store import Store, StoreUnavailable, event_columns

log = redacting_logger("stopwarden.outbox")

BATCH = 200


class Outbox:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        if not os.path.exists(path):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        with self._db() as db:
            for table in schema.OUTBOX_TABLES:
                db.execute(table)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """One connection, under the lock, closed after (a `with` on a sqlite3 connection only commits)."""
        with self._lock, closing(sqlite3.connect(self.path, timeout=5, isolation_level=None)) as db:
            yield db

    def append(self, row: dict[str, Any]) -> None:
        """Keep one event (the row the gate would have stored) until the database takes it."""
        text = json.dumps(event_columns(row), sort_keys=True)
        with self._db() as db:
            db.execute("INSERT INTO outbox (event) VALUES (?)", (text,))

    def pending(self) -> int:
        with self._db() as db:
            return int(db.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def drain(self, store: Store) -> int:
        """Move every kept event to `store`, oldest first, a batch per transaction; returns how many the
        store did not have yet. The database away again leaves the rest for the next drain."""
        moved = 0
        while True:
            with self._db() as db:
                batch = db.execute("SELECT id, event FROM outbox ORDER BY id LIMIT ?", (BATCH,)).fetchall()
            if not batch:
                return moved
            try:
                moved += store.import_events([json.loads(event) for _, event in batch])
            except StoreUnavailable:
                raise
            except Exception:  # one of them is refused: store the others one by one, set that one aside
                moved += self._one_by_one(store, batch)
            with self._db() as db:  # stored first, forgotten after: a replay is harmless
                db.execute("DELETE FROM outbox WHERE id <= ?", (batch[-1][0],))

    def _one_by_one(self, store: Store, batch: list[tuple[int, str]]) -> int:
        moved = 0
        for row_id, event in batch:
            try:
                moved += store.import_events([json.loads(event)])
            except StoreUnavailable:
                raise
            except Exception as e:
                log.error("outbox: the database refused event %d (%s); kept in the refused table", row_id, e)
                why = redact(str(e))[:500]  # a driver's message can quote a value, or the database's URL
                with self._db() as db:
                    db.execute("INSERT OR REPLACE INTO refused VALUES (?, ?, ?)", (row_id, event, why))
        return moved


def drain_while_running(outbox: Outbox, store: Store, stop: threading.Event, every_s: float = 0.5) -> None:
    """Drain the outbox whenever it holds events and the store is reachable (answering, and not held for
    a migration), until `stop` is set."""
    while not stop.wait(every_s):
        try:
            if outbox.pending() and store.reachable:
                moved = outbox.drain(store)
                log.info("outbox: %d events stored now that the database answers", moved)
        except Exception as e:  # still away: the events wait
            log.warning("outbox: cannot drain yet (%s)", e)
