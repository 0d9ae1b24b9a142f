"""Claude Code's hook registration (SPEC §3.1, §2 "Install scope"): where it lives and how we merge into it.

`{"hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "…", "timeout": 30}]}]}}`,
timeouts in seconds, merged as hook_config does for every agent.

The status line is one more key of the same file, `{"statusLine": {"type": "command", "command": "…",
"padding": 0}}`, whose command is our hook script with the event `statusline`. A settings file holds one
status line, so a user's own is never replaced unless they ask (see merge_statusline).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from stopwarden.common.atomic import rmdir_if_empty
from stopwarden.common.errors import StopwardenError
from stopwarden.common.shell import cli_command
from stopwarden.install import hook_command, hook_config, project_files
from stopwarden.install.base import Check, InstallJob
from stopwarden.install.no_extras import check_ready as check_ready  # its Installer members: nothing to check
from stopwarden.install.settings_file import SettingsFile

AGENT = "claude-code"
SCOPES = ("local", "project", "user")
RUNS_IDENTICAL_HOOKS_ONCE = True  # identical handlers are deduplicated (its docs; 2.1.330 measured)
COMMAND = "claude"  # the client's command, to find it on PATH
DEFAULT_SCOPE = "local"

# Claude Code event name -> (our hook's event argument, timeout in seconds).
EVENTS = {"Stop": ("stop", 30), "SessionStart": ("session_start", 15)}

STATUS_LINE = "statusLine"  # the settings key
STATUS_LINE_EVENT = "statusline"  # our hook script's event argument for it
# Scopes from the one whose settings win in Claude Code (local) to the one that loses (user).
PRECEDENCE = ("local", "project", "user")


def user_config_dir(env: Mapping[str, str]) -> str:
    return env.get("CLAUDE_CONFIG_DIR") or os.path.join(os.path.expanduser("~"), ".claude")


def settings_path(scope: str, root: str, env: Mapping[str, str]) -> str:
    if scope == "local":
        return os.path.join(root, ".claude", "settings.local.json")
    if scope == "project":
        return os.path.join(root, ".claude", "settings.json")
    if scope == "user":
        return os.path.join(user_config_dir(env), "settings.json")
    raise StopwardenError(f"unknown scope {scope!r}", hint=f"use one of {', '.join(SCOPES)}")


def our_handler(event: str) -> dict[str, Any]:
    argument, timeout = EVENTS[event]
    return {"type": "command", "command": hook_command.command(argument, AGENT), "timeout": timeout}


def merge(data: dict[str, Any], path: str) -> None:
    """Put our current Stop and SessionStart handlers into `data` (see hook_config.merge)."""
    hook_config.merge(data, path, {event: our_handler(event) for event in EVENTS})


remove = hook_config.remove
registered = hook_config.registered


def our_statusline() -> dict[str, Any]:
    return {"type": "command", "command": hook_command.command(STATUS_LINE_EVENT, AGENT), "padding": 0}


def statusline_is_ours(value: object) -> bool:
    """A `statusLine` value whose command is our hook script (the object form, or a bare command string)."""
    if isinstance(value, str):
        return hook_command.is_ours(value)
    return isinstance(value, dict) and hook_command.is_ours(value.get("command"))


def describe_statusline(value: object) -> str:
    """A user's status line in a few words, for a message: its command, else its JSON."""
    if isinstance(value, dict) and isinstance(value.get("command"), str):
        text = str(value["command"])
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value)
    return text if len(text) <= 80 else text[:79] + "\u2026"


def merge_statusline(data: dict[str, Any], path: str, install: bool, force: bool) -> tuple[str, object]:
    """Put our status line into `data`; returns (what happened, the value it replaced or None).

    What happened is "" (nothing asked, nothing of ours there), "added", "updated" (ours, with a stale
    command, rewritten in place; other keys the user set on it, such as `refreshInterval`, are kept),
    "unchanged" or "replaced". Our old status line is refreshed even when `install` is False, as the
    hooks are, so that an upgrade or a moved venv never leaves a dead command behind.

    A status line of the user's own is never replaced silently: with `install` and without `force` this
    raises, before anything is written, naming their command, so that `init --statusline` fails (exit 1)
    with the project as it was and a hint. Failing rather than skipping with a warning, because the user
    asked for a status line and would otherwise believe they have ours; and no merging of the two,
    because Claude Code runs a single command. With `force` theirs is replaced and returned, for
    `uninstall` to put back.
    """
    current = data.get(STATUS_LINE)
    if current is None:
        if not install:
            return "", None
        data[STATUS_LINE] = our_statusline()
        return "added", None
    if statusline_is_ours(current):
        ours = our_statusline()
        new = {**current, "type": "command", "command": ours["command"]} if isinstance(current, dict) else ours
        if new == current:
            return "unchanged", None
        data[STATUS_LINE] = new
        return "updated", None
    if not install:
        return "", None
    if not force:
        raise StopwardenError(
            f"{path} already has a status line of your own ({describe_statusline(current)}); nothing was changed",
            hint="keep yours and run init without --statusline, or replace it with "
            "`stopwarden init --statusline --force-statusline` (`stopwarden uninstall` puts yours back)",
        )
    data[STATUS_LINE] = our_statusline()
    return "replaced", current


def merge_extras(data: dict[str, Any], job: InstallJob) -> tuple[str, object]:
    """The status line (merge_statusline): asked for with --statusline, refreshed whenever it is ours."""
    return merge_statusline(data, job.path, job.wants_statusline, job.force_statusline)


def after_install(
    job: InstallJob, data: dict[str, Any], extras: str, replaced: object
) -> tuple[list[str], dict[str, Any]]:
    """A local settings file kept out of git; a warning for the project scope's machine paths; what became
    of the status line, and which one Claude Code shows when another scope has the user's own."""
    done = []
    if job.scope == "local" and project_files.keep_out_of_git(job.root, job.path):
        done.append(f"added {os.path.relpath(job.path, job.root)} to .git/info/exclude")
    if job.scope == "project":
        done.append(
            f"warning: {job.path} now holds absolute paths of this machine; teammates must run "
            "`stopwarden init --scope project` on theirs (or use the default local scope)"
        )
    asked = job.wants_statusline
    if extras == "replaced":
        done.append(
            f"replaced your status line ({describe_statusline(replaced)}) in {job.path}; "
            "`stopwarden uninstall` puts it back"
        )
    elif extras in ("added", "updated") or (extras == "unchanged" and asked):
        said = {"added": "registered the status line", "updated": "updated our status line"}
        done.append(f"{said.get(extras, 'status line already registered')} in {job.path}")
    if asked:
        done += _statusline_shadows(job.scope, job.root, job.env)
    # Recorded, so that `doctor` misses it once gone and `doctor --fix` puts it back (an operator review).
    return done, ({statusline_key(job.scope): True} if asked else {})


def statusline_key(scope: str) -> str:
    """installed.json's key saying init registered our status line in `scope`."""
    return f"statusline_{scope}"


def _statusline_shadows(scope: str, root: str, env: Mapping[str, str]) -> list[str]:
    """Notes on the user's own status lines in the other scopes: Claude Code shows one, the first of
    local, project, user that has one."""
    notes = []
    mine = PRECEDENCE.index(scope)
    for other in PRECEDENCE:
        if other == scope:
            continue
        path = settings_path(other, root, env)
        try:
            value = SettingsFile(path).data.get(STATUS_LINE)
        except StopwardenError:
            continue  # an unreadable file is reported where it matters (uninstall, doctor)
        if value is None or statusline_is_ours(value):
            continue
        if PRECEDENCE.index(other) < mine:
            notes.append(
                f"note: Claude Code shows your own status line in {path} "
                f"({describe_statusline(value)}) instead of ours: {other} settings win over {scope} ones"
            )
        else:
            notes.append(
                f"note: in this project ours is shown instead of your status line in {path} "
                f"({describe_statusline(value)})"
            )
    return notes


def after_remove(path: str, env: Mapping[str, str]) -> list[str]:
    """The `.claude/` folder init made for a settings file it created goes with the file, when empty."""
    if not os.path.exists(path):
        rmdir_if_empty(os.path.dirname(path))
    return []


def remove_extras(data: dict[str, Any], path: str, restore: object) -> tuple[bool, list[str]]:
    """Our status line out of `data`, the user's own that it replaced (`restore`) back in its place."""
    if not remove_statusline(data, restore):
        return False, []
    if restore is not None:
        return True, [f"put your own status line back in {path}: {describe_statusline(restore)}"]
    return True, [f"removed our status line from {path}"]


def remove_statusline(data: dict[str, Any], restore: object = None) -> bool:
    """Take our status line out of `data` (putting `restore` in its place, when given); True if it was ours."""
    if not statusline_is_ours(data.get(STATUS_LINE)):
        return False
    if restore is None:
        del data[STATUS_LINE]
    else:
        data[STATUS_LINE] = restore
    return True


# --- the /build skill (SPEC §4.6): a skill of the project's, whatever the hooks' scope --------------------

SETTINGS_FILE_IS_OURS = False  # the user's settings
SKILL_INVOCATION = "/{name} <task>"
# The task in the playbook's title, the task as a command argument, and rules for this agent only.
SKILL_WORDING = ("$ARGUMENTS", "$ARGUMENTS", "")


def skills_folder(scope: str, root: str, env: Mapping[str, str]) -> str:
    return os.path.join(root, ".claude", "skills")


def skill_file(folder: str, name: str) -> str:
    return os.path.join(folder, name, "SKILL.md")


def skill_cli(env: Mapping[str, str]) -> str:
    return cli_command(env)


def skill_text(name: str, description: str, marker: str, body: str) -> str:
    return f"---\nname: {name}\ndescription: {description}\nargument-hint: <task>\n---\n<!-- {marker} -->\n\n{body}"


# --- what init, uninstall and doctor ask of every agent (install/base.py Installer) ----------------------

LABEL = ""
HOOK_TIMEOUT_UNIT_S = 1.0
EXPORTS_SESSION_ID = True


STATUSLINE_TIMEOUT_S = 10.0  # doctor runs our status line as Claude Code would, and waits this long


def doctor_checks(root: str, env: Mapping[str, str], record: Mapping[str, Any]) -> list[Check]:
    """Its doctor checks: our status line in each scope that has it, run as Claude Code runs it (`sh -c`, a
    payload on stdin, in this project): it must exit 0 and print one line of ours. [] when none is ours."""
    import subprocess
    import time

    from stopwarden.hooks.statusline import MARK
    from stopwarden.install.doctor import PROBE_SESSION  # doctor imports the installers: not at the top

    checks = []
    payload = {"session_id": PROBE_SESSION, "cwd": root, "workspace": {"current_dir": root, "project_dir": root}}
    for scope in SCOPES:
        path = settings_path(scope, root, env)
        try:
            value = SettingsFile(path).data.get(STATUS_LINE)
        except StopwardenError:
            continue  # doctor's own checks report an unreadable settings file
        if value is None and record.get(statusline_key(scope)) is True:  # said, not failed: it may be your choice
            detail = f"init registered it in {path}, and it is gone (`stopwarden doctor --fix` puts it back)"
            checks.append(Check(f"status line ({scope})", True, detail))
            continue
        if not statusline_is_ours(value):
            continue
        command = value["command"] if isinstance(value, dict) else str(value)
        name, fix = f"status line ({scope})", "stopwarden doctor --fix"
        start = time.monotonic()
        try:
            done = hook_command.run(command, payload, root, hook_command.clean_env(env), STATUSLINE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            checks.append(Check(name, False, f"no answer within {STATUSLINE_TIMEOUT_S:.0f} s: {command}", fix))
            continue
        ms = (time.monotonic() - start) * 1000
        out = done.stdout
        if done.returncode != 0 or out.count("\n") != 1 or not out.startswith(MARK):
            detail = f"exit {done.returncode}, printed {out[:200]!r}, stderr {done.stderr.strip()[:200]!r}: {command}"
            checks.append(Check(name, False, detail, fix))
        else:
            checks.append(Check(name, True, f'shows "{out.strip()}" in {ms:.0f} ms: {command}'))
    return checks
