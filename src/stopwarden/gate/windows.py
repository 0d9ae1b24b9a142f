"""What the gate remembers between requests, in memory (SPEC §5.8): the rate-limit windows, the sessions'
continue counts and the idempotency cache.

With SQLite the server is the only writer of its events, so counting evaluations in memory is exact; each
window is seeded from the store the first time it is needed, so a restart forgets nothing. Both structures
cost O(1) per request however many events there are, where counting rows in the store grew with the log.

A PostgreSQL store is shared by several servers (SPEC §13), whose memories would each allow the whole
limit: there the counting is the store's, atomic across servers (`Store.take_rate`), in fixed windows (the
clock hour, the UTC day) rather than sliding ones, and a slot is taken when the limit is checked. So it is
for a cascade (`rules+<provider>`) on any store: it counts only the stops its provider is asked about,
which its events do not tell apart from those its rules decided, so they cannot seed a window.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

from stopwarden.common.config import Limits
from stopwarden.store.store import Store

HOUR, DAY = 3600.0, 86400.0
MAX_SESSIONS = 10_000  # sessions remembered at once; idle ones are forgotten (and re-seeded if they return)
MAX_COUNTED = 100_000  # sessions whose continues are remembered; the least recently counted are forgotten

T = TypeVar("T")


class RateWindows:
    """Evaluations per session in the last hour and per project in the last day."""

    def __init__(self, store: Store, limits: Limits, project: str = "", in_store: bool = False) -> None:
        self._store = store
        self._limits = limits
        self._project_name = project
        self._shared = in_store or store.backend == "postgresql"
        self._lock = threading.Lock()
        self._project: deque[float] | None = None
        self._sessions: dict[str, deque[float]] = {}

    def exceeded(self, session_id: str, now: float) -> bool:
        if self._shared:  # taken here, at the check: there is no later moment all servers agree on
            return not self._store.take_rate([
                (f"session:{session_id}", now - now % HOUR, self._limits.per_session_hour),
                (f"project:{self._project_name}", now - now % DAY, self._limits.per_project_day),
            ])  # fmt: skip
        with self._lock:
            project = self._project_window(now)
            session = self._session_window(session_id, now)
            return len(session) >= self._limits.per_session_hour or len(project) >= self._limits.per_project_day

    def count(self, session_id: str, now: float) -> None:
        """Record one evaluation (one that reached the authority's step)."""
        if self._shared:
            return  # counted by `exceeded`, in the store
        with self._lock:
            for window, limit in (
                (self._project_window(now), self._limits.per_project_day),
                (self._session_window(session_id, now), self._limits.per_session_hour),
            ):
                window.append(now)
                while len(window) > limit:  # beyond the limit, only "at the limit" matters
                    window.popleft()

    def _project_window(self, now: float) -> deque[float]:
        if self._project is None:
            times = self._store.evaluation_times(now - DAY, None, self._limits.per_project_day)
            self._project = deque(sorted(times))
        _expire(self._project, now - DAY)
        return self._project

    def _session_window(self, session_id: str, now: float) -> deque[float]:
        window = self._sessions.get(session_id)
        if window is None:
            if len(self._sessions) >= MAX_SESSIONS:
                self._forget_idle(now)
            times = self._store.evaluation_times(now - HOUR, session_id, self._limits.per_session_hour)
            window = self._sessions[session_id] = deque(sorted(times))
        _expire(window, now - HOUR)
        return window

    def _forget_idle(self, now: float) -> None:
        for session_id in [s for s, w in self._sessions.items() if not w or w[-1] < now - HOUR]:
            del self._sessions[session_id]


class ContinueCounts:
    """Each session's continues (delivered blocks) as this server counted them: the ceiling is checked on
    every request, and a query per request for it would cost more than the rest of a decision's store work.

    The store's counter stays the authority: `Store.record_event` counts a continue, or refuses it at the
    ceiling, in one atomic statement, and tells the count it reached, which is what this copy learns.
    At its first use it reads the sessions already at the ceiling, so a restart forgets none of them; one
    under the ceiling needs no seed, since its next count comes back from the store. A session this copy
    does not know (forgotten among too many, or counted by another server sharing a PostgreSQL store)
    is under the ceiling here: its next continue is refused by the store instead, and becomes the same
    `force_allow`.
    """

    def __init__(self, store: Store, ceiling: int) -> None:
        self._store = store
        self._ceiling = ceiling
        self._counts: dict[str, int] | None = None  # insertion order: least recently counted first
        self._lock = threading.Lock()

    def at_ceiling(self, session_id: str) -> bool:
        with self._lock:
            return self._seeded().get(session_id, 0) >= self._ceiling

    def counted(self, session_id: str, continues: int) -> None:
        """The store says the session has `continues` now."""
        with self._lock:
            counts = self._seeded()
            counts.pop(session_id, None)
            counts[session_id] = continues
            while len(counts) > MAX_COUNTED:
                del counts[next(iter(counts))]

    def refused(self, session_id: str) -> None:
        """The store refused the session's continue: it is at the ceiling."""
        self.counted(session_id, self._ceiling)

    def _seeded(self) -> dict[str, int]:
        if self._counts is None:  # StoreUnavailable leaves it unseeded: the request fails open, the next seeds
            self._counts = dict.fromkeys(self._store.sessions_at(self._ceiling, MAX_COUNTED), self._ceiling)
        return self._counts


def _expire(window: deque[float], before: float) -> None:
    while window and window[0] < before:
        window.popleft()


class ExpiringCache(Generic[T]):
    """A map whose entries expire `ttl` seconds after they were put; the oldest go first, in O(1)."""

    def __init__(self, ttl: float, max_items: int = 100_000) -> None:
        self._ttl = ttl
        self._max = max_items
        self._items: dict[object, tuple[float, T]] = {}  # insertion order is age order
        self._lock = threading.Lock()

    def get(self, key: object, now: float) -> T | None:
        with self._lock:
            self._expire(now)
            found = self._items.get(key)
            return found[1] if found else None

    def put(self, key: object, value: T, now: float) -> None:
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = (now, value)
            self._expire(now)

    def _expire(self, now: float) -> None:
        while self._items:
            oldest = next(iter(self._items))
            if now - self._items[oldest][0] < self._ttl and len(self._items) <= self._max:
                return
            del self._items[oldest]
