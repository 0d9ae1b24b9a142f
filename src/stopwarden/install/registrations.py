"""Where an agent's settings register our hooks, scope by scope, and whether the agent then runs one of
them more than once: doctor reports it, and init warns of it as it installs into one more scope.

An agent merges the hooks of all its scopes. Claude Code 2.1.330 and Gemini CLI 0.61.0 run one command
registered identically in two scopes once; Codex 0.169.0 and Copilot CLI 1.0.102 run each registration
(measured with the real clients, 2026-12-07: `Installer.RUNS_IDENTICAL_HOOKS_ONCE`). A Stop hook run twice
judges one stop twice and spends two of a build's blocks on it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, NamedTuple

from stopwarden.install import settings_file
from stopwarden.install.settings_file import SettingsFile


class Found(NamedTuple):
    # event -> each command of ours registered for it, in the order found -> the scopes that register it
    commands: dict[str, dict[str, list[str]]]
    unreadable: list[tuple[str, str, str]]  # (scope, path, why) of each settings file that cannot be read


def find(module: Any, root: str, env: Mapping[str, str]) -> Found:
    """Our commands in each of the agent's scopes."""
    commands: dict[str, dict[str, list[str]]] = {}
    unreadable = []
    for scope in module.SCOPES:
        path = module.settings_path(scope, root, env)
        try:
            data = SettingsFile(path).data
            module.merge(copy.deepcopy(data), path)  # a shape init could not merge into is the user's to fix
            found = module.registered(data)
        except Exception as e:  # an invalid file: the caller says so, and the other scopes still count
            unreadable.append((scope, path, str(e).removesuffix(settings_file.UNTOUCHED)))
            continue
        for event, cmds in found.items():
            for cmd in cmds:
                commands.setdefault(event, {}).setdefault(cmd, []).append(scope)
    return Found(commands, unreadable)


def run_more_than_once(module: Any, commands: Mapping[str, list[str]]) -> list[str]:
    """The scopes of one event's registrations when the agent runs more than one of them, else []."""
    scopes = sorted({scope for where in commands.values() for scope in where})
    if len(scopes) < 2 or (len(commands) == 1 and module.RUNS_IDENTICAL_HOOKS_ONCE):
        return []
    return scopes


def fix(agent: str, scopes: list[str], keep: str = "") -> str:
    """The commands that leave one registration (in `keep`, else the agent's default scope): a plain
    uninstall keeps what other projects use."""
    user = " --scope user" if "user" in scopes else ""
    there = f" --scope {keep}" if keep else ""
    return f"stopwarden uninstall{user}, then stopwarden init --agent {agent}{there}"


def warning(agent: str, module: Any, root: str, env: Mapping[str, str], scope: str) -> list[str]:
    """init's line when the scope it just installed into makes the agent run our Stop hook twice."""
    stop = next(event for event, spec in module.EVENTS.items() if spec[0] == "stop")
    where = run_more_than_once(module, find(module, root, env).commands.get(stop, {}))
    if not where:
        return []
    return [
        f"warning: {agent} now has our hooks in {len(where)} scopes ({', '.join(where)}) and runs each, so a stop "
        f"would be judged and a build's block spent twice; to keep only the {scope} scope: {fix(agent, where, scope)}"
    ]
