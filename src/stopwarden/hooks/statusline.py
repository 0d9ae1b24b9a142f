"""Claude Code's status line: `<venv python> -I -S <…>/stopwarden/hooks/run.py statusline` (SPEC §10 launch form).

Claude Code runs the `statusLine` command of its settings on every refresh (debounced to 300 ms; a refresh
aborts the run before it) with a JSON payload on stdin: `session_id`, `transcript_path`, `cwd`, `model`,
`workspace {current_dir, project_dir, …}` and more. It shows what the command prints (2.1.330 keeps every
non-empty line, older releases the first) and nothing when it exits non-zero. We print one line:

    ⛨ build add-a-login-page executing · blocks left 3 of 5 · gate shadow     this session owns a build
    ⛨ gate enforce · KILL SWITCH ON                          the kill switch is on
    ⛨ gate: server down                                      no server (or none for a while)

and nothing outside a stopwarden project (a user-scope install runs us everywhere) or when
STOPWARDEN_DISABLE=1.

- The build is shown only to its owner, decided exactly as the build gate decides it: `owner.match` on the
  build's stamped owner and the payload's session id (plus the agent process and tmux pane, as at a stop).
  The status line only reads: no lock, no audit line, no reconciling a changed session id, no hook.log line.
- The gate's mode and kill switch come from `.stopwarden/hot-path.json` alone, never from the server. Every
  change of mode or kill switch rewrites that file (through the server, or by the CLI when it is down), so its
  content is current however old it is; its age says only whether a server was seen lately. Fresh (under
  60 s), or older while `.stopwarden/server.pid` names a live `stopwarden` process: the mode is shown. Older
  and no live server, or no file: "server down" (the Stop hook would let early-exit stops through unjudged).
  The kill switch is shown whenever the file says it is on.

The hook's rules hold here too: standard library only; `posix`, not `os`, until an active build has to be
read; never raises; at most one line; always exit 0. Runs several times a minute, so it stays cheap.
"""

import posix
import time

from stopwarden.common import fastjson, project
from stopwarden.common.names import ENDED_PHASES, ENV_DISABLE, MODES, TERMINAL_PHASES
from stopwarden.hooks.posix_io import environ, read_stdin

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

MARK = "\u26e8"  # ⛨, a shield
SEPARATOR = " \u00b7 "  # " · "
SERVER_DOWN = "gate: server down"
KILL_SWITCH_ON = "KILL SWITCH ON"
HOT_PATH_FRESH_S = 60.0
SLUG_CHARS = 24
MAX_CHARS = 160
EVENT = "statusline"


def main(argv: "Sequence[str]") -> int:
    """Print the status line for the payload on stdin; exit 0 whatever happens."""
    try:
        env = environ()
        out = "" if env.get(ENV_DISABLE) == "1" else line(read_stdin(), env)
        data = (out + "\n").encode("utf-8") if out else b""
        while data:
            data = data[posix.write(1, data) :]
    except BaseException:
        pass
    return 0


def line(raw: bytes, env: "Mapping[str, str]", now: float | None = None) -> str:
    """The status line (without its newline) for one payload, or "" outside a project. Never raises."""
    try:
        data = _payload(raw)
        root = project.find_root(_cwd(data, env))
        if root is None:
            return ""
        session_id = data.get("session_id")
        parts = _builds(root, session_id if isinstance(session_id, str) else "", env)
        parts += gate(root, time.time() if now is None else now)
        return _one_line(f"{MARK} {SEPARATOR.join(parts)}")
    except BaseException:
        return ""


def gate(root: str, now: float) -> list[str]:
    """The gate's part: its mode, or that no server is up; and the kill switch when it is on."""
    from stopwarden.state import files

    state, mtime = files.read_hot_path(root)
    if state is None or "port" not in state:
        return [SERVER_DOWN]  # no server has ever run here
    mode = state.get("mode")
    parts = [f"gate {mode}" if mode in MODES else "gate: mode unknown"]
    if now - mtime >= HOT_PATH_FRESH_S and not server_running(root):
        parts = [SERVER_DOWN]
    if state.get("kill_switch") is True:
        parts.append(KILL_SWITCH_ON)
    return parts


def server_running(root: str) -> bool:
    """Does `.stopwarden/server.pid` name a live stopwarden process? Local checks only, no request."""
    from stopwarden.state import files

    pid = files.read_pid(root) or 0
    if pid <= 1:
        return False
    cmdline, _ = _read(f"/proc/{pid}/cmdline")
    if cmdline:  # Linux: the pid is alive; is it still our server, or a reused pid?
        return b"stopwarden" in cmdline
    try:
        posix.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive, another user's
    return True


def _builds(root: str, session_id: str, env: "Mapping[str, str]") -> list[str]:
    """This session's active build, as the build gate would see its owner; [] when it owns none."""
    ids = project.active_ids(root)
    if not ids:
        return []
    from stopwarden.build import owner, state

    me = owner.Caller(session_id, env)
    mine: list[dict[str, Any]] = []
    for build_id in ids:
        try:
            build = state.load(root, build_id)
            # An escalated build waits for the user's answer (`build resume`): shown, with its reason.
            if build["phase"] not in ENDED_PHASES and owner.match(build["owner"], me):
                mine.append(build)
        except Exception:
            continue  # unreadable, half-written or corrupt: as the gate does, it judges no other build
    if not mine:
        return []
    mine.sort(key=lambda b: b["phase"] in TERMINAL_PHASES)  # a build the gate holds before one that waits
    build = mine[0]
    text = f"build {_slug(build['id'])} {build['phase']}" + (f" (+{len(mine) - 1})" if len(mine) > 1 else "")
    from stopwarden.build.reason import at_next_stop

    return [text, at_next_stop(build)]


def _slug(build_id: str) -> str:
    """The build's task as its id spells it ("add-a-login-page" of "add-a-login-page-c8e876"), shortened."""
    head, _, tail = build_id.rpartition("-")
    slug = head if head and len(tail) == 6 and all(c in "0123456789abcdef" for c in tail) else build_id
    return slug if len(slug) <= SLUG_CHARS else slug[: SLUG_CHARS - 1] + "\u2026"


def _one_line(text: str) -> str:
    """No control characters (a newline would make a second line, an escape sequence a mess), bounded."""
    clean = "".join(c if c.isprintable() else " " for c in text)
    return clean if len(clean) <= MAX_CHARS else clean[: MAX_CHARS - 1] + "\u2026"


def _payload(raw: bytes) -> "dict[str, Any]":
    """The payload as an object; {} for anything else (then only the gate's part can be shown)."""
    try:
        data = fastjson.loads(raw.decode("utf-8", "surrogateescape"))
    except (ValueError, SystemError):
        return {}
    return data if isinstance(data, dict) else {}


def _cwd(data: "Mapping[str, Any]", env: "Mapping[str, str]") -> str:
    """The session's folder: `cwd`, else `workspace.current_dir` or `.project_dir`, else where we were started."""
    workspace = data.get("workspace")
    found = [data.get("cwd")]
    if isinstance(workspace, dict):
        found += [workspace.get("current_dir"), workspace.get("project_dir")]
    found.append(env.get("CLAUDE_PROJECT_DIR"))
    for path in found:
        if isinstance(path, str) and path.startswith("/") and "\0" not in path:
            return path
    return posix.getcwd()


def _read(path: str) -> "tuple[bytes, float]":
    """The start of a small file and its mtime; (b"", 0) when it cannot be read."""
    try:
        fd = posix.open(path, posix.O_RDONLY)
    except OSError:
        return b"", 0.0
    try:
        return posix.read(fd, 1 << 16), posix.fstat(fd).st_mtime
    except OSError:
        return b"", 0.0
    finally:
        posix.close(fd)
