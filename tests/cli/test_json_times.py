"""Times in the CLI (issue 21): every time in a `--json` document (and in `gate export`) is UTC ISO 8601 to
the millisecond, as the API's; the readable lines show the same times in local time with the zone."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stopwarden.common import config as config_module
from stopwarden.common import timefmt
from stopwarden.gate import breaker
from stopwarden.store.store import Store
from tests.server.conftest import PlanRepo, evaluate_body, run_server

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TIME_NAMES = {"ts", "created_at", "since", "start", "time"}  # `time`: a commit's, in an exported case


def _walk(document: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(where, value) of every field named as a time, and of every number, in a JSON document."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key in TIME_NAMES:
                yield f"{path}.{key}", value
            else:
                yield from _walk(value, f"{path}.{key}")
    elif isinstance(document, list):
        for i, value in enumerate(document):
            yield from _walk(value, f"{path}[{i}]")
    elif isinstance(document, (int, float)) and not isinstance(document, bool):
        yield path, document


def _times(document: Any) -> list[str]:
    """The document's times, each checked to be ISO 8601, and no number in it a time in epoch seconds."""
    found = []
    for where, value in _walk(document):
        if where.rsplit(".", 1)[-1] in TIME_NAMES:
            assert isinstance(value, str) and ISO_TIME.fullmatch(value), (where, value)
            found.append(value)
        else:  # a time in epoch seconds (2001 to 5138) under another name
            assert not 1e9 <= value < 1e11, (where, value)
    return found


def _seed(root: Path) -> dict[str, float]:
    """In the project's store: an event judged and annotated, an authority failure, an operator's action."""
    store = Store.open(config_module.load(str(root)).store_location)
    try:
        now = time.time()
        base = {"session_id": "s", "agent": "claude-code", "mode": "shadow", "signals": [], "latency_ms": 1.0,
                "stop_text": "Stopping.", "project": "p", "host": "h"}  # fmt: skip
        judged = store.record_event({**base, "ts": now - 120.25, "decision": "continue",
                                     "rule": "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE",
                                     "evidence_pointer": {"plan_file": "docs/plan.md", "plan_commit_sha": "a" * 40,
                                                          "incremental_commit_sha": "b" * 40}})  # fmt: skip
        store.record_event({**base, "ts": now - 60.5, "decision": "allow", "fail_open_kind": "unavailable",
                            "evidence_pointer": {}})  # fmt: skip
        store.add_annotation(judged.event_id, "ann", "correct", "a plan older than the session", 20_000, now - 30.75)
        store.log_operator("mode", "shadow", now - 10.125)
        for _ in range(breaker.FAILURES_TO_OPEN):
            breaker.failed(store, "rules", now - 60.5)  # open: `gate status` says when the last failure was
        return {"judged": now - 120.25, "failed": now - 60.5, "annotated": now - 30.75, "operator": now - 10.125}
    finally:
        store.close()


def test_every_json_time_is_utc_iso_8601_and_people_read_local_time(installed: Path, cli: Any) -> None:
    at = _seed(installed)
    iso = {name: timefmt.iso(ts) for name, ts in at.items()}

    log = cli("gate", "log", "--json").json()  # the quick path: the SQLite file read with sqlite3
    assert _times(log) == [iso["failed"], iso["judged"], iso["annotated"]]
    assert cli("gate", "log", "--since", "1h", "--json").json() == log  # the click path, the store opened
    assert cli("gate", "log", "--since", timefmt.iso(at["judged"] - 1), "--json").json() == log
    assert cli("gate", "log", "--since", str(int(at["failed"] - 1)), "--json").json() == log[:1]
    readable = cli("gate", "log").out.splitlines()
    assert [row[:25] for row in readable] == [timefmt.local(at["failed"]), timefmt.local(at["judged"])]

    review = cli("gate", "review", "--json").json()  # what waits for a verdict, as `gate log --json` has it
    assert review == [log[0]] and _times(review) == [iso["failed"]]

    status = cli("gate", "status", "--json").json()
    assert _times(status) == [iso["failed"]] and status["last_failure"] == {"kind": "unavailable", "ts": iso["failed"]}
    assert f"last failure unavailable at {timefmt.local(at['failed'])}" in cli("gate", "status").out

    report = cli("gate", "report", "--json").json()
    assert _times(report) == [report["since"], iso["operator"]]
    assert abs((timefmt.parse_iso(report["since"]) or 0) - (time.time() - 7 * 86400)) < 60
    assert report == cli("gate", "report", "--format", "json").json() | {"since": report["since"]}
    shown = cli("gate", "report").out
    assert f"since {timefmt.local_iso(report['since'], seconds=False)}" in shown
    assert f"  {timefmt.local(at['operator'], seconds=False)} mode: shadow" in shown

    exported = cli("gate", "export", "--annotated", "--json").json()
    assert _times(exported) == [iso["judged"], iso["judged"]]  # the case's commit, and the event's own time
    assert [case["event"]["ts"] for case in exported["cases"]] == [iso["judged"]]


def test_from_the_server_the_same_times(installed: Path, plan_repo: PlanRepo, cli: Any) -> None:
    """`gate log` shows what the server answers (its times in ISO 8601) as it shows the store's."""
    for server in run_server(installed):
        assert server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))[0] == 200
        served = cli("gate", "log", "--json").json()
        [stored] = server.store.events(1)
        assert _times(served) == [timefmt.iso(stored["ts"])]
        assert cli("gate", "log").out.startswith(timefmt.local(stored["ts"]) + " #")
