"""Proves the Gemini CLI e2e harness (SPEC §12.2): the real ``gemini -p``, the fake Gemini API
server, ``AfterAgent`` / ``SessionStart`` hooks in settings.json, and what the client sends them.

Uses plain shell hooks (:class:`HookProbe`) -- nothing here depends on stopwarden itself.  The
client is found with ``STOPWARDEN_GEMINI_BIN`` or ``<repo>/.ci/node/node_modules/.bin/gemini``;
the e2e tests skip without it, and fail instead when ``STOPWARDEN_E2E_REQUIRED=1``.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .fake_gemini import FakeGemini, RecordedRequest, ShellStep, TextStep, find_text, find_user_turn
from .fake_server import post_json as _post
from .gemini_client import (
    GeminiRun,
    GeminiSandbox,
    HookProbe,
    ProcessInfo,
    add_gemini_hook,
    base_settings,
    gemini_env,
    write_gemini_settings,
)

RecordProperty = Callable[[str, object], None]
ALLOW = "{}"  # an empty stdout makes Gemini look at stderr: a hook that allows prints {}


# --------------------------------------------------------------------------- fixtures


def _ok(run: GeminiRun, record_e2e: RecordProperty) -> None:
    record_e2e("gemini_elapsed_s", round(run.elapsed, 2))
    assert run.ok, run.describe()


def _gemini_ancestor(tree: list[ProcessInfo]) -> ProcessInfo | None:
    """The nearest ancestor that is ``node`` running the gemini script (the CLI re-execs itself once)."""
    return next((p for p in tree[1:] if p.comm == "node" and "gemini" in p.cmdline), None)


# --------------------------------------------------------------------------- server only (fast)

TOOLS = [{"functionDeclarations": [{"name": "run_shell_command", "parameters": {"type": "OBJECT"}}]}]
STREAM = "/v1beta/models/gemini-x:streamGenerateContent?alt=sse"


def _frames(raw: bytes) -> list[dict[str, Any]]:
    text = raw.decode()
    assert text.endswith("\r\n\r\n")
    frames = []
    for chunk in text.split("\r\n\r\n")[:-1]:
        assert chunk.startswith("data: "), chunk
        frames.append(json.loads(chunk.removeprefix("data: ")))
    return frames


def _parts(frame: dict[str, Any]) -> list[dict[str, Any]]:
    candidate = frame["candidates"][0]
    assert candidate["content"]["role"] == "model" and candidate["finishReason"] == "STOP"
    return list(candidate["content"]["parts"])


def test_server_streams_script_and_keeps_helper_requests_out_of_it() -> None:
    with FakeGemini([ShellStep("echo hi", text="running"), TextStep("bye")], final_text="FINAL") as server:
        status, ctype, raw = _post(server, STREAM, {"contents": [], "tools": TOOLS})
        assert (status, ctype) == (200, "text/event-stream")
        (frame,) = _frames(raw)
        assert frame["usageMetadata"]["totalTokenCount"] > 0
        assert _parts(frame) == [
            {"text": "running"},
            {
                "functionCall": {
                    "name": "run_shell_command",
                    "args": {"command": "echo hi", "description": "scripted command"},
                }
            },
        ]

        # JSON mode: the CLI's own helper calls get an object fitting the schema
        schema = {
            "type": "OBJECT",
            "properties": {
                "reasoning": {"type": "STRING"},
                "next_speaker": {"type": "STRING", "enum": ["user", "model"]},
            },
        }
        config = {"responseMimeType": "application/json", "responseJsonSchema": schema}
        _, ctype, raw = _post(
            server, "/v1beta/models/lite:generateContent", {"contents": [], "generationConfig": config}
        )
        assert ctype == "application/json"
        answer = json.loads(_parts(json.loads(raw))[0]["text"])
        assert answer == {"reasoning": "scripted", "next_speaker": "user"}
        assert server.steps_served == 1

        # no tools: a side request
        _, _, raw = _post(server, STREAM, {"contents": []})
        assert _parts(_frames(raw)[0]) == [{"text": server.side_text}]

        _, _, raw = _post(server, STREAM, {"contents": [], "tools": TOOLS})
        assert _parts(_frames(raw)[0]) == [{"text": "bye"}]
        assert server.script_exhausted
        _, _, raw = _post(server, STREAM, {"contents": [], "tools": TOOLS})
        assert _parts(_frames(raw)[0]) == [{"text": "FINAL"}]

        assert _post(server, "/v1beta/models/gemini-x:countTokens", {})[0] == 200
        assert _post(server, "/v1beta/other", {})[0] == 404
        assert [r.step_index for r in server.generate_requests] == [0, None, None, 1, None]
        assert len(server.main_requests) == 3 and len(server.json_requests) == 1
        assert server.main_requests[0].model == "gemini-x"
        assert server.main_requests[0].action == "streamGenerateContent"


def test_find_user_turn() -> None:
    def request(*turns: tuple[str, str]) -> RecordedRequest:
        body = {"contents": [{"role": role, "parts": [{"text": text}]} for role, text in turns]}
        return RecordedRequest("POST", STREAM, {}, body)

    model_only = request(("user", "hello"), ("model", "R-1 mentioned by the model"))
    hit_request = request(("user", "hello"), ("model", "done"), ("user", "R-1"))
    assert find_user_turn([model_only], "R-1") is None
    hit = find_user_turn([model_only, hit_request], "R-1")
    assert hit is not None and (hit.request_index, hit.content_index, hit.exact) == (1, 2, True)
    assert find_text([model_only], "R-1") == 0


def test_gemini_env_is_hermetic(tmp_path: Path) -> None:
    outer = {
        "PATH": "/usr/bin",
        "GEMINI_API_KEY": "real-key",
        "GEMINI_SESSION_ID": "outer",
        "GOOGLE_CLOUD_PROJECT": "p",
        "GOOGLE_GENAI_USE_VERTEXAI": "true",
        "CODEX_THREAD_ID": "t",
        "CLAUDE_CODE_SESSION_ID": "c",
        "STOPWARDEN_ANYTHING": "1",
    }
    env = gemini_env("http://127.0.0.1:1", tmp_path, base_env=outer, extra_env={"STOPWARDEN_X": "y"})
    assert env["PATH"] == "/usr/bin" and env["STOPWARDEN_X"] == "y"
    assert env["HOME"] == env["GEMINI_CLI_HOME"] == str(tmp_path)
    assert env["GEMINI_API_KEY"] == "fake-gemini-key" and env["GOOGLE_GEMINI_BASE_URL"] == "http://127.0.0.1:1"
    assert env["GEMINI_CLI_TRUST_WORKSPACE"] == "true" and env["TMPDIR"] == str(tmp_path / "tmp")
    for name in ("GEMINI_SESSION_ID", "GOOGLE_CLOUD_PROJECT", "GOOGLE_GENAI_USE_VERTEXAI", "CODEX_THREAD_ID"):
        assert name not in env
    assert "CLAUDE_CODE_SESSION_ID" not in env and "STOPWARDEN_ANYTHING" not in env
    assert "GEMINI_CLI_TRUST_WORKSPACE" not in gemini_env("u", tmp_path, base_env={}, trust_workspace=False)


def test_hook_settings_shape(tmp_path: Path) -> None:
    path = write_gemini_settings(tmp_path / ".gemini" / "settings.json", base_settings())
    add_gemini_hook(path, "AfterAgent", "/x/hook.sh", name="probe", timeout_ms=5000)
    add_gemini_hook(path, "SessionStart", "/x/start.sh", name="start", matcher="startup")
    settings = json.loads(path.read_text())
    assert settings["security"]["auth"]["selectedType"] == "gemini-api-key"
    assert settings["general"]["retryFetchErrors"] is False and settings["general"]["maxAttempts"] == 1
    assert settings["hooks"]["AfterAgent"] == [
        {"hooks": [{"type": "command", "command": "/x/hook.sh", "timeout": 5000, "name": "probe"}]}
    ]
    assert settings["hooks"]["SessionStart"][0]["matcher"] == "startup"


# --------------------------------------------------------------------------- real client


@pytest.mark.e2e
def test_text_reply_round_trip(
    gemini_sandbox: GeminiSandbox, fake_gemini: FakeGemini, record_e2e: RecordProperty
) -> None:
    answer = f"scripted answer {uuid.uuid4().hex}"
    fake_gemini.set_script([TextStep(answer)])

    run = gemini_sandbox.run("Say the scripted answer.")

    _ok(run, record_e2e)
    assert run.result == answer
    assert run.session_id
    main = fake_gemini.main_requests
    assert len(main) == 1, [r.path for r in fake_gemini.requests]
    assert main[0].texts("user")[-1] == "Say the scripted answer."
    assert main[0].action == "streamGenerateContent" and main[0].model == "gemini-2.5-flash"
    assert "run_shell_command" in main[0].tool_names
    assert main[0].headers.get("x-goog-api-key") == "fake-gemini-key"


@pytest.mark.e2e
def test_json_helper_requests_are_answered(
    gemini_sandbox: GeminiSandbox, fake_gemini: FakeGemini, record_e2e: RecordProperty
) -> None:
    """Without ``-m`` the CLI first asks a model, in JSON mode, how complex the task is."""
    fake_gemini.set_script([TextStep("Routed.")])

    run = gemini_sandbox.run("Hello.", model=None)

    _ok(run, record_e2e)
    assert run.result == "Routed."
    helpers = fake_gemini.json_requests
    assert helpers, [r.path for r in fake_gemini.requests]
    record_e2e("gemini_json_helper_schema", json.dumps(helpers[0].json_schema))
    assert len(fake_gemini.main_requests) == 1


@pytest.mark.e2e
def test_shell_command_is_executed(
    gemini_sandbox: GeminiSandbox, fake_gemini: FakeGemini, record_e2e: RecordProperty
) -> None:
    token = uuid.uuid4().hex
    probe = HookProbe(gemini_sandbox.project_dir / "shell-probe", "shell")
    probe.install()
    command = f"{probe.command} --no-stdin && echo hi > marker.txt && echo {token}"  # no $(...): refused
    fake_gemini.set_script([ShellStep(command), TextStep("All done.")])

    run = gemini_sandbox.run("Create the marker file.")

    _ok(run, record_e2e)
    assert run.result == "All done."
    assert (gemini_sandbox.project_dir / "marker.txt").read_text() == "hi\n"
    main = fake_gemini.main_requests
    assert len(main) == 2
    (call,) = main[1].function_calls()
    (response,) = main[1].function_responses()
    assert call["name"] == response["name"] == "run_shell_command"
    assert response.get("id") == call.get("id")
    assert token in json.dumps(response["response"])

    # What the agent's commands see (SPEC §12.2 "Session id for ownership"): no session id.
    env, tree = probe.env(1), probe.tree(1)
    record_e2e("gemini_shell_env", json.dumps({k: v for k, v in env.items() if k.startswith("GEMINI_")}))
    record_e2e("gemini_shell_tree", json.dumps([p.__dict__ for p in tree]))
    assert env.get("GEMINI_CLI") == "1"
    assert "GEMINI_SESSION_ID" not in env
    assert _gemini_ancestor(tree) is not None, tree


def _reason() -> str:
    return f"stopwarden: keep going & check <tests> -- harness-probe-{uuid.uuid4().hex}"


AFTER_AGENT_FIELDS = {
    "session_id",
    "transcript_path",
    "cwd",
    "hook_event_name",
    "timestamp",
    "prompt",
    "prompt_response",
    "stop_hook_active",
}
SESSION_START_FIELDS = {"session_id", "transcript_path", "cwd", "hook_event_name", "timestamp", "source"}


@pytest.mark.e2e
def test_after_agent_hook_blocks_once_and_reason_reaches_model(
    gemini_sandbox: GeminiSandbox,
    fake_gemini: FakeGemini,
    tmp_path: Path,
    record_e2e: RecordProperty,
) -> None:
    reason = _reason()
    probe = HookProbe(tmp_path / "hook state", "stop")  # a space in the path on purpose
    probe.install(default_reply=ALLOW, replies={1: {"decision": "block", "reason": reason}})
    gemini_sandbox.add_hook("AfterAgent", probe.command, name="harness-probe")
    fake_gemini.set_script([TextStep("First attempt."), TextStep("Second attempt.")])

    run = gemini_sandbox.run("Do the task.")

    _ok(run, record_e2e)
    assert probe.count == 2
    record_e2e("gemini_response", run.result or "")
    assert run.result is not None and run.result.endswith("Second attempt.")
    main = fake_gemini.main_requests
    assert len(main) == 2
    hit = find_user_turn(fake_gemini.requests, reason)
    assert hit is not None, f"reason not found in {len(fake_gemini.requests)} requests"
    assert hit.request is main[1] and hit.exact, hit
    assert hit.content_index == len(main[1].contents) - 1  # the newest turn
    assert find_text(main[:1], reason) is None

    first, second = probe.payload(1), probe.payload(2)
    record_e2e("gemini_after_agent_payload", json.dumps(first))
    record_e2e("gemini_after_agent_payload_2", json.dumps(second))
    assert set(first) == AFTER_AGENT_FIELDS, sorted(first)
    assert first["hook_event_name"] == "AfterAgent"
    assert first["session_id"] == run.session_id
    assert first["cwd"] == str(gemini_sandbox.project_dir)
    assert first["prompt"] == "Do the task."
    assert first["prompt_response"] == "First attempt."
    assert second["prompt_response"] == "First attempt.\nSecond attempt."  # accumulates across re-fires
    assert first["stop_hook_active"] is False and second["stop_hook_active"] is True

    env, tree = probe.env(1), probe.tree(1)
    record_e2e("gemini_hook_env", json.dumps({k: v for k, v in env.items() if k.startswith(("GEMINI_", "CLAUDE"))}))
    record_e2e("gemini_hook_tree", json.dumps([p.__dict__ for p in tree]))
    assert env["GEMINI_SESSION_ID"] == run.session_id
    assert env["GEMINI_PROJECT_DIR"] == env["GEMINI_CWD"] == str(gemini_sandbox.project_dir)
    assert _gemini_ancestor(tree) is not None, tree


@pytest.mark.e2e
def test_session_start_hook_payload_and_context(
    gemini_sandbox: GeminiSandbox, fake_gemini: FakeGemini, tmp_path: Path, record_e2e: RecordProperty
) -> None:
    context = f"harness-context-{uuid.uuid4().hex}"
    probe = HookProbe(tmp_path / "hook-state", "session-start")
    reply = {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": context}}
    probe.install(replies={1: reply})
    gemini_sandbox.add_hook("SessionStart", probe.command, name="harness-start")
    fake_gemini.set_script([TextStep("Hello.")])

    run = gemini_sandbox.run("Hi.")

    _ok(run, record_e2e)
    assert probe.count == 1
    payload = probe.payload(1)
    record_e2e("gemini_session_start_payload", json.dumps(payload))
    assert set(payload) == SESSION_START_FIELDS, sorted(payload)
    assert payload["hook_event_name"] == "SessionStart" and payload["source"] == "startup"
    assert payload["session_id"] == run.session_id
    (first,) = fake_gemini.main_requests
    assert first.texts("user")[-1] == f"<hook_context>{context}</hook_context>\n\nHi."
    assert probe.env(1)["GEMINI_SESSION_ID"] == run.session_id


@pytest.mark.e2e
@pytest.mark.parametrize("trust", ["env", "untrusted", "skip-trust"])
def test_project_hooks_load_only_in_a_trusted_folder(
    gemini_sandbox: GeminiSandbox, fake_gemini: FakeGemini, tmp_path: Path, record_e2e: RecordProperty, trust: str
) -> None:
    reason = _reason()
    probe = HookProbe(tmp_path / "hook-state", "stop")
    probe.install(default_reply=ALLOW, replies={1: {"decision": "block", "reason": reason}})
    gemini_sandbox.add_hook("AfterAgent", probe.command, name="harness-probe", scope="project")
    fake_gemini.set_script([TextStep("First attempt."), TextStep("Second attempt.")])

    run = gemini_sandbox.run(
        "Do the task.",
        trust_workspace=trust == "env",
        extra_args=["--skip-trust"] if trust == "skip-trust" else [],
    )

    record_e2e("gemini_elapsed_s", round(run.elapsed, 2))
    if trust == "env":
        assert run.ok, run.describe()
        assert probe.count == 2
        assert find_user_turn(fake_gemini.main_requests, reason) is not None
    elif trust == "untrusted":
        assert run.returncode == 55, run.describe()
        assert probe.count == 0 and not fake_gemini.requests
    else:  # runs, but silently without the project's settings (hooks included)
        assert run.ok, run.describe()
        assert probe.count == 0
        assert run.result == "First attempt."


@pytest.mark.e2e
def test_dead_port_fails_fast(gemini_bin: Path, tmp_path: Path, record_e2e: RecordProperty) -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sandbox = GeminiSandbox.create(gemini_bin, tmp_path / "gemini", f"http://127.0.0.1:{port}")

    run = sandbox.run("Hello?", timeout=90)

    record_e2e("gemini_elapsed_s", round(run.elapsed, 2))
    assert not run.timed_out and run.returncode != 0, run.describe()
    assert run.error is not None
    assert run.elapsed < 60
