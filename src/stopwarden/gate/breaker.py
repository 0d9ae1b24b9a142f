"""A circuit breaker per authority, persisted in the store (SPEC §5.5).

After 3 consecutive failures it opens for 5 minutes: calls fail open at once, without calling the
authority and without counting another failure. Then it admits exactly one probe; a valid verdict
closes it, a failure opens it again.
"""

from __future__ import annotations

from stopwarden.store.store import Store

FAILURES_TO_OPEN = 3
OPEN_SECONDS = 300.0


def admit(store: Store, authority: str, now: float, probe_seconds: float) -> bool:
    """May the authority be called now? Claims the single probe when the open period is over."""
    row = store.breaker(authority)
    open_until = row["open_until"]
    if open_until is None:
        return True
    if now < open_until:
        return False
    return store.claim_probe(authority, now, now + probe_seconds)  # one probe; the rest fail open at once


def succeeded(store: Store, authority: str) -> None:
    store.breaker_succeeded(authority)


def failed(store: Store, authority: str, now: float) -> None:
    # One atomic statement: two servers sharing the store, failing at once, both count.
    store.breaker_failed(authority, now, FAILURES_TO_OPEN, OPEN_SECONDS)


def reset(store: Store, authority: str) -> None:
    store.put_breaker(authority, 0, None, None)


def state(store: Store, authority: str, now: float) -> str:
    """`closed`, `open` or `half_open` (waiting for, or running, its probe)."""
    row = store.breaker(authority)
    if row["open_until"] is None:
        return "closed"
    return "open" if now < row["open_until"] else "half_open"
