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
from stopwarden.build.reason import cli_name
from stopwarden.errors import StopwardenError
from stopwarden.install import claude_code, project_files, skill
from stopwarden.install.settings_file import SettingsFile
from stopwarden.names import AGENTS, BACKUPS_DIR, STATE_DIR

RECORD = "installed.json"


def init(root: str, agent: str, scope: str, skill_name: str, env: Mapping[str, str]) -> list[str]:
    """Install into the project at `root`; returns what was done, one line each."""
    if agent not in AGENTS:
        raise StopwardenError(f"unknown agent {agent!r}", hint=f"supported: {', '.join(AGENTS)}")
    path = claude_code.settings_path(scope, root, env)
    settings = SettingsFile(path)  # read first: an invalid file stops us before anything is written
    created_paths = project_files.create(root)
    done = [f"created {', '.join(os.path.relpath(p, root) for p in created_paths)}"] if created_paths else []
    record = read_record(root)
    claude_code.merge(settings.data, path)
    if settings.changed():
        created = not settings.exists
        backup = settings.save(os.path.join(root, STATE_DIR, BACKUPS_DIR), _backup_name(scope, path))
        done.append(f"registered the Stop and SessionStart hooks in {path}")
        if backup:
            done.append(f"backed up your previous {os.path.basename(path)} to {backup}")
        if created:
            record.setdefault("created_files", [])
            if path not in record["created_files"]:
                record["created_files"].append(path)
    else:
        done.append(f"hooks already registered in {path}")
    if scope == "local" and project_files.keep_out_of_git(root, path):
        done.append(f"added {os.path.relpath(path, root)} to .git/info/exclude")
    if scope == "project":
        done.append(
            f"warning: {path} now holds absolute paths of this machine; teammates must run "
            "`stopwarden init --scope project` on theirs (or use the default local scope)"
        )
    outcome = skill.install(root, skill_name, cli_name(env))
    done.append(f"/{skill_name} skill {outcome}: {skill.skill_path(root, skill_name)}")
    scopes = record.setdefault("scopes", {}).setdefault(agent, [])
    if scope not in scopes:
        scopes.append(scope)
    record["skill_name"] = skill_name
    write_record(root, record)
    return done


def uninstall(root: str, purge: bool, env: Mapping[str, str]) -> list[str]:
    """Remove our hooks from every scope and our skill; with `purge`, `.stopwarden/` too."""
    record = read_record(root)
    created = set(record.get("created_files", []))
    done = []
    for scope in claude_code.SCOPES:
        path = claude_code.settings_path(scope, root, env)
        settings = SettingsFile(path)
        if not settings.exists or not claude_code.remove(settings.data, path):
            continue
        if not settings.data and path in created:
            settings.delete()
            done.append(f"removed {path} (stopwarden had created it)")
        else:
            settings.save(os.path.join(root, STATE_DIR, BACKUPS_DIR), _backup_name(scope, path))
            done.append(f"removed our hooks from {path}")
        rmdir_if_empty(os.path.dirname(path))
    done += [f"removed the skill {p}" for p in skill.remove_all(root)]
    if purge:
        state = os.path.join(root, STATE_DIR)
        if os.path.isdir(state):
            shutil.rmtree(state)
            done.append(f"removed {state}")
    elif os.path.exists(record_path(root)):
        write_record(root, {k: v for k, v in record.items() if k == "created_files"} | {"scopes": {}})
    return done or ["nothing of stopwarden's was installed here"]


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
