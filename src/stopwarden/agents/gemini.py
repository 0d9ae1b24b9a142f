"""Gemini CLI (SPEC §12.2): the stop event is `AfterAgent` and its text `prompt_response`, which accumulates
across re-fires (the signals see all of it); allow must print `{}` (an empty stdout makes Gemini read
stderr); a block is `{"decision": "block", "reason": …}` and comes back as a plain user turn."""

from stopwarden.agents.claude_code import block, context

NAME = "gemini"
STOP_TEXT_FIELDS = ("prompt_response",)
ALLOW = "{}\n"

__all__ = ["ALLOW", "NAME", "STOP_TEXT_FIELDS", "block", "context"]
