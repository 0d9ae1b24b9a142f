"""The `/build` skill (SPEC §4.6): installed by init, removed by uninstall, never clobbering the user's own.

Ours carry a marker line; a skill file without it belongs to the user and is never overwritten or removed.
"""

from __future__ import annotations

import os

from stopwarden.atomic import rmdir_if_empty, write_atomic
from stopwarden.errors import StopwardenError

MARKER = "<!-- stopwarden:build-skill"
DEFAULT_NAME = "build"


def skills_dir(root: str) -> str:
    return os.path.join(root, ".claude", "skills")


def skill_path(root: str, name: str) -> str:
    return os.path.join(skills_dir(root), name, "SKILL.md")


def render(name: str, cli: str) -> str:
    template = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates", "build-skill.md")
    with open(template, encoding="utf-8") as f:
        return f.read().replace("{name}", name).replace("{cli}", cli)


def is_ours(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return MARKER in f.read()
    except FileNotFoundError:
        return False


def check_free(root: str, name: str) -> None:
    """Raise unless `name` is a usable skill name with no skill of the user's own under it."""
    if not name or "/" in name or name.startswith("."):
        raise StopwardenError(f"bad skill name {name!r}", hint="use a plain name such as build or sw-build")
    path = skill_path(root, name)
    if os.path.lexists(path) and not is_ours(path):
        raise StopwardenError(
            f"{path} is a skill of your own; it was left untouched",
            hint="install ours under another name: stopwarden init --skill-name sw-build",
        )


def install(root: str, name: str, cli: str) -> str:
    """Write our skill as `name`; returns "installed", "updated" or "unchanged"."""
    check_free(root, name)
    path = skill_path(root, name)
    text = render(name, cli)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return "unchanged"
        write_atomic(path, text.encode("utf-8"), 0o644)
        return "updated"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_atomic(path, text.encode("utf-8"), 0o644)
    return "installed"


def remove_all(root: str) -> list[str]:
    """Remove every skill of ours (whatever name it was installed under); returns their paths."""
    removed: list[str] = []
    try:
        names = sorted(os.listdir(skills_dir(root)))
    except FileNotFoundError:
        return removed
    for name in names:
        path = skill_path(root, name)
        if is_ours(path):
            os.unlink(path)
            rmdir_if_empty(os.path.dirname(path))
            removed.append(path)
    rmdir_if_empty(skills_dir(root))
    rmdir_if_empty(os.path.dirname(skills_dir(root)))
    return removed
