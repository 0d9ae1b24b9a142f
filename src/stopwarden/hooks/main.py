"""The hook's entry point: read the payload, run the gates, print at most one decision. Never fails.

Every path ends in exit 0. A block is one JSON object on stdout; an allow prints nothing. Any error,
bad payload or missing project allows, with one line in `.stopwarden/hook.log` saying why.
"""

from __future__ import annotations

import os

from stopwarden.atomic import read_all
from stopwarden.hooks import log
from stopwarden.names import ENV_DISABLE, HOOK_EVENTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from stopwarden.hooks.payload import HookEvent


def main(argv: Sequence[str]) -> int:
    event_name = argv[0] if argv else ""
    agent = argv[1] if len(argv) > 1 else "claude-code"
    try:
        out = "" if os.environ.get(ENV_DISABLE) == "1" else handle(event_name, agent, read_all(0), os.environ)
        data = out.encode("utf-8")
        while data:
            data = data[os.write(1, data) :]
    except BaseException:
        pass
    return 0


def handle(event_name: str, agent: str, raw: bytes, env: Mapping[str, str]) -> str:
    """What to print for one hook run: "" to allow, or one JSON decision line. Never raises."""
    root: str | None = None
    session_id = ""
    try:
        from stopwarden import project
        from stopwarden.hooks import payload

        try:
            event = payload.parse(raw, agent, event_name, env)
        except payload.BadPayload as e:
            root = project.find_root(env.get("CLAUDE_PROJECT_DIR") or os.getcwd())
            log.write(root, event_name or "?", "", f"allow: bad payload: {e}")
            return ""
        session_id = event.session_id
        root = project.find_root(event.cwd)
        if root is None:
            return ""  # not a stopwarden project (a user-scope install): nothing to do, nothing to say
        if event_name == "stop":
            return _stop(event, root)
        if event_name == "session_start":
            return _session_start(event, root, env)
        log.write(root, event_name or "?", session_id, f"allow: unknown hook event, expected one of {HOOK_EVENTS}")
    except BaseException as e:
        log.write(root, event_name or "?", session_id, f"allow: internal error: {type(e).__name__}: {e}")
    return ""


def _stop(event: HookEvent, root: str) -> str:
    from stopwarden.hooks import build_gate

    reason = build_gate.check(event, root)
    return "" if reason is None else _json_line({"decision": "block", "reason": reason})


def _session_start(event: HookEvent, root: str, env: Mapping[str, str]) -> str:
    from stopwarden.hooks import session_start

    note = session_start.record(event, root, env)
    log.write(root, "session_start", event.session_id, f"recorded ({event.source or 'no source'})")
    if not note:
        return ""
    return _json_line({"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": note}})


def _json_line(obj: object) -> str:
    from stopwarden import fastjson

    return fastjson.dumps(obj) + "\n"
