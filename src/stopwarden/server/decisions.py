"""Where the gate's decisions are made: on the server's event loop when they need nothing that waits, else on
threads that live as long as the server.

The `rules` authority on a SQLite store decides on the event loop itself: the decision is CPU work (the
classifier) and one short local transaction. On a thread, every request was a hand-off, and worse, each of
the transaction's statements let go of the GIL and then had to win it back from the event loop: measured
on the 2-core machine with server_load's mix, the server answered 15 to 70 % more requests a second, with
less CPU per request, on the loop than on one decision thread (docs/performance.md). What
could make the loop wait is sent to a thread instead: a decision that needs git (a post-check or set-up
files not seen before: `postcheck.WouldWait`, raised before anything is recorded) is decided again, from
the start, on the thread; a SQLite write waits for another writer at most the store's busy timeout (1 s).

Everything else decides on the threads, fed by a queue: the loop hands a request over with one put and
gets the answer back with one `call_soon_threadsafe`, and answers `/health` and the other routes
meanwhile; a decision still running at the deadline is answered without. One thread when the authority
computes locally (the `rules` authority on PostgreSQL, whose round trips are waits): decisions then take
turns, which is what the GIL would make of them anyway, and the store sees one writer. An authority that
asks a provider waits on it for seconds: then one thread for each of the gate's `in_flight` places, and
one more, so that a request shed at the cap is still answered at once while every place waits on the
provider.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from stopwarden.gate import postcheck
from stopwarden.gate.pipeline import Outcome
from stopwarden.gate.service import Gate
from stopwarden.gate.service import Request as GateRequest
from stopwarden.store.redact import redacting_logger

log = redacting_logger("stopwarden.server")

Decide = Callable[[GateRequest, bool], Outcome]  # (the request, whether the gate admitted it) -> its outcome
_Job = tuple[GateRequest, bool, asyncio.AbstractEventLoop, "asyncio.Future[Outcome]"]


class DecisionThreads:
    def __init__(self, gate: Gate, decide: Decide) -> None:
        self._gate = gate
        self._decide = decide
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.at_once = gate.in_process and gate.store.backend == "sqlite"  # decided on the event loop
        count = 1 if gate.in_process else gate.config.limits.in_flight + 1
        self._threads = [threading.Thread(target=self._work, name=f"decision-{i}", daemon=True) for i in range(count)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Let each thread finish the decision in hand, then end; what is still queued is not decided."""
        for _ in self._threads:
            self._jobs.put(None)

    async def decide(self, request: GateRequest, deadline_s: float) -> Outcome | None:
        """The outcome of `request`, or None when it is not decided within `deadline_s` (then it is not
        decided at all if no thread took it up yet). A request arriving with every `in_flight` place taken
        is decided too: as shed."""
        started = time.monotonic()
        if self.at_once:
            # One turn of the loop first, so that decisions are taken in the order requests came. Deciding at
            # once, the requests one poll of the sockets returned were decided back to back, and any that came
            # meanwhile waited for the next poll and then for their place in its order: under load one in six
            # waited two rounds (p99 2.6 times p50; with this turn 1.7 to 1.8, docs/performance.md).
            await asyncio.sleep(0)
            outcome = self._decide_at_once(request)
            if outcome is not None:
                return outcome
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Outcome] = loop.create_future()
        self._jobs.put((request, self._gate.admit(), loop, done))
        try:
            # The deadline counts from the request: the loop's turn and a first try that needed git included.
            left = deadline_s - (time.monotonic() - started)
            return await asyncio.wait_for(done, max(left, 0.0))  # on time-out, `done` is cancelled
        except TimeoutError:
            return None

    def _decide_at_once(self, request: GateRequest) -> Outcome | None:
        """The outcome, decided here; None when the decision needs git, and nothing was recorded."""
        try:
            with postcheck.without_waiting():
                return self._decide(request, self._gate.admit())
        except postcheck.WouldWait:
            return None

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            request, admitted, loop, done = job
            if done.done():  # answered without it at its deadline: the server kept its event already
                if admitted:
                    self._gate.leave()
                continue
            try:
                outcome: Any = self._decide(request, admitted)
            except BaseException as e:  # `Gate.evaluate` answers every failure itself: this is a bug
                log.exception("a decision failed")
                outcome = e
            try:
                loop.call_soon_threadsafe(_settle, done, outcome)
            except RuntimeError:  # the loop closed: the server is stopping
                pass


def _settle(done: asyncio.Future[Outcome], outcome: Outcome | BaseException) -> None:
    if done.done():
        return
    if isinstance(outcome, BaseException):
        done.set_exception(outcome)
    else:
        done.set_result(outcome)
