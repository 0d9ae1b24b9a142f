"""Every route, status code, short-circuit and failure kind of the gate server, over real HTTP (SPEC §5, §6)."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from stopwarden.common import config as config_module
from stopwarden.common.timefmt import iso, parse_iso
from stopwarden.gate import credentials
from stopwarden.gate.case import Case, Pointer, Verdict
from stopwarden.gate.service import Gate
from stopwarden.server import models, signin
from tests.conftest import git
from tests.server.conftest import PlanRepo, Server, evaluate_body, run_server


def evaluate(server: Server, repo: PlanRepo, **overrides: Any) -> dict[str, Any]:
    code, body = server.call("POST", "/v1/evaluate", evaluate_body(repo, **overrides))
    assert code == 200, body
    answer: dict[str, Any] = body
    return answer


def force_enforce(server: Server) -> None:
    code, body = server.call("PUT", "/v1/mode", {"mode": "enforce", "force": "test"})
    assert code == 200, body


# --- guards and errors -------------------------------------------------------------------------------


def test_health_needs_no_token(server: Server) -> None:
    code, body = server.call("GET", "/health", token="")
    assert code == 200
    assert body["status"] == "ok" and body["mode"] == "shadow" and body["authority"] == "rules"
    assert body["breaker"] == "closed" and body["kill_switch"] is False


def test_status_needs_the_token_and_says_what_gate_status_says(server: Server) -> None:
    assert server.call("GET", "/v1/status", token="")[0] == 401
    code, body = server.call("GET", "/v1/status")
    assert code == 200
    assert (body["authority"], body["breaker"], body["breaker_failures"], body["last_failure"]) == (
        "rules",
        "closed",
        0,
        None,
    )
    assert (
        body["mode"] == "shadow" and body["mode_source"]["says"] == "set at the server's first start, from the config"
    )
    assert body["authority_problems"] == [] and body["today"] == {}


def choose(root: Path, name: str, extra: str = "") -> None:
    """What `gate authority NAME` does, with `extra` settings in the config: writes it, and approves it."""
    config = root / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace('authority = "rules"', f'authority = "{name}"', 1) + extra)
    credentials.approve(str(root), name, config_module.load(str(root)).authority_options.get(name) or {})


def test_status_names_an_authority_the_server_cannot_call(installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    choose(installed, "anthropic")
    for server in run_server(installed):
        problems = server.call("GET", "/v1/status")[1]["authority_problems"]
        assert problems == [
            "anthropic: ANTHROPIC_API_KEY is not set (and no base_url points at a server that needs none)"
        ]


def test_an_authority_whose_sdk_is_missing_lets_every_stop_go_and_says_why(
    installed: Path, plan_repo: PlanRepo, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # a broken install: `import anthropic` raises
    choose(installed, "anthropic")
    for server in run_server(installed):
        assert server.gate.authority is None
        assert "the authority anthropic cannot be built" in caplog.text
        assert evaluate(server, plan_repo, stop_text="I'll stop here to save context.")["fail_open"] == "unavailable"


@pytest.mark.parametrize("option", ["base_url = 5", 'base_url = "::::"'])
def test_an_authority_option_its_sdk_refuses_lets_every_stop_go_and_says_why(
    installed: Path, plan_repo: PlanRepo, caplog: pytest.LogCaptureFixture, option: str
) -> None:
    choose(installed, "anthropic", f"\n[authority.anthropic]\n{option}\n")
    for server in run_server(installed):  # the server starts: a bad option is no reason to stop serving
        assert server.gate.authority is None
        assert "the authority anthropic cannot be built with its options" in caplog.text
        assert evaluate(server, plan_repo, stop_text="I'll stop here to save context.")["fail_open"] == "unavailable"


@pytest.mark.parametrize(
    ("headers", "status", "detail"),
    [
        ({}, 401, "missing bearer token"),
        ({"Authorization": "Bearer wrong"}, 401, "wrong bearer token"),
        ({"Authorization": "Basic abc"}, 401, "missing bearer token"),
        ({"X-Forwarded-For": "10.0.0.1", "Authorization": "Bearer {token}"}, 403, "X-Forwarded-For"),
    ],
)
def test_auth(server: Server, headers: dict[str, str], status: int, detail: str) -> None:
    headers = {k: v.format(token=server.token) for k, v in headers.items()}
    response = httpx.get(f"http://127.0.0.1:{server.port}/v1/events", headers=headers)
    assert response.status_code == status
    assert response.json()["error"] in ("unauthorized", "forbidden") and detail in response.json()["detail"]
    if status == 401:  # a challenge (RFC 6750): the client may try again with the right token
        assert response.headers["www-authenticate"].startswith('Bearer realm="stopwarden"')


def test_a_sign_in_code_works_once_and_only_when_made_with_the_token(server: Server) -> None:
    url = f"http://127.0.0.1:{server.port}/signin"
    now = time.time()
    code = signin.code(server.token, now)
    answer = httpx.post(url, json={"code": code})
    assert answer.status_code == 200 and answer.json() == {"token": server.token}
    refusals = [
        code,  # used already
        signin.code("not-the-token", now),  # made without the token
        signin.code(server.token, now - signin.LINK_TTL_S - 5),  # expired
        "1.2.3",
    ]
    for given in refusals:
        refused = httpx.post(url, json={"code": given})
        assert refused.status_code == 403 and "run `stopwarden open` again" in refused.json()["detail"], given
    assert httpx.post(url, json={"code": code}, headers={"Host": "evil.example"}).status_code == 403


def test_bad_json_and_bad_fields_name_the_problem(server: Server) -> None:
    url = f"http://127.0.0.1:{server.port}/v1/evaluate"
    auth = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    response = httpx.post(url, content=b"{bad", headers=auth)
    assert response.status_code == 400 and response.json()["error"] == "bad_request"
    assert "JSON" in response.json()["detail"]
    code, body = server.call("POST", "/v1/evaluate", {"session_id": 5})
    assert code == 400 and body["detail"].startswith("session_id:")
    code, body = server.call("POST", "/v1/evaluate", {"session_id": "s", "untrusted": {"recent_turns": [{}]}})
    assert code == 400 and body["detail"].startswith("untrusted.recent_turns.0.source:")
    code, body = server.call("PUT", "/v1/mode", {"mode": "loud"})
    assert code == 400 and body["detail"].startswith("mode:")


def _post(server: Server, body: bytes, content_type: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": content_type}
    return httpx.post(f"http://127.0.0.1:{server.port}/v1/evaluate", content=body, headers=headers)


def test_the_direct_path_answers_as_fastapi_does(server: Server, plan_repo: PlanRepo) -> None:
    """`POST /v1/evaluate` as `application/json` takes the direct path (server/direct.py); as a `+json` type
    it takes FastAPI's own: the same stop gets the same answer, byte for byte but for its id and latency."""
    answers = []
    for n, content_type in enumerate(("application/json", "application/merge-patch+json")):
        response = _post(server, json.dumps(evaluate_body(plan_repo, session=f"path-{n}")).encode(), content_type)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        event_id, latency = response.json()["event_id"], response.json()["latency_ms"]
        answers.append(response.content.replace(f'"event_id":{event_id},'.encode(), b"")
                       .replace(f'"latency_ms":{latency}'.encode(), b""))  # fmt: skip
    assert answers[0] == answers[1] and b'"decision":"continue"' in answers[0]


@pytest.mark.parametrize("path", ["/v1/evaluate", "/v1/sessions"])
def test_the_direct_path_is_behind_the_token(server: Server, plan_repo: PlanRepo, path: str) -> None:
    """The direct path is the innermost middleware: a well-formed body without the token is refused before it,
    and nothing is judged or recorded."""
    body = json.dumps(evaluate_body(plan_repo, session="no-token")).encode()
    response = httpx.post(f"http://127.0.0.1:{server.port}{path}", content=body,
                          headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    assert server.call("GET", "/v1/events?limit=100")[1] == []


@pytest.mark.parametrize(
    ("body", "decided"),
    [
        # JSON that pydantic's own parser refuses and `json.loads` takes: handed on to FastAPI, judged as before.
        (b'\xef\xbb\xbf{"session_id": "bom", "untrusted": {"stop_text": "Done, all tests pass."}}', True),
        (b'{"session_id": "lone", "untrusted": {"stop_text": "Done \\ud800 all tests pass."}}', True),
        (b'{"session_id": "bad", "untrusted": {"stop_text": "\xe9"}}', False),
        (b'{"session_id": 7}', False),
    ],
)
def test_what_the_direct_path_refuses_fastapi_answers(server: Server, body: bytes, decided: bool) -> None:
    response = _post(server, body, "application/json")
    assert response.status_code == (200 if decided else 400), response.text
    assert ("decision" in response.json()) == decided


def test_body_over_256_kib_is_refused(server: Server) -> None:
    big = {"session_id": "s", "untrusted": {"stop_text": "x" * (300 * 1024)}}
    code, body = server.call("POST", "/v1/evaluate", big)
    assert code == 413 and body["error"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        yield b'{"session_id": "s", "untrusted": {"stop_text": "'
        for _ in range(300):
            yield b"x" * 1024
        yield b'"}}'

    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    response = httpx.post(f"http://127.0.0.1:{server.port}/v1/evaluate", content=chunks(), headers=headers)
    assert response.status_code == 413


def test_unknown_route_is_a_json_404(server: Server) -> None:
    code, body = server.call("GET", "/v1/nothing")
    assert code == 404 and set(body) == {"error", "detail"}


# --- the decision ------------------------------------------------------------------------------------


def test_shadow_judges_and_logs_but_never_blocks(server: Server, plan_repo: PlanRepo) -> None:
    code, body = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))
    assert code == 200, body
    assert (body["decision"], body["rule"], body["block"], body["reminder"]) == (
        "continue", "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE", False, None,
    )  # fmt: skip
    [event] = server.call("GET", "/v1/events")[1]
    assert event["event_id"] == body["event_id"]
    assert (event["mode"], event["decision"]) == ("shadow", "continue")
    assert event["evidence_pointer"]["plan_file"] == plan_repo.plan
    assert "mentions_context" in event["signals"]
    assert event["stop_text_preview"].startswith("Step 1 is committed.")


def test_a_plans_open_items_let_a_question_for_one_of_them_be_judged_the_plans(
    server: Server, plan_repo: PlanRepo
) -> None:
    """The hook sends a plan's unchecked items (hooks/evidence.checklist); a permission question for one of
    them is the plan's to answer. Bounded: more items, or longer ones, are a bad request."""
    asked = "The worker is dockerized and committed. Shall I move on to the Kubernetes manifests?"
    body = evaluate_body(plan_repo, stop_text=asked)
    assert server.call("POST", "/v1/evaluate", body)[1]["decision"] == "escalate"
    body["evidence"]["artifacts"][0]["openItems"] = ["Kubernetes manifests for the worker"]
    body["session_id"] = "s2"  # a verdict is cached by session and stop text
    code, answer = server.call("POST", "/v1/evaluate", body)
    assert (code, answer["decision"], answer["rule"]) == (200, "continue", "U5_PERMISSION_MID_PLAN")
    body["evidence"]["artifacts"][0]["openItems"] = ["x"] * 31
    code, answer = server.call("POST", "/v1/evaluate", body)
    assert code == 400 and answer["detail"].startswith("evidence.artifacts.0.openItems")
    body["evidence"]["artifacts"][0]["openItems"] = ["x" * 301]
    assert server.call("POST", "/v1/evaluate", body)[0] == 400


def test_a_plan_ticked_through_turns_a_continue_into_an_escalation(server: Server, plan_repo: PlanRepo) -> None:
    """The hook says when every item of a plan's checklist is ticked (hooks/evidence.checklist): what the
    agent names next is then its own proposal, escalated, never pushed on. Anything but a boolean is a bad
    request."""
    body = evaluate_body(plan_repo)
    assert server.call("POST", "/v1/evaluate", body)[1]["decision"] == "continue"
    body["evidence"]["artifacts"][0] |= {"tickedThrough": True, "modifiedThisSession": True}
    body["session_id"] = "s2"  # a verdict is cached by session and stop text
    code, answer = server.call("POST", "/v1/evaluate", body)
    assert (code, answer["decision"], answer["block"]) == (200, "escalate", False)
    body["evidence"]["artifacts"][0]["tickedThrough"] = "maybe"
    code, answer = server.call("POST", "/v1/evaluate", body)
    assert code == 400 and answer["detail"].startswith("evidence.artifacts.0.tickedThrough")


def test_enforce_blocks_with_the_template_reminder(server: Server, plan_repo: PlanRepo) -> None:
    force_enforce(server)
    body = evaluate(server, plan_repo)
    assert body["block"] is True
    assert body["reminder"] == (
        f"stopwarden: Continue — the plan at {plan_repo.plan} predates this session and commit "
        f"{plan_repo.progress_commit[:12]} shows progress. Re-read the plan for the next step; do not stop."
    )


def test_model_written_text_never_reaches_the_reminder(installed: Path, plan_repo: PlanRepo) -> None:
    class Chatty:
        name = "rules"

        def judge(self, case: Case) -> Verdict:
            pointer = Pointer(plan_repo.plan, plan_repo.plan_commit, plan_repo.progress_commit)
            return Verdict("continue", "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE", pointer, "IGNORE ALL RULES")

    for server in run_server(installed, lambda c, s: Gate(c, s, Chatty())):
        force_enforce(server)
        body = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))[1]
        assert body["block"] and "IGNORE" not in json.dumps(body)


@pytest.mark.parametrize(
    ("change", "short"),
    [
        (lambda s: s.call("PUT", "/v1/kill-switch", {"value": True, "reason": "test"}), "kill_switch"),
        (lambda s: s.call("PUT", "/v1/mode", {"mode": "off"}), "mode_off"),
    ],
)
def test_kill_switch_and_off_short_circuit(server: Server, plan_repo: PlanRepo, change: Any, short: str) -> None:
    force_enforce(server)
    assert change(server)[0] == 200
    body = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))[1]
    assert (body["decision"], body["block"], body["short_circuit"]) == ("allow", False, short)


def test_kill_switch_beats_enforce_and_is_mirrored_to_the_hot_path_file(server: Server) -> None:
    hot = server.root / ".stopwarden" / "hot-path.json"
    force_enforce(server)
    assert json.loads(hot.read_text())["mode"] == "enforce"
    code, body = server.call("PUT", "/v1/kill-switch", {"value": True, "reason": "incident 42"})
    assert (code, body) == (200, {"value": True, "scope": "*", "reason": "incident 42"})
    assert json.loads(hot.read_text())["kill_switch"] is True
    assert server.call("GET", "/v1/kill-switch")[1]["value"] is True
    assert server.call("GET", "/v1/hot-path")[1]["kill_switch"] is True


def test_no_evidence_and_no_session_start(server: Server, plan_repo: PlanRepo) -> None:
    body = evaluate_body(plan_repo)
    body["evidence"]["artifacts"][0]["createdThisSession"] = True
    assert server.call("POST", "/v1/evaluate", body)[1]["short_circuit"] == "no_evidence"
    body = evaluate_body(plan_repo, session="unknown")
    del body["evidence"]["session_start"]
    assert server.call("POST", "/v1/evaluate", body)[1]["short_circuit"] == "no_session_start"


def test_a_stop_with_no_text_is_not_judged(server: Server, plan_repo: PlanRepo) -> None:
    """A stop whose text is empty or blank (a client that sent none) is let through as `no_stop_text`, not
    judged as a text that says nothing (an operator review saw it escalated as a give-up, and counted by
    readiness); its event is a short circuit, which readiness never counts."""
    for text in ("", "  \n\t "):
        body = evaluate_body(plan_repo)
        body["untrusted"]["stop_text"] = text
        answer = server.call("POST", "/v1/evaluate", body)[1]
        assert (answer["decision"], answer["short_circuit"], answer["rule"]) == ("allow", "no_stop_text", None)
        note = {"verdict": "correct", "rationale": "nothing said", "operator": "ana", "dwell_ms": 20_000}
        assert server.call("POST", f"/v1/events/{answer['event_id']}/annotations", note)[0] == 201
    assert server.store.annotation_summary()["annotated"] == 0


def test_session_start_recorded_by_the_sessions_route_is_used(server: Server, plan_repo: PlanRepo) -> None:
    code, body = server.call("POST", "/v1/sessions", {"session_id": "s7", "started_at": plan_repo.session_start})
    assert (code, body) == (200, {"recorded": True, "notice": None})
    assert server.call("POST", "/v1/sessions", {"session_id": "s7", "started_at": time.time()})[1]["recorded"] is False
    known = server.call("GET", "/v1/hot-path?session=s7")[1]["session_start"]  # ISO 8601, as every time in JSON
    assert parse_iso(known) == pytest.approx(plan_repo.session_start, abs=0.001)
    body = evaluate_body(plan_repo, session="s7")
    del body["evidence"]["session_start"]
    assert server.call("POST", "/v1/evaluate", body)[1]["decision"] == "continue"


def test_legitimate_stops_are_allowed(server: Server, plan_repo: PlanRepo) -> None:
    force_enforce(server)
    texts = {
        "Do you want CSV or Parquet? It changes the dependencies.": "U_LEGIT_DESIGN_QUESTION",
        "I need an API token for the sandbox; please add it to .env.": "U_LEGIT_MISSING_INFO",
        "Everything in the plan is implemented and tested; all checks pass.": "U_LEGIT_COMPLETION",
    }
    for text, rule in texts.items():
        body = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, stop_text=text))[1]
        assert (body["decision"], body["rule"], body["block"]) == ("allow", rule, False)


def test_identical_requests_get_the_cached_verdict(server: Server, plan_repo: PlanRepo) -> None:
    first = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))[1]
    second = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))[1]
    assert second["short_circuit"] == "cached" and second["decision"] == first["decision"]
    assert second["event_id"] != first["event_id"]  # every request is its own event


class Paid:
    """An authority that is not a local computation (a provider's API): what rate limits protect."""

    name = "rules"

    def judge(self, case: Case) -> Verdict:
        return Verdict("escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL")


def test_rate_limit_per_session(installed: Path, plan_repo: PlanRepo) -> None:
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + "\n[limits]\nper_session_hour = 2\n")
    for server in run_server(installed, lambda c, s: Gate(c, s, Paid())):
        kinds = [
            server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, stop_text=f"I'll stop here, context {i}."))[1]
            for i in range(3)
        ]
        assert [k["fail_open"] for k in kinds] == [None, None, "rate_limited"]
        other = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, session="s2"))[1]
        assert other["fail_open"] is None


def test_the_offline_authority_is_never_rate_limited(installed: Path, plan_repo: PlanRepo) -> None:
    """The router forwards every stop; limiting the free, local judge would let early stops through."""
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + "\n[limits]\nper_session_hour = 2\n")
    for server in run_server(installed):
        kinds = [
            server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, stop_text=f"I'll stop here, context {i}."))[1]
            for i in range(4)
        ]
        assert [k["fail_open"] for k in kinds] == [None] * 4


def test_continue_ceiling_then_stuck_notice_at_the_next_session(server: Server, plan_repo: PlanRepo) -> None:
    force_enforce(server)
    answers = [
        server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, stop_text=f"I'll stop to save context ({i})."))[1]
        for i in range(3)
    ]
    assert [a["decision"] for a in answers] == ["continue", "continue", "force_allow"]
    assert answers[2]["short_circuit"] == "ceiling" and answers[2]["block"] is False
    body = server.call("POST", "/v1/sessions", {"session_id": "next", "started_at": time.time()})[1]
    assert "previous session" in body["notice"]
    assert server.call("POST", "/v1/sessions", {"session_id": "after", "started_at": time.time()})[1]["notice"] is None


def test_self_reference_is_allowed_without_asking(server: Server, plan_repo: PlanRepo) -> None:
    """The session changed stopwarden's configuration that existed before it: work on the gate."""
    body = evaluate_body(plan_repo)
    git(server.root, "add", "-f", ".stopwarden/config.toml")
    os.environ["GIT_COMMITTER_DATE"] = f"@{int(plan_repo.session_start) - 3600}"  # long before the session
    try:
        git(server.root, "commit", "-qm", "stopwarden set up")
    finally:
        del os.environ["GIT_COMMITTER_DATE"]
    body["evidence"]["session_commits"] = [{"sha": plan_repo.progress_commit, "files": [".stopwarden/config.toml"]}]
    answer = server.call("POST", "/v1/evaluate", body)[1]
    assert (answer["rule"], answer["short_circuit"]) == ("U_META_SELF_REFERENCE", "self_reference")


def test_setup_the_session_committed_is_not_self_reference(server: Server, plan_repo: PlanRepo) -> None:
    """After `init`, the agent's first `git add -A` commits our files: set-up, not work on the gate."""
    force_enforce(server)
    git(server.root, "add", "-A")
    git(server.root, "commit", "-qm", "add everything")
    files = git(server.root, "show", "--name-only", "--format=", "HEAD").split()
    assert ".stopwarden/config.toml" in files
    body = evaluate_body(plan_repo)
    body["evidence"]["session_commits"] = [{"sha": plan_repo.progress_commit, "files": files}]
    answer = server.call("POST", "/v1/evaluate", body)[1]
    assert (answer["decision"], answer["block"]) == ("continue", True), answer


def test_evidence_that_git_does_not_know_fails_open(server: Server, plan_repo: PlanRepo) -> None:
    body = evaluate_body(plan_repo)
    body["evidence"]["artifacts"][0]["introducingCommit"] = "f" * 40
    answer = server.call("POST", "/v1/evaluate", body)[1]
    assert (answer["decision"], answer["fail_open"]) == ("allow", "invalid_evidence")


# --- a failing authority -------------------------------------------------------------------------------


class Hangs:
    name = "rules"

    def __init__(self) -> None:
        self.release = threading.Event()

    def judge(self, case: Case) -> Verdict:
        self.release.wait(10)
        return Verdict("allow", "U_LEGIT_COMPLETION")


class Raises:
    name = "rules"
    calls = 0

    def judge(self, case: Case) -> Verdict:
        Raises.calls += 1
        raise ConnectionError("provider down")


class Invents:
    name = "rules"

    def judge(self, case: Case) -> Verdict:
        return Verdict("continue", "U9_BECAUSE_I_SAY_SO", Pointer("docs/plans/billing.md", "a", "b"))


def test_a_hanging_authority_times_out_within_budget(installed: Path, plan_repo: PlanRepo) -> None:
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace("[gate]", "[gate]\nauthority_timeout_s = 0.3"))
    hangs = Hangs()
    for server in run_server(installed, lambda c, s: Gate(c, s, hangs)):
        began = time.monotonic()
        answer = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))[1]
        assert time.monotonic() - began < 2
        assert (answer["decision"], answer["fail_open"]) == ("allow", "timeout")
        hangs.release.set()


def test_breaker_opens_after_three_failures_and_resets(installed: Path, plan_repo: PlanRepo) -> None:
    Raises.calls = 0
    for server in run_server(installed, lambda c, s: Gate(c, s, Raises())):
        kinds = [evaluate(server, plan_repo, stop_text=f"stop, context {i}")["fail_open"] for i in range(5)]
        assert kinds == ["unavailable"] * 3 + ["breaker_open"] * 2
        assert Raises.calls == 3  # an open breaker does not call the provider
        health = server.call("GET", "/health", token="")[1]
        assert (health["breaker"], health["breaker_failures"], health["last_failure_kind"]) == (
            "open",
            3,
            "unavailable",
        )
        status = server.call("GET", "/v1/status")[1]  # why the gate allows everything, as `gate status` says
        assert (status["breaker"], status["breaker_failures"]) == ("open", 3)
        assert status["last_failure"]["kind"] == "unavailable" and status["today"] == {"allow": 5}
        assert server.call("POST", "/v1/breaker/reset")[1]["breaker"] == "closed"
        assert evaluate(server, plan_repo, stop_text="x stop")["fail_open"] == "unavailable"


def test_an_invented_rule_is_invalid(installed: Path, plan_repo: PlanRepo) -> None:
    for server in run_server(installed, lambda c, s: Gate(c, s, Invents())):
        answer = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))[1]
        assert (answer["decision"], answer["fail_open"]) == ("allow", "invalid_rule")


def test_overload_is_shed_at_once(installed: Path, plan_repo: PlanRepo) -> None:
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + "\n[limits]\nin_flight = 1\n")
    hangs = Hangs()
    for server in run_server(installed, lambda c, s: Gate(c, s, hangs)):
        slow = threading.Thread(target=server.call, args=("POST", "/v1/evaluate", evaluate_body(plan_repo)))
        slow.start()
        time.sleep(0.3)
        began = time.monotonic()
        answer = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, session="s2"))[1]
        assert time.monotonic() - began < 0.5
        assert answer["fail_open"] == "shed_overload"
        hangs.release.set()
        slow.join()


# --- modes, readiness and persistence -------------------------------------------------------------------


def test_enforce_is_refused_until_ready(server: Server) -> None:
    code, body = server.call("PUT", "/v1/mode", {"mode": "enforce"})
    assert code == 409 and body["error"] == "conflict"
    assert "0 annotated events, need 20" in body["detail"]
    assert "no annotated continue verdict judged yet (precision n/a), need 0.9" in body["detail"]  # never 0.00
    assert server.call("GET", "/v1/mode")[1]["mode"] == "shadow"
    code, body = server.call("PUT", "/v1/mode", {"mode": "enforce", "force": "trial on a toy repo"})
    assert (code, body["mode"], body["forced_reason"]) == (200, "enforce", "trial on a toy repo")


def test_everything_survives_a_restart(installed: Path, plan_repo: PlanRepo) -> None:
    for server in run_server(installed):
        force_enforce(server)
        server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))
        server.call("PUT", "/v1/kill-switch", {"value": True})
    for server in run_server(installed):
        assert server.call("GET", "/v1/mode")[1]["mode"] == "enforce"
        assert server.call("GET", "/v1/kill-switch")[1]["value"] is True
        assert len(server.call("GET", "/v1/events")[1]) == 1
        assert server.store.continues("s1") == 1


def test_events_filters(server: Server, plan_repo: PlanRepo) -> None:
    server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, session="a"))
    server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, session="b", stop_text="Do you want CSV?"))
    assert [e["session_id"] for e in server.call("GET", "/v1/events?session=a")[1]] == ["a"]
    assert [e["decision"] for e in server.call("GET", "/v1/events?decision=allow")[1]] == ["allow"]
    assert len(server.call("GET", "/v1/events?limit=1")[1]) == 1
    assert server.call("GET", "/v1/events?since=2999-01-01T00:00:00Z")[1] == []
    # A time in epoch seconds (scripts written before times were ISO 8601) or ISO 8601, with any zone.
    assert len(server.call("GET", f"/v1/events?since={int(time.time()) - 60}")[1]) == 2
    assert server.call("GET", f"/v1/events?since={int(time.time()) + 60}")[1] == []
    assert len(server.call("GET", f"/v1/events?since={iso(time.time() - 60)}")[1]) == 2
    assert len(server.call("GET", "/v1/events?since=2000-01-01")[1]) == 2
    assert server.call("GET", "/v1/events?since=2999-01-01T09:00:00%2B09:00")[1] == []
    assert len(server.call("GET", "/v1/events?since=1h")[1]) == 2  # a duration ago, as `gate log --since` takes
    for bad in ("yesterday", "2026-13-45", ""):  # said in words, not as the pattern's regular expression
        code, body = server.call("GET", f"/v1/events?since={bad}")
        assert (code, body["detail"]) == (400, "query.since: takes a duration ago such as 7d, 12h or 30m, or a time"
                                               " (ISO 8601 or epoch seconds)")  # fmt: skip
    assert server.call("GET", "/v1/report?since=nope")[1]["detail"].startswith("query.since: takes a duration ago")
    assert server.call("GET", "/v1/report?day_starts=x")[1]["detail"].startswith("query.day_starts: takes up to 32")
    assert server.call("GET", "/v1/events?limit=0")[0] == 400


def test_the_report_counts_decisions_between_the_day_starts_asked(server: Server) -> None:
    """The review page's days are the operator's local days, which the server cannot know (its days are UTC):
    the page sends where each day starts, in any order, and gets the decisions from each start to the next."""
    now = time.time()
    first = int(now) - 3 * 86400 + 7 * 60  # an odd offset from UTC midnight, as a local midnight can be
    starts = [first, first + 86400, first + 2 * 86400]
    for ts, decision in (
        (first - 1, "allow"),  # the day before: not counted
        (first, "continue"),
        (first + 86399, "allow"),
        (first + 86405, "continue"),
        (first + 2 * 86400 + 1, "escalate"),
        (now - 1, "allow"),
    ):
        row: dict[str, Any] = {"session_id": "s", "agent": "claude-code", "ts": ts, "mode": "shadow",
                               "decision": decision, "signals": [], "evidence_pointer": {}, "latency_ms": 1.0,
                               "stop_text": "Stopping."}  # fmt: skip
        server.store.record_event(row)
    code, body = server.call("GET", f"/v1/report?since={first}&day_starts={starts[2]},{starts[0]},{starts[1]}")
    assert code == 200, body
    expected = [
        {"start": iso(starts[0]), "decisions": {"continue": 1, "allow": 1}},
        {"start": iso(starts[1]), "decisions": {"continue": 1}},
        {"start": iso(starts[2]), "decisions": {"escalate": 1, "allow": 1}},
    ]
    assert body["days_by_start"] == expected and body["since"] == iso(first)
    # The starts as ISO 8601 (what the page sends, and JSON carries), in any zone: the same days.
    asked = ",".join([_in_zone(starts[0], 5 * 3600 + 30 * 60), _in_zone(starts[1], 3600), iso(starts[2])])
    code, body = server.call("GET", f"/v1/report?since={iso(first)}&day_starts={asked}")
    assert (code, body["days_by_start"], body["since"]) == (200, expected, iso(first)), body
    assert server.call("GET", "/v1/report")[1]["days_by_start"] == []  # not asked: none
    assert server.call("GET", "/v1/report?day_starts=yesterday")[0] == 400
    assert server.call("GET", "/v1/report?day_starts=" + ",".join(["1"] * 33))[0] == 400  # at most 32
    assert server.call("GET", "/v1/report?day_starts=2026-02-30T25:00:00Z")[0] == 400


def _in_zone(ts: float, offset_s: int) -> str:
    """`ts` in ISO 8601 with a zone `offset_s` east of UTC, `+` percent-encoded for a query string."""
    local = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts + offset_s))
    return f"{local}%2B{offset_s // 3600:02d}:{offset_s % 3600 // 60:02d}"


def test_a_cached_verdict_never_replays_a_block_after_a_switch_to_shadow(server: Server, plan_repo: PlanRepo) -> None:
    force_enforce(server)
    assert evaluate(server, plan_repo)["block"] is True
    server.call("PUT", "/v1/mode", {"mode": "shadow"})
    again = evaluate(server, plan_repo)
    assert (again["short_circuit"], again["decision"], again["block"], again["reminder"]) == (
        "cached", "continue", False, None,
    )  # fmt: skip


def test_the_ceiling_holds_through_the_cache(server: Server, plan_repo: PlanRepo) -> None:
    force_enforce(server)
    answers = [evaluate(server, plan_repo) for _ in range(4)]  # the same stop text: cached after the first
    assert [a["block"] for a in answers] == [True, True, False, False]
    assert answers[2]["decision"] == "force_allow"
    assert server.store.continues("s1") == 2


# --- times: UTC ISO 8601 in every answer (issue 21) -----------------------------------------------------------

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _answer_models() -> dict[str, type[BaseModel]]:
    """The models of the API's answers (the requests, models.Strict, keep the hooks' own formats)."""
    return {
        name: model
        for name, model in vars(models).items()
        if isinstance(model, type) and issubclass(model, BaseModel) and model.__module__ == models.__name__
        and not issubclass(model, models.Strict)
    }  # fmt: skip


def _time_fields() -> dict[str, set[str]]:
    """Each answer model's fields that hold a time, as its OpenAPI schema declares them: an ISO 8601 string."""
    found: dict[str, set[str]] = {}
    for name, model in _answer_models().items():
        for field, schema in model.model_json_schema(mode="serialization").get("properties", {}).items():
            if any(part.get("pattern") == models.ISO_TIME for part in [schema, *schema.get("anyOf", [])]):
                found.setdefault(field, set()).add(name)
    return found


def test_every_field_named_as_a_time_is_declared_one() -> None:
    """A new field that holds a time cannot slip into an answer as epoch seconds."""
    declared = {(model, field) for field, names in _time_fields().items() for model in names}
    for name, model in _answer_models().items():
        for field in model.model_fields:
            if field in ("ts", "since", "start", "until", "session_start") or field.endswith("_at"):
                assert (name, field) in declared, f"{name}.{field} holds a time: declare it models.Time"
    assert set(_time_fields()) == {"ts", "created_at", "start", "since", "session_start"}


def _times(answer: Any, names: set[str], path: str = "") -> Iterator[tuple[str, Any]]:
    """(where, value) of every field named as a time in a JSON answer, and of every number in it."""
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key in names:
                yield f"{path}.{key}", value
            else:
                yield from _times(value, names, f"{path}.{key}")
    elif isinstance(answer, list):
        for i, value in enumerate(answer):
            yield from _times(value, names, f"{path}[{i}]")
    elif isinstance(answer, (int, float)) and not isinstance(answer, bool):
        yield path, answer


def test_every_time_in_every_answer_is_utc_iso_8601(server: Server, plan_repo: PlanRepo) -> None:
    before = time.time()
    assert server.call("POST", "/v1/sessions", {"session_id": "s1", "started_at": plan_repo.session_start})[0] == 200
    event_id = evaluate(server, plan_repo)["event_id"]
    failed = {"session_id": "s2", "agent": "claude-code", "ts": before, "mode": "shadow", "decision": "allow",
              "fail_open_kind": "unavailable", "signals": [], "evidence_pointer": {}, "latency_ms": 1.0,
              "stop_text": "Stopping."}  # fmt: skip
    server.store.record_event(failed)  # the breaker's last failure, in /v1/status
    verdict = {"verdict": "correct", "rationale": "a plan older than the session", "operator": "ann",
               "dwell_ms": 20_000}  # fmt: skip
    code, annotation = server.call("POST", f"/v1/events/{event_id}/annotations", verdict)
    assert code == 201, annotation
    force_enforce(server)  # an operator log entry
    day = int(before) - 86400
    answers = {
        "annotation": annotation,
        **{
            path: server.call("GET", path)[1]
            for path in ("/v1/hot-path?session=s1", "/v1/status", "/v1/events", f"/v1/events/{event_id}/annotations",
                         f"/v1/report?since=1d&day_starts={day},{iso(day + 86400)}", "/v1/mode", "/health")
        },
    }  # fmt: skip
    names = set(_time_fields())
    seen: dict[str, list[Any]] = {}
    for label, answer in answers.items():
        for where, value in _times(answer, names):
            if where.rsplit(".", 1)[-1] in names:
                seen.setdefault(where.rsplit(".", 1)[-1].split("[")[0], []).append(value)
                assert isinstance(value, str) and ISO_TIME.fullmatch(value), (label, where, value)
                assert -62135596800 < (parse_iso(value) or 0) < before + 3600, (label, where, value)
            else:  # no number is a time in epoch seconds (in 2001 to 5138) under another name
                assert not 1e9 <= value < 1e11, (label, where, value)
    assert set(seen) == names, seen  # every kind of time was in some answer
    now = time.time()
    assert before - 1 <= (parse_iso(answers["/v1/events"][0]["ts"]) or 0) <= now + 1
    assert parse_iso(answers["/v1/hot-path?session=s1"]["session_start"]) == pytest.approx(
        plan_repo.session_start, abs=0.001
    )
    assert answers["/v1/status"]["last_failure"]["ts"] == iso(before)
