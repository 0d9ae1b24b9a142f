"""How an agent's shell should call the `stopwarden` command, written into block reasons and the skill.

Stdlib-only and without `shlex` (which imports `re`) or `os`: the hook builds block reasons with it, and
SessionStart quotes the session id with it.
"""

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_")


def quote(word: str) -> str:
    """`word` as one shell word: as it is when it is plain, else in single quotes."""
    if word and all(c in SAFE for c in word):
        return word
    return "'" + word.replace("'", "'\"'\"'") + "'"


def cli_command(env: "Mapping[str, str]") -> str:
    """`stopwarden` when our bin folder is on the shell's PATH, else `cli_path()` (a venv that is not
    activated)."""
    if _bin_folder() in env.get("PATH", "").split(":"):
        return "stopwarden"
    return cli_path()


def cli_path() -> str:
    """The quoted absolute path of the console script beside this interpreter: for shells whose PATH is
    not the user's (Codex's sandbox resets it)."""
    return quote(f"{_bin_folder().rstrip('/')}/stopwarden")


def _bin_folder() -> str:
    """`os.path.dirname(sys.executable)`."""
    head = sys.executable[: sys.executable.rfind("/") + 1]
    return head.rstrip("/") or head
