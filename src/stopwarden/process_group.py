"""Ending a child process that may have started helpers of its own (agent CLIs do)."""

from __future__ import annotations

import os
import signal
import subprocess
from typing import Any


def kill_group(proc: subprocess.Popen[Any]) -> None:
    """Kill the whole process group of `proc` (started with `start_new_session=True`), and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()
