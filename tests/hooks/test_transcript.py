"""The transcript tail: real user turns only, bounded, defensive (SPEC §3.1, §5.3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stopwarden.hooks import transcript


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
