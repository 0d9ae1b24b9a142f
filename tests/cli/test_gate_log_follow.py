"""`gate log --follow` (issue 21 item 9): the real console script keeps printing each new decision as it is
recorded, in `gate log`'s line format and with its filters, from the running server or else the store;
Ctrl-C ends it with exit 0 and nothing said, and so does a reader that goes away."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from stopwarden.common import config as config_module
from stopwarden.store.store import Store
from tests.server.conftest import PlanRepo, evaluate_body, run_server
from tests.terminal import CLI


class Follower:
    """`stopwarden gate log --follow ARGS` running in `cwd`, its stdout read line by line as it comes."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [CLI, "gate", "log", "--follow", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert self.proc.stdout is not None
        self.fd = self.proc.stdout.fileno()
        self.buffer = b""

    def line(self, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no new line within {timeout} s; so far {self.buffer!r}"
            if select.select([self.fd], [], [], remaining)[0]:
                chunk = os.read(self.fd, 65536)
                assert chunk, f"the follower ended: {self.stop()}"
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode("utf-8")

    def quiet_for(self, seconds: float) -> bool:
        """Whether nothing more is printed for `seconds`."""
        return not self.buffer and not select.select([self.fd], [], [], seconds)[0]

    def stop(self) -> tuple[int, bytes]:
        """Ctrl-C, as a terminal sends it: the exit code and what went to stderr."""
        self.proc.send_signal(signal.SIGINT)
        _, err = self.proc.communicate(timeout=15)
        return self.proc.returncode, err


def _record(root: Path, **columns: Any) -> int:
    """One decision written straight into the project's SQLite store (no server)."""
    store = Store.open(config_module.load(str(root)).store_location)
    try:
        row = {"session_id": "s", "agent": "claude-code", "mode": "shadow", "decision": "allow",
               "rule": "U_LEGIT_COMPLETION", "signals": [], "evidence_pointer": {}, "latency_ms": 1.0,
               "stop_text": "Done.", "project": root.name, "host": "h", "ts": time.time(), **columns}  # fmt: skip
        return int(store.record_event(row).event_id)
    finally:
        store.close()


def _printed_by_gate_log(root: Path, *args: str) -> list[str]:
    done = subprocess.run([CLI, "gate", "log", *args], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_follow_prints_new_decisions_from_the_server(installed: Path, plan_repo: PlanRepo) -> None:
    for server in run_server(installed):
        assert server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, session="before"))[0] == 200
        follower = Follower(installed)
        try:
            first = follower.line()
            assert "session=before" in first and first == _printed_by_gate_log(installed)[0]
            assert follower.quiet_for(1.5)  # nothing printed twice
            body = evaluate_body(plan_repo, session="after", stop_text="All done: \x1b[2K tests pass.")
            assert server.call("POST", "/v1/evaluate", body)[0] == 200
            new = follower.line()
            assert "session=after" in new and "\\x1b[2K" in new and "\x1b" not in new
            assert new == _printed_by_gate_log(installed, "--tail", "1")[0]  # the same line as `gate log`'s
            assert follower.quiet_for(1.5)
        finally:
            assert follower.stop() == (0, b"")


def test_follow_reads_the_store_without_a_server_with_the_filters(installed: Path) -> None:
    old = _record(installed, decision="continue", rule="U4_NEXT_STEP_ANNOUNCED", session_id="old", ts=time.time() - 60)
    _record(installed, decision="allow", session_id="old-allow", ts=time.time() - 50)
    follower = Follower(installed, "--decision", "continue", "--json")
    try:
        assert json.loads(follower.line())["event_id"] == old  # the last decisions first, filtered
        _record(installed, decision="allow", session_id="skipped")
        new = _record(installed, decision="continue", rule="U4_NEXT_STEP_ANNOUNCED", session_id="new")
        shown = json.loads(follower.line())  # one JSON object a line
        assert (shown["event_id"], shown["session_id"], shown["decision"]) == (new, "new", "continue")
        listed = json.loads(
            "\n".join(_printed_by_gate_log(installed, "--tail", "1", "--decision", "continue", "--json"))
        )
        assert [shown] == listed  # the same object as `gate log --json` lists
        assert follower.quiet_for(2.5)  # the allow is filtered out, nothing is repeated
    finally:
        assert follower.stop() == (0, b"")


def test_a_reader_that_goes_away_ends_it_quietly(installed: Path) -> None:
    _record(installed, session_id="first")
    follower = Follower(installed)
    assert "session=first" in follower.line()
    assert follower.proc.stdout is not None
    follower.proc.stdout.close()  # as `gate log --follow | head -1` does once it has its line
    _record(installed, session_id="second")
    assert follower.proc.wait(timeout=15) == 0
    assert follower.proc.stderr is not None and follower.proc.stderr.read() == b""


def test_follow_with_a_tail_never_prints_the_decisions_before_it(installed: Path) -> None:
    """`--tail 2` shows the last two; a poll's window reaches back further, but the older decisions were left
    out on purpose and are not printed afterwards, out of order (a cold review found them)."""
    ids = [_record(installed, session_id=f"s{n}", ts=time.time() - 30 + n) for n in range(5)]
    follower = Follower(installed, "--tail", "2", "--json")
    try:
        assert [json.loads(follower.line())["event_id"] for _ in range(2)] == ids[3:]
        assert follower.quiet_for(2.5)  # two polls: s0 to s2 stay unprinted
        late = _record(installed, session_id="late", ts=time.time() - 40)  # stored now, its stop older
        assert json.loads(follower.line())["event_id"] == late
    finally:
        assert follower.stop() == (0, b"")
