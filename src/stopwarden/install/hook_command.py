"""The command line an agent runs for our hook, and how to recognise ours in a config we do not own.

Launch form (SPEC §10): `"<absolute venv python>" -I -S "<absolute hook script>" <event> [<agent>]`.
Absolute paths, so the hook works when the venv is not on PATH; never a PATH shim, console script or
`-m`, which cost 100 to 240 ms per agent turn.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import stopwarden.hooks
from stopwarden.common.names import ENV_AGENT_PID, ENV_TMUX

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


def clean_env(base: Mapping[str, str]) -> dict[str, str]:
    """An environment for running our hook outside an agent: no agent variables, no identities but the
    session id the payload carries (whatever session or tmux pane we run in must not leak in)."""
    env = {k: v for k, v in base.items() if not k.startswith(("CLAUDE", "STOPWARDEN_"))}
    env.update({ENV_AGENT_PID: "", ENV_TMUX: ""})
    return env


def run(
    cmd: str, payload: dict[str, Any], cwd: str, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run a registered hook command exactly as Claude Code does: `sh -c`, the payload on stdin."""
    return subprocess.run(
        ["sh", "-c", cmd], input=json.dumps(payload), capture_output=True, text=True, env=dict(env), cwd=cwd,
        timeout=timeout, check=False,
    )  # fmt: skip
