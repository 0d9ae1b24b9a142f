"""Review (issue 21, item 7), through the real CLI on the project's store: the queue shows first what
counts toward readiness and marks the rest, last; a missed continue shows in the report; a figure over
nothing prints `n/a`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from stopwarden.common import config as config_module
from stopwarden.store.store import Store
from tests.terminal import Terminal


def _events(root: Path, *kinds: dict[str, Any]) -> list[int]:
    """Record events in the project's store, oldest first, each with the given columns."""
    store = Store.open(config_module.load(str(root)).store_location)
    try:
        base = {"session_id": "s", "agent": "claude-code", "mode": "shadow", "decision": "allow",
                "rule": "U_LEGIT_COMPLETION", "signals": [], "evidence_pointer": {}, "latency_ms": 1.0,
                "stop_text": "Done.", "project": "p", "host": "h"}  # fmt: skip
        now = time.time()
        return [store.record_event({**base, "ts": now - 100 + i, **kind}).event_id for i, kind in enumerate(kinds)]
    finally:
        store.close()


NOT_COUNTED = [
    {"rule": None, "short_circuit": "no_session_start"},
    {"rule": None, "fail_open_kind": "unavailable"},
    {"rule": None, "fail_open_kind": "breaker_open"},
]


def test_the_queue_puts_what_counts_first(installed: Path, cli: Any) -> None:
    """The newest events never count; they come after the older ones that do, each marked."""
    counted = _events(installed, {"decision": "continue", "rule": "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE"}, {})
    others = _events(installed, *NOT_COUNTED)
    queue = cli("gate", "review", "--json").json()
    assert [(e["event_id"], e["counts"]) for e in queue] == [
        (counted[1], True), (counted[0], True), *((i, False) for i in reversed(others))
    ]  # fmt: skip
    assert [e["event_id"] for e in cli("gate", "review", "--json", "--decision", "allow").json()] == [
        counted[1], *reversed(others)
    ]  # fmt: skip


def test_the_terminal_review_marks_what_does_not_count(installed: Path) -> None:
    _events(installed, {"short_circuit": "no_session_start", "rule": None})
    counted = _events(installed, {"stop_text": "counted one"})[0]
    term = Terminal(installed, "gate", "review", "--operator", "ana")
    term.expect(f"--- event #{counted} (2 waiting, 1 of them count toward readiness) ---")
    term.send("s")
    term.expect("NOT COUNTED: no_session_start decided it, not the authority")
    term.send("q")
    term.expect("Bye.")
    assert term.close() == 0


def test_an_empty_report_says_n_a(installed: Path, cli: Any) -> None:
    out = cli("gate", "report").out
    assert "None" not in out and "0.00" not in out and "0.0 " not in out, out
    assert "latency ms: p50 n/a  p95 n/a  p99 n/a" in out
    assert "precision of continue: n/a (0 right, 0 wrong)" in out
    assert "[ ] precision of annotated continue verdicts: n/a (need 0.9)" in out
    assert "[ ] missed continues among annotated allow/escalate verdicts: n/a (at most 0.1)" in out


def test_an_allow_judged_incorrect_shows_in_readiness(installed: Path, cli: Any) -> None:
    """A missed continue: an allow an operator judged incorrect (it should have been sent back to work)."""
    allow, escalate, _ = _events(installed, {}, {"decision": "escalate", "rule": "U_GIVE_UP"}, *NOT_COUNTED[1:2])
    store = Store.open(config_module.load(str(installed)).store_location)
    try:
        store.add_annotation(allow, "ana", "incorrect", "the plan had a next step", 20_000, time.time())
        store.add_annotation(escalate, "ana", "correct", "it was stuck", 20_000, time.time())
    finally:
        store.close()
    out = cli("gate", "report").out
    assert "missed continues: 1 of 2 allow/escalate judged (0.50): allow 1, escalate 0 judged incorrect" in out
    assert "[ ] missed continues among annotated allow/escalate verdicts: 0.50 (at most 0.1)" in out
    data = cli("gate", "report", "--json").json()
    assert data["annotations"]["missed_continue"] == 1 and data["annotations"]["allow_incorrect"] == 1
