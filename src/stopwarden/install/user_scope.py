"""Which projects rely on an agent's user-scope install, so that one project's `uninstall` leaves it alone.

An agent's user scope (`~/.claude/settings.json`, `$CODEX_HOME/hooks.json`, `~/.gemini/settings.json`, and
the skills beside them) is one file for every project on the machine. `init --scope user` (Codex's and
Gemini's default) records the project here; `uninstall` removes the user-scope hooks and skill only when
no other project still relies on them, or when asked to with `--scope user`.

The list lives in the user's state folder, `$XDG_STATE_HOME/stopwarden/user-scope.json` (default
`~/.local/state/…`), never in a project: a repository must not be able to say which projects rely on what.
A project is believed only while its own `.stopwarden/installed.json` still records the agent's user scope,
so projects deleted or uninstalled since drop out by themselves. Projects installed before this list
existed are added the next time `init` or `doctor` runs in them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping

from stopwarden.common.atomic import FileLock, write_atomic
from stopwarden.state import files, safe

USER = "user"
FILE_NAME = "user-scope.json"
MAX_BYTES = 1 << 20


def path(env: Mapping[str, str], name: str = FILE_NAME) -> str:
    return os.path.join(files.user_state_dir(env), name)


def record(root: str, agent: str, env: Mapping[str, str]) -> None:
    """Note that the project at `root` relies on `agent`'s user-scope install."""

    def add(projects: dict[str, list[str]]) -> None:
        roots = projects.setdefault(agent, [])
        if root not in roots:
            roots.append(root)

    _update(env, add)


def forget(root: str, agent: str, env: Mapping[str, str], still_relies: Callable[[str, str], bool]) -> None:
    """The project at `root` no longer relies on `agent`'s user scope; projects that stopped relying on it
    (deleted, uninstalled) leave the list too."""

    if not os.path.exists(path(env)):
        return  # nothing recorded: no state folder is created just to say so

    def drop(projects: dict[str, list[str]]) -> None:
        projects[agent] = [p for p in projects.get(agent, []) if p != root and still_relies(p, agent)]

    _update(env, drop)


def others(root: str, agent: str, env: Mapping[str, str], still_relies: Callable[[str, str], bool]) -> list[str]:
    """The other projects that still rely on `agent`'s user scope, as `still_relies(project, agent)` judges."""
    me = os.path.realpath(root)
    return [p for p in _read(env).get(agent, []) if os.path.realpath(p) != me and still_relies(p, agent)]


def _read(env: Mapping[str, str]) -> dict[str, list[str]]:
    data = _load(path(env))  # missing or unreadable: nobody is known to rely on the user scope
    if not isinstance(data, dict) or not isinstance(data.get("projects"), dict):
        return {}
    return {
        agent: [p for p in roots if isinstance(p, str)]
        for agent, roots in data["projects"].items()
        if isinstance(agent, str) and isinstance(roots, list)
    }


def _update(env: Mapping[str, str], change: Callable[[dict[str, list[str]]], None]) -> None:
    def changed() -> object:
        projects = _read(env)
        change(projects)
        return {"projects": {agent: roots for agent, roots in sorted(projects.items()) if roots}}

    _rewrite(path(env), changed)


def _load(target: str) -> object:
    """The JSON in one of our files of the user's state folder (bounded, never through a link); None when it is
    missing or unreadable."""
    try:
        return json.loads(safe.read(target, MAX_BYTES))
    except (OSError, ValueError):
        return None


def _rewrite(target: str, changed: Callable[[], object]) -> None:
    """Write what `changed()` makes of the file, under its lock: two projects' init at once must not lose one
    of them."""
    os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
    with FileLock(target + ".lock"):
        write_atomic(target, (json.dumps(changed(), indent=2, sort_keys=True) + "\n").encode("utf-8"), 0o600)


# The user's own values an extra replaced in a user-scope file (`init --force-statusline`: their status line),
# by the file's real path: kept here too, since any project's `uninstall --scope user` may be the one that
# removes ours from that file, and only the project that replaced it has it in its own record (an operator
# review found the user's status line lost so). The user's state folder, never a project: a repository must
# not be able to say what goes back into the user's settings.
REPLACED_FILE = "replaced.json"


def keep_replaced(settings_path: str, value: object, env: Mapping[str, str]) -> None:
    """Remember the user's own `value` that an extra replaced in the user-scope file `settings_path`."""
    _change_replaced(env, lambda kept: kept.setdefault(os.path.realpath(settings_path), value))


def replaced_in(settings_path: str, env: Mapping[str, str]) -> object | None:
    """The user's own value an extra replaced in `settings_path`, when one is remembered."""
    return _read_replaced(env).get(os.path.realpath(settings_path))


def forget_replaced(settings_path: str, env: Mapping[str, str]) -> None:
    """It went back in its place: nothing to remember any more."""
    if os.path.exists(path(env, REPLACED_FILE)):
        _change_replaced(env, lambda kept: kept.pop(os.path.realpath(settings_path), None))


def _read_replaced(env: Mapping[str, str]) -> dict[str, object]:
    data = _load(path(env, REPLACED_FILE))
    return {k: v for k, v in data.items() if isinstance(k, str)} if isinstance(data, dict) else {}


def _change_replaced(env: Mapping[str, str], change: Callable[[dict[str, object]], object]) -> None:
    def changed() -> object:
        kept = _read_replaced(env)
        change(kept)
        return kept

    _rewrite(path(env, REPLACED_FILE), changed)
