"""Running the server: in the foreground (`serve`), or in the background (`start`, `stop`, `status`).

The background server is this same `serve`, detached, writing `.stopwarden/server.log` (rotated at
1 MiB, 3 kept) and `.stopwarden/server.pid`. `start` returns once `/health` answers, or fails with the
reason the server logged (port in use, unreadable token, bad config). `stop` ends the process and waits
until it is gone.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import signal
import socket
import stat
import sys
import threading
import time
from typing import Any

from stopwarden.common import config as config_module
from stopwarden.common import http
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import DB_FILE, OUTBOX_FILE, SERVER_LOG, SERVER_PID, SERVER_STARTING, STATE_DIR, TOKEN_FILE
from stopwarden.server import launch
from stopwarden.state import files, safe

LOG_BYTES = 1 << 20
START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0
CLASH_FIX = "`stopwarden doctor --fix` gives this checkout a port of its own"
# How the server runs uvicorn (benchmarks/floor_server.py runs its floor the same way).
UVICORN: dict[str, Any] = {"host": "127.0.0.1", "loop": "uvloop", "http": "httptools", "log_config": None,
                           "access_log": False, "timeout_graceful_shutdown": 3}  # fmt: skip
HOT_PATH_REFRESH_S = 4.0  # well inside the hooks' 10 s window (router.HOT_PATH_TTL_S)
log = logging.getLogger("stopwarden.server")


def _path(root: str, name: str) -> str:
    """A file of the server's under `.stopwarden/`, every folder on the way checked (state/files.py)."""
    return files.path(root, name)


def read_token(root: str) -> str:
    try:
        token = files.read_token(root)
    except OSError as e:
        raise StopwardenError(
            f"unreadable token {os.path.join(root, STATE_DIR, TOKEN_FILE)}: {e.strerror or e}",
            hint="stopwarden doctor --fix",
        ) from None
    if not token:
        raise StopwardenError(f"the token file {_path(root, TOKEN_FILE)} is empty", hint="stopwarden doctor --fix")
    return token


def serve(root: str, foreground: bool = True) -> None:
    """Run the server until it is stopped. Every failure to start is logged with its reason, then raised."""
    _configure_logging(root, foreground)
    try:
        _serve(root)
    except Exception as e:
        log.error("cannot start: %s", getattr(e, "message", None) or e)
        raise


def _serve(root: str) -> None:
    import uvicorn

    from stopwarden.gate import settings
    from stopwarden.gate.service import Gate
    from stopwarden.server.app import create_app
    from stopwarden.store.outbox import Outbox, drain_while_running
    from stopwarden.store.store import Store, StoreUnavailable, postgresql_engine

    config = config_module.load(root)
    token = read_token(root)
    if not config.store_url:
        _own_file(root, DB_FILE)  # SQLite follows links: refuse one before it opens the file
    if not config.port:
        raise StopwardenError("no [server] port in the config", hint="stopwarden doctor --fix")
    try:
        store = Store.open(config.store_location)
    except StoreUnavailable as e:
        if not config.store_url:  # the project's own file: nothing to wait for
            raise
        # A machine that boots while the shared database is away still gets a server: it fails open,
        # keeps its events in the outbox, and migrates and drains once the database answers.
        log.warning("the database is unreachable (%s): serving degraded until it answers", e.message)
        store = Store(postgresql_engine(config.store_url))
        store.hold()  # nothing may use it before `_when_back` has brought it to this schema
    outbox = Outbox(_own_file(root, OUTBOX_FILE))
    gate = Gate(config, store, outbox=outbox)
    if config.authority.startswith("rules"):
        from stopwarden.gate import stopact_model

        stopact_model.probabilities("")  # the weights load now, not while the first stop waits
    app = create_app(config, store, gate, token)
    stop_watching = threading.Event()
    if store.reachable:
        current = _ready(store, config, gate)
    else:
        current = settings.from_hot_path(config)
        threading.Thread(
            target=_when_back, args=(store, config, gate, stop_watching), name="store-wait", daemon=True
        ).start()
    watcher = threading.Thread(
        target=store.watch_settings,
        args=(_on_settings_change(store, config, gate, current), stop_watching),
        kwargs={"listen_url": config.store_listen_url},
        name="settings-watch",
        daemon=True,
    )
    watcher.start()
    threading.Thread(
        target=_keep_hot_path_fresh, args=(config, gate, stop_watching), name="hot-path", daemon=True
    ).start()
    threading.Thread(
        target=drain_while_running, args=(outbox, store, stop_watching), name="outbox-drain", daemon=True
    ).start()
    server = uvicorn.Server(uvicorn.Config(app, port=config.port, **UVICORN))
    if config.idle_exit_minutes:
        threading.Thread(
            target=_exit_when_idle, args=(server, config.idle_exit_minutes * 60.0, stop_watching), name="idle-exit",
            daemon=True,
        ).start()  # fmt: skip
    try:
        # Bind before anything else claims to be the server: a second server racing this one (two
        # sessions autostarting at once) fails here, before it could overwrite the pid file.
        try:
            sock = _bind(config.port)
        finally:
            _unlink_quietly(_path(root, SERVER_STARTING))
        _write_pid(root)
        log.info("serving on 127.0.0.1:%d (mode %s)", config.port, current.mode)
        try:
            server.run(sockets=[sock])
        finally:
            _remove_pid(root)
    finally:
        stop_watching.set()
        gate.close()
        store.close()
    log.info("stopped")


def _own_file(root: str, name: str) -> str:
    """The path of a file a library (SQLite) opens for us; a link or another user's file is refused first."""
    path = _path(root, name)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
        raise StopwardenError(f"{path} is not a plain file of ours (a link?): not opened", hint="remove it")
    return path


def _ready(store: Any, config: Any, gate: Any) -> Any:
    """What a server does with its store once it answers: prune, and read (or first set) the settings."""
    from stopwarden.gate import settings

    # A shared store holds other projects' events too, with their own retention: prune only ours there.
    pruned = store.prune(time.time() - config.retention_days * 86400, config.events_project)
    if pruned:
        log.info("%d old events pruned", pruned)
    return settings.first_start(store, config, healthy=gate.authority is not None)


def _when_back(store: Any, config: Any, gate: Any, stop: threading.Event) -> None:
    """Until the database answers: try every 2 s to migrate it and read the settings; then release the
    store to every other caller (the outbox drains from then on)."""
    while not stop.wait(2.0):
        try:
            with store.unheld():
                store.migrate()
                _ready(store, config, gate)
        except Exception as e:
            log.info("still waiting for the database (%s)", getattr(e, "message", e))
            continue
        store.release()
        gate.forget_settings()
        log.info("the database answers again: serving normally")
        return


def _exit_when_idle(server: Any, idle_s: float, stop: threading.Event, now: Any = time.monotonic) -> None:
    """Stop the server once no request has come for `idle_s` ([server] idle_exit_minutes). Requests are
    counted by uvicorn itself (no per-request work of ours); the next session's SessionStart hook starts
    the server again when `autostart` is on."""
    seen, last = -1, now()
    while not stop.wait(min(60.0, max(idle_s / 4, 0.05))):
        count = server.server_state.total_requests
        if count != seen:
            seen, last = count, now()
        elif now() - last >= idle_s:
            log.info("no request for %g min: stopping (the next session starts it again)", idle_s / 60)
            server.should_exit = True
            return


def _keep_hot_path_fresh(config: Any, gate: Any, stop: threading.Event) -> None:
    """Rewrite the hooks' hot-path file every few seconds, inside their freshness window (hooks/router.py):
    while this server runs, a hook never has to ask it for the mode, and the file (which only the server
    writes) never goes stale. With the store away, the settings the hooks last saw are kept fresh: the
    server still answers them (failing open, keeping events in the outbox)."""
    from stopwarden.gate import settings

    while not stop.wait(HOT_PATH_REFRESH_S):
        try:
            try:
                current = gate.settings(time.time())
            except Exception:
                current = settings.from_hot_path(config)
            settings.write_hot_path(config, current)
        except Exception as e:
            log.warning("hot-path: cannot rewrite it (%s)", e)


def _on_settings_change(store: Any, config: Any, gate: Any, current: Any) -> Any:
    """What a server does when another one, sharing its PostgreSQL store, changed a setting (SPEC §13):
    read the settings in force here and, when they differ, rewrite the hook's hot-path file at once and
    drop the gate's cached copy. A failure to read is logged, and the gate's copy dropped all the same: it
    may be what was just announced, and the gate reads the settings afresh at its next use."""
    from stopwarden.gate import settings

    last = [current]

    def changed() -> None:
        try:
            now = settings.read(store, config.project)
        except Exception as e:
            gate.forget_settings()
            log.warning("settings: cannot read them (%s)", e)
            return
        if now != last[0]:
            last[0] = now
            gate.forget_settings()  # first: a hook refreshing the file meanwhile must not get the old ones
            settings.write_hot_path(config, now)
            log.info("settings changed: mode %s (%s), kill switch %s", now.mode, now.mode_scope,
                     f"on ({now.kill_switch_scope})" if now.kill_switch else "off")  # fmt: skip

    return changed


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(128)  # bound and listening: a second server binding the same port now fails
    except OSError as e:
        sock.close()
        raise StopwardenError(f"could not listen on 127.0.0.1:{port}: {e.strerror} (is the port in use?)") from None
    sock.set_inheritable(True)
    return sock


def _configure_logging(root: str, foreground: bool) -> None:
    handler = _NoFollowHandler(_path(root, SERVER_LOG), maxBytes=LOG_BYTES, backupCount=3)
    handlers: list[logging.Handler] = [handler]
    if foreground:
        handlers.append(logging.StreamHandler(sys.stderr))
    from stopwarden.store.redact import RedactingFilter

    for each in handlers:  # every logger's lines, uvicorn's and "cannot start: <a URL>" included
        each.addFilter(RedactingFilter())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        handlers=handlers, force=True)  # fmt: skip


class _NoFollowHandler(logging.handlers.RotatingFileHandler):
    """server.log, opened as every file of `.stopwarden/` is: never through a link (state/safe.py)."""

    def _open(self) -> Any:
        return os.fdopen(safe.open_append(self.baseFilename), "a", encoding="utf-8", errors="backslashreplace")


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
                f"the server did not start: {_reason(root, offset)}", hint=f"see {_path(root, SERVER_LOG)}"
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
    pids = sorted(p for p in _serve_processes(root) if _alive(p))
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while any(_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            for pid in pids:
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)
            deadline += STOP_TIMEOUT_S
        time.sleep(0.05)
    _remove_pid(root)
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
    health, clash = _health(root, config.port)
    return {
        "running": health is not None,
        "pid": pid if pid is not None and _alive(pid) else None,
        "port": config.port,
        "health": health,
        "clash": clash,
    }


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
    except OSError:
        return None, ""
    # "degraded": running and answering, while its store is unreachable (it fails open meanwhile).
    ok = code == 200 and isinstance(body, dict) and body.get("status") in ("ok", "degraded")
    return (body if ok else None), ""


def _healthy(root: str, port: int) -> bool:
    return _health(root, port)[0] is not None


def _write_pid(root: str) -> None:
    files.write_pid(root, os.getpid())


def _read_pid(root: str) -> int | None:
    return files.read_pid(root)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _remove_pid(root: str) -> None:
    try:
        if _read_pid(root) in (os.getpid(), None) or not _alive(_read_pid(root) or 0):
            os.unlink(_path(root, SERVER_PID))
    except OSError:
        pass


def _alive(pid: int) -> bool:
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
        return os.lstat(_path(root, SERVER_LOG)).st_size
    except OSError:
        return 0


def _reason(root: str, offset: int) -> str:
    """The last error the server logged since `offset`."""
    try:
        lines = safe.read(_path(root, SERVER_LOG), 4 * LOG_BYTES)[offset:].decode("utf-8", "replace").splitlines()
    except OSError:
        return "no log"
    errors = [line for line in lines if " ERROR " in line or "Error" in line]
    return (errors or lines or ["no reason logged"])[-1].split(": ", 1)[-1]
