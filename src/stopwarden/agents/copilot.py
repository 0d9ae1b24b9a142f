"""GitHub Copilot CLI (verified on 1.0.102, docs/research/copilot-cli-1.0.102.md): the stop event is
`agentStop`, whose payload is camelCase (`sessionId`, `transcriptPath`; only `stop_hook_active` is
snake_case) and holds no stop text: that is `data.content` of the last `assistant.message` in the
transcript, which may reach the file only after the hook has started. A block is `{"decision":
"block", "reason": …}` on stdout with exit 0 (exit 2 does not block); the reason comes back as the next
user message, and fires `userPromptSubmitted` with it. After 8 blocks in a row the CLI ends the turn
anyway. Allow is an empty stdout. Its bash tool's commands see the session id in
`COPILOT_AGENT_SESSION_ID`, and descend from its process (`MainThread`, the native `copilot` binary).

Its transcript (`$COPILOT_HOME/session-state/<id>/events.jsonl`) is JSON Lines of `{type, data, id,
parentId, timestamp}`; a user turn is a `user.message`'s `data.content`, not one of our block reasons
(they all start with `stopwarden:`) nor a loaded skill's body (`<skill-context …>`)."""

from stopwarden.agents import last_turns

# Claude Code's members, this agent's too: `x as x` re-exports them (mypy checks the module as a Dialect).
from stopwarden.agents.claude_code import block as block
from stopwarden.agents.claude_code import context as context
from stopwarden.common import fastjson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

NAME = "copilot"
STOP_TEXT_FIELDS = ()  # none: the stop text is in the transcript (transcript_stop_text)
STOP_TEXT_IN_TRANSCRIPT = True  # its payload has none
ALLOW = ""
SESSION_ENV = "COPILOT_AGENT_SESSION_ID"  # set for its bash tool's commands (what hooks get as `sessionId`)
# What its installer writes in a project: a session that changes it works on the gate (gate/pipeline.py).
PROJECT_FILES = (".github/hooks/stopwarden.json", ".github/skills/build/")
# Its payload's names for the fields the hook reads under Claude Code's names.
FIELDS = {"sessionId": "session_id", "transcriptPath": "transcript_path"}


def payload(data: "dict[str, Any]") -> "dict[str, Any]":
    return {FIELDS.get(key, key): value for key, value in data.items()}


def is_agent_process(comm: str, cmdline: "Callable[[], bytes]") -> bool:
    # The npm loader (node) runs the native binary `copilot`, which runs hooks and shell commands; its
    # main thread names itself `MainThread` (seen on 1.0.102), so it is matched by its command line.
    return comm in ("copilot", "MainThread") and cmdline().split(b"\0", 1)[0].endswith(b"copilot")


def _record(line: str, kind: str) -> "dict[str, Any] | None":
    if f'"{kind}"' not in line:  # most lines are something else: skip them before parsing
        return None
    record = fastjson.object_or_none(line)
    data = record.get("data") if record and record.get("type") == kind else None
    return data if isinstance(data, dict) else None


def transcript_stop_text(lines: "list[str]", payload: "Mapping[str, Any]") -> "str | None":
    """The last `assistant.message` before this stop's own `hook.start` (matched by the payload's
    `timestamp`); None while that line is not there yet: Copilot writes events.jsonl in batches, and the
    end of the turn can reach the file some 100 ms after the hook has started (seen on 1.0.102)."""
    stamp = payload.get("timestamp")
    found = not isinstance(stamp, int)  # no timestamp to wait for: the last message is all there is
    for line in reversed(lines):
        if not found:
            hook = _record(line, "hook.start")
            given = hook.get("input") if hook and hook.get("hookType") == "agentStop" else None
            found = isinstance(given, dict) and given.get("timestamp") == stamp
            continue
        data = _record(line, "assistant.message")
        if data is not None:
            content = data.get("content")
            return content if isinstance(content, str) else ""
    return "" if found else None


def user_turn(line: str) -> str:
    data = _record(line, "user.message")
    content = data.get("content") if data else None
    text = content.strip() if isinstance(content, str) else ""
    return "" if text.startswith(("stopwarden:", "<skill-context")) else text


def user_turns(lines: "list[str]", limit: int) -> "list[str]":
    return last_turns(lines, user_turn, limit)
