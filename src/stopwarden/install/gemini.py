"""Gemini CLI's hook registration (SPEC §12.2): `hooks` in `settings.json`, by default the user's
(`~/.gemini/settings.json`, under `$GEMINI_CLI_HOME` when set), or the project's `.gemini/settings.json`
(read only in a trusted folder). The stop event is `AfterAgent`; timeouts are in milliseconds; each
handler has a `name`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from stopwarden.common.errors import StopwardenError
from stopwarden.common.shell import cli_command
from stopwarden.install import hook_command, hook_config
from stopwarden.install.base import user_or_project
from stopwarden.install.no_extras import after_install as after_install  # its Installer members:
from stopwarden.install.no_extras import after_remove as after_remove  # nothing beyond hooks and skill
from stopwarden.install.no_extras import check_ready as check_ready
from stopwarden.install.no_extras import doctor_checks as doctor_checks
from stopwarden.install.no_extras import merge_extras as merge_extras
from stopwarden.install.no_extras import remove_extras as remove_extras

AGENT = "gemini"
SCOPES = ("user", "project")
# Gemini CLI 0.61.0 keeps the first of the handlers that share a name and a command (measured; `getHookKey`),
# and ours carry the same name in every scope.
RUNS_IDENTICAL_HOOKS_ONCE = True
COMMAND = "gemini"  # the client's command, to find it on PATH
DEFAULT_SCOPE = "user"
# Gemini event name -> (our hook's event argument, timeout in milliseconds).
EVENTS = {"AfterAgent": ("stop", 30_000), "SessionStart": ("session_start", 15_000)}


def config_dir(scope: str, root: str, env: Mapping[str, str]) -> str:
    """The `.gemini/` folder of `scope`: the user's (under `$GEMINI_CLI_HOME` when set) or the project's."""
    home = env.get("GEMINI_CLI_HOME") or os.path.expanduser("~")
    return user_or_project(AGENT, scope, os.path.join(home, ".gemini"), os.path.join(root, ".gemini"))


def user_config_dir(env: Mapping[str, str]) -> str:
    return config_dir("user", "", env)


def settings_path(scope: str, root: str, env: Mapping[str, str]) -> str:
    return os.path.join(config_dir(scope, root, env), "settings.json")


def our_handler(event: str) -> dict[str, Any]:
    argument, timeout = EVENTS[event]
    return {
        "name": f"stopwarden-{argument.replace('_', '-')}",
        "type": "command",
        "command": hook_command.command(argument, AGENT),
        "timeout": timeout,
    }


def merge(data: dict[str, Any], path: str) -> None:
    hook_config.merge(data, path, {event: our_handler(event) for event in EVENTS}, matcher="*")


remove = hook_config.remove
registered = hook_config.registered


# --- the /build skill: a custom command (TOML) in the `.gemini/` folder of the hooks' scope ---------------

SETTINGS_FILE_IS_OURS = False  # the user's settings
SKILL_INVOCATION = "/{name} <task>"
SKILL_WORDING = (
    "{{args}}",
    "{{args}}",
    "- Your shell tool refuses command substitution (`$(...)` and backticks): write every value, such as\n"
    "  the build id, literally into the command.\n",
)


def skills_folder(scope: str, root: str, env: Mapping[str, str]) -> str:
    return os.path.join(config_dir(scope, root, env), "commands")


def skill_file(folder: str, name: str) -> str:
    return os.path.join(folder, f"{name}.toml")


def skill_cli(env: Mapping[str, str]) -> str:
    return cli_command(env)


def skill_text(name: str, description: str, marker: str, body: str) -> str:
    # A TOML multi-line literal string: taken as written, backslashes too; only three quotes end it.
    if "'''" in body:
        raise StopwardenError("cannot write the Gemini command: the playbook holds three single quotes in a row")
    escaped = description.replace("\\", "\\\\").replace('"', '\\"')
    return f"# {marker}\ndescription = \"{escaped}\"\nprompt = '''\n{body}'''\n"


# --- what init, uninstall and doctor ask of every agent (install/base.py Installer) ----------------------

LABEL = "gemini "
HOOK_TIMEOUT_UNIT_S = 0.001
EXPORTS_SESSION_ID = False
