"""Running the server (`serve`): the store, the gate, the app under uvicorn, and the threads beside them
(the hot-path file kept fresh, settings announced by other servers, the idle exit).

In the background it is this same `serve`, detached (server/launch.py), writing `.stopwarden/server.log`
(rotated at 1 MiB, 3 kept) and `.stopwarden/server.pid`; control.py starts, stops and asks after it.
"""

from __future__ import annotations

import gc
import logging
import logging.handlers
import os
import socket
import stat
import sys
import threading
import time
from typing import Any

from stopwarden.common import config as config_module
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import DB_FILE, OUTBOX_FILE, SERVER_LOG, SERVER_STARTING
from stopwarden.server import control
from stopwarden.state import files, safe

# How the server runs uvicorn (benchmarks/floor_server.py runs its floor the same way).
UVICORN: dict[str, Any] = {"host": "127.0.0.1", "loop": "uvloop", "http": "httptools", "log_config": None,
                           "access_log": False, "timeout_graceful_shutdown": 3}  # fmt: skip
HOT_PATH_REFRESH_S = 4.0  # well inside the hooks' 10 s window (router.HOT_PATH_TTL_S)
log = logging.getLogger("stopwarden.server")


def _path(root: str, name: str) -> str:
    """A file of the server's under `.stopwarden/`, every folder on the way checked (state/files.py)."""
    return files.path(root, name)


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
    from stopwarden.gate.status import store_unapproved
    from stopwarden.server.app import create_app
    from stopwarden.store.outbox import Outbox, drain_while_running
    from stopwarden.store.store import Store, StoreUnavailable, postgresql_engine

    config = config_module.load(root)
    token = control.read_token(root)
    for unapproved in store_unapproved(config):
        log.warning("%s", unapproved)
    if not config.store_url:
        for name in files.set_aside_committed_store(root):
            log.warning("%s was committed to the repository: moved aside, a new store is made", name)
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
    store.checkpoint_in_background(stop_watching)
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
        if current.own_mode_held_back:
            log.warning("%s", settings.mode_source(store, config)["note"])
        # What start-up built (modules, the model, the concept lexicon) lives as long as the server: frozen,
        # no full collection walks it again (one took 3-9 ms in the middle of a stop's judgement: round 13).
        gc.freeze()
        try:
            server.run(sockets=[sock])
        finally:
            control.remove_pid(root)
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

    # A shared store holds other projects' events too, with their own retention: prune only ours there, and
    # only once our name is ours (a repository naming itself after another project would prune its log).
    if config.project_claimed:
        log.warning("project %s's old events not pruned: its name is the repository's claim here", config.project)
    else:
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
            now = settings.read(store, config)
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
    handler = _NoFollowHandler(_path(root, SERVER_LOG), maxBytes=control.LOG_BYTES, backupCount=3)
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


def _write_pid(root: str) -> None:
    files.write_pid(root, os.getpid())


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
