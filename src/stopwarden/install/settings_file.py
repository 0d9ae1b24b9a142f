"""Read and write a JSON settings file that belongs to someone else (an agent's config).

We refuse to touch a file that is not valid JSON (naming the position), keep the user's key order and
indentation, write nothing when nothing changed, back the file up before our first change, and write it
atomically with its original permissions.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

from stopwarden.common.atomic import write_atomic
from stopwarden.common.errors import StopwardenError

# Said by every refusal to write a settings file, and only there: doctor, which writes nothing, leaves it off
# (registrations.find).
UNTOUCHED = "; the file was left untouched"


class SettingsFile:
    """One settings file as read: its data, and how to write it back the way it was formatted."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.original: str | None = None
        self.indent: int | str = 2
        self.data: dict[str, Any] = {}
        try:
            with open(path, encoding="utf-8") as f:
                self.original = f.read()
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as e:
            raise StopwardenError(f"cannot read {path}: {e}{UNTOUCHED}") from None
        if not self.original.strip():
            return  # an empty file reads as an empty object
        try:
            data = json.loads(self.original)
        except json.JSONDecodeError as e:
            raise StopwardenError(
                f"{path} is not valid JSON ({e.msg} at line {e.lineno} column {e.colno}){UNTOUCHED}",
                hint="fix the file by hand, then run the command again",
            ) from None
        if not isinstance(data, dict):
            raise StopwardenError(f"{path} holds {_json_kind(data)}, not a JSON object{UNTOUCHED}")
        self.data = data
        self.indent = _indent_of(self.original)

    @property
    def exists(self) -> bool:
        return self.original is not None

    def render(self) -> str:
        return json.dumps(self.data, indent=self.indent, ensure_ascii=False) + "\n"

    def changed(self) -> bool:
        if self.original is None:
            return True
        try:
            return bool(json.loads(self.original) != self.data) if self.original.strip() else bool(self.data)
        except json.JSONDecodeError:
            return True

    def save(self, backup_dir: str, backup_name: str) -> str | None:
        """Write the data if it changed; returns the backup made before this first change, if any."""
        if not self.changed():
            return None
        backup = None
        mode = 0o644
        if self.original is not None:
            mode = os.stat(self.path).st_mode & 0o777
            backup = os.path.join(backup_dir, backup_name)
            if not os.path.lexists(backup):  # the first change is the one worth keeping
                os.makedirs(backup_dir, mode=0o700, exist_ok=True)
                from stopwarden.state import safe

                safe.check_folder(backup_dir)  # `.stopwarden/backups` may be a repository's link out
                shutil.copy2(self.path, backup)
            else:
                backup = None
        # A settings file is often a link into the user's dotfiles: write through it, never over it.
        target = os.path.realpath(self.path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write_atomic(target, self.render().encode("utf-8"), mode)
        self.original = self.render()
        return backup

    def delete(self) -> None:
        os.unlink(self.path)


def _indent_of(text: str) -> int | str:
    """The indentation of the first indented line: a number of spaces, or the tab; 2 when flat."""
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            lead = line[: len(line) - len(stripped)]
            return "\t" if lead.startswith("\t") else len(lead)
    return 2


def hooks_object(data: dict[str, Any], path: str) -> dict[str, Any]:
    """The settings' `hooks` object, made when it is absent or `null` (nothing of the user's to keep); an
    error that names what it is instead, in JSON's words, when it is not an object."""
    if data.get("hooks") is None:
        data["hooks"] = {}
    hooks = data["hooks"]
    if not isinstance(hooks, dict):
        raise StopwardenError(
            f'"hooks" in {path} is {_json_kind(hooks)}, not an object{UNTOUCHED}',
            hint="fix the file by hand",
        )
    return hooks


def require_array(value: object, path: str, key: str) -> list[Any]:
    """`value`, the array at `key` ("hooks.Stop") of the settings at `path`; an error in JSON's words when it
    is something else."""
    if not isinstance(value, list):
        raise StopwardenError(
            f'"{key}" in {path} is {_json_kind(value)}, not an array{UNTOUCHED}',
            hint="fix the file by hand",
        )
    return value


def _json_kind(value: object) -> str:
    """What a JSON value is, in JSON's words (not Python's `NoneType`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"
