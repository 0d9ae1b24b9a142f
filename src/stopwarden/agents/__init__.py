"""The agent clients, one module each (SPEC §3, §12): how each one's hook payload maps to the normalized
hook event, how it is told to allow or to block, and how its transcript is read.

Each module is stdlib-only (the hook imports it on every turn) and defines the same names:
  NAME                      the agent's name in `--agent` and in the hook's command line
  STOP_TEXT_FIELDS          payload fields that hold the stop text, first present wins
  ALLOW                     what to print to let a stop through
  block(reason) -> str      what to print to block, with the reason for the model
  context(text) -> str      what to print at session start to tell the model something
  user_turns(lines, limit) -> list[str]
                            the last `limit` real user turns in these lines of its transcript, oldest first
  SESSION_ENV               the variable that gives the agent's shell commands its session id ("" if none)
  is_agent_process(comm, cmdline) -> bool
                            whether a process (its `comm`, and a callable reading its command line) is
                            this agent: the ancestor both its hooks and its shell commands descend from
Where and in what format each one's hooks are registered is its module in stopwarden/install/, kept apart
because the hook must not import the installer. Adding an agent is a module in each of the two folders,
named after the agent (`-` as `_`), and its name in `names.AGENTS`.
"""

import sys

from stopwarden.names import AGENTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType


def dialects() -> "list[ModuleType]":
    """Every agent's module: for what must be recognised whichever agent runs us (`build start`)."""
    return [dialect(name) for name in AGENTS]


def dialect(name: str) -> "ModuleType":
    """The module of agent `name` (Claude Code's when unknown: the hook must always answer something)."""
    module = f"stopwarden.agents.{(name if name in AGENTS else AGENTS[0]).replace('-', '_')}"
    __import__(module)
    return sys.modules[module]


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
