"""The command line an agent runs for our hook, and how to recognise ours in a config we do not own.

Launch form (SPEC §10): `"<absolute venv python>" -I -S "<absolute hook script>" <event> [<agent>]`.
Absolute paths, so the hook works when the venv is not on PATH; never a PATH shim, console script or
`-m`, which cost 100 to 240 ms per agent turn.
"""

from __future__ import annotations

import os
import shlex
import sys

import stopwarden.hooks

# Every form our command has ever had, as a fragment found in it. An entry holding one of these is ours:
# an upgrade or a moved venv then replaces it instead of adding a second one. When the launch form
# changes, the old fragment stays here.
MARKERS = ("/stopwarden/hooks/run.py",)


def hook_script() -> str:
    return os.path.join(os.path.dirname(os.path.abspath(stopwarden.hooks.__file__)), "run.py")


def interpreter() -> str:
    # Not resolved: a venv's bin/python is a link, and resolving it would leave the venv.
    return os.path.abspath(sys.executable)


def command(event: str, agent: str = "claude-code") -> str:
    args = [_quote(interpreter()), "-I", "-S", _quote(hook_script()), event]
    if agent != "claude-code":
        args.append(agent)
    return " ".join(args)


def _quote(path: str) -> str:
    # Double quotes as the spec writes it, unless the path holds a character special inside them.
    if any(c in path for c in '"$`\\!'):
        return shlex.quote(path)
    return f'"{path}"'


def is_ours(cmd: object) -> bool:
    return isinstance(cmd, str) and any(marker in cmd for marker in MARKERS)
