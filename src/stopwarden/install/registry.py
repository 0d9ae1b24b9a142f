"""Agent -> its installer module in this folder (an `install.base.Installer`): where and in what format its
hooks are registered, where its /build skill goes and in what format. One per name in `names.AGENTS`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stopwarden.common.names import AGENTS
from stopwarden.install import claude_code, codex, copilot, gemini

if TYPE_CHECKING:
    from stopwarden.install.base import Installer

AGENT_MODULES: dict[str, Installer] = {
    claude_code.AGENT: claude_code,
    codex.AGENT: codex,
    gemini.AGENT: gemini,
    copilot.AGENT: copilot,
}
assert tuple(AGENT_MODULES) == AGENTS, "one installer per agent, in names.AGENTS's order"
