"""GitHub Copilot CLI's hook registration (verified on 1.0.102, docs/research/copilot-cli-1.0.102.md): a
hooks file of our own, `{"version": 1, "hooks": {EVENT: [{"type": "command", "bash": …, "timeoutSec": N}]}}`,
by default the user's `$COPILOT_HOME/hooks/stopwarden.json` (`~/.copilot`), which Copilot runs in every
folder without asking for trust, or the project's `.github/hooks/stopwarden.json`, which it runs in `-p`
mode only in a folder the user trusts. The stop event is `agentStop`; timeouts are in seconds.

The file is ours alone (Copilot reads every `*.json` in the folder), so there is nothing of the user's to
keep beside our entries; merge and remove still touch only entries whose command is ours."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from stopwarden.common.atomic import rmdir_if_empty
from stopwarden.common.shell import cli_command
from stopwarden.install import hook_command, settings_file
from stopwarden.install.base import InstallJob, user_or_project
from stopwarden.install.codex import skill_file as skill_file  # a SKILL.md with name and description,
from stopwarden.install.codex import skill_text as skill_text  # in a folder named after it, as Codex's
from stopwarden.install.no_extras import check_ready as check_ready  # its Installer members: nothing
from stopwarden.install.no_extras import doctor_checks as doctor_checks  # beyond hooks and skill
from stopwarden.install.no_extras import merge_extras as merge_extras
from stopwarden.install.no_extras import remove_extras as remove_extras

AGENT = "copilot"
SCOPES = ("user", "project")
RUNS_IDENTICAL_HOOKS_ONCE = False  # Copilot CLI 1.0.102 runs one command registered in both scopes twice (measured)
COMMAND = "copilot"  # the client's command, to find it on PATH
DEFAULT_SCOPE = "user"
# Copilot event name -> (our hook's event argument, timeout in seconds).
EVENTS = {"agentStop": ("stop", 30), "sessionStart": ("session_start", 15)}
HOOKS_FILE = "stopwarden.json"
FORMAT_VERSION = 1


def copilot_home(env: Mapping[str, str]) -> str:
    return env.get("COPILOT_HOME") or os.path.join(os.path.expanduser("~"), ".copilot")


def config_dir(scope: str, root: str, env: Mapping[str, str]) -> str:
    """Where Copilot looks for hooks and skills in `scope`: `$COPILOT_HOME`, or the project's `.github/`."""
    return user_or_project(AGENT, scope, copilot_home(env), os.path.join(root, ".github"))


def user_config_dir(env: Mapping[str, str]) -> str:
    return copilot_home(env)


def settings_path(scope: str, root: str, env: Mapping[str, str]) -> str:
    return os.path.join(config_dir(scope, root, env), "hooks", HOOKS_FILE)


def our_handler(event: str) -> dict[str, Any]:
    argument, timeout = EVENTS[event]
    return {"type": "command", "bash": hook_command.command(argument, AGENT), "timeoutSec": timeout}


def merge(data: dict[str, Any], path: str) -> None:
    """Our current entries in place of our old ones (each event's first entry of ours), or appended."""
    data["version"] = FORMAT_VERSION
    hooks = settings_file.hooks_object(data, path)
    for event in EVENTS:
        entries = hooks.get(event)
        if entries is None:
            entries = hooks[event] = []
        entries = settings_file.require_array(entries, path, f"hooks.{event}")
        ours = [i for i, entry in enumerate(entries) if _is_ours(entry)]
        for i in reversed(ours[1:]):
            del entries[i]
        if ours:
            entries[ours[0]] = our_handler(event)
        else:
            entries.append(our_handler(event))


def remove(data: dict[str, Any], path: str) -> bool:
    """Our entries out; events left empty go, and the whole document once no hook is left in it."""
    if data.get("hooks") is None:
        return False
    hooks = settings_file.hooks_object(data, path)
    found = False
    for event in list(hooks):
        entries = hooks[event]
        if not isinstance(entries, list) or not any(_is_ours(e) for e in entries):
            continue
        found = True
        entries[:] = [e for e in entries if not _is_ours(e)]
        if not entries:
            del hooks[event]
    if found and not hooks:
        data.clear()  # `version` alone is no file of anyone's: uninstall deletes it when we created it
    return found


def registered(data: Mapping[str, Any]) -> dict[str, list[str]]:
    hooks = data.get("hooks")
    if not isinstance(hooks, dict):
        return {}
    found: dict[str, list[str]] = {}
    for event, entries in hooks.items():
        for entry in entries if isinstance(entries, list) else []:
            if _is_ours(entry):
                found.setdefault(event, []).append(entry["bash"])
    return found


def _is_ours(entry: object) -> bool:
    return isinstance(entry, dict) and hook_command.is_ours(entry.get("bash"))


# --- the /build skill: a skill (SKILL.md) in `$COPILOT_HOME/skills/` or the project's `.github/skills/` ---

# The model loads a skill through its `skill` tool; a `/build <task>` prompt, which is how Copilot's docs say
# to name a skill, reaches it as plain text, so the playbook takes the task from the user's message.
SETTINGS_FILE_IS_OURS = True  # hooks/stopwarden.json, named after us
SKILL_INVOCATION = "/{name} <task>"
SKILL_WORDING = (
    "the task in the user's message that named this skill",  # Copilot does not expand $ARGUMENTS
    "<the task, in a few words>",
    "",
)


def skills_folder(scope: str, root: str, env: Mapping[str, str]) -> str:
    return os.path.join(config_dir(scope, root, env), "skills")


def skill_cli(env: Mapping[str, str]) -> str:
    return cli_command(env)


# --- what init, uninstall and doctor ask of every agent (install/base.py Installer) ----------------------

LABEL = "copilot "
HOOK_TIMEOUT_UNIT_S = 1.0
EXPORTS_SESSION_ID = False


def after_install(
    job: InstallJob, data: dict[str, Any], extras: str, replaced: object
) -> tuple[list[str], dict[str, Any]]:
    """A project's hooks run in `copilot -p` only in a folder the user trusts: say so (trusting it is left
    to the user)."""
    if job.scope != "project":
        return [], {}
    return [
        f"warning: Copilot CLI runs {job.path} only in a folder you trust: say yes when it asks, or run "
        f'`copilot -p` with --trust-folder (or add "{os.path.realpath(job.root)}" to "trustedFolders" in '
        f"{os.path.join(copilot_home(job.env), 'config.json')}); the file holds absolute paths of this machine"
    ], {}


def after_remove(path: str, env: Mapping[str, str]) -> list[str]:
    rmdir_if_empty(os.path.dirname(path))  # the `hooks/` folder init made (`.github/` goes with the skill)
    return []
