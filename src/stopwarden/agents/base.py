"""What every agent module in this folder is: the `Dialect` protocol, checked by mypy (agents/__init__.py).

The hook imports an agent's module on every turn, and importing `typing` costs the hot path, so the
protocol exists only for the type checker: a module is not an instance, and nothing checks it at run time.
Adding an agent: a module here named after it (`-` as `_`) with these members, its name in `names.AGENTS`,
and an assignment of the module at the end of this file; then its installer (install/base.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol


class Dialect(Protocol):
    """How one agent client speaks at its hooks (stdlib-only module)."""

    @property
    def NAME(self) -> str: ...  # its name in `--agent` and in the hook's command line
    @property
    def STOP_TEXT_FIELDS(self) -> tuple[str, ...]: ...  # payload fields that hold the stop text, first present wins
    @property
    def STOP_TEXT_IN_TRANSCRIPT(self) -> bool: ...  # whether its transcript is read where no field holds the text
    @property
    def ALLOW(self) -> str: ...  # what to print to let a stop through
    @property
    def SESSION_ENV(self) -> str: ...  # the variable that gives its shell commands the session id ("" if none)
    @property
    def PROJECT_FILES(self) -> tuple[str, ...]: ...  # path prefixes its installer writes in a project (self-reference)

    def payload(self, data: dict[str, Any]) -> dict[str, Any]:
        """Its hook payload with the fields the hook reads under Claude Code's names (`session_id`, …)."""
        ...

    def transcript_stop_text(self, lines: list[str], payload: Mapping[str, Any]) -> str | None:
        """The stop text in these last lines of its transcript, for a payload (given) without it (none of
        `STOP_TEXT_FIELDS` holds a string); "" when there is none, None while the transcript does not yet
        hold this stop (the hook reads it again, for a bounded time)."""
        ...

    def block(self, reason: str) -> str:
        """What to print to block a stop, with the reason for the model."""
        ...

    def context(self, text: str) -> str:
        """What to print at session start to tell the model something."""
        ...

    def user_turns(self, lines: list[str], limit: int) -> list[str]:
        """The last `limit` real user turns in these lines of its transcript, oldest first."""
        ...

    def is_agent_process(self, comm: str, cmdline: Callable[[], bytes]) -> bool:
        """Whether a process (its `comm`, and a callable reading its command line) is this agent: the
        ancestor both its hooks and its shell commands descend from."""
        ...


if TYPE_CHECKING:  # never run (nothing imports this module at run time): mypy checks each module here
    from stopwarden.agents import claude_code, codex, copilot, gemini

    # One assignment each: a missing or mistyped member fails the type check.
    _CLAUDE_CODE: Dialect = claude_code
    _CODEX: Dialect = codex
    _GEMINI: Dialect = gemini
    _COPILOT: Dialect = copilot
