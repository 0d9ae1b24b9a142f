"""The transcript tail: real user turns only, bounded, defensive (SPEC §3.1, §5.3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from stopwarden.agents import dialect
from stopwarden.hooks import transcript
from stopwarden.names import AGENTS


def line(kind: str, content: Any, **extra: Any) -> str:
    return json.dumps({"type": kind, "timestamp": "2026-11-24T09:00:00.000Z", "sessionId": "s",
                       "message": {"role": kind, "content": content}, **extra})  # fmt: skip


def write(path: Path, *lines: str) -> str:
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_real_user_turns_only(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.jsonl",
        line("user", "first request"),
        line("assistant", [{"type": "text", "text": "working"}]),
        line("user", [{"type": "tool_result", "tool_use_id": "x", "content": "output"}]),
        line("user", "Stop hook feedback:\nstopwarden: carry on", isMeta=True),
        json.dumps({"type": "attachment", "attachment": {"type": "hook_blocking_error"}}),
        "this is not json",
        line("user", [{"type": "text", "text": "second request"}]),
        line("user", "third"),
        line("user", "fourth " + "x" * 3000),
    )
    turns = transcript.recent_user_turns(path)
    assert turns[:2] == ["second request", "third"]
    assert turns[2].startswith("fourth ") and len(turns[2]) == 2000
    assert transcript.first_timestamp(path) == "2026-11-24T09:00:00.000Z"


def test_only_the_tail_is_read(tmp_path: Path) -> None:
    filler = [line("assistant", "y" * 1000) for _ in range(400)]  # ~400 KiB
    path = write(tmp_path / "t.jsonl", line("user", "too old to see"), *filler, line("user", "recent"))
    assert transcript.recent_user_turns(path) == ["recent"]


def test_missing_or_garbage(tmp_path: Path) -> None:
    assert transcript.recent_user_turns(str(tmp_path / "none.jsonl")) == []
    assert transcript.recent_user_turns(None) == []
    assert transcript.first_timestamp(str(tmp_path / "none.jsonl")) == ""
    garbage = tmp_path / "g.jsonl"
    garbage.write_bytes(b'\xff\xfe{{{\n[1,2]\n"user"\n')
    assert transcript.recent_user_turns(str(garbage)) == []


def codex_line(kind: str, payload: dict[str, Any]) -> str:
    return json.dumps({"timestamp": "2026-11-24T09:00:00.000Z", "type": kind, "payload": payload})


def codex_user(text: str) -> str:
    return codex_line("response_item", {"type": "message", "role": "user",
                                        "content": [{"type": "input_text", "text": text}]})  # fmt: skip


def test_codex_rollout_user_turns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "rollout.jsonl",
        codex_line("session_meta", {"id": "t1", "cwd": "/p"}),
        codex_user("<environment_context>cwd /p</environment_context>"),
        codex_user("Implement the plan."),
        codex_line(
            "response_item",
            {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "rules"}]},
        ),
        codex_line("response_item", {"type": "function_call", "name": "exec_command", "arguments": "{}"}),
        codex_user('<hook_prompt hook_run_id="stop:1">stopwarden: carry on</hook_prompt>'),
        codex_user("And the docs too."),
        "{garbage",
    )
    assert transcript.recent_user_turns(path, "codex") == ["Implement the plan.", "And the docs too."]
    assert transcript.first_timestamp(path) == "2026-11-24T09:00:00.000Z"


def gemini_message(kind: str, content: Any, **extra: Any) -> str:
    return json.dumps({"id": "m", "timestamp": "2026-11-24T13:31:01.430Z", "type": kind, "content": content, **extra})


def test_gemini_chat_file_user_turns(tmp_path: Path) -> None:
    # The shapes Gemini CLI 0.61.0 wrote in a real run (a shell call, a block, a re-fire).
    shell_output = {"functionResponse": {"id": "c1", "name": "run_shell_command", "response": {"output": "hi"}}}
    path = write(
        tmp_path / "session.jsonl",
        json.dumps({"sessionId": "g1", "projectHash": "h", "startTime": "2026-11-24T13:31:01.421Z", "kind": "main"}),
        json.dumps({"$set": {"messages": [{"type": "user", "content": [{"text": "<session_context>…"}]}]}}),
        gemini_message("user", [{"text": "<hook_context>stopwarden: no build</hook_context>\n\nPort the parser."}]),
        json.dumps({"$set": {"lastUpdated": "2026-11-24T13:31:01.430Z"}}),
        gemini_message("gemini", "", toolCalls=[{"name": "run_shell_command", "args": {"command": "echo hi"}}]),
        gemini_message("user", [shell_output]),
        gemini_message("gemini", "I'll stop here to preserve context."),
        gemini_message("user", [{"text": 'stopwarden: the build "Port the parser" is in executing'}]),
        gemini_message("user", "And the docs too."),
        "{garbage",
    )
    assert transcript.recent_user_turns(path, "gemini") == ["Port the parser.", "And the docs too."]
    assert transcript.first_timestamp(path) == "2026-11-24T13:31:01.421Z"


@given(st.text(max_size=300))
def test_every_reader_takes_any_line(line: str) -> None:
    for agent in AGENTS:
        assert isinstance(dialect(agent).user_turn(line), str)
    assert isinstance(dialect("gemini").user_turn('{"type": "user", "content": ' + json.dumps(line) + "}"), str)
