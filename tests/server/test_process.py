"""The server as a process, through the real CLI: start, status, stop, and failing to start for a reason."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_hook, set_autostart

CLI = str(Path(sys.executable).parent / "stopwarden")


def sw(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], cwd=root, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def project_with_cleanup(installed: Path) -> Iterator[Path]:
    yield installed
    sw(installed, "stop")


def test_start_status_stop(project_with_cleanup: Path) -> None:
    root = project_with_cleanup
    started = sw(root, "start", "--json")
    assert started.returncode == 0, started.stderr
    data = json.loads(started.stdout)
    assert data["started"] is True and data["health"]["mode"] == "shadow"
    pid = data["pid"]
    assert (root / ".stopwarden" / "server.pid").read_text().strip() == str(pid)
    assert "already running" in sw(root, "start").stdout
    status = sw(root, "status")
    assert status.returncode == 0 and "running on 127.0.0.1" in status.stdout
    assert json.loads((root / ".stopwarden" / "hot-path.json").read_text())["mode"] == "shadow"
    stopped = sw(root, "stop")
    assert stopped.returncode == 0 and f"pid {pid}" in stopped.stdout
    assert _gone(pid), "the server process is left behind"
    assert not (root / ".stopwarden" / "server.pid").exists()
    assert sw(root, "status").returncode == 1
    assert "not running" in sw(root, "stop").stdout


def _gone(pid: int) -> bool:
    """No such process, or only a zombie waiting for init to reap it (its parent `start` has exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_port_in_use(project_with_cleanup: Path) -> None:
    root = project_with_cleanup
    port = int((root / ".stopwarden" / "port").read_text())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = sw(root, "start")
    assert result.returncode == 1
    # A listener that never answers is named before any start is tried, with the move that frees the port.
    assert "accepts connections but does not answer" in result.stderr and "doctor --fix" in result.stderr
    with socket.socket() as bound:  # bound, not listening: nothing answers, and the start fails on the bind
        bound.bind(("127.0.0.1", port))
        result = sw(root, "start")
    assert result.returncode == 1
    assert "the server did not start" in result.stderr and "address already in use" in result.stderr.lower()


def test_unreadable_token(project_with_cleanup: Path) -> None:
    (project_with_cleanup / ".stopwarden" / "token").unlink()
    result = sw(project_with_cleanup, "start")
    assert result.returncode == 1 and "unreadable token" in result.stderr


def test_bad_config(project_with_cleanup: Path) -> None:
    config = project_with_cleanup / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace('mode = "shadow"', 'mode = "loud"'))
    result = sw(project_with_cleanup, "start")
    assert result.returncode == 1 and "[gate] mode must be one of" in result.stderr


def test_the_log_rotates(project_with_cleanup: Path) -> None:
    log = project_with_cleanup / ".stopwarden" / "server.log"
    log.write_bytes(b"old line\n" * 120_000)  # over 1 MiB
    assert sw(project_with_cleanup, "start").returncode == 0
    sw(project_with_cleanup, "stop")
    assert (project_with_cleanup / ".stopwarden" / "server.log.1").exists()
    assert log.stat().st_size < 1 << 20


def test_stop_never_kills_a_stranger_named_by_a_stale_pid_file(project_with_cleanup: Path) -> None:
    stranger = subprocess.Popen(["sleep", "60"])
    try:
        (project_with_cleanup / ".stopwarden" / "server.pid").write_text(f"{stranger.pid}\n")
        assert "not running" in sw(project_with_cleanup, "stop").stdout
        assert stranger.poll() is None, "stop killed a process that is not our server"
    finally:
        stranger.kill()
        stranger.wait()


def test_open_gives_the_browser_a_private_page_never_the_link(project_with_cleanup: Path, tmp_path: Path) -> None:
    """`stopwarden open` starts the server and hands the browser ($BROWSER here) the path of a 0600 page that
    forwards to the one-time link: a process's arguments are readable by every local user, the file is not."""
    root = project_with_cleanup
    seen = tmp_path / "browser-args"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$*" > {seen}\n')
    browser.chmod(0o755)
    env = {**os.environ, "BROWSER": f"{browser} %s"}
    opened = subprocess.run([CLI, "open", "--json"], cwd=root, capture_output=True, text=True, timeout=60, env=env)
    assert opened.returncode == 0, opened.stderr
    data = json.loads(opened.stdout)
    assert data["browser"] is True and "#signin=" in data["url"]
    page = root / ".stopwarden" / "open.html"
    assert seen.read_text() == f"file://{page}"  # the path, not the code
    assert page.stat().st_mode & 0o777 == 0o600
    assert data["url"].replace("&", "&amp;") in page.read_text()


def test_an_idle_server_exits_and_the_next_session_starts_it_again(project_with_cleanup: Path) -> None:
    """[server] idle_exit_minutes: no request for that long stops the server (issue 21: not resident for ever)."""
    import time

    root = project_with_cleanup
    config = root / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace("[server]\n", "[server]\nidle_exit_minutes = 0.05\n", 1))
    set_autostart(root, True)
    started = sw(root, "start", "--json")
    assert started.returncode == 0, started.stderr
    pid = json.loads(started.stdout)["pid"]
    for _ in range(4):  # requests keep it up past its idle time
        time.sleep(1.0)
        assert sw(root, "status").returncode == 0
    deadline = time.monotonic() + 20
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _gone(pid), "the idle server is still running"
    assert not (root / ".stopwarden" / "server.pid").exists()
    assert "no request for 0.05 min: stopping" in (root / ".stopwarden" / "server.log").read_text()
    payload = {"session_id": "s2", "cwd": str(root), "hook_event_name": "SessionStart", "source": "startup"}
    hook = run_hook(root, payload, "SessionStart")
    assert hook.returncode == 0, hook.stderr
    deadline = time.monotonic() + 20
    while sw(root, "status").returncode != 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sw(root, "status").returncode == 0, "SessionStart did not start the server again"


def test_what_start_up_built_is_frozen_before_the_first_request(
    installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full collection walking the model and the lexicon cost 3-9 ms in the middle of a judgement; the server
    # freezes them once, before it serves (in this process, with the serving loop itself stood in for).
    import gc

    import uvicorn

    from stopwarden.server import process

    frozen: list[int] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: frozen.append(gc.get_freeze_count()))
    monkeypatch.setattr(process, "_configure_logging", lambda root, foreground: None)
    try:
        process._serve(str(installed))
    finally:
        gc.unfreeze()
    assert frozen and frozen[0] > 10_000
