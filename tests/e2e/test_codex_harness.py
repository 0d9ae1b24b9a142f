"""Proves the Codex CLI e2e harness (SPEC §12.1): the real ``codex exec``, the fake Responses API
server, hooks trusted by hash, and what the client sends to a Stop / SessionStart hook.

Uses plain shell hooks (:class:`HookProbe`) -- nothing here depends on stopwarden itself.  The
client is found with ``STOPWARDEN_CODEX_BIN`` or ``<repo>/.ci/node/node_modules/.bin/codex``;
the e2e tests skip without it, and fail instead when ``STOPWARDEN_E2E_REQUIRED=1``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import tomllib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .codex_client import (
    CodexSandbox,
    HookProbe,
    codex_env,
    codex_hook_hash,
    codex_hook_key,
    trust_codex_hook,
    write_codex_config,
)
from .fake_openai_responses import (
    FakeResponses,
    RecordedRequest,
    ShellStep,
    TextStep,
    find_hook_prompt,
    find_text,
    schema_example,
)
from .fake_server import Reply, post_json

RecordProperty = Callable[[str, object], None]


# --------------------------------------------------------------------------- fixtures


def _ok(run: Any, record_e2e: RecordProperty) -> None:
    record_e2e("codex_elapsed_s", round(run.elapsed, 2))
    assert run.ok, run.describe()


# --------------------------------------------------------------------------- server only (fast)


def _post(server: FakeResponses, body: dict[str, Any], path: str = "/v1/responses") -> Reply:
    return post_json(server, path, body)


def _sse_events(raw: bytes) -> list[dict[str, Any]]:
    events = []
    for chunk in raw.decode().split("\n\n"):
        if not chunk.strip():
            continue
        event_line, data_line = chunk.split("\n")
        data = json.loads(data_line.removeprefix("data: "))
        assert event_line == f"event: {data['type']}"
        events.append(data)
    return events


def _output(raw: bytes) -> list[dict[str, Any]]:
    return [e["item"] for e in _sse_events(raw) if e["type"] == "response.output_item.done"]


TOOLS = [{"type": "function", "name": "exec_command", "parameters": {"type": "object"}}]


def test_server_streams_script_and_keeps_side_requests_out_of_it() -> None:
    with FakeResponses([ShellStep("echo hi", text="running"), TextStep("bye")], final_text="FINAL") as server:
        assert server.base_url.endswith("/v1")
        status, ctype, raw = _post(server, {"model": "m", "stream": True, "tools": TOOLS, "input": []})
        assert (status, ctype) == (200, "text/event-stream")
        events = _sse_events(raw)
        assert [e["type"] for e in events] == [
            "response.created",
            "response.output_item.done",
            "response.output_item.done",
            "response.completed",
        ]
        assert events[0]["response"]["id"] == events[-1]["response"]["id"]
        message, call = events[1]["item"], events[2]["item"]
        assert message["content"][0] == {"type": "output_text", "text": "running", "annotations": []}
        assert (call["type"], call["name"]) == ("function_call", "exec_command")
        assert json.loads(call["arguments"]) == {"cmd": "echo hi"}

        # no tools: a side request, answered without consuming the script
        _, _, raw = _post(server, {"model": "m", "input": []})
        assert _output(raw)[0]["content"][0]["text"] == server.side_text
        assert server.steps_served == 1

        # structured output: an object that fits the schema, script untouched
        schema = {"type": "object", "properties": {"ok": {"type": "boolean"}, "why": {"type": "string"}}}
        _, _, raw = _post(server, {"tools": TOOLS, "text": {"format": {"type": "json_schema", "schema": schema}}})
        assert json.loads(_output(raw)[0]["content"][0]["text"]) == {"ok": False, "why": "scripted"}

        _, _, raw = _post(server, {"tools": TOOLS, "input": []})
        assert _output(raw)[0]["content"][0]["text"] == "bye"
        assert server.script_exhausted
        _, _, raw = _post(server, {"tools": TOOLS, "input": []})
        assert _output(raw)[0]["content"][0]["text"] == "FINAL"

        assert _post(server, {}, "/v1/other")[0] == 404
        assert [r.step_index for r in server.responses_requests] == [0, None, None, 1, None]
        assert len(server.main_requests) == 3


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("exec_command", {"cmd": "ls", "workdir": "/w"}),
        ("shell_command", {"command": "ls", "workdir": "/w"}),
        ("shell", {"command": ["bash", "-lc", "ls"], "workdir": "/w"}),
    ],
)
def test_shell_step_uses_the_offered_shell_tool(tool: str, arguments: dict[str, Any]) -> None:
    with FakeResponses([ShellStep("ls", workdir="/w")]) as server:
        _, _, raw = _post(server, {"tools": [{"type": "function", "name": tool}], "input": []})
    (call,) = _output(raw)
    assert call["name"] == tool and json.loads(call["arguments"]) == arguments


def test_schema_example_fits_common_schemas() -> None:
    schema = {
        "type": "OBJECT",
        "properties": {
            "next_speaker": {"type": "string", "enum": ["user", "model"]},
            "n": {"type": ["integer", "null"], "minimum": 1},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "either": {"anyOf": [{"type": "boolean"}, {"type": "string"}]},
        },
    }
    assert schema_example(schema) == {"next_speaker": "user", "n": 1, "tags": ["scripted"], "either": False}


def _request(*messages: tuple[str, str]) -> RecordedRequest:
    body = {
        "input": [
            {"type": "message", "role": role, "content": [{"type": "input_text", "text": text}]}
            for role, text in messages
        ]
    }
    return RecordedRequest("POST", "/v1/responses", {}, body)


def test_find_hook_prompt_unwraps_and_unescapes() -> None:
    reason = 'R-1 & <x> "q"'
    wrapped = '<hook_prompt hook_run_id="stop:1:/h/hooks.json">R-1 &amp; &lt;x&gt; "q"</hook_prompt>'
    other = _request(("user", "no R-1 here"), ("user", f"bare {reason}"))
    hit_request = _request(("user", "hello"), ("user", wrapped))
    assert find_hook_prompt([other], reason) is None
    hit = find_hook_prompt([other, hit_request], reason)
    assert hit is not None
    assert (hit.request_index, hit.role, hit.hook_run_id) == (1, "user", "stop:1:/h/hooks.json")
    assert find_text([other, hit_request], "R-1 &amp;") == 1
    assert find_text([other], "absent") is None


def test_codex_hook_hash_matches_what_the_client_computed() -> None:
    """Pinned from ``codex app-server`` 0.169.0 ``hooks/list`` (``currentHash``) for these handlers."""
    stop = {"type": "command", "command": "/tmp/cx/stophook.sh", "timeout": 30}
    start = {"type": "command", "command": "/tmp/cx/sshook.sh", "timeout": 30}
    assert codex_hook_hash("Stop", stop) == "sha256:9880bad808a8c89b4800bbe206a363763404dc784e9fb334b1a3c30e1698de02"
    assert (
        codex_hook_hash("SessionStart", start)
        == "sha256:a64f17857bd16569943f4f4d2d83c87fe6b9f150ca1493339ceb176f6f7ac858"
    )
    # a matcher of "" or "*" is not part of the identity; any other is
    assert codex_hook_hash("SessionStart", start, "*") == codex_hook_hash("SessionStart", start)
    assert codex_hook_hash("SessionStart", start, "startup") != codex_hook_hash("SessionStart", start)
    assert codex_hook_key(Path("/h/hooks.json"), "SessionStart", 2, 1) == "/h/hooks.json:session_start:2:1"


def test_codex_config_is_valid_toml(tmp_path: Path) -> None:
    home = tmp_path / 'odd "home" dir'
    project = tmp_path / "my project"
    config = write_codex_config(home / ".codex", "http://127.0.0.1:1/v1", trusted_projects=[project])
    key = codex_hook_key(home / ".codex" / "hooks.json", "Stop")
    trust_codex_hook(config, key, "sha256:abc")
    data = tomllib.loads(config.read_text())
    assert data["model_provider"] == "fake"
    assert data["approval_policy"] == "never" and data["sandbox_mode"] == "workspace-write"
    provider = data["model_providers"]["fake"]
    assert provider["base_url"] == "http://127.0.0.1:1/v1" and provider["wire_api"] == "responses"
    assert provider["request_max_retries"] == 0 and provider["stream_max_retries"] == 0
    assert data["features"]["unbounded_connection_retries"] is False
    assert data["projects"][str(project.resolve())]["trust_level"] == "trusted"
    assert data["hooks"]["state"][key] == {"trusted_hash": "sha256:abc"}


def test_codex_env_is_hermetic(tmp_path: Path) -> None:
    outer = {
        "PATH": "/usr/bin",
        "CODEX_HOME": "/outer/.codex",
        "CODEX_THREAD_ID": "outer-thread",
        "CLAUDECODE": "1",
        "GEMINI_API_KEY": "k",
        "OPENAI_BASE_URL": "https://example.invalid",
        "STOPWARDEN_ANYTHING": "1",
        "TMUX": "/tmp/tmux-0/default,1,0",
    }
    env = codex_env(tmp_path, base_env=outer, extra_env={"STOPWARDEN_X": "y"})
    assert env["PATH"] == "/usr/bin" and env["STOPWARDEN_X"] == "y"
    assert env["HOME"] == str(tmp_path) and env["CODEX_HOME"] == str(tmp_path / ".codex")
    assert env["TMPDIR"] == str(tmp_path / "tmp") and env["FAKE_API_KEY"]
    for name in ("CODEX_THREAD_ID", "CLAUDECODE", "GEMINI_API_KEY", "OPENAI_BASE_URL", "STOPWARDEN_ANYTHING", "TMUX"):
        assert name not in env


def test_hook_probe_records_and_replies(tmp_path: Path) -> None:
    probe = HookProbe(tmp_path / "probe dir", "stop")
    probe.install(default_reply="{}", replies={1: {"decision": "block", "reason": "r"}})
    outputs = []
    for payload in ({"n": 1}, {"n": 2}):
        done = subprocess.run(
            ["sh", "-c", probe.command], input=json.dumps(payload), capture_output=True, text=True, check=True
        )
        outputs.append(done.stdout.strip())
    assert outputs == ['{"decision": "block", "reason": "r"}', "{}"]
    assert probe.count == 2 and probe.payload(2) == {"n": 2}
    assert probe.env(1)["HOME"] == os.environ["HOME"]
    tree = probe.tree(1)
    assert tree[0].comm in ("stop.sh", "sh") and tree[1].pid == tree[0].ppid
    assert any(p.pid == os.getpid() for p in tree), tree


# --------------------------------------------------------------------------- real client


@pytest.mark.e2e
def test_text_reply_round_trip(
    codex_sandbox: CodexSandbox, fake_responses: FakeResponses, record_e2e: RecordProperty
) -> None:
    answer = f"scripted answer {uuid.uuid4().hex}"
    fake_responses.set_script([TextStep(answer)])

    run = codex_sandbox.run("Say the scripted answer.")

    _ok(run, record_e2e)
    assert run.result == answer
    assert run.thread_id
    main = fake_responses.main_requests
    assert len(main) == 1, [r.path for r in fake_responses.requests]
    assert main[0].message_texts("user")[-1] == "Say the scripted answer."
    assert main[0].body["stream"] is True
    assert "exec_command" in main[0].tool_names
    assert main[0].headers.get("authorization") == "Bearer sk-fake-codex-key"


@pytest.mark.e2e
def test_shell_command_is_executed_with_the_thread_id(
    codex_sandbox: CodexSandbox, fake_responses: FakeResponses, record_e2e: RecordProperty
) -> None:
    token = uuid.uuid4().hex
    probe = HookProbe(codex_sandbox.project_dir / "shell-probe", "shell")  # inside the writable workspace
    probe.install()
    command = f"{probe.command} --no-stdin && echo hi > marker.txt && echo {token}"
    fake_responses.set_script([ShellStep(command), TextStep("All done.")])

    run = codex_sandbox.run("Create the marker file.")

    _ok(run, record_e2e)
    assert run.result == "All done."
    assert (codex_sandbox.project_dir / "marker.txt").read_text() == "hi\n"
    main = fake_responses.main_requests
    assert len(main) == 2
    (call,) = main[1].function_calls()
    (output,) = main[1].function_call_outputs()
    assert output["call_id"] == call["call_id"] and token in json.dumps(output["output"])
    (executed,) = run.items("command_execution")
    assert executed["exit_code"] == 0

    # What the agent's commands see (SPEC §12.1 "Session id for ownership").
    env = probe.env(1)
    record_e2e("codex_shell_env", json.dumps({k: v for k, v in env.items() if k.startswith("CODEX_")}))
    record_e2e("codex_shell_tree", json.dumps([p.__dict__ for p in probe.tree(1)]))
    assert env["CODEX_THREAD_ID"] == run.thread_id
    assert env.get("CODEX_SESSION_ID") == run.thread_id


def _reason() -> str:
    # '&' and '<' on purpose: Codex XML-escapes the reason inside <hook_prompt>.
    return f"stopwarden: keep going & check <tests> -- harness-probe-{uuid.uuid4().hex}"


STOP_FIELDS = {
    "session_id",
    "turn_id",
    "transcript_path",
    "cwd",
    "hook_event_name",
    "model",
    "permission_mode",
    "stop_hook_active",
    "last_assistant_message",
}
SESSION_START_FIELDS = {"session_id", "transcript_path", "cwd", "hook_event_name", "model", "permission_mode", "source"}


@pytest.mark.e2e
def test_stop_hook_blocks_once_and_reason_reaches_model(
    codex_sandbox: CodexSandbox,
    fake_responses: FakeResponses,
    tmp_path: Path,
    record_e2e: RecordProperty,
) -> None:
    reason = _reason()
    probe = HookProbe(tmp_path / "hook state", "stop")  # a space in the path on purpose
    probe.install(replies={1: {"decision": "block", "reason": reason}})
    key, digest = codex_sandbox.add_hook("Stop", probe.command)
    assert key == f"{codex_sandbox.codex_home.resolve()}/hooks.json:stop:0:0"

    # The client agrees that the hook is trusted, by the hash we computed.
    listed = {hook["key"]: hook for hook in codex_sandbox.hooks_list()}
    assert listed[key]["currentHash"] == digest, listed
    assert listed[key]["trustStatus"] == "trusted", listed
    fake_responses.set_script([TextStep("First attempt."), TextStep("Second attempt.")])

    run = codex_sandbox.run("Do the task.")

    _ok(run, record_e2e)
    assert probe.count == 2
    assert run.agent_messages == ["First attempt.", "Second attempt."]
    main = fake_responses.main_requests
    assert len(main) == 2
    hit = find_hook_prompt(fake_responses.requests, reason)
    assert hit is not None, f"reason not found in {len(fake_responses.requests)} requests"
    assert hit.request is main[1] and hit.role == "user"
    assert hit.hook_run_id.startswith("stop:"), hit
    assert find_text(main[:1], reason) is None
    record_e2e("codex_hook_prompt", hit.text)

    first, second = probe.payload(1), probe.payload(2)
    record_e2e("codex_stop_payload", json.dumps(first))
    assert set(first) == STOP_FIELDS, sorted(first)
    assert first["hook_event_name"] == "Stop"
    assert first["session_id"] == run.thread_id
    assert first["cwd"] == str(codex_sandbox.project_dir)
    assert first["last_assistant_message"] == "First attempt."
    assert first["stop_hook_active"] is False and second["stop_hook_active"] is True
    assert second["last_assistant_message"] == "Second attempt."
    assert second["turn_id"] == first["turn_id"]
    assert Path(first["transcript_path"]).is_file()

    # Where the hook runs: a child of the native `codex` process (hooks get no CODEX_THREAD_ID).
    env, tree = probe.env(1), probe.tree(1)
    record_e2e("codex_stop_hook_env", json.dumps({k: v for k, v in env.items() if k.startswith("CODEX_")}))
    record_e2e("codex_stop_hook_tree", json.dumps([p.__dict__ for p in tree]))
    assert any(p.comm == "codex" for p in tree[1:]), tree


@pytest.mark.e2e
def test_session_start_hook_payload_and_context(
    codex_sandbox: CodexSandbox, fake_responses: FakeResponses, tmp_path: Path, record_e2e: RecordProperty
) -> None:
    context = f"harness-context-{uuid.uuid4().hex}"
    probe = HookProbe(tmp_path / "hook-state", "session-start")
    reply = {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": context}}
    probe.install(replies={1: reply})
    codex_sandbox.add_hook("SessionStart", probe.command)
    fake_responses.set_script([TextStep("Hello.")])

    run = codex_sandbox.run("Hi.")

    _ok(run, record_e2e)
    assert probe.count == 1
    payload = probe.payload(1)
    record_e2e("codex_session_start_payload", json.dumps(payload))
    assert set(payload) == SESSION_START_FIELDS, sorted(payload)
    assert payload["hook_event_name"] == "SessionStart" and payload["source"] == "startup"
    assert payload["session_id"] == run.thread_id
    (first,) = fake_responses.main_requests
    assert context in first.message_texts("developer"), "additionalContext is not a developer message"


@pytest.mark.e2e
def test_untrusted_hook_is_skipped_silently(
    codex_sandbox: CodexSandbox, fake_responses: FakeResponses, tmp_path: Path, record_e2e: RecordProperty
) -> None:
    probe = HookProbe(tmp_path / "hook-state", "stop")
    probe.install(replies={1: {"decision": "block", "reason": "never delivered"}})
    key, _ = codex_sandbox.add_hook("Stop", probe.command, trust=False)
    listed = {hook["key"]: hook for hook in codex_sandbox.hooks_list()}
    record_e2e("codex_untrusted_status", listed[key]["trustStatus"])
    assert listed[key]["trustStatus"] != "trusted"
    fake_responses.set_script([TextStep("Stopping.")])

    run = codex_sandbox.run("Do the task.")

    _ok(run, record_e2e)
    assert probe.count == 0
    assert run.agent_messages == ["Stopping."]


@pytest.mark.e2e
@pytest.mark.parametrize("trusted_project", [True, False])
def test_project_hooks_load_only_in_a_trusted_project(
    codex_bin: Path,
    fake_responses: FakeResponses,
    tmp_path: Path,
    record_e2e: RecordProperty,
    trusted_project: bool,
) -> None:
    sandbox = CodexSandbox.create(codex_bin, tmp_path / "codex", fake_responses.base_url, trust_project=trusted_project)
    reason = _reason()
    probe = HookProbe(tmp_path / "hook-state", "stop")
    probe.install(replies={1: {"decision": "block", "reason": reason}})
    key, _ = sandbox.add_hook("Stop", probe.command, scope="project")
    assert key.startswith(f"{sandbox.project_dir.resolve()}/.codex/hooks.json:stop:")
    fake_responses.set_script([TextStep("First attempt."), TextStep("Second attempt.")])

    run = sandbox.run("Do the task.")

    _ok(run, record_e2e)
    if trusted_project:
        assert probe.count == 2
        assert find_hook_prompt(fake_responses.main_requests, reason) is not None
    else:
        assert probe.count == 0
        assert run.agent_messages == ["First attempt."]


@pytest.mark.e2e
def test_dead_port_fails_fast(codex_bin: Path, tmp_path: Path, record_e2e: RecordProperty) -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sandbox = CodexSandbox.create(codex_bin, tmp_path / "codex", f"http://127.0.0.1:{port}/v1")

    run = sandbox.run("Hello?", timeout=60)

    record_e2e("codex_elapsed_s", round(run.elapsed, 2))
    assert not run.timed_out and run.returncode != 0, run.describe()
    assert run.failed_turn
    assert run.elapsed < 30
