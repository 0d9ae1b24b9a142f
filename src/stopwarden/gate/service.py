"""The service that runs the stop-gate decision behind `POST /v1/evaluate` (SPEC §5.4 to §5.8), one event
per request.

The decision itself is gate/pipeline.py (evidence rules, authority, validation, post-checks, reminder);
what outlives one stop is here: overload shedding, kill switch and mode, the continue ceiling, the
idempotency cache, the session's start (from the store when the hook did not send it), a cascade's offline
stage before rate limits (only where a provider is asked) and the breaker, the authority's time budget,
and recording. Every way out lets the agent stop unless the mode is `enforce`, the verdict is a valid
`continue`, and a reminder could be built from its template; every way out is recorded as one event, with
the failure kind when it failed open.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from typing import Any

from stopwarden.common.config import Config
from stopwarden.common.errors import StopwardenError
from stopwarden.gate import authorities, breaker, credentials, pipeline, rules, settings
from stopwarden.gate.case import Case
from stopwarden.gate.pipeline import Answer, Outcome, allow, ask_in_process, ask_offline, checked, deliver, failure_kind
from stopwarden.gate.windows import ContinueCounts, ExpiringCache, RateWindows
from stopwarden.store.outbox import Outbox
from stopwarden.store.redact import redacting_logger
from stopwarden.store.store import Store, StoreUnavailable, event_columns

# The server's logger (the server process and app log through it too): a record quoting a stop text, a
# session or a provider's error is redacted before it is written.
log = redacting_logger("stopwarden.server")
SETTINGS_TTL_S = 1.0

# An event's id, unique across servers and restarts: this process's random half, then a count. Cheaper than
# a uuid4 per request, whose read of the kernel's randomness hands the GIL to the decision thread and waits
# to get it back.
_UID_PREFIX = os.urandom(8).hex()
_uid_counter = itertools.count()


def new_event_uid() -> str:
    return f"{_UID_PREFIX}{next(_uid_counter):016x}"


@dataclass(frozen=True)
class Request:
    session_id: str
    agent: str
    case: Case
    session_start: float | None  # seconds since the epoch; None when nobody knows
    # The event's own id, given once per request: whichever of `evaluate` and `too_late` records it (or
    # both, when a stuck evaluation finishes after all), the store keeps it once.
    event_uid: str = field(default_factory=new_event_uid)


class Gate:
    """The decision, with the state that outlives one request: the in-flight cap and the cache."""

    def __init__(
        self, config: Config, store: Store, authority: authorities.Authority | None = None, outbox: Outbox | None = None
    ) -> None:
        self.config = config
        self.store = store
        self.outbox = outbox  # where events go while the store is away (the server drains it)
        self.authority = authority or self._built(config)
        self._in_flight = threading.BoundedSemaphore(config.limits.in_flight)
        self._calls = ThreadPoolExecutor(max_workers=config.limits.in_flight, thread_name_prefix="authority")
        self._cache: ExpiringCache[Outcome] = ExpiringCache(config.limits.cache_seconds)
        # A cascade's events do not say which of them asked its provider: its questions are counted in the
        # store's counters, never seeded from the events.
        cascade = hasattr(self.authority, "offline")
        self._windows = RateWindows(store, config.limits, config.project, in_store=cascade)
        self._continues = ContinueCounts(store, config.limits.continue_ceiling)
        self._settings: tuple[float, settings.GateSettings] | None = None
        self._forgotten = 0  # how many times `forget_settings` ran
        # The mode this server last read, kept through `forget_settings`: an event decided without reading it
        # (shed, timed out, the store away) carries the mode the server was in, not a gap; `?` before a read.
        self._last_mode = "?"

    @property
    def in_process(self) -> bool:
        """Is the authority a local computation (no provider to wait on)? The server then decides on its
        event loop (on SQLite), or on one thread (server/decisions.py)."""
        return bool(getattr(self.authority, "in_process", False))

    def settings(self, now: float) -> settings.GateSettings:
        """Mode and kill switch, kept: changes through this server call `forget_settings`, and so does a
        change another server sharing the store announces (server/process.py). While the store listens
        for those announcements (`Store.listening`) the copy is right until one comes, and an idle server
        asks the database nothing; otherwise it is re-read once a second (reading more often would be a
        query per stop)."""
        kept = self._settings
        if kept is None or (not self.store.listening and now - kept[0] > SETTINGS_TTL_S):
            forgotten = self._forgotten
            read = settings.read(self.store, self.config)
            self._last_mode = read.mode
            if forgotten == self._forgotten:  # else a change was announced meanwhile: `read` may predate it
                self._settings = (now, read)
            return read
        return kept[1]

    def forget_settings(self) -> None:
        self._forgotten += 1
        self._settings = None

    def close(self) -> None:
        self._calls.shutdown(wait=False, cancel_futures=True)

    def admit(self) -> bool:
        """Take one of the `in_flight` places, or False when every one is taken and the request must be
        shed. The server takes it as a request arrives, so that requests waiting for the decision thread
        count too; `evaluate` gives it back, or `leave` for a request never evaluated."""
        return self._in_flight.acquire(blocking=False)

    def leave(self) -> None:
        self._in_flight.release()

    def evaluate(self, request: Request, admitted: bool | None = None) -> Outcome:
        """The decision on one request, recorded as one event. `admitted`: what `admit` answered when the
        caller took the place already; by default it is taken here."""
        started = time.monotonic()
        now = time.time()
        if not (self.admit() if admitted is None else admitted):
            return self._record(request, allow(fail_open="shed_overload"), self._last_mode, now, started)
        mode = self._last_mode
        try:
            current = self.settings(now)
            mode = current.mode
            if current.kill_switch:
                outcome = allow(short_circuit="kill_switch")
            elif mode == "off":
                outcome = allow(short_circuit="mode_off")
            else:
                outcome = self._judge(request, mode, now)
        except StoreUnavailable as e:  # still one event: the outbox keeps it until the store is back
            log.warning("allow (store_unavailable): %s", e.message)
            outcome = allow(fail_open="store_unavailable")
        except Exception:
            log.exception("allow (internal_error)")
            outcome = allow(fail_open="internal_error")
        finally:
            self.leave()
        return self._record(request, outcome, mode, now, started)

    def _judge(self, request: Request, mode: str, now: float) -> Outcome:
        """The verdict (cached or fresh), then what the current mode makes of it. The cache holds verdicts,
        never blocks: a block decided in enforce is not replayed after a switch to shadow."""
        if self._continues.at_ceiling(request.session_id):
            self.store.mark_stuck(request.session_id, now, self.config.project)
            return Outcome("force_allow", short_circuit="ceiling")
        key = (request.session_id, hashlib.sha256(request.case.stop_text.encode()).hexdigest())
        cached = self._cache.get(key, now)
        if cached is not None:
            return deliver(replace(cached, short_circuit="cached", event_id=None), mode)
        outcome = self._judge_uncached(request, now)
        if outcome.fail_open is None:
            self._cache.put(key, outcome, now)
        return deliver(outcome, mode)

    def _judge_uncached(self, request: Request, now: float) -> Outcome:
        ask_authority = lambda case: self._ask(case, request.session_id, now)  # noqa: E731
        return pipeline.decide(request.case, self.config.root, self._session_start(request), ask_authority)

    def _session_start(self, request: Request) -> float | None:
        """When the session started: as the hook sent it, else as SessionStart recorded it in the store."""
        if request.session_start is not None:
            return request.session_start
        try:
            return self.store.session_start(request.session_id)
        except StoreUnavailable:
            raise  # the store is away: one event, kept in the outbox
        except Exception:  # judged without a start (and so allowed), never a 500 that leaves no event
            log.exception("cannot look up the start of session %s", request.session_id)
            return None

    @staticmethod
    def _built(config: Config) -> authorities.Authority | None:
        """The configured authority; `rules` while the operator has not approved it on this machine (it
        came with the repository: state/approval.py); None when it cannot be built, and every stop is then
        allowed (fail open: `unavailable`). The log says either once here."""
        name, options = config.authority, config.authority_options.get(config.authority) or {}
        unapproved = credentials.configured_unapproved(config)
        if unapproved:
            log.warning("%s: stops are judged by rules until it is (%s)", unapproved, credentials.APPROVE_HINT)
            name, options = rules.NAME, {}
        try:
            return authorities.get(name, options, config.authority_timeout_s)
        except StopwardenError as e:
            log.warning("%s; every stop is allowed (unavailable) until it can be", e.message)
            return None

    def _ask(self, case: Case, session_id: str, now: float) -> Answer:
        """The authority's validated verdict, or the failure kind. Rate limits bound what a paid authority
        costs, so they count only the stops a provider is asked about: the offline authority judges every
        stop (the router forwards them all), a cascade's rules most of them, and limiting those would
        only let early stops through unjudged."""
        if self.authority is None:
            return None, "unavailable"
        if self.in_process:  # nothing to time out and no provider to protect: no thread, no breaker
            return ask_in_process(self.authority, case)
        settled = ask_offline(self.authority, case)
        if settled is not None:  # a cascade's rules named the act: no provider, no limit, no breaker
            return settled
        if self._windows.exceeded(session_id, now):
            return None, "rate_limited"
        try:
            self._windows.count(session_id, now)
        except StoreUnavailable:
            pass  # a window not loaded yet: it will be, from the store, once the store is back
        return self._ask_through_breaker(self.authority, case, now)

    def _ask_through_breaker(self, authority: authorities.Authority, case: Case, now: float) -> Answer:
        name = authority.name
        if not breaker.admit(self.store, name, now, self.config.authority_timeout_s):
            return None, "breaker_open"  # fails open at once, and counts as no new failure
        verdict, failure = ask(authority, case, self.config.authority_timeout_s, self._calls)
        if failure:
            breaker.failed(self.store, name, now)
        else:
            breaker.succeeded(self.store, name)
        return verdict, failure

    def _record(self, request: Request, outcome: Outcome, mode: str, now: float, started: float) -> Outcome:
        """One event per request. Only a delivered block counts towards the session's continue ceiling."""
        outcome = replace(outcome, latency_ms=_ms(started))
        row = self._row(request, outcome, mode, now)
        try:
            event_id, granted, continues = self.store.record_event(
                row, counts_continue=outcome.block, ceiling=self.config.limits.continue_ceiling
            )
            if continues is not None:
                self._continues.counted(request.session_id, continues)
            if not granted:  # another request of this session took the last block first
                self._continues.refused(request.session_id)
                self.store.mark_stuck(request.session_id, now, self.config.project)
                return replace(outcome, decision="force_allow", block=False, reminder=None, short_circuit="ceiling",
                               event_id=event_id)  # fmt: skip
        except Exception as e:
            log.warning(
                "allow (store_unavailable): cannot record %s for %s: %s", outcome.decision, request.session_id, e
            )
            outcome = replace(outcome, decision="allow", block=False, reminder=None, fail_open="store_unavailable")
            if isinstance(e, StoreUnavailable):  # away for now: kept until it is back
                self._keep(row | {"decision": "allow", "fail_open_kind": "store_unavailable"})
            else:  # the store refused this event itself: replaying it would block every later one
                log.error("an event the store refused is in this log only: %s", event_columns(row))
            return outcome
        return replace(outcome, event_id=event_id)

    def too_late(self, request: Request, waited_s: float) -> Outcome:
        """The answer for an evaluation still running at the request's deadline (a database that stopped
        answering mid-query, most often): let the agent stop, and keep the event in the outbox, under the
        request's own id, in case the evaluation never records it."""
        log.warning("allow (timeout): no decision for %s after %.1f s", request.session_id, waited_s)
        outcome = replace(allow(fail_open="timeout"), latency_ms=waited_s * 1000)
        self._keep(self._row(request, outcome, self._last_mode, time.time() - waited_s))
        return outcome

    def _row(self, request: Request, outcome: Outcome, mode: str, ts: float) -> dict[str, Any]:
        """The event of one request, as the store takes it."""
        return {
            "session_id": request.session_id,
            "agent": request.agent,
            "ts": ts,
            "mode": mode,
            "decision": outcome.decision,
            "rule": outcome.rule,
            "fail_open_kind": outcome.fail_open,
            "short_circuit": outcome.short_circuit,
            "signals": list(request.case.signals),
            "evidence_pointer": outcome.evidence_pointer,
            "latency_ms": outcome.latency_ms,
            "stop_text": request.case.stop_text,
            "project": self.config.project,
            "host": self.config.host,
            # If the store took the event but its answer was lost, the copy the outbox keeps is the same
            # event, and is not stored twice.
            "event_uid": request.event_uid,
        }

    def _keep(self, row: dict[str, Any]) -> None:
        """An event the store could not take goes to the outbox, or, without one, only to the server log."""
        if self.outbox is None:
            return
        try:
            self.outbox.append(row)
        except Exception as e:
            log.error("lost an event: neither the store nor the outbox took it (%s)", e)


def ask(authority: authorities.Authority, case: Case, timeout_s: float, pool: ThreadPoolExecutor) -> Answer:
    """The authority's verdict within `timeout_s`, validated; or the failure kind: `timeout`,
    `unavailable` (it raised), or what validation found wrong."""
    future = pool.submit(authority.judge, case)
    try:
        verdict = future.result(timeout=timeout_s)
    except FutureTimeout:
        future.cancel()
        return None, "timeout"
    except Exception as e:
        return None, failure_kind(e, authority)
    return checked(verdict, case)


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
