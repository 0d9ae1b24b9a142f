"""Claude Code (SPEC §3.1): the stop text is `last_assistant_message`; allow is an empty stdout; a block is
`{"decision": "block", "reason": …}`; SessionStart context goes in `hookSpecificOutput`."""

from stopwarden import fastjson

NAME = "claude-code"
STOP_TEXT_FIELDS = ("last_assistant_message",)
ALLOW = ""


def block(reason: str) -> str:
    return fastjson.dumps({"decision": "block", "reason": reason}) + "\n"


def context(text: str) -> str:
    return fastjson.dumps({"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": text}}) + "\n"
