"""Proves the e2e harness: the real client, the fake model server, hooks and skills.

Uses a plain shell Stop hook -- nothing here depends on stopwarden itself.
"""

from __future__ import annotations

import http.client
import json
import shlex
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .claude_client import ClaudeSandbox, CompletedRun, claude_env
from .fake_anthropic import (
    BashStep,
    FakeAnthropic,
    RecordedRequest,
    TextStep,
    find_stop_hook_feedback,
    skill_listed,
)
from .fake_server import post_json as _post

RecordProperty = Callable[[str, object], None]


def _ok(run: CompletedRun, record_e2e: RecordProperty) -> None:
    record_e2e("claude_elapsed_s", round(run.elapsed, 2))
    assert run.ok, run.describe()


# --------------------------------------------------------------------------- server only (fast)


def _sse_events(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for chunk in raw.decode().split("\n\n"):
        if not chunk.strip():
            continue
        event_line, data_line = chunk.split("\n")
        assert event_line.startswith("event: ") and data_line.startswith("data: ")
        data = json.loads(data_line.removeprefix("data: "))
        assert data["type"] == event_line.removeprefix("event: ")
        events.append((data["type"], data))
    return events


def test_server_streams_script_and_keeps_side_requests_out_of_it() -> None:
    tools = [{"name": "Bash", "input_schema": {"type": "object"}}]
    with FakeAnthropic([BashStep("echo hi"), TextStep("bye")], final_text="FINAL") as server:
        status, ctype, raw = _post(server, "/v1/messages?beta=true", {"stream": True, "tools": tools})
        assert (status, ctype) == (200, "text/event-stream")
        events = _sse_events(raw)
        assert [name for name, _ in events] == [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop",
        ]
        assert events[1][1]["content_block"]["name"] == "Bash"
        assert json.loads(events[2][1]["delta"]["partial_json"])["command"] == "echo hi"
        assert events[4][1]["delta"]["stop_reason"] == "tool_use"

        # a side request (no tools) does not consume the script
        status, _, raw = _post(server, "/v1/messages", {"stream": False, "messages": []})
        side = json.loads(raw)
        assert side["content"][0]["text"] == server.side_text
        assert server.steps_served == 1

        status, _, raw = _post(server, "/v1/messages", {"stream": False, "tools": tools})
        message = json.loads(raw)
        assert (message["content"][0]["text"], message["stop_reason"]) == ("bye", "end_turn")
        assert server.script_exhausted

        _, _, raw = _post(server, "/v1/messages", {"stream": True, "tools": tools})
        assert _sse_events(raw)[2][1]["delta"] == {"type": "text_delta", "text": "FINAL"}

        status, _, _ = _post(server, "/v1/other", {})
        assert status == 404
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("HEAD", "/")
        assert conn.getresponse().status == 200
        conn.close()

        assert [r.step_index for r in server.requests if r.is_messages] == [0, None, 1, None]
        assert len(server.main_requests) == 3


def test_hook_feedback_helper_recognises_both_forms() -> None:
    def request(*texts: str) -> RecordedRequest:
        body = {"messages": [{"role": "user", "content": [{"type": "text", "text": t}]} for t in texts]}
        return RecordedRequest("POST", "/v1/messages", {}, body)

    old = request("Stop hook feedback:\nR-1")
    new = request('Stop hook blocking error from command: "/x/hook.sh --flag": R-1')
    other = request("the reason R-1 somewhere else")
    assert find_stop_hook_feedback([other, old], "R-1") is not None
    hit = find_stop_hook_feedback([other, old], "R-1")
    assert hit is not None and (hit.form, hit.request_index) == ("stop_hook_feedback", 1)
    hit = find_stop_hook_feedback([new], "R-1")
    assert hit is not None and (hit.form, hit.command) == ("blocking_error", "/x/hook.sh --flag")
    assert find_stop_hook_feedback([other], "R-1") is None
    hit = find_stop_hook_feedback([other], "R-1", allow_bare=True)
    assert hit is not None and hit.form == "bare"


def test_claude_env_is_hermetic(tmp_path: Path) -> None:
    outer = {
        "PATH": "/usr/bin",
        "CLAUDECODE": "1",
        "CLAUDE_CODE_ENTRYPOINT": "cli",
        "CLAUDE_PID": "1",
        "CLAUDE_ENV_FILE": "/x",
        "CLAUDE_CONFIG_DIR": "/outer",
        "ANTHROPIC_MODEL": "other",
        "STOPWARDEN_ANYTHING": "1",
    }
    env = claude_env("http://127.0.0.1:1234", tmp_path, base_env=outer, extra_env={"STOPWARDEN_X": "y"})
    assert env["PATH"] == "/usr/bin"
    assert env["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:1234"
    assert env["HOME"] == str(tmp_path) and env["CLAUDE_CONFIG_DIR"] == str(tmp_path / ".claude")
    assert env["STOPWARDEN_X"] == "y"
    for name in ("CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT", "CLAUDE_PID", "CLAUDE_ENV_FILE", "ANTHROPIC_MODEL"):
        assert name not in env
    assert "STOPWARDEN_ANYTHING" not in env


# --------------------------------------------------------------------------- real client


@pytest.mark.e2e
def test_text_reply_round_trip(
    claude_sandbox: ClaudeSandbox, fake_model: FakeAnthropic, record_e2e: RecordProperty
) -> None:
    answer = f"scripted answer {uuid.uuid4().hex}"
    fake_model.set_script([TextStep(answer)])

    run = claude_sandbox.run("Say the scripted answer.")

    _ok(run, record_e2e)
    assert run.result == answer
    main = fake_model.main_requests
    assert len(main) == 1, [r.path for r in fake_model.requests]
    assert main[0].contains("Say the scripted answer.")
    assert main[0].body["stream"] is True
    assert "Bash" in main[0].tool_names


@pytest.mark.e2e
def test_bash_tool_call_is_executed(
    claude_sandbox: ClaudeSandbox, fake_model: FakeAnthropic, record_e2e: RecordProperty
) -> None:
    token = uuid.uuid4().hex
    fake_model.set_script([BashStep(f"echo hi > marker.txt && echo {token}"), TextStep("All done.")])

    run = claude_sandbox.run("Create the marker file.", allowed_tools=["Bash"])

    _ok(run, record_e2e)
    assert run.result == "All done."
    assert (claude_sandbox.project_dir / "marker.txt").read_text() == "hi\n"
    main = fake_model.main_requests
    assert len(main) == 2
    results = main[1].tool_results()
    assert len(results) == 1, results
    assert not results[0].get("is_error"), results
    assert token in json.dumps(results[0]["content"])
    # the tool_result answers the tool_use the server sent
    tool_uses = [
        block
        for message in main[1].messages
        if message.get("role") == "assistant" and isinstance(message.get("content"), list)
        for block in message["content"]
        if block.get("type") == "tool_use"
    ]
    assert [b["id"] for b in tool_uses] == [results[0]["tool_use_id"]]


STOP_HOOK = """#!/bin/sh
# Blocks the first Stop only; records each invocation's stdin.
state={state}
n=$(( $(cat "$state/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$state/count"
cat > "$state/input-$n.json"
if [ "$n" -eq 1 ]; then
  printf '%s\\n' '{{"decision": "block", "reason": "{reason}"}}'
fi
exit 0
"""


@pytest.mark.e2e
def test_stop_hook_block_reason_reaches_model(
    claude_sandbox: ClaudeSandbox,
    fake_model: FakeAnthropic,
    tmp_path: Path,
    record_e2e: RecordProperty,
) -> None:
    reason = f"Keep going: harness-probe-{uuid.uuid4().hex}"
    state = tmp_path / "hook-state"
    state.mkdir()
    hook = tmp_path / "stop hook.sh"  # a space in the path on purpose
    hook.write_text(STOP_HOOK.format(state=shlex.quote(str(state)), reason=reason))
    hook.chmod(0o755)
    claude_sandbox.add_stop_hook(shlex.quote(str(hook)))
    fake_model.set_script([TextStep("First attempt."), TextStep("Second attempt.")])

    run = claude_sandbox.run("Do the task.")

    _ok(run, record_e2e)
    assert (state / "count").read_text().strip() == "2"
    assert run.result == "Second attempt."
    main = fake_model.main_requests
    assert len(main) == 2
    hit = find_stop_hook_feedback(fake_model.requests, reason)
    assert hit is not None, f"reason not found in {len(fake_model.requests)} requests"
    assert hit.request is main[1]
    record_e2e("stop_hook_feedback_forms", ",".join(hit.forms))
    assert find_stop_hook_feedback(main[:1], reason) is None

    first = json.loads((state / "input-1.json").read_text())
    second = json.loads((state / "input-2.json").read_text())
    assert first["hook_event_name"] == "Stop"
    assert first.get("stop_hook_active") is False
    assert second.get("stop_hook_active") is True


@pytest.mark.e2e
def test_project_skill_is_listed(
    claude_sandbox: ClaudeSandbox, fake_model: FakeAnthropic, record_e2e: RecordProperty
) -> None:
    name = f"probe-skill-{uuid.uuid4().hex[:8]}"
    claude_sandbox.write_skill(name, "Probe skill used by the harness self-test.")
    fake_model.set_script([TextStep("ok")])

    run = claude_sandbox.run("Hello.")

    _ok(run, record_e2e)
    main = fake_model.main_requests
    assert main and skill_listed(main[0], name)
    assert not skill_listed(main[0], "no-such-skill-here")
