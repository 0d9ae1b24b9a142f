"""Issue 18, item 10: a stop text over 64 KiB was refused with 400, the hook let the agent stop, and no event
was logged: in enforce the same stop was blocked at 88 characters and allowed at 70,318. Now a long text is
clipped, keeping its end (where the stop act is), and judged like any other. Real HTTP, real server, the
rules authority.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from stopwarden.common.clip import clip
from stopwarden.server.models import MAX_TEXT
from tests.server.conftest import CONTEXT_STOP, PlanRepo, Server, evaluate_body, run_server

# A long report of work done, then the excuse: nothing in the filler is a legitimate reason to stop.
FILLER = "Ran the migration for table t{i} and updated its model; the unit tests for it were re-run. "


def long_stop(length: int) -> str:
    text = "".join(FILLER.format(i=i) for i in range(length // len(FILLER) + 1))
    return text[: length - len(CONTEXT_STOP) - 1] + " " + CONTEXT_STOP


@pytest.fixture
def server(installed: Path) -> Iterator[Server]:
    yield from run_server(installed)


def call(server: Server, method: str, target: str, body: Any = None) -> tuple[int, Any]:
    """One request with the bearer token (auth is not what these tests are about; test_server_guard.py)."""
    headers = {"Authorization": f"Bearer {server.token}"}
    response = httpx.request(method, f"http://127.0.0.1:{server.port}{target}", json=body, headers=headers)
    return response.status_code, response.json()


def test_a_70000_character_stop_is_judged_blocked_and_logged(server: Server, plan_repo: PlanRepo) -> None:
    assert call(server, "PUT", "/v1/mode", {"mode": "enforce", "force": "test"})[0] == 200
    short = call(server, "POST", "/v1/evaluate", evaluate_body(plan_repo, session="short"))[1]
    assert short["block"] is True
    text = long_stop(70_000)
    assert len(text) == 70_000 and text.endswith(CONTEXT_STOP)
    code, body = call(server, "POST", "/v1/evaluate", evaluate_body(plan_repo, session="long", stop_text=text))
    assert code == 200, body
    assert (body["decision"], body["rule"], body["block"]) == ("continue", short["rule"], True)
    assert body["reminder"] == short["reminder"]
    [event] = call(server, "GET", "/v1/events?session=long")[1]
    assert event["event_id"] == body["event_id"] and event["decision"] == "continue"
    assert "mentions_context" in event["signals"]


@pytest.mark.parametrize("length", [MAX_TEXT + 1, 200_000])
def test_any_stop_text_that_fits_the_body_gets_a_decision_and_an_event(
    server: Server, plan_repo: PlanRepo, length: int
) -> None:
    code, body = call(server, "POST", "/v1/evaluate", evaluate_body(plan_repo, stop_text=long_stop(length)))
    assert code == 200, body
    assert body["decision"] == "continue" and body["event_id"] is not None
    assert [e["event_id"] for e in server.store.events(10)] == [body["event_id"]]


def test_long_recent_turns_are_clipped_not_refused(server: Server, plan_repo: PlanRepo) -> None:
    request = evaluate_body(plan_repo)
    request["untrusted"]["recent_turns"] = [{"source": "user", "text": "Implement the plan. " * 4000}] * 3
    code, body = call(server, "POST", "/v1/evaluate", request)
    assert code == 200, body
    assert body["event_id"] is not None


def test_a_body_over_256_kib_is_still_refused(server: Server, plan_repo: PlanRepo) -> None:
    code, body = call(server, "POST", "/v1/evaluate", evaluate_body(plan_repo, stop_text=long_stop(300 * 1024)))
    assert code == 413 and body["error"] == "payload_too_large"


# --- clip ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "short", "x" * 100])
def test_a_text_that_fits_is_unchanged(text: str) -> None:
    assert clip(text, 100) is text


def test_a_long_text_keeps_its_start_and_above_all_its_end() -> None:
    text = "START " + "filler " * 20_000 + CONTEXT_STOP
    clipped = clip(text, 4000)
    assert len(clipped) <= 4000
    assert clipped.startswith("START ") and clipped.endswith(CONTEXT_STOP)
    head, _, rest = clipped.partition("\n[… ")
    count, _, tail = rest.partition(" characters cut …]\n")
    assert text.startswith(head) and text.endswith(tail)
    assert len(head) + int(count) + len(tail) == len(text)  # the marker names exactly what was cut
    assert len(tail) > 2 * len(head)  # the end gets the larger share


@pytest.mark.parametrize("limit", [0, 1, 5, 20, 31, 32, 33, 64])
@pytest.mark.parametrize("size", [40, 1000, 10**6])
def test_clip_never_exceeds_its_limit_and_keeps_the_last_characters(limit: int, size: int) -> None:
    text = "".join(chr(0x61 + i % 26) for i in range(size))
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    if clipped:
        assert text.endswith(clipped[-1])
