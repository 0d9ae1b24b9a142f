"""The hook's entry point: read the payload, run the gates, print at most one decision. Never fails.

Every path ends in exit 0. A block is one JSON object on stdout; an allow prints nothing. Any error,
bad payload or missing project allows, with one line in `.stopwarden/hook.log` saying why.

The common path (a project without an active build, or no project at all) must cost less than starting
a plain interpreter (SPEC §10), so this module and what it imports first use `posix` rather than `os`
(whose import alone is about 1 ms) and load the gates only when there is something to gate.
"""

import posix

from stopwarden.agents import dialect
from stopwarden.common.names import ENV_DISABLE, HOOK_EVENTS
from stopwarden.hooks import log
from stopwarden.hooks.posix_io import environ, read_stdin

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from stopwarden.hooks.payload import HookEvent


def main(argv: "Sequence[str]") -> int:
    event_name = argv[0] if argv else ""
    agent = argv[1] if len(argv) > 1 else "claude-code"
    try:
        env = environ()
        out = dialect(agent).ALLOW if env.get(ENV_DISABLE) == "1" else handle(event_name, agent, read_stdin(), env)
        data = out.encode("utf-8")
        if data:
            posix.set_blocking(1, True)  # an agent may hand us a non-blocking pipe: never cut a decision short
        while data:
            data = data[posix.write(1, data) :]
    except BaseException:
        pass
    return 0


def handle(event_name: str, agent: str, raw: bytes, env: "Mapping[str, str]") -> str:
    """What to print for one hook run: the agent's allow (nothing, or `{}` for Gemini), or one JSON line.
    Never raises."""
    out = _handle(event_name, agent, raw, env)
    return dialect(agent).ALLOW if out is None else out


def _handle(event_name: str, agent: str, raw: bytes, env: "Mapping[str, str]") -> "str | None":
    """None to allow; else what to print."""
    root: str | None = None
    session_id = ""
    try:
        from stopwarden.common import project
        from stopwarden.hooks import payload

        try:
            event = payload.parse(raw, agent, event_name, env)
        except payload.BadPayload as e:
            root = project.find_root(env.get("CLAUDE_PROJECT_DIR") or posix.getcwd())
            log.write(root, event_name or "?", "", f"allow: bad payload: {e}")
            return None
        session_id = event.session_id
        root = project.find_root(event.cwd)
        if root is None:
            return None  # not a stopwarden project (a user-scope install): nothing to do, nothing to say
        if uninstalled(root):
            log.write(root, event_name, session_id, "allow: stopwarden was uninstalled here (`stopwarden init` again)")
            return None
        if event_name == "stop":
            return _stop(event, root)
        if event_name == "session_start":
            return _session_start(event, root, env)
        log.write(root, event_name or "?", session_id, f"allow: unknown hook event, expected one of {HOOK_EVENTS}")
    except BaseException as e:
        log.write(root, event_name or "?", session_id, f"allow: internal error: {type(e).__name__}: {e}")
    return None


def uninstalled(root: str) -> bool:
    """Whether `uninstall` ran in this project and `init` has not since: the hooks still run here when
    another project installed them in the user scope, and must gate nothing."""
    from stopwarden.common.names import STATE_DIR, UNINSTALLED_FILE

    try:
        mode = posix.lstat(f"{root}/{STATE_DIR}/{UNINSTALLED_FILE}").st_mode
    except OSError:
        return False
    return mode & 0o170000 == 0o100000  # a regular file, as uninstall writes it: a link or folder is no mark


def _stop(event: "HookEvent", root: str) -> "str | None":
    """The build gate first (its owner must finish), then the stop gate's router."""
    from stopwarden.common.project import active_ids
    from stopwarden.hooks import router

    ids = active_ids(root)
    reason, why = None, "no active build"
    if ids:
        from stopwarden.hooks import build_gate

        reason, why = build_gate.check(event, root, ids)
    if reason is None:
        reason, routed = router.check(event, root)
        why = f"{why}; {routed}"
    verdict = "block" if reason else "allow"
    log.write(root, "stop", event.session_id, f"{verdict}: {why} (bg={event.background_tasks})")
    return None if reason is None else dialect(event.agent).block(reason)


def _session_start(event: "HookEvent", root: str, env: "Mapping[str, str]") -> "str | None":
    from stopwarden.hooks import session_start

    note = session_start.record(event, root, env)
    log.write(root, "session_start", event.session_id, f"recorded ({event.source or 'no source'})")
    return dialect(event.agent).context(note) if note else None
