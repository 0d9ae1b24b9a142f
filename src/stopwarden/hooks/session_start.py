"""SessionStart: record when the session started, and let its shell commands know its id.

The start time is evidence for the stop gate (SPEC §5.3); the exported STOPWARDEN_SESSION_ID lets
`stopwarden build start`, run by the agent, stamp the build's owner with the session id the Stop hook
will later receive (SPEC §4.3).
"""

from __future__ import annotations

import os

from stopwarden import fastjson
from stopwarden.atomic import append_line
from stopwarden.build import owner, state
from stopwarden.names import ENV_SESSION_ID, SESSIONS_DIR, STATE_DIR, TERMINAL_PHASES
from stopwarden.project import active_ids
from stopwarden.shell import cli_command, quote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from stopwarden.hooks.payload import HookEvent


def record(event: HookEvent, root: str, env: Mapping[str, str]) -> str:
    """Record the session and export its id; returns what the model should be told at start, if anything."""
    if _safe_name(event.session_id):
        _record_start(event, root)
        _export(env.get("CLAUDE_ENV_FILE", ""), event.session_id)
    return _owned_builds_note(event, root, cli_command(env))


def _safe_name(session_id: str) -> bool:
    return bool(session_id) and "/" not in session_id and "\0" not in session_id and session_id[0] != "."


def _record_start(event: HookEvent, root: str) -> None:
    """First start wins: a resumed or compacted session keeps the start time it had."""
    folder = os.path.join(root, STATE_DIR, SESSIONS_DIR)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    record = {
        "session_id": event.session_id,
        "agent": event.agent,
        "started_at": state.now_iso(),
        "source": event.source,
    }
    try:
        fd = os.open(os.path.join(folder, event.session_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    try:
        os.write(fd, (fastjson.dumps(record) + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def _export(env_file: str, session_id: str) -> None:
    if env_file:
        append_line(env_file, f"export {ENV_SESSION_ID}={quote(session_id)}")


def _owned_builds_note(event: HookEvent, root: str, cli: str) -> str:
    """After a resume or a compaction the model has forgotten its build: remind the owner of it."""
    notes = []
    for build_id in active_ids(root):
        try:
            build = state.load(root, build_id)
        except (OSError, state.StateError):
            continue
        if build["phase"] not in TERMINAL_PHASES and owner.match(build.get("owner") or {}, event.caller):
            notes.append(
                f'stopwarden: you own the unfinished build "{build.get("task", "")}" ({build_id}), '
                f"phase {build['phase']}. Run `{cli} build status` and carry on with it."
            )
    return "\n".join(notes)
