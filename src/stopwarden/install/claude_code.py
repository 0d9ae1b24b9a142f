"""Claude Code's hook registration (SPEC §3.1, §2 "Install scope"): where it lives and how we merge into it.

`{"hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "…", "timeout": 30}]}]}}`,
timeouts in seconds. The user's own groups, handlers and keys are left exactly as they are: ours are
recognised by the hook script's path in `command` (see hook_command.MARKERS), replaced where they
stand, and removed without disturbing anything else.

The status line is one more key of the same file, `{"statusLine": {"type": "command", "command": "…",
"padding": 0}}`, whose command is our hook script with the event `statusline`. A settings file holds one
status line, so a user's own is never replaced unless they ask (see merge_statusline).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from stopwarden.errors import StopwardenError
from stopwarden.install import hook_command

AGENT = "claude-code"
SCOPES = ("local", "project", "user")
DEFAULT_SCOPE = "local"

# Claude Code event name -> (our hook's event argument, timeout in seconds).
EVENTS = {"Stop": ("stop", 30), "SessionStart": ("session_start", 15)}

STATUS_LINE = "statusLine"  # the settings key
STATUS_LINE_EVENT = "statusline"  # our hook script's event argument for it
# Scopes from the one whose settings win in Claude Code (local) to the one that loses (user).
PRECEDENCE = ("local", "project", "user")


def settings_path(scope: str, root: str, env: Mapping[str, str]) -> str:
    if scope == "local":
        return os.path.join(root, ".claude", "settings.local.json")
    if scope == "project":
        return os.path.join(root, ".claude", "settings.json")
    if scope == "user":
        config_dir = env.get("CLAUDE_CONFIG_DIR") or os.path.join(os.path.expanduser("~"), ".claude")
        return os.path.join(config_dir, "settings.json")
    raise StopwardenError(f"unknown scope {scope!r}", hint=f"use one of {', '.join(SCOPES)}")


def our_handler(event: str) -> dict[str, Any]:
    argument, timeout = EVENTS[event]
    return {"type": "command", "command": hook_command.command(argument, AGENT), "timeout": timeout}


def merge(data: dict[str, Any], path: str) -> None:
    """Put our current handlers into `data`: in place of our old ones if any, else as a new group."""
    if data.get("hooks") is None:
        data["hooks"] = {}  # absent, or `null`: either way there is nothing of the user's to keep
    hooks = _hooks(data, path)
    for event in EVENTS:
        if hooks.get(event) is None:
            hooks[event] = []
        groups = hooks[event]
        _check_list(groups, path, event)
        placed = _replace_ours(groups, our_handler(event))
        if not placed:
            groups.append({"matcher": "", "hooks": [our_handler(event)]})


def remove(data: dict[str, Any], path: str) -> bool:
    """Take our handlers out of `data`, and containers that only held them; True if anything was ours."""
    if data.get("hooks") is None:
        return False
    hooks = _hooks(data, path)
    found = False
    for event in list(hooks):
        groups = hooks[event]
        if not isinstance(groups, list):
            continue
        if _replace_ours(groups, None):
            found = True
            if not groups:
                del hooks[event]
    if found and not hooks:
        del data["hooks"]
    return found


def registered(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Our commands per Claude Code event, as found in `data`."""
    found: dict[str, list[str]] = {}
    hooks = data.get("hooks")
    if not isinstance(hooks, dict):
        return found
    for event, groups in hooks.items():
        for group in groups if isinstance(groups, list) else []:
            for handler in _handlers(group):
                if hook_command.is_ours(handler.get("command")):
                    found.setdefault(event, []).append(handler["command"])
    return found


def _replace_ours(groups: list[Any], new: dict[str, Any] | None) -> bool:
    """Replace the first handler of ours with `new` (or drop it when None) and drop any other of ours.

    A group left empty by this is dropped; a group that was already empty is the user's and stays.
    Returns whether any handler of ours was found.
    """
    found = False
    for group in list(groups):
        handlers = _handlers(group)
        if not any(hook_command.is_ours(h.get("command")) for h in handlers):
            continue
        kept = []
        for handler in group["hooks"]:
            if isinstance(handler, dict) and hook_command.is_ours(handler.get("command")):
                if not found and new is not None:
                    kept.append(new)
                found = True
            else:
                kept.append(handler)
        if kept:
            group["hooks"] = kept
        else:
            groups.remove(group)
    return found


def _handlers(group: object) -> list[dict[str, Any]]:
    if not isinstance(group, dict) or not isinstance(group.get("hooks"), list):
        return []
    return [h for h in group["hooks"] if isinstance(h, dict)]


def _hooks(data: dict[str, Any], path: str) -> dict[str, Any]:
    hooks = data["hooks"]
    if not isinstance(hooks, dict):
        raise StopwardenError(
            f'"hooks" in {path} is a {type(hooks).__name__}, not an object; the file was left untouched',
            hint="fix the file by hand",
        )
    return hooks


def _check_list(groups: object, path: str, event: str) -> None:
    if not isinstance(groups, list):
        raise StopwardenError(
            f'"hooks.{event}" in {path} is not a list; the file was left untouched', hint="fix the file by hand"
        )


# --- the status line ---------------------------------------------------------------------------------------


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


def remove_statusline(data: dict[str, Any], restore: object = None) -> bool:
    """Take our status line out of `data` (putting `restore` in its place, when given); True if it was ours."""
    if not statusline_is_ours(data.get(STATUS_LINE)):
        return False
    if restore is None:
        del data[STATUS_LINE]
    else:
        data[STATUS_LINE] = restore
    return True
