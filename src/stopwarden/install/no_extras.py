"""The Installer members of an agent that needs nothing beyond its hooks and skill (install/base.py): Claude
Code and Gemini CLI import these; Codex has its own (trust entries, its doctor check)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stopwarden.install.base import Check


def check_ready(env: Mapping[str, str]) -> None:
    return None  # nothing beyond the settings file, which init reads for every agent


def after_install(
    root: str, scope: str, path: str, data: dict[str, Any], env: Mapping[str, str], trust: bool
) -> tuple[list[str], dict[str, Any]]:
    return [], {}


def after_remove(path: str, env: Mapping[str, str]) -> list[str]:
    return []


def doctor_checks(root: str, env: Mapping[str, str], record: Mapping[str, Any]) -> list[Check]:
    return []
