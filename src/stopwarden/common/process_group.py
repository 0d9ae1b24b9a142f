"""Ending a child process that may have started helpers of its own (agent CLIs do)."""

from __future__ import annotations

import os
import signal
import subprocess
from typing import Any

REAP_TIMEOUT_S = 5.0


def kill_group(proc: subprocess.Popen[Any]) -> None:
    """Kill the whole process group of `proc` (started with `start_new_session=True`), and reap it. A helper
    that left the group may still hold the pipes open: the wait for them is bounded, then they are closed."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.communicate(timeout=REAP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
        proc.wait(timeout=REAP_TIMEOUT_S)
