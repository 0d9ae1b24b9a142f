"""The settings rows: mode, kill switch and what else must survive a restart, per scope; and the watcher that
hears another server change them (PostgreSQL LISTEN)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import (
    func,
    select,
)

from stopwarden.store import schema
from stopwarden.store.backends import PG_CONNECT_TIMEOUT_S
from stopwarden.store.engine import (
    FLEET,
    LISTEN_KEEPALIVES,
    LISTEN_WAKE_S,
    SETTINGS_CHANNEL,
    StoreBase,
    first_line,
    log,
    upsert,
)


class SettingsRows(StoreBase):
    """Settings by scope (`FLEET` or a project), and the watcher that hears another server change them."""

    # --- settings: mode, kill switch, and what else must survive a restart ------------------------------

    def settings(self, scopes: tuple[str, ...] = (FLEET,)) -> dict[str, dict[str, str]]:
        """Scope -> its settings, for each of `scopes` (an empty dict for a scope with none)."""
        c = schema.settings.c
        found: dict[str, dict[str, str]] = {scope: {} for scope in scopes}
        with self._read() as conn:
            for scope, key, value in conn.execute(select(c.scope, c.key, c.value).where(c.scope.in_(scopes))):
                found[scope][key] = value
        return found

    def own_modes(self) -> dict[str, str]:
        """Project -> the mode it holds of its own (every scope but `FLEET` that sets one)."""
        c = schema.settings.c
        with self._read() as conn:
            rows = conn.execute(select(c.scope, c.value).where(c.key == "mode", c.scope != FLEET))
            return {scope: value for scope, value in rows}

    def put_settings(self, values: dict[str, str], now: float, scope: str | tuple[str, ...] = FLEET) -> None:
        """Set several settings of one scope, or of several, in one transaction (e.g. the kill switch and its
        reason, for `*` and this project's own). On PostgreSQL the same transaction notifies every server
        listening (`watch_settings`)."""
        scopes = (scope,) if isinstance(scope, str) else scope
        with self._write() as conn:
            for each in scopes:
                for key, value in values.items():
                    stmt = upsert(conn, schema.settings).values(scope=each, key=key, value=value, updated_at=now)
                    conn.execute(
                        stmt.on_conflict_do_update(
                            index_elements=["scope", "key"], set_={"value": value, "updated_at": now}
                        )
                    )
            if self.backend == "postgresql":
                for each in scopes:
                    conn.execute(select(func.pg_notify(SETTINGS_CHANNEL, each)))

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
                    log.warning("settings: not listening (%s); polling every %.0f s", first_line(e), poll_s)
                    polling = True
            finally:
                self.listening = False
            if not stop.is_set():
                changed()
                stop.wait(poll_s)
