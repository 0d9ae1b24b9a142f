"""Running an agent client as a test subprocess: in its own process group, killed as a whole when it
overruns (the clients start helpers of their own), never left running."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple


class Finished(NamedTuple):
    returncode: int
    stdout: str
    stderr: str
    elapsed: float
    timed_out: bool


def kill_group(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def run_client(args: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float) -> Finished:
    """Run `args` with stdin closed; on timeout (or an interrupt) kill its whole process group."""
    started = time.monotonic()
    proc = subprocess.Popen(
        list(args),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    timed_out = False
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(proc)
        stdout, stderr = proc.communicate()
    except BaseException:  # e.g. KeyboardInterrupt: never leave the client running
        kill_group(proc)
        proc.communicate()
        raise
    return Finished(proc.returncode, stdout, stderr, time.monotonic() - started, timed_out)
