"""Codex CLI (SPEC §12.1): the stop text is `last_assistant_message` (may be null); allow is an empty
stdout (never `{"decision": "approve"}`, which Codex shows as a failed hook); a block needs a non-blank
reason and comes back to the model as `<hook_prompt …>REASON</hook_prompt>`. Codex never caps Stop
loops: the build gate's budget and the stop gate's `stop_hook_active` rule are what bound them.

Its transcript (the rollout file) is JSON Lines of `{timestamp, type, payload}`; a user turn is a
`response_item` message of role `user` with `input_text`, not one of the wrappers Codex adds itself."""

from stopwarden.agents import last_turns, payload_only

# Claude Code's members, this agent's too: `x as x` re-exports them (mypy checks the module as a Dialect).
from stopwarden.agents.claude_code import block as block
from stopwarden.agents.claude_code import context as context
from stopwarden.agents.claude_code import payload as payload
from stopwarden.common import fastjson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "codex"
# What its installer writes in a project: a session that changes it works on the gate (gate/pipeline.py).
PROJECT_FILES = (".codex/hooks.json", ".codex/skills/build/")
STOP_TEXT_FIELDS = ("last_assistant_message",)
STOP_TEXT_IN_TRANSCRIPT = False  # its rollout file is not read for it
transcript_stop_text = payload_only  # `last_assistant_message` is the stop text
ALLOW = ""
# Its shell commands run in a sandbox with their own PID namespace, where the process tree ends before the
# agent: they get the thread id (what hooks receive as `session_id`) instead. Hooks do not see it.
SESSION_ENV = "CODEX_THREAD_ID"


def is_agent_process(comm: str, cmdline: "Callable[[], bytes]") -> bool:
    return comm == "codex"


# What Codex itself records as user messages: its context, our blocks, the project's AGENTS.md (old and new
# form), an invoked skill's body (our /build playbook among them), a `!command` the user ran.
WRAPPERS = ("<environment_context>", "<hook_prompt", "<user_instructions>", "# AGENTS.md instructions for ",
            "<turn_aborted>", "<skill>", "<user_shell_command>")  # fmt: skip


def user_turn(line: str) -> str:
    if '"user"' not in line:
        return ""
    record = fastjson.object_or_none(line)
    payload = record.get("payload") if record and record.get("type") == "response_item" else None
    if not isinstance(payload, dict) or payload.get("type") != "message" or payload.get("role") != "user":
        return ""
    content = payload.get("content")
    parts = content if isinstance(content, list) else []
    text = "\n".join(
        str(p.get("text", "")) for p in parts if isinstance(p, dict) and p.get("type") == "input_text"
    ).strip()
    return "" if text.startswith(WRAPPERS) else text


def user_turns(lines: "list[str]", limit: int) -> "list[str]":
    return last_turns(lines, user_turn, limit)
