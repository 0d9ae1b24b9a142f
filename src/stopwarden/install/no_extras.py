"""The Installer members of an agent that needs nothing beyond its hooks and skill (install/base.py): each
agent imports those it has nothing of its own for (Gemini CLI all of them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stopwarden.install.base import Check, InstallJob


def check_ready(env: Mapping[str, str]) -> None:
    return None  # nothing beyond the settings file, which init reads for every agent


def merge_extras(data: dict[str, Any], job: InstallJob) -> tuple[str, object]:
    return "", None


def after_install(
    job: InstallJob, data: dict[str, Any], extras: str, replaced: object
) -> tuple[list[str], dict[str, Any]]:
    return [], {}


def remove_extras(data: dict[str, Any], path: str, restore: object) -> tuple[bool, list[str]]:
    return False, []


def after_remove(path: str, env: Mapping[str, str]) -> list[str]:
    return []


def doctor_checks(root: str, env: Mapping[str, str], record: Mapping[str, Any]) -> list[Check]:
    return []
