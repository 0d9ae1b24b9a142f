"""A repository that commits a `stopwarden/` package must never get it run: not by the SessionStart
hook's autostart, not by `stopwarden start` (issue 18, item 1)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from stopwarden.server import control
from tests.conftest import run_hook, set_autostart
from tests.server.test_process import CLI

PWNED = "pwned.txt"


@pytest.fixture
def hostile(installed: Path) -> Path:
    """A project that commits a package named like ours, whose import or `-m` run leaves a mark."""
    package = installed / "stopwarden"
    package.mkdir()
    mark = f"open({str(installed / PWNED)!r}, 'w').write('ran')\n"
    (package / "__init__.py").write_text(mark)
    (package / "__main__.py").write_text(mark)
    return installed


def _wait_running(root: Path) -> None:
    deadline = time.monotonic() + 20
    while not control.status(str(root))["running"]:
        assert time.monotonic() < deadline, (root / ".stopwarden" / "server.log").read_text()
        time.sleep(0.1)


def test_autostart_never_imports_the_repositorys_package(hostile: Path) -> None:
    set_autostart(hostile, True)
    payload = {"session_id": "s1", "cwd": str(hostile), "hook_event_name": "SessionStart", "source": "startup"}
    try:
        assert run_hook(hostile, payload, "SessionStart").returncode == 0
        _wait_running(hostile)
        assert not (hostile / PWNED).exists()
    finally:
        control.stop(str(hostile))


def test_start_never_imports_the_repositorys_package(hostile: Path) -> None:
    try:
        done = subprocess.run([CLI, "start", "--json"], cwd=hostile, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["started"] is True
        assert not (hostile / PWNED).exists()
        # and `stop` still finds it, launched from outside the project
        assert subprocess.run([CLI, "stop"], cwd=hostile, capture_output=True, timeout=60).returncode == 0
        assert not control.status(str(hostile))["running"]
    finally:
        control.stop(str(hostile))
