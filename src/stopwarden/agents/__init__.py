"""The agent clients, one module each (SPEC §3, §12): how each one's hook payload maps to the normalized
hook event, how it is told to allow or to block, and how its transcript is read.

Each module is stdlib-only (the hook imports it on every turn) and defines the same names:
  NAME                      the agent's name in `--agent` and in the hook's command line
  STOP_TEXT_FIELDS          payload fields that hold the stop text, first present wins
  ALLOW                     what to print to let a stop through
  block(reason) -> str      what to print to block, with the reason for the model
  context(text) -> str      what to print at session start to tell the model something
  user_turn(line) -> str    the real user turn in one line of its transcript, "" when the line is not one
Adding an agent is one module here and one line in `MODULES`.
"""

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

# Agent name -> its module in this package.
MODULES = {"claude-code": "claude_code", "codex": "codex", "gemini": "gemini"}
NAMES = tuple(MODULES)


def dialect(name: str) -> "ModuleType":
    """The module of agent `name` (Claude Code's when unknown: the hook must always answer something)."""
    module = f"stopwarden.agents.{MODULES.get(name, 'claude_code')}"
    __import__(module)
    return sys.modules[module]
