"""Running an agent client as a test subprocess: in its own process group, killed as a whole when it
overruns (the clients start helpers of their own), never left running.

For the tests that prove it: :func:`write_hanging_client` (a stand-in client that hangs with a
child) and :func:`wait_gone`.
"""

from __future__ import annotations

import os
import shlex
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


# --------------------------------------------------------------------------- for the tests that prove it


def write_hanging_client(path: Path) -> Path:
    """Write a stand-in client at ``path`` that starts a child (``sleep 60``) and waits for it.

    Returns the file the child's pid goes to, for :func:`wait_gone`.
    """
    child_pid = path.with_name(f"{path.name}-child.pid")
    path.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {shlex.quote(str(child_pid))}\nwait\n")
    path.chmod(0o755)
    return child_pid


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    """Wait until process ``pid`` is gone (a zombie counts as gone); False if it still runs after ``timeout``."""
    status = Path(f"/proc/{pid}/status")
    deadline = time.monotonic() + timeout
    while _alive(status):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _alive(status: Path) -> bool:
    try:
        return "State:\tZ" not in status.read_text()  # a zombie is dead
    except OSError:
        return False
