"""Two checkouts of one repository never share a server by accident (issue 18, item 5).

The port is this machine's (`.stopwarden/port`, never committed). An older install committed it in
config.toml, so two clones could still meet on one port: then `start`, `status` and `doctor` say so
plainly, and `doctor --fix` gives the second clone a port of its own.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import git, set_autostart
from tests.server.test_process import CLI


def sw(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], cwd=root, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def clones(installed: Path, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """The installed project, committed, and a second clone of it with `init` run there too."""
    git(installed, "add", "-A")
    git(installed, "commit", "-qm", "stopwarden")
    second = tmp_path / "second"
    git(tmp_path, "clone", "-q", str(installed), str(second))
    assert sw(second, "init", "--agent", "claude-code").returncode == 0
    set_autostart(second, False)
    try:
        yield installed, second
    finally:
        sw(installed, "stop")
        sw(second, "stop")


def _port(root: Path) -> int:
    return int((root / ".stopwarden" / "port").read_text())


def test_a_fresh_clone_gets_a_port_of_its_own(clones: tuple[Path, Path]) -> None:
    first, second = clones
    assert "\nport = " not in (first / ".stopwarden" / "config.toml").read_text()
    assert _port(first) != _port(second)
    assert sw(first, "start").returncode == 0
    started = sw(second, "start", "--json")
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout)["started"] is True


def test_a_shared_committed_port_is_named_with_its_fix(clones: tuple[Path, Path]) -> None:
    first, second = clones
    # As an older install left it: the port in the committed config, no port file of the clone's own.
    (second / ".stopwarden" / "port").unlink()
    config = second / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace("[server]\n", f"[server]\nport = {_port(first)}\n"))
    assert sw(first, "start").returncode == 0

    started = sw(second, "start")
    assert started.returncode == 1
    assert "not this checkout's server" in started.stderr and "doctor --fix" in started.stderr
    status = sw(second, "status")
    assert status.returncode == 1 and "not this checkout's server" in status.stdout
    doctor = sw(second, "doctor", "--json")
    server_check = next(c for c in json.loads(doctor.stdout)["checks"] if c["name"] == "server")
    assert (doctor.returncode, server_check["ok"], server_check["fix"]) == (1, False, "stopwarden doctor --fix")

    fixed = sw(second, "doctor", "--fix")
    assert fixed.returncode == 0 and ".stopwarden/port" in fixed.stdout, fixed.stdout + fixed.stderr
    assert _port(second) != _port(first)
    assert sw(second, "start").returncode == 0
    assert json.loads(sw(first, "status", "--json").stdout)["running"] is True  # the first clone's is untouched
