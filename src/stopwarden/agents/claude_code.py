"""Claude Code (SPEC §3.1): the stop text is `last_assistant_message` (else the transcript's last assistant
message); allow is an empty stdout; a block is
`{"decision": "block", "reason": …}`; SessionStart context goes in `hookSpecificOutput`.

Its Bash tool's commands see the session id in `CLAUDE_CODE_SESSION_ID`, and descend from the `claude`
process. Its transcript is JSON Lines; a user turn is a `user` line that is not `isMeta` (a Stop-hook block is
recorded as an `isMeta` user line, "Stop hook feedback: …") and whose content is not a tool result."""

from stopwarden.agents import last_turns
from stopwarden.common import fastjson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

NAME = "claude-code"
STOP_TEXT_FIELDS = ("last_assistant_message",)
STOP_TEXT_IN_TRANSCRIPT = True  # where the payload has none (a client before the field)
ALLOW = ""
SESSION_ENV = "CLAUDE_CODE_SESSION_ID"  # set for its Bash tool's commands (2.1.x)
# What its installer writes in a project: a session that changes it works on the gate (gate/pipeline.py).
PROJECT_FILES = (".claude/settings", ".claude/skills/build/")


def is_agent_process(comm: str, cmdline: "Callable[[], bytes]") -> bool:
    return comm == "claude"


def payload(data: "dict[str, Any]") -> "dict[str, Any]":
    return data  # already in the names the hook reads (Codex and Gemini use them too)


def transcript_stop_text(lines: "list[str]", payload: "Mapping[str, Any]") -> "str | None":
    """The last assistant message's text, for a payload without `last_assistant_message` (the clients before
    it had one): the text blocks of the `assistant` lines after the last `user` line (a turn or a tool
    result), sidechains (subagents) left out; "" when that message has none (it ended on a tool call). None
    while no assistant line follows the last user line: the client may run the hook before it has written
    the turn's end (anthropics/claude-code#15812), and the hook reads again for a bounded time."""
    texts: list[str] = []
    answered = False
    for line in reversed(lines):
        if '"assistant"' not in line and '"user"' not in line:  # most lines are neither: skip before parsing
            continue
        record = fastjson.object_or_none(line)
        if not record or record.get("isSidechain") is True:
            continue
        if record.get("type") == "user":
            break
        answered = answered or record.get("type") == "assistant"
        message = record.get("message")
        content = message.get("content") if record.get("type") == "assistant" and isinstance(message, dict) else None
        if isinstance(content, str):
            texts.insert(0, content)
        elif isinstance(content, list):
            blocks = [b.get("text") for b in content if isinstance(b, dict) and b.get("type") == "text"]
            texts[:0] = [b for b in blocks if isinstance(b, str)]
    return "\n\n".join(texts) if answered else None


def block(reason: str) -> str:
    return fastjson.dumps({"decision": "block", "reason": reason}) + "\n"


def context(text: str) -> str:
    return fastjson.dumps({"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": text}}) + "\n"


def user_turn(line: str) -> str:
    if '"user"' not in line:  # most lines are not user turns: skip them before parsing
        return ""
    record = fastjson.object_or_none(line)
    if not record or record.get("type") != "user" or record.get("isMeta"):
        return ""
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        text = content
    elif isinstance(content, list):
        if any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
            return ""
        text = "\n".join(str(b.get("text", "")) for b in content if isinstance(b, dict) and b.get("type") == "text")
    else:
        return ""
    if text.startswith(("Stop hook feedback:", "<command-", "<local-command")):
        return ""
    return text.strip()


def user_turns(lines: "list[str]", limit: int) -> "list[str]":
    return last_turns(lines, user_turn, limit)
