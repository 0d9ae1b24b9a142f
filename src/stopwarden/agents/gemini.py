"""Gemini CLI (SPEC §12.2): the stop event is `AfterAgent` and its text `prompt_response`, which accumulates
across re-fires (the signals see all of it); allow must print `{}` (an empty stdout makes Gemini read
stderr); a block is `{"decision": "block", "reason": …}` and comes back as a plain user turn.

Its transcript (the chat file, Gemini CLI 0.61.0) is a log in JSON Lines: a metadata line, `{"$set": …}`
patches, `{"$rewindTo": id}`, and one line per message `{id, timestamp, type, content}` (a later line with
the same id rewrites it); a user turn is a `user` message whose parts are text, not function responses. A
block reason is recorded as a plain user turn too: ours all start with `stopwarden:`, so they are told
apart by that. SessionStart context is prepended to the user's prompt in `<hook_context>…</hook_context>`,
which is cut off; our `/build` command is recorded expanded, and stands for its task."""

from stopwarden.agents import payload_only

# Claude Code's members, this agent's too: `x as x` re-exports them (mypy checks the module as a Dialect).
from stopwarden.agents.claude_code import block as block
from stopwarden.agents.claude_code import context as context
from stopwarden.agents.claude_code import payload as payload
from stopwarden.common import fastjson
from stopwarden.common.names import PLAYBOOK_TASK

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "gemini"
STOP_TEXT_FIELDS = ("prompt_response",)
STOP_TEXT_IN_TRANSCRIPT = False  # its chat file is not read for it
transcript_stop_text = payload_only  # `prompt_response` is the stop text
ALLOW = "{}\n"
SESSION_ENV = ""  # its shell commands get no session id (only GEMINI_CLI=1): ownership is by agent process
# What its installer writes in a project: a session that changes it works on the gate (gate/pipeline.py).
PROJECT_FILES = (".gemini/settings", ".gemini/commands/build.toml")


def is_agent_process(comm: str, cmdline: "Callable[[], bytes]") -> bool:
    # A node script that re-execs itself once: matched by its command line, not `comm`.
    return comm == "node" and b"gemini" in cmdline()


HOOK_CONTEXT_END = "</hook_context>"


def user_turns(lines: "list[str]", limit: int) -> "list[str]":
    """Replay the chat file's tail as Gemini does: a message line (re)writes its id in place, `$rewindTo`
    drops that message and every later one (all of the tail when it is older), `$set.messages` replaces
    them all. Then the last `limit` user turns, oldest first."""
    messages: dict[str, str] = {}  # id -> its user text ("" for any other message), in Gemini's order
    for line in lines:
        record = fastjson.object_or_none(line)
        if record is None:
            continue
        rewind, patch = record.get("$rewindTo"), record.get("$set")
        if isinstance(rewind, str):
            ids = list(messages)
            for dropped in ids[ids.index(rewind) :] if rewind in messages else ids:
                del messages[dropped]
        elif isinstance(patch, dict) and isinstance(patch.get("messages"), list):
            messages = {str(m.get("id")): _user_text(m) for m in patch["messages"] if isinstance(m, dict)}
        elif isinstance(record.get("id"), str):
            messages[record["id"]] = _user_text(record)
    return [text for text in messages.values() if text][-limit:]


def _user_text(record: "dict[str, object]") -> str:
    if record.get("type") != "user":
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
    if PLAYBOOK_TASK in text:  # our /build command, expanded: what the user asked for is its task
        return text.split(PLAYBOOK_TASK, 1)[1].split("**", 1)[0].strip()
    return "" if text.startswith(("stopwarden:", "<session_context>")) else text
