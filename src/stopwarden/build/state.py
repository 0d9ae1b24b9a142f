"""Build state on disk (SPEC §4.1): one JSON file per build, an active marker, and the audit log.

Layout under `.stopwarden/builds/`:
  <id>.json    the state, replaced atomically on every change
  <id>.lock    the lock file every writer holds (`flock`) while it reads, changes and writes the state
  active/<id>  an empty marker until the build is complete or failed (an escalated one keeps it: it goes
               on once the user answers), so the Stop hook can tell "no active build" with one
               directory listing instead of reading every build ever started
  audit.jsonl  one line per change: {at, build_id, event, ...details}

The marker is created before a build's first state is written and removed after its complete or failed
state is written, so it is always a superset of the active builds: a crash in between leaves a marker the
hook ignores (it reads the state and sees a terminal phase or no file), never an active build without one.

State files are compact JSON (one line): the owner's hook writes them, and the C encoder it can use
without importing `json` has no indentation. `stopwarden build status --json` shows them indented.

Stdlib-only: the hook imports this module.
"""

from __future__ import annotations

import os

from stopwarden.common import fastjson
from stopwarden.common.atomic import FileLock, write_atomic
from stopwarden.common.names import ACTIVE_DIR, AUDIT_FILE, BUILDS_DIR, ENDED_PHASES, OWNER_RECONCILED, STATE_DIR
from stopwarden.common.timefmt import now_iso
from stopwarden.state import safe
from stopwarden.state.files import is_build_id

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    State = dict[str, Any]


AUDIT_CAP = 64 << 20  # years of builds; a bigger "log" was not written by us


class StateError(Exception):
    """A state file that cannot be read as a build; it is left exactly as it is."""


def builds_dir(root: str) -> str:
    return os.path.join(root, STATE_DIR, BUILDS_DIR)


def _checked(root: str, *names: str) -> str:
    """A path under builds/, after checking `.stopwarden/`, builds/ (and active/) are real folders of ours."""
    path = os.path.join(builds_dir(root), *names)
    safe.check_folders(os.path.join(root, STATE_DIR), path)
    return path


def audit_lines(root: str) -> list[str]:
    """The audit log's lines ([] when there is none yet); a log that is not ours is an OSError."""
    try:
        data = safe.read(_checked(root, AUDIT_FILE), AUDIT_CAP)
    except FileNotFoundError:
        return []
    return data.decode("utf-8", "replace").splitlines()


def state_path(root: str, build_id: str) -> str:
    return _checked(root, build_id + ".json")


def lock(root: str, build_id: str, timeout: float | None = None) -> FileLock:
    """The build's lock; the hook passes a timeout so that a stuck writer can never hold an agent."""
    return FileLock(_checked(root, build_id + ".lock"), timeout)


def all_ids(root: str) -> list[str]:
    """Ids of every build with a state file, active or not."""
    try:
        names = os.listdir(builds_dir(root))
    except FileNotFoundError:
        return []
    return sorted(n[:-5] for n in names if n.endswith(".json") and is_build_id(n[:-5]))


def load(root: str, build_id: str) -> State:
    """The state of one build. Raises FileNotFoundError when it has none, StateError when it is corrupt."""
    if not is_build_id(build_id):
        raise StateError(f"{build_id!r} is not a build id stopwarden makes")
    path = state_path(root, build_id)
    try:
        raw = safe.read(path, safe.STATE_CAP)
    except safe.NotOurs as e:
        raise StateError(f"build state {e}") from None
    try:
        state = fastjson.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:  # JSONError, and ints too long to convert
        raise StateError(f"build state {path} is corrupt ({e}); it was left as it is") from None
    wrong = _shape_error(state, build_id)
    if wrong:
        raise StateError(f"build state {path} is not a stopwarden build ({wrong}); it was left as it is")
    checked: State = state
    return checked


# Field -> the type every reader may rely on (SPEC §4.1). A file that breaks it is corrupt, not a crash.
SHAPE = {
    "id": str, "task": str, "size": str, "phase": str, "protection": dict, "reinforcements_used": int,
    "owner": dict, "started_at": str, "steps": list, "total_tests": int, "all_passing": bool,
    "fix_iterations": int, "max_fix_iterations": int, "verify_iterations": int,
}  # fmt: skip


def _shape_error(state: object, build_id: str) -> str:
    if not isinstance(state, dict):
        return "not an object"
    for key, kind in SHAPE.items():
        if not isinstance(state.get(key), kind):
            return f"{key} is not a {kind.__name__}"
    if state["id"] != build_id:
        return f"its id is {state['id']!r}"
    if not isinstance(state["protection"].get("reinforcements"), int):
        return "protection.reinforcements is not an int"
    if not all(isinstance(s, dict) and isinstance(s.get("n"), int) for s in state["steps"]):
        return "a step is malformed"
    if state.get("worktree") is not None and not isinstance(state["worktree"], dict):
        return "worktree is not an object"
    return ""


def save(root: str, state: State) -> None:
    """Write the state atomically, then drop the active marker if the build just ended.

    The caller holds `lock(root, id)`.
    """
    data = (fastjson.dumps(state) + "\n").encode("utf-8")
    write_atomic(state_path(root, state["id"]), data)
    if state["phase"] in ENDED_PHASES:
        unmark_active(root, state["id"])


def unmark_active(root: str, build_id: str) -> None:
    try:
        os.unlink(_checked(root, ACTIVE_DIR, build_id))  # a link is removed, never followed
    except FileNotFoundError:
        pass


def mark_active(root: str, build_id: str) -> None:
    """Create the active marker; called before the build's first state is written, and when a build that
    had none goes on (an escalated one from before markers stayed, or one whose marker was lost)."""
    safe.make_folder(_checked(root, ACTIVE_DIR))
    safe.create_new(_checked(root, ACTIVE_DIR, build_id))  # False, and nothing done, when it is there


def audit_reconciled(root: str, build_id: str, old_session_id: str, new_session_id: str, proven_by: str) -> None:
    """The owner's session id changed: a resumed session proven by its agent or pane, or an adoption."""
    append_audit(
        root, build_id, OWNER_RECONCILED,
        old_session_id=old_session_id, new_session_id=new_session_id, proven_by=proven_by,
    )  # fmt: skip


def append_audit(root: str, build_id: str, event: str, **details: object) -> None:
    """Append one audit line. A single O_APPEND write, so concurrent writers never interleave a line."""
    record = {"at": now_iso(), "build_id": build_id, "event": event, **details}
    safe.append(_checked(root, AUDIT_FILE), (fastjson.dumps(record) + "\n").encode("utf-8"))
