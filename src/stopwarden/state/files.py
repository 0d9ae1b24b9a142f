"""Where each file of `.stopwarden/` is, and how it is read and written: the one module that opens them.

Layout (SPEC §2), each file with the module that decides what goes in it:
  config.toml      committed by the team; read by config.py through `read_config`
  token            the server's secret, 0600, machine-local (install/project_files.py)
  port             the server's port on this machine, never committed (install/project_files.py)
  approved         HMACs of the settings from the config this machine's operator approved, 0600 (state/approval.py)
  hot-path.json    mode and kill switch for the hooks; written by the server only (gate/settings.py)
  sessions/<id>    when each session started (hooks/session_start.py)
  evidence/<key>.json   each plan file's introducing and latest commit as of a HEAD, one file per
                   checkout (hooks/evidence.py); a cache, rebuilt whenever it is odd, and deleted
                   with its build's worktree (build/worktree.py)
  hook.log         why a hook let a stop through (hooks/log.py, which builds its path itself: it runs on
                   every hook run, and imports only `safe`)
  server.pid, server.starting, server.log, outbox.db, stopwarden.db   the server's (server/process.py;
                   server/control.py starts, stops and asks after it)
  builds/          build state, locks, active markers and the audit log (build/state.py)

Everything here goes through `safe`: no link is followed, every folder is checked to be a real one of
the current user's, reads are capped. Stdlib-only, `posix` only: the hook reads the token, the
hot-path file and session records through it.
"""

import posix

from stopwarden.common.names import (
    APPROVED_FILE,
    CONFIG_FILE,
    DB_FILE,
    EVIDENCE_DIR,
    HOT_PATH_FILE,
    OPEN_PAGE,
    PORT_FILE,
    SERVER_LOG,
    SERVER_PID,
    SERVER_STARTING,
    SESSIONS_DIR,
    STATE_DIR,
    TOKEN_FILE,
)
from stopwarden.state import safe

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

PLAN_HISTORY_CAP = 4 << 20  # about 30,000 plan-like paths; a history with more is walked on every stop


def state_dir(root: str) -> str:
    return f"{root}/{STATE_DIR}"


def path(root: str, *names: str) -> str:
    """The path of a file under `.stopwarden/`, after checking every folder on the way is ours."""
    full = "/".join((state_dir(root), *names))
    safe.check_folders(state_dir(root), full)
    return full


def is_safe_name(name: str) -> bool:
    """A name we may use as one file name under a folder of ours: a session id, a build id."""
    return (
        0 < len(name) <= 200
        and name[0] != "."
        and "/" not in name
        and "\0" not in name
        and name.isprintable()
        and name == name.strip()
    )


def is_build_id(name: str) -> bool:
    """What `build start` makes (a slug and hex digits): a marker named otherwise was not made by us.
    Letters, digits, `-`, `_` and `.` only, so an id is safe in a file name, a log line and a shell."""
    return 0 < len(name) <= 100 and name[0] != "." and all(c.isascii() and (c.isalnum() or c in "-_.") for c in name)


def read_config(root: str) -> bytes:
    """The committed config's bytes (FileNotFoundError when there is none)."""
    return safe.read(path(root, CONFIG_FILE))


def read_token(root: str) -> str:
    """The server's token. A token others may read is not a secret (a committed one is checked out 0644):
    `safe.NotOurs`, so nothing is ever sent with it or believed because of it."""
    return safe.read(path(root, TOKEN_FILE), private=True).decode("ascii", "replace").strip()


def user_state_dir(env: "Mapping[str, str]") -> str:
    """The user's own stopwarden folder, outside every checkout: `$XDG_STATE_HOME/stopwarden` (default
    `~/.local/state/stopwarden`), for what is the user's and no repository's (install/user_scope.py's list).
    What an approval rests on is in `account_state_dir` instead."""
    import os

    state = env.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(state, "stopwarden")


def account_state_dir() -> str:
    """`~/.local/state/stopwarden` of the home the password database gives this user, whatever HOME or
    XDG_STATE_HOME say: for what must rest on nothing the environment names (state/approval.py's key and
    this machine's approvals). An agent client sets its hooks' environment partly from files a repository
    commits (docs/security.md): a folder named there could hold a key the repository wrote, 0600 when it is
    checked out under a umask of 077 or unpacked from an archive that says so."""
    import os
    import pwd

    from stopwarden.common.errors import StopwardenError

    try:
        home = pwd.getpwuid(posix.geteuid()).pw_dir
    except KeyError:  # a container run as a bare uid (`docker run -u 1234`)
        raise StopwardenError(
            f"user id {posix.geteuid()} has no entry in the password database, where stopwarden finds the "
            "folder of its approvals (HOME is not used for it, on purpose: docs/security.md)",
            hint="give the account an entry (useradd, or a line in /etc/passwd) with a home it can write",
        ) from None
    return os.path.join(home, ".local", "state", "stopwarden")


def approved_path(root: str) -> str:
    """The checkout's approvals (`.stopwarden/approved`); OSError when its folder is odd (not ours)."""
    return path(root, APPROVED_FILE)


def read_approved(where: str) -> "list[str]":
    """The approvals' lines in the file `where` (a checkout's, or this machine's: state/approval.py); none
    when it is absent or odd. One others may read was not written by `write_approved` (a committed one is
    checked out 0644), so it approves nothing."""
    try:
        return safe.read(where, private=True).decode("ascii", "replace").split()
    except OSError:
        return []


def write_approved(where: str, lines: "list[str]") -> None:
    from stopwarden.common.atomic import write_atomic

    write_atomic(where, "".join(f"{line}\n" for line in lines).encode("ascii"), 0o600)


ASIDE_SUFFIX = ".from-repository"


def set_aside_committed_store(root: str) -> "list[str]":
    """The project's SQLite store files as a repository committed them, moved aside
    (`stopwarden.db.from-repository`): such a store could hold `enforce` and a history of its own making,
    and a new one is made in its place (docs/security.md). Only a file whose content is still the
    committed one: the store made in its place has the same path, which git's index still lists, and is
    ours. Returns the names moved, [] when none; StopwardenError when one cannot be moved (never run on
    the repository's store)."""
    from stopwarden.common import git

    try:
        posix.lstat(path(root, DB_FILE))
    except OSError:
        return []  # nothing there yet: the server makes its own
    pattern = f"{STATE_DIR}/{DB_FILE}*"
    listed, code = git.text(root, "ls-files", "--", pattern)
    if code != 0 or not listed:
        return []  # not a git checkout, or nothing of ours tracked
    # --relative: paths as ls-files gives them, from `root`, also when it is a folder inside the repository.
    changed, _ = git.text(root, "diff", "--name-only", "--relative", "--no-ext-diff", "--no-textconv", "--", pattern)
    moved = []
    for tracked in set(listed.splitlines()) - set(changed.splitlines()):
        name = tracked.rpartition("/")[2]
        if not name.startswith(DB_FILE) or name.endswith(ASIDE_SUFFIX):
            continue
        try:
            posix.rename(path(root, name), path(root, name + ASIDE_SUFFIX))
        except FileNotFoundError:
            continue  # tracked but not checked out
        except OSError as e:
            from stopwarden.common.errors import StopwardenError

            raise StopwardenError(
                f"{path(root, name)} was committed to the repository and cannot be moved aside ({e.strerror})",
                hint=f"remove it, and whatever is at {name + ASIDE_SUFFIX}",
            ) from None
        moved.append(name)
    return moved


def read_port(root: str) -> "int | None":
    """This checkout's own port; None when it has none yet (an install older than the port file)."""
    try:
        text = safe.read(path(root, PORT_FILE), 64).strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else None


def write_port(root: str, port: int) -> None:
    from stopwarden.common.atomic import write_atomic

    write_atomic(path(root, PORT_FILE), f"{port}\n".encode(), 0o600)


def read_json(where: str, cap: int = safe.SMALL) -> "dict[str, Any] | None":
    """A JSON object from a file of ours; None when it is absent, odd or not an object."""
    from stopwarden.common import fastjson  # here: hook.log's writer imports this module on every hook run

    try:
        value = fastjson.loads(safe.read(where, cap).decode("utf-8", "replace"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def read_hot_path(root: str) -> "tuple[dict[str, Any] | None, float]":
    """(the hot-path state, its mtime); (None, 0) when there is none that is ours."""
    try:
        where = path(root, HOT_PATH_FILE)
        mtime = posix.lstat(where).st_mtime
    except (OSError, ValueError):
        return None, 0.0
    return read_json(where), mtime


def write_open_page(root: str, url: str) -> str:
    """A page that forwards to `url` (`stopwarden open`'s one-time link), readable by this user alone; its
    path, unlike the link, may appear on a browser's command line. Only `stopwarden open` writes it."""
    import html

    from stopwarden.common.atomic import write_atomic

    where = path(root, OPEN_PAGE)
    page = f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={html.escape(url)}">\n'
    write_atomic(where, page.encode("utf-8"), 0o600)
    return where


def write_hot_path(root: str, data: bytes) -> None:
    """Only the server (and the CLI when it changes a setting with the server down) writes it."""
    from stopwarden.common.atomic import write_atomic

    write_atomic(path(root, HOT_PATH_FILE), data, 0o600)


def session_record(root: str, session_id: str) -> "dict[str, Any] | None":
    if not is_safe_name(session_id):
        return None
    try:
        return read_json(path(root, SESSIONS_DIR, session_id))
    except OSError:
        return None


def create_session_record(root: str, session_id: str, data: bytes) -> bool:
    """Write a session's record unless it has one; False when it had (first start wins)."""
    folder = state_dir(root) + "/" + SESSIONS_DIR
    safe.check_folder(state_dir(root))
    safe.make_folder(folder)
    return safe.create_new(f"{folder}/{session_id}", data)


def plan_history_path(root: str, checkout: str) -> str:
    """The evidence cache of one checkout of the project (the main one, or a build's worktree): each has
    its own HEAD, and two sharing one file would rebuild it on every other stop."""
    return path(root, EVIDENCE_DIR, f"{checkout_key(checkout)}.json")


def write_plan_history(root: str, checkout: str, data: bytes) -> None:
    from stopwarden.common.atomic import write_atomic

    safe.check_folder(state_dir(root))
    safe.make_folder(f"{state_dir(root)}/{EVIDENCE_DIR}")
    write_atomic(plan_history_path(root, checkout), data, 0o600)


def forget_plan_history(root: str, checkout: str) -> None:
    """Delete the evidence cache of a checkout that is gone (a build's worktree, when it is removed): no
    stop reads it again, and each may hold megabytes. Only in folders of ours: a planted link is left."""
    try:
        posix.unlink(plan_history_path(root, checkout))  # the path checks every folder on the way
    except (FileNotFoundError, safe.NotOurs):  # no cache (or no folder) yet, or a folder that is not ours
        pass


def checkout_key(text: str) -> str:
    """A stable file name for `text` (64-bit FNV-1a, hex): `hash()` changes with every interpreter, and
    `hashlib` or `binascii` would be one more import on the hook's path."""
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8", "surrogateescape"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def open_server_log(root: str) -> int:
    """A descriptor appending to server.log, for a server started in the background to write to."""
    return safe.open_append(path(root, SERVER_LOG), 0o600)


def read_pid(root: str) -> "int | None":
    try:
        return int(safe.read(path(root, SERVER_PID)).strip())
    except (OSError, ValueError):
        return None


def write_pid(root: str, pid: int) -> None:
    from stopwarden.common.atomic import write_atomic

    write_atomic(path(root, SERVER_PID), f"{pid}\n".encode(), 0o600)


def starting_marker(root: str) -> str:
    return path(root, SERVER_STARTING)
