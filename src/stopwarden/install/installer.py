"""`stopwarden init` and `stopwarden uninstall`: wire stopwarden into a project's agent, and take it out.

Both are idempotent. init merges into the agent's settings (backing the file up before our first change),
writes the /build skill, and records what it did in `.stopwarden/installed.json`, which uninstall and
`doctor --fix` read. uninstall removes our entries from every scope, whichever scope init used.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from typing import Any

from stopwarden.atomic import rmdir_if_empty, write_atomic
from stopwarden.errors import StopwardenError
from stopwarden.install import claude_code, project_files, skill
from stopwarden.install.settings_file import SettingsFile
from stopwarden.names import AGENTS, BACKUPS_DIR, STATE_DIR
from stopwarden.shell import cli_command

RECORD = "installed.json"


def init(root: str, agent: str, scope: str, skill_name: str, env: Mapping[str, str]) -> list[str]:
    """Install into the project at `root`; returns what was done, one line each.

    Everything that can refuse is checked before anything is written: an invalid settings file or a
    skill of the user's own stops init with the project exactly as it was.
    """
    if agent not in AGENTS:
        raise StopwardenError(f"unknown agent {agent!r}", hint=f"supported: {', '.join(AGENTS)}")
    path = claude_code.settings_path(scope, root, env)
    settings = SettingsFile(path)
    claude_code.merge(settings.data, path)
    skill.check_free(root, skill_name)

    created_paths = project_files.create(root)
    done = [f"created {', '.join(os.path.relpath(p, root) for p in created_paths)}"] if created_paths else []
    record = read_record(root)
    if settings.changed():
        created = not settings.exists
        backup = settings.save(os.path.join(root, STATE_DIR, BACKUPS_DIR), _backup_name(scope, path))
        done.append(f"registered the Stop and SessionStart hooks in {path}")
        if backup:
            done.append(f"backed up your previous {os.path.basename(path)} to {backup}")
        if created:  # by the real path: a link the user made stays theirs
            real = os.path.realpath(path)
            record.setdefault("created_files", [])
            if real not in record["created_files"]:
                record["created_files"].append(real)
    else:
        done.append(f"hooks already registered in {path}")
    if scope == "local" and project_files.keep_out_of_git(root, path):
        done.append(f"added {os.path.relpath(path, root)} to .git/info/exclude")
    if scope == "project":
        done.append(
            f"warning: {path} now holds absolute paths of this machine; teammates must run "
            "`stopwarden init --scope project` on theirs (or use the default local scope)"
        )
    outcome = skill.install(root, skill_name, cli_command(env))
    done.append(f"/{skill_name} skill {outcome}: {skill.skill_path(root, skill_name)}")
    scopes = record.setdefault("scopes", {}).setdefault(agent, [])
    if scope not in scopes:
        scopes.append(scope)
    record["skill_name"] = skill_name
    write_record(root, record)
    return done


def uninstall(root: str, purge: bool, env: Mapping[str, str]) -> list[str]:
    """Remove our hooks from every scope and our skill; with `purge`, `.stopwarden/` too.

    A scope whose file cannot be read is reported and skipped; the others are still cleaned, and the
    command then fails with the list of what it could not do.
    """
    record = read_record(root)
    created = set(record.get("created_files", []))
    done, failed = [], []
    for scope in claude_code.SCOPES:
        path = claude_code.settings_path(scope, root, env)
        try:
            done += _remove_from(path, scope, root, created)
        except StopwardenError as e:
            failed.append(e.message)
    done += [f"removed the skill {p}" for p in skill.remove_all(root)]
    if failed:
        raise StopwardenError("; ".join([*done, *failed]), hint="fix those files by hand, then run uninstall again")
    if purge:
        done += _purge(root)
    elif os.path.exists(record_path(root)):
        write_record(root, {k: v for k, v in record.items() if k == "created_files"} | {"scopes": {}})
    return done or ["nothing of stopwarden's was installed here"]


def _remove_from(path: str, scope: str, root: str, created: set[str]) -> list[str]:
    settings = SettingsFile(path)
    if not settings.exists or not claude_code.remove(settings.data, path):
        return []
    if not settings.data and not os.path.islink(path) and os.path.realpath(path) in created:
        settings.delete()
        rmdir_if_empty(os.path.dirname(path))
        return [f"removed {path} (stopwarden had created it)"]
    settings.save(os.path.join(root, STATE_DIR, BACKUPS_DIR), _backup_name(scope, path))
    return [f"removed our hooks from {path}"]


def _purge(root: str) -> list[str]:
    """Delete `.stopwarden/`, after removing the builds' worktrees the way git does (refusing dirty ones)."""
    from stopwarden.build import manager, worktree

    state = os.path.join(root, STATE_DIR)
    if not os.path.isdir(state):
        return []
    done = []
    for build in manager.all_builds(root):
        if build.get("worktree"):
            worktree.remove(root, build["id"], force=False)  # a dirty worktree raises: nothing is lost
            done.append(f"removed the worktree {build['worktree']['path']} (its branch is kept)")
    shutil.rmtree(state)
    return [*done, f"removed {state}"]


def _backup_name(scope: str, path: str) -> str:
    return f"claude-code-{scope}.{os.path.basename(path)}"


def record_path(root: str) -> str:
    return os.path.join(root, STATE_DIR, RECORD)


def read_record(root: str) -> dict[str, Any]:
    try:
        with open(record_path(root), encoding="utf-8") as f:
            data = json.load(f)
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_record(root: str, record: dict[str, Any]) -> None:
    if os.path.isdir(os.path.join(root, STATE_DIR)):
        write_atomic(record_path(root), (json.dumps(record, indent=2) + "\n").encode("utf-8"), 0o600)
