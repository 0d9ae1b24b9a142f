"""SessionStart: record when the session started, let its shell commands know its id, and tell the
gate server (starting it when `autostart` is on).

The start time is evidence for the stop gate (SPEC §5.3); the exported STOPWARDEN_SESSION_ID lets
`stopwarden build start`, run by the agent, stamp the build's owner with the session id the Stop hook
will later receive (SPEC §4.3). The server answers with a notice when the previous session hit the
continue ceiling (SPEC §5.6). Once per session, yet it delays the agent's start: the config (TOML) is
read only off the common path.
"""

import posix

from stopwarden.common import fastjson
from stopwarden.common.atomic import append_line
from stopwarden.common.names import ENV_SESSION_ID, TERMINAL_PHASES
from stopwarden.common.project import active_ids
from stopwarden.common.shell import cli_command, quote
from stopwarden.common.timefmt import now_iso
from stopwarden.state import files, safe

SERVER_TIMEOUT_S = 0.5
STARTING_EXPIRES_S = 30.0

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from stopwarden.common.config import Config
    from stopwarden.hooks.payload import HookEvent


def record(event: "HookEvent", root: str, env: "Mapping[str, str]") -> str:
    """Record the session and export its id; returns what the model should be told at start, if anything."""
    notes = []
    if files.is_safe_name(event.session_id):
        started_at = _record_start(event, root)
        _export(env.get("CLAUDE_ENV_FILE", ""), event.session_id)
        notes.append(_tell_server(event, root, started_at))
    notes.append(_owned_builds_note(event, root, env))
    return "\n".join(n for n in notes if n)


def _record_start(event: "HookEvent", root: str) -> str:
    """First start wins: a resumed or compacted session keeps the start time it had. Returns it."""
    record = {
        "session_id": event.session_id,
        "agent": event.agent,
        "started_at": now_iso(),
        "source": event.source,
    }
    if files.create_session_record(root, event.session_id, (fastjson.dumps(record) + "\n").encode("utf-8")):
        return record["started_at"]
    earlier = files.session_record(root, event.session_id) or {}
    return str(earlier.get("started_at") or record["started_at"])


def _tell_server(event: "HookEvent", root: str, started_at: str) -> str:
    """Record the start with the server and return its notice; start the server if it is down.

    The port comes from `.stopwarden/port`. The config, whose TOML parser alone costs more than this whole
    hook (issue 20), is read only when there is no port file (an install older than it) or when nobody
    listens there and `autostart` decides whether to start the server.
    """
    from stopwarden.common import http
    from stopwarden.hooks import log

    port = files.read_port(root)
    if port is None:
        config = _config(event, root)
        if config is None:
            return ""
        port = config.port
    try:
        token = files.read_token(root)
    except OSError as e:  # absent, or not ours (a link, a committed token): no server of ours can use it
        log.write(root, "session_start", event.session_id, f"not telling the server: token: {e}")
        return ""
    body = {"session_id": event.session_id, "agent": event.agent, "started_at": started_at, "source": event.source}
    try:
        code, answer = http.request(port, "POST", "/v1/sessions", token, body, timeout=SERVER_TIMEOUT_S)
    except ConnectionRefusedError as e:  # nothing listens there: ours is down
        config = _config(event, root)
        if config is not None and config.autostart and config.port:
            _start_server(root)
            log.write(root, "session_start", event.session_id, f"server unreachable ({e}); starting it")
        return ""
    except OSError as e:  # something answers, but not as our server would: never start a second one
        log.write(root, "session_start", event.session_id, f"not telling the server: {e}")
        return ""
    if code != 200 or not isinstance(answer, dict):
        log.write(root, "session_start", event.session_id, f"server answered {code} to /v1/sessions")
        return ""
    return str(answer.get("notice") or "")


def _config(event: "HookEvent", root: str) -> "Config | None":
    """The project's config; None (and a line in hook.log) when it is wrong."""
    from stopwarden.common import config as config_module
    from stopwarden.common.errors import StopwardenError
    from stopwarden.hooks import log

    try:
        return config_module.load(root)
    except StopwardenError as e:
        log.write(root, "session_start", event.session_id, f"not telling the server: {e.message}")
        return None


def _start_server(root: str) -> None:
    """Start the server detached, without waiting: the agent must not wait for it.

    `server.starting` keeps a second session that starts at the same moment from launching a second
    server; the server removes it once it listens. One left behind by a crash expires.
    """
    import time

    marker = files.starting_marker(root)
    try:
        if time.time() - posix.lstat(marker).st_mtime < STARTING_EXPIRES_S:
            return
        posix.unlink(marker)
    except FileNotFoundError:
        pass
    if not safe.create_new(marker):
        return  # another hook won the race
    from stopwarden.server import launch

    launch.launch(root)


def _export(env_file: str, session_id: str) -> None:
    if env_file:
        append_line(env_file, f"export {ENV_SESSION_ID}={quote(session_id)}")


def _owned_builds_note(event: "HookEvent", root: str, env: "Mapping[str, str]") -> str:
    """After a resume or a compaction the model has forgotten its build: remind the owner of it.

    The build layer (and `os` with it) is imported only when a build is active."""
    ids = active_ids(root)
    if not ids:
        return ""
    from stopwarden.build import owner, state

    cli = cli_command(env)
    notes = []
    for build_id in ids:
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
