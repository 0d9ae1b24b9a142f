"""Gemini CLI (SPEC §12.2): the stop event is `AfterAgent` and its text `prompt_response`, which accumulates
across re-fires (the signals see all of it); allow must print `{}` (an empty stdout makes Gemini read
stderr); a block is `{"decision": "block", "reason": …}` and comes back as a plain user turn.

Its transcript (the chat file, Gemini CLI 0.61.0) is JSON Lines: a metadata line, `{"$set": …}` patches,
and one line per message `{id, timestamp, type, content}`; a user turn is a `user` message whose parts are
text, not function responses. A block reason is recorded as a plain user turn too: ours all start with
`stopwarden:`, so they are told apart by that. SessionStart context is prepended to the user's prompt in
`<hook_context>…</hook_context>`, which is cut off."""

from stopwarden import fastjson
from stopwarden.agents.claude_code import block, context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "gemini"
STOP_TEXT_FIELDS = ("prompt_response",)
ALLOW = "{}\n"
SESSION_ENV = ""  # its shell commands get no session id (only GEMINI_CLI=1): ownership is by agent process


def is_agent_process(comm: str, cmdline: "Callable[[], bytes]") -> bool:
    # A node script that re-execs itself once: matched by its command line, not `comm`.
    return comm == "node" and b"gemini" in cmdline()


HOOK_CONTEXT_END = "</hook_context>"


def user_turn(line: str) -> str:
    if '"user"' not in line:
        return ""
    record = fastjson.object_or_none(line)
    if not record or record.get("type") != "user":
        return ""
    content = record.get("content")
    if isinstance(content, str):
        text = content
    elif isinstance(content, list):
        if any(isinstance(p, dict) and "functionResponse" in p for p in content):
            return ""
        text = "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict) and "text" in p)
    else:
        return ""
    text = text.strip()
    if text.startswith("<hook_context>") and HOOK_CONTEXT_END in text:
        text = text.split(HOOK_CONTEXT_END, 1)[1].strip()
    return "" if text.startswith(("stopwarden:", "<session_context>")) else text


__all__ = ["ALLOW", "NAME", "SESSION_ENV", "STOP_TEXT_FIELDS", "block", "context", "is_agent_process", "user_turn"]
