"""The transcript tail: real user turns only, bounded, defensive (SPEC §3.1, §5.3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from stopwarden.agents import dialect
from stopwarden.common.names import AGENTS
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


# Keys and values the three transcript formats use, so that the fuzzer reaches past the first checks.
KEYS = ["type", "role", "content", "message", "payload", "text", "isMeta", "id", "$set", "$rewindTo", "messages",
        "functionResponse", "user", "input_text", "timestamp"]  # fmt: skip


def gemini_message(message_id: str, kind: str, content: Any, **extra: Any) -> str:
    return json.dumps({"id": message_id, "timestamp": "2026-11-24T13:31:01.430Z", "type": kind, "content": content,
                       **extra})  # fmt: skip


def test_gemini_chat_file_user_turns(tmp_path: Path) -> None:
    # The shapes Gemini CLI 0.61.0 wrote in a real run (a shell call, a block, a re-fire).
    shell_output = {"functionResponse": {"id": "c1", "name": "run_shell_command", "response": {"output": "hi"}}}
    path = write(
        tmp_path / "session.jsonl",
        json.dumps({"sessionId": "g1", "projectHash": "h", "startTime": "2026-11-24T13:31:01.421Z", "kind": "main"}),
        json.dumps({"$set": {"messages": [{"type": "user", "content": [{"text": "<session_context>…"}]}]}}),
        gemini_message(
            "u1", "user", [{"text": "<hook_context>stopwarden: no build</hook_context>\n\nPort the parser."}]
        ),
        json.dumps({"$set": {"lastUpdated": "2026-11-24T13:31:01.430Z"}}),
        gemini_message("g1", "gemini", ""),
        gemini_message("g1", "gemini", "", toolCalls=[{"name": "run_shell_command", "args": {"command": "echo hi"}}]),
        gemini_message("u2", "user", [shell_output]),
        gemini_message("g2", "gemini", "I'll stop here to preserve context."),
        gemini_message("u3", "user", [{"text": 'stopwarden: the build "Port the parser" is in executing'}]),
        gemini_message("u4", "user", "And the docs too."),
        "{garbage",
    )
    assert transcript.recent_user_turns(path, "gemini") == ["Port the parser.", "And the docs too."]
    assert transcript.first_timestamp(path) == "2026-11-24T13:31:01.421Z"


def test_gemini_rewrites_and_rewinds_are_replayed(tmp_path: Path) -> None:
    playbook = "# /build: a tracked build\n\nYou are starting a tracked build of: **Port the parser**\n\n1. Size it."
    lines = [
        gemini_message("u1", "user", "first"),
        gemini_message("u2", "user", playbook),  # our /build command, recorded expanded
        gemini_message("u3", "user", "a typo"),
        gemini_message("u3", "user", "rewritten in place"),
        gemini_message("u4", "user", "rewound away"),
        json.dumps({"$rewindTo": "u4"}),
        gemini_message("u5", "user", "after the rewind"),
    ]
    path = write(tmp_path / "session.jsonl", *lines)
    assert transcript.recent_user_turns(path, "gemini") == ["Port the parser", "rewritten in place", "after the rewind"]
    # Rewound to a message before the tail: nothing in the tail survives it.
    path = write(tmp_path / "older.jsonl", gemini_message("u9", "user", "x"), json.dumps({"$rewindTo": "u0"}))
    assert transcript.recent_user_turns(path, "gemini") == []


def test_codex_records_of_its_own_are_not_the_users(tmp_path: Path) -> None:
    path = write(
        tmp_path / "rollout.jsonl",
        codex_user("# AGENTS.md instructions for /p\n\nOnly do what is asked, then stop."),
        codex_user("$build Port the parser"),
        codex_user("<skill>\n<name>build</name><path>/h/.codex/skills/build/SKILL.md</path>\n# $build …</skill>"),
        codex_user("<user_shell_command>ls</user_shell_command>"),
    )
    assert transcript.recent_user_turns(path, "codex") == ["$build Port the parser"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=12,
)


@given(st.lists(st.dictionaries(st.sampled_from(KEYS), JSON_VALUES, max_size=6) | st.text(max_size=50), max_size=8))
def test_every_reader_takes_any_lines(records: list[Any]) -> None:
    """Lines shaped like each agent's (their keys, odd values of any type) never crash a reader."""
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    for agent in AGENTS:
        turns = dialect(agent).user_turns(lines, 3)
        assert isinstance(turns, list) and len(turns) <= 3 and all(isinstance(t, str) and t for t in turns)
