"""Each agent's dialect in the real hook process (SPEC §12): what it reads and what it prints."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from stopwarden.agents import dialect
from stopwarden.common.names import AGENTS
from stopwarden.install.registry import AGENT_MODULES
from tests.conftest import hook_command


def run(root: Path, agent: str, event: str, payload: dict[str, Any], env: dict[str, str] | None = None) -> str:
    command = (
        hook_command(root).replace(" stop", f" {event} {agent}")
        if agent != "claude-code"
        else hook_command(root).replace(" stop", f" {event}")
    )
    done = subprocess.run(["sh", "-c", command], input=json.dumps(payload), capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=root, check=False)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout


@pytest.mark.parametrize(("agent", "allow"), [("claude-code", ""), ("codex", ""), ("gemini", "{}\n"), ("copilot", "")])
def test_allow_is_what_each_client_expects(installed: Path, agent: str, allow: str) -> None:
    payload = {"session_id": "s", "cwd": str(installed), "stop_hook_active": False}
    assert run(installed, agent, "stop", payload) == allow
    assert run(installed, agent, "stop", {"not": "json"} | {"cwd": "/nonexistent"}) == allow  # outside a project
    assert run(installed, agent, "stop", payload, {"STOPWARDEN_DISABLE": "1"}) == allow


@pytest.mark.parametrize("agent", ["codex", "gemini"])
def test_the_owner_is_blocked_in_every_dialect(installed: Path, cli: Any, agent: str) -> None:
    assert cli("build", "start", "Port the parser", "--owner-session", "owner").code == 0
    cli("build", "phase", "executing")
    text_field = "prompt_response" if agent == "gemini" else "last_assistant_message"
    out = run(installed, agent, "stop", {"session_id": "owner", "cwd": str(installed), text_field: "done"})
    decision = json.loads(out)
    assert decision["decision"] == "block" and decision["reason"].startswith('stopwarden: the build "Port the parser"')
    other = run(installed, agent, "stop", {"session_id": "other", "cwd": str(installed)})
    assert other == dialect(agent).ALLOW


def test_each_agent_reads_its_own_stop_text() -> None:
    from stopwarden.hooks.payload import parse

    gemini = parse(b'{"prompt_response": "done for today\\ncontinuing", "cwd": "/"}', "gemini", "stop", {})
    assert gemini.stop_text == "done for today\ncontinuing"  # it accumulates across re-fires: all of it
    codex = parse(b'{"last_assistant_message": null, "cwd": "/"}', "codex", "stop", {})
    assert codex.stop_text == ""


RUNTIME = ("NAME", "STOP_TEXT_FIELDS", "ALLOW", "SESSION_ENV", "block", "context", "user_turns", "is_agent_process")
INSTALL = ("AGENT", "SCOPES", "DEFAULT_SCOPE", "COMMAND", "EVENTS", "settings_path", "user_config_dir", "our_handler",
           "merge", "remove", "registered", "SKILL_INVOCATION", "SKILL_WORDING", "skills_folder", "skill_file",
           "skill_cli", "skill_text")  # fmt: skip


@pytest.mark.parametrize("agent", AGENTS)
def test_every_agent_has_the_whole_interface_in_both_layers(agent: str) -> None:
    runtime, install = dialect(agent), AGENT_MODULES[agent]
    assert [name for name in RUNTIME if not hasattr(runtime, name)] == []
    assert [name for name in INSTALL if not hasattr(install, name)] == []
    assert runtime.NAME == install.AGENT == agent and install.DEFAULT_SCOPE in install.SCOPES


def test_the_agent_process_is_recognised_per_agent() -> None:
    node_gemini, node_other = (lambda: b"node\0/usr/bin/gemini\0-p\0"), (lambda: b"node\0server.js\0")
    assert [a for a in AGENTS if dialect(a).is_agent_process("claude", node_other)] == ["claude-code"]
    assert [a for a in AGENTS if dialect(a).is_agent_process("codex", node_other)] == ["codex"]
    assert [a for a in AGENTS if dialect(a).is_agent_process("node", node_gemini)] == ["gemini"]
    copilot = lambda: b"/usr/lib/node_modules/@github/copilot-linux-x64/copilot\0-p\0go\0"  # noqa: E731
    assert [a for a in AGENTS if dialect(a).is_agent_process("MainThread", copilot)] == ["copilot"]
    assert [a for a in AGENTS if dialect(a).is_agent_process("MainThread", node_other)] == []
    assert [a for a in AGENTS if dialect(a).is_agent_process("node", node_other)] == []


def _copilot_transcript(path: Path, *events: tuple[str, dict[str, Any]], append: bool = False) -> str:
    """A Copilot CLI 1.0.102 events.jsonl, one `{type, data, id, parentId, timestamp}` per line; `append`
    adds the events to the file's end, as the client does during a session."""
    stamp = "2026-12-02T22:40:00.203Z"
    lines = [
        json.dumps({"type": kind, "data": data, "id": str(i), "parentId": None, "timestamp": stamp})
        for i, (kind, data) in enumerate(events)
    ]
    with path.open("a" if append else "w") as out:
        out.write("\n".join(lines) + "\n")
    return str(path)


def test_copilot_stop_text_is_the_transcripts_last_assistant_message(tmp_path: Path) -> None:
    from stopwarden.hooks.payload import parse

    transcript = _copilot_transcript(
        tmp_path / "events.jsonl",
        ("user.message", {"content": "port the parser"}),
        ("assistant.message", {"content": "", "toolRequests": [{"name": "bash"}]}),
        ("assistant.message", {"content": "Next I need to wire the lexer.", "toolRequests": []}),
        ("assistant.turn_end", {"turnId": "0"}),
        ("hook.start", {"hookType": "agentStop", "input": {"prompt": "assistant.message"}}),
    )
    raw = {"sessionId": "s1", "cwd": "/", "transcriptPath": transcript, "stopReason": "end_turn",
           "stop_hook_active": False}  # fmt: skip
    event = parse(json.dumps(raw).encode(), "copilot", "stop", {})
    assert (event.session_id, event.transcript_path) == ("s1", transcript)
    assert event.stop_text == "Next I need to wire the lexer." and event.stop_hook_active is False
    assert parse(json.dumps(raw).encode(), "copilot", "session_start", {}).stop_text == ""  # not read there
    link = tmp_path / "link.jsonl"
    link.symlink_to(transcript)  # a link is not followed: no stop text rather than someone else's file
    assert parse(json.dumps({**raw, "transcriptPath": str(link)}).encode(), "copilot", "stop", {}).stop_text == ""
    for missing in (str(tmp_path / "nope.jsonl"), str(tmp_path)):
        assert parse(json.dumps({**raw, "transcriptPath": missing}).encode(), "copilot", "stop", {}).stop_text == ""


def test_claude_code_without_the_field_reads_the_last_assistant_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Claude Code payload without `last_assistant_message` (the clients before it had one): the stop text
    is the text of the assistant lines after the last user line of its transcript, in the shapes Claude Code
    2.1.330 writes (one line per content block, tool results as `user` lines, bookkeeping lines between), not
    an empty text that the server would judge as nothing (an operator review)."""
    import threading

    from stopwarden.hooks import payload
    from stopwarden.hooks.payload import parse

    def line(kind: str, content: object = None, **more: object) -> str:
        record: dict[str, object] = {"type": kind, "isSidechain": False, **more}
        if content is not None:
            record["message"] = {"role": kind, "content": content}
        return json.dumps(record)

    lines = [
        line("user", "port the parser"),
        line("attachment"),
        line("api-request-blob", [{"type": "text", "text": "# Environment"}]),
        line("assistant", [{"type": "text", "text": "Running the tests."}]),
        line("assistant", [{"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "pytest"}}]),
        line("user", [{"tool_use_id": "t1", "type": "tool_result", "content": "3 passed"}]),
        line("assistant", [{"type": "thinking", "thinking": "what next"}]),
        line("assistant", [{"type": "text", "text": "The parser is ported."}]),
        line("assistant", [{"type": "text", "text": "Next I need to wire it into the CLI."}], isSidechain=True),
        line("assistant", [{"type": "text", "text": "Next I need to wire it into the CLI."}]),
        line("last-prompt"),
        "{not json",
    ]
    path = tmp_path / "session.jsonl"
    path.write_text("\n".join(lines) + "\n")
    raw = {"session_id": "s1", "cwd": "/", "transcript_path": str(path), "stop_hook_active": False}
    event = parse(json.dumps(raw).encode(), "claude-code", "stop", {})
    assert event.stop_text == "The parser is ported.\n\nNext I need to wire it into the CLI."
    field = {**raw, "last_assistant_message": "from the payload"}
    assert parse(json.dumps(field).encode(), "claude-code", "stop", {}).stop_text == "from the payload"
    assert parse(json.dumps({**raw, "stop_hook_active": True}).encode(), "claude-code", "stop", {}).stop_text == ""
    # The client may run the hook before it has written the turn's end (anthropics/claude-code#15812): the
    # hook reads again until an assistant line follows the last user line, for a bounded time.
    path.write_text(lines[0] + "\n")

    def append_the_turn() -> None:  # at once, as the client appends: a truncating rewrite reads as no transcript
        written = path.with_suffix(".part")
        written.write_text("\n".join(lines[:4]) + "\n")
        os.replace(written, path)

    writer = threading.Timer(0.1, append_the_turn)
    writer.start()
    assert parse(json.dumps(raw).encode(), "claude-code", "stop", {}).stop_text == "Running the tests."
    writer.join()
    path.write_text("\n".join(lines[:5]) + "\n")  # it ended on a tool call: its message's text, no wait
    assert parse(json.dumps(raw).encode(), "claude-code", "stop", {}).stop_text == "Running the tests."
    path.write_text("\n".join(lines[:6]) + "\n")  # the tool's result is the last line: never answered
    monkeypatch.setattr(payload, "TRANSCRIPT_WAIT_S", 0.05)
    assert parse(json.dumps(raw).encode(), "claude-code", "stop", {}).stop_text == ""
    for agent in ("codex", "gemini"):  # their own transcripts are not read: no text, no read, no wait
        assert parse(json.dumps(raw).encode(), agent, "stop", {}).stop_text == ""


def test_copilot_stop_text_waits_for_the_client_to_write_this_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copilot 1.0.102 writes events.jsonl in batches: the end of the turn can land after the hook starts.
    The hook reads again until this stop's own `hook.start` (same `timestamp`) is there, for a bounded time."""
    import threading
    import time

    from stopwarden.hooks import payload

    path = tmp_path / "events.jsonl"
    _copilot_transcript(path, ("assistant.message", {"content": "an earlier turn"}))
    raw = {"sessionId": "s1", "cwd": "/", "transcriptPath": str(path), "stop_hook_active": False, "timestamp": 7}
    later: list[tuple[str, dict[str, Any]]] = [
        ("assistant.message", {"content": "Next I need to wire the lexer."}),
        ("hook.start", {"hookType": "agentStop", "input": {"sessionId": "s1", "timestamp": 7}}),
    ]
    # Appended, as the client writes: an overwrite would let the hook read the file empty, mid-write.
    writer = threading.Timer(0.1, lambda: _copilot_transcript(path, *later, append=True))
    writer.start()
    event = payload.parse(json.dumps(raw).encode(), "copilot", "stop", {})
    assert event.stop_text == "Next I need to wire the lexer."
    writer.join()
    started = time.monotonic()
    missing = payload.parse(json.dumps({**raw, "transcriptPath": str(tmp_path / "no")}).encode(), "copilot", "stop", {})
    assert missing.stop_text == "" and time.monotonic() - started < payload.TRANSCRIPT_WAIT_S  # no file: no wait
    monkeypatch.setattr(payload, "TRANSCRIPT_WAIT_S", 0.05)
    never = payload.parse(json.dumps({**raw, "timestamp": 8}).encode(), "copilot", "stop", {})
    assert never.stop_text == ""  # this stop never reached the file: nothing rather than an older turn's text
    after_block = payload.parse(json.dumps({**raw, "stop_hook_active": True}).encode(), "copilot", "stop", {})
    assert after_block.stop_text == ""  # let through whatever it says: not read


def test_copilot_user_turns_skip_our_blocks_and_skill_bodies(tmp_path: Path) -> None:
    from stopwarden.hooks.transcript import recent_user_turns

    transcript = _copilot_transcript(
        tmp_path / "events.jsonl",
        ("user.message", {"content": "port the parser"}),
        ("user.message", {"content": '<skill-context name="build">\nBase directory…</skill-context>'}),
        ("assistant.message", {"content": "done"}),
        ("user.message", {"content": "stopwarden: the build is not finished"}),
        ("user.message", {"content": "and the lexer"}),
    )
    assert recent_user_turns(transcript, "copilot") == ["port the parser", "and the lexer"]


def test_copilot_owner_is_blocked_with_its_own_payload(installed: Path, cli: Any, tmp_path: Path) -> None:
    assert cli("build", "start", "Port the parser", "--owner-session", "owner").code == 0
    cli("build", "phase", "executing")
    transcript = _copilot_transcript(tmp_path / "events.jsonl", ("assistant.message", {"content": "done"}))
    raw = {"sessionId": "owner", "cwd": str(installed), "transcriptPath": transcript, "stop_hook_active": False}
    decision = json.loads(run(installed, "copilot", "stop", raw))
    assert decision["decision"] == "block" and decision["reason"].startswith('stopwarden: the build "Port the parser"')
    assert run(installed, "copilot", "stop", {**raw, "sessionId": "other"}) == ""
