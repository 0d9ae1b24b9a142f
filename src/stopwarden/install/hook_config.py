"""The `{"hooks": {EVENT: [{"matcher": …, "hooks": [handler, …]}, …]}}` shape that Claude Code, Codex
and Gemini all use for their hook configuration: merging our handlers into a file we do not own.

The user's own groups, handlers and keys are left exactly as they are: ours are recognised by the hook
script's path in `command` (see hook_command.MARKERS), replaced where they stand, and removed without
disturbing anything else. A group left empty by removing ours goes too; an empty group of the user's stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stopwarden.install import hook_command, settings_file


def merge(data: dict[str, Any], path: str, handlers: Mapping[str, dict[str, Any]], matcher: str | None = "") -> None:
    """Put our current handlers (event name -> handler) into `data`: in place of our old ones if any, else
    as a new group (with this `matcher`, or none at all when it is None)."""
    hooks = settings_file.hooks_object(data, path)
    for event, handler in handlers.items():
        if hooks.get(event) is None:
            hooks[event] = []
        groups = settings_file.require_array(hooks[event], path, f"hooks.{event}")
        placed = _replace_ours(groups, handler)
        if not placed:
            groups.append({"hooks": [handler]} if matcher is None else {"matcher": matcher, "hooks": [handler]})


def remove(data: dict[str, Any], path: str) -> bool:
    """Take our handlers out of `data`, and containers that only held them; True if anything was ours."""
    if data.get("hooks") is None:
        return False
    hooks = settings_file.hooks_object(data, path)
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


# --- the status line ---------------------------------------------------------------------------------------
