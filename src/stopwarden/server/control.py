"""The background server seen from outside: `start` (detached, through server/launch.py; returns once
`/health` answers, or fails with the reason the server logged: port in use, unreadable token, bad config),
`stop` (ends the process and waits until it is gone), `status`, and the token and pid files they share
with the running server (server/process.py)."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from stopwarden.common import config as config_module
from stopwarden.common import http
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import SERVER_LOG, SERVER_PID, STATE_DIR, TOKEN_FILE
from stopwarden.server import launch
from stopwarden.state import files, safe

START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0
LOG_BYTES = 1 << 20  # the server log's size before it rotates (process.py); `_reason` reads at most 4 of them
CLASH_FIX = "`stopwarden doctor --fix` gives this checkout a port of its own"


def read_token(root: str) -> str:
    try:
        token = files.read_token(root)
    except OSError as e:
        raise StopwardenError(
            f"unreadable token {os.path.join(root, STATE_DIR, TOKEN_FILE)}: {e.strerror or e}",
            hint="stopwarden doctor --fix",
        ) from None
    if not token:
        raise StopwardenError(f"the token file {files.path(root, TOKEN_FILE)} is empty", hint="stopwarden doctor --fix")
    return token


def start(root: str) -> dict[str, Any]:
    """Start the server in the background and wait for it to answer; the reason from its log if it cannot."""
    config = config_module.load(root)
    read_token(root)
    running = status(root)
    if running["running"]:
        return {**running, "started": False}
    if running["clash"]:
        raise StopwardenError(running["clash"], hint=CLASH_FIX)
    offset = _log_size(root)
    proc = launch.launch(root)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StopwardenError(
                f"the server did not start: {_reason(root, offset)}", hint=f"see {files.path(root, SERVER_LOG)}"
            )
        if _healthy(root, config.port):
            return {**status(root), "started": True}
        time.sleep(0.05)
    proc.terminate()
    raise StopwardenError(f"the server did not answer within {START_TIMEOUT_S:.0f} s: {_reason(root, offset)}")


def stop(root: str) -> dict[str, Any]:
    """Stop the background server, and any of this project's servers still starting, and wait until
    their processes are gone."""
    # Only processes proven to be this project's server: a stale pid file may name anything by now.
    pids = sorted(p for p in _serve_processes(root) if alive(p))
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            for pid in pids:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
            deadline += STOP_TIMEOUT_S
        time.sleep(0.05)
    remove_pid(root)
    if not pids:
        return {"running": False, "stopped": False}
    return {"running": False, "stopped": True, "pid": pids[0] if len(pids) == 1 else pids}


def _serve_processes(root: str) -> list[int]:
    """Pids of `stopwarden serve` processes serving `root`, found by their command line (`--root`, see
    server/launch.py) or, for a server an earlier version started, their working folder (a server
    autostart launched a moment ago has no pid file yet). Off Linux, the pid file is all there is, and is
    trusted."""
    found: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        pid = _read_pid(root)
        return [pid] if pid else found
    real_root = os.path.realpath(root)
    for entry in entries:
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            if not any(a.endswith(b"stopwarden") for a in argv) or b"serve" not in argv:
                continue
            given = argv[argv.index(b"--root") + 1] if b"--root" in argv[:-1] else None
            where = os.fsdecode(given) if given is not None else f"/proc/{entry}/cwd"
            if os.path.realpath(where) == real_root:
                found.append(int(entry))
        except OSError:
            continue
    return found


def status(root: str) -> dict[str, Any]:
    """Is this checkout's server running? `clash` says when something else answers on its port."""
    config = config_module.load(root)
    pid = _read_pid(root)
    live = pid if pid is not None and alive(pid) else None
    health, clash = _health(root, config.port)
    if clash and health is None and live is not None and clash.endswith(_SILENT):
        # Our own server, stalled (stopped, swapping): not a program to move off the port from.
        clash = ""
    return {
        "running": health is not None,
        "pid": live,
        "port": config.port,
        "health": health,
        "clash": clash,
    }


_SILENT = " but does not answer"


def _health(root: str, port: int) -> tuple[dict[str, Any] | None, str]:
    """(the server's /health, or None; why what answers is not this checkout's server, or "").

    Asked with the token's signature (http.py): another clone's server on a shared port, or any
    other program, answers without the proof, and is named instead of being taken for ours.
    """
    if not port:
        return None, ""
    try:
        token = files.read_token(root)
    except OSError:
        token = ""
    try:
        code, body = http.request(port, "GET", "/health", token, timeout=1.0)
    except http.NotOurServer:
        return None, (
            f"port {port} is answered by something that is not this checkout's server "
            "(another clone's server, or another program)"
        )
    except TimeoutError:  # a listener that never answers: no session could start our server there
        return None, f"port {port} is held by a program that accepts connections{_SILENT}"
    except OSError:
        return None, ""
    # "degraded": running and answering, while its store is unreachable (it fails open meanwhile).
    ok = code == 200 and isinstance(body, dict) and body.get("status") in ("ok", "degraded")
    return (body if ok else None), ""


def _healthy(root: str, port: int) -> bool:
    return _health(root, port)[0] is not None


def _read_pid(root: str) -> int | None:
    return files.read_pid(root)


def remove_pid(root: str) -> None:
    try:
        if _read_pid(root) in (os.getpid(), None) or not alive(_read_pid(root) or 0):
            os.unlink(files.path(root, SERVER_PID))
    except OSError:
        pass


def alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is gone for our purposes
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return True


def _log_size(root: str) -> int:
    try:
        return os.lstat(files.path(root, SERVER_LOG)).st_size
    except OSError:
        return 0


def _reason(root: str, offset: int) -> str:
    """The last error the server logged since `offset`."""
    try:
        lines = safe.read(files.path(root, SERVER_LOG), 4 * LOG_BYTES)[offset:].decode("utf-8", "replace").splitlines()
    except OSError:
        return "no log"
    errors = [line for line in lines if " ERROR " in line or "Error" in line]
    return (errors or lines or ["no reason logged"])[-1].split(": ", 1)[-1]
