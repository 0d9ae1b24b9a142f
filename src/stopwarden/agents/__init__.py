"""The agent clients, one module each (SPEC §3, §12): how each one's hook payload maps to the normalized
hook event, how it is told to allow or to block, and how its transcript is read.

Each module is stdlib-only (the hook imports it on every turn) and is a `base.Dialect`: mypy checks every
module against it (agents/base.py), so an agent that lacks a member fails the type check. Where and in what format
each one's hooks are registered is its module in stopwarden/install/ (an `install.base.Installer`), kept
apart because the hook must not import the installer. Adding an agent is a module in each of the two
folders, named after the agent (`-` as `_`), its name in `names.AGENTS`, and the two modules in the two
checked lists (here and in install/registry.py). See docs/contributing.md.
"""

import sys

from stopwarden.common.names import AGENTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from stopwarden.agents.base import Dialect


def dialects() -> "list[Dialect]":
    """Every agent's module: for what must be recognised whichever agent runs us (`build start`)."""
    return [dialect(name) for name in AGENTS]


def dialect(name: str) -> "Dialect":
    """The module of agent `name` (Claude Code's when unknown: the hook must always answer something)."""
    module = f"stopwarden.agents.{(name if name in AGENTS else AGENTS[0]).replace('-', '_')}"
    __import__(module)
    found: Dialect = sys.modules[module]  # a module, checked against Dialect above
    return found


def payload_only(lines: "list[str]", payload: "Mapping[str, Any]") -> "str | None":
    """`transcript_stop_text` for an agent whose payload field is the stop text: where it is missing or null
    the turn said nothing, and the transcript is not read for it."""
    return ""


def last_turns(lines: "list[str]", user_turn: "Callable[[str], str]", limit: int) -> "list[str]":
    """`user_turns` for a transcript where each line stands alone: read from the end, stop at `limit`."""
    turns: list[str] = []
    for line in reversed(lines):
        text = user_turn(line)
        if text:
            turns.append(text)
            if len(turns) == limit:
                break
    return turns[::-1]
