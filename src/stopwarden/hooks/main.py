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
    from collections.abc import Sequence

    from stopwarden.hooks.payload import HookEvent


def main(argv: Sequence[str]) -> int:
    event_name = argv[0] if argv else ""
    agent = argv[1] if len(argv) > 1 else "claude-code"
    root: str | None = None
    session_id = ""
    try:
        if os.environ.get(ENV_DISABLE) == "1":
            return 0
        raw = read_all(0)
        from stopwarden import project
        from stopwarden.hooks import payload

        try:
            event = payload.parse(raw, agent, event_name, os.environ)
        except payload.BadPayload as e:
            root = project.find_root(os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd())
            log.write(root, event_name or "?", "", f"allow: bad payload: {e}")
            return 0
        session_id = event.session_id
        root = project.find_root(event.cwd)
        if root is None:
            return 0  # not a stopwarden project (a user-scope install): nothing to do, nothing to say
        if event_name == "stop":
            _stop(event, root)
        elif event_name == "session_start":
            _session_start(event, root)
        else:
            log.write(root, event_name or "?", session_id, f"allow: unknown hook event, expected {HOOK_EVENTS}")
    except BaseException as e:
        log.write(root, event_name or "?", session_id, f"allow: internal error: {type(e).__name__}: {e}")
    return 0


def _stop(event: HookEvent, root: str) -> None:
    from stopwarden.hooks import build_gate

    reason = build_gate.check(event, root)
    if reason is not None:
        _print_json({"decision": "block", "reason": reason})


def _session_start(event: HookEvent, root: str) -> None:
    from stopwarden.hooks import session_start

    note = session_start.record(event, root, os.environ)
    log.write(root, "session_start", event.session_id, f"recorded ({event.source or 'no source'})")
    if note:
        _print_json({"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": note}})


def _print_json(obj: object) -> None:
    from stopwarden import fastjson

    data = (fastjson.dumps(obj) + "\n").encode("utf-8")
    while data:
        data = data[os.write(1, data) :]
