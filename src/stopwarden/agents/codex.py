"""Codex CLI (SPEC §12.1): the stop text is `last_assistant_message` (may be null); allow is an empty
stdout (never `{"decision": "approve"}`, which Codex shows as a failed hook); a block needs a non-blank
reason and comes back to the model as `<hook_prompt …>REASON</hook_prompt>`. Codex never caps Stop
loops: the build gate's budget and the stop gate's `stop_hook_active` rule are what bound them."""

from stopwarden.agents.claude_code import block, context

NAME = "codex"
STOP_TEXT_FIELDS = ("last_assistant_message",)
ALLOW = ""

__all__ = ["ALLOW", "NAME", "STOP_TEXT_FIELDS", "block", "context"]
