"""Proves what the client helpers share (``clients.py``, ``process.py``), for each client: the
binary is found from ``STOPWARDEN_<NAME>_BIN`` or the CI install, never from PATH, and a run that
overruns is killed with its whole process group.  No real client needed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from . import codex_client, gemini_client
from .claude_client import run_claude
from .clients import ClientRun
from .codex_client import run_codex
from .fake_anthropic import FakeAnthropic
from .gemini_client import run_gemini
from .process import wait_gone, write_hanging_client


@pytest.mark.parametrize(
    ("name", "module", "find", "bin_env", "at_import"),
    [
        ("codex", codex_client, codex_client.find_codex, codex_client.CODEX_BIN_ENV, "_CODEX_BIN_AT_IMPORT"),
        ("gemini", gemini_client, gemini_client.find_gemini, gemini_client.GEMINI_BIN_ENV, "_GEMINI_BIN_AT_IMPORT"),
    ],
)
def test_find_prefers_env_then_ci_install_never_path(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    module: ModuleType,
    find: Callable[[Path], Path | None],
    bin_env: str,
    at_import: str,
) -> None:
    on_path = tmp_path / "bin" / name
    ci = tmp_path / "repo" / ".ci" / "node" / "node_modules" / ".bin" / name
    for path in (on_path, ci):
        path.parent.mkdir(parents=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{on_path.parent}:{os.environ.get('PATH', '')}")
    monkeypatch.setattr(module, at_import, None)
    assert find(tmp_path) is None
    assert find(tmp_path / "repo") == ci
    monkeypatch.setattr(module, at_import, f"/from/import/{name}")
    assert find(tmp_path / "repo") == Path(f"/from/import/{name}")
    monkeypatch.setenv(bin_env, f"/from/env/{name}")
    assert find(tmp_path / "repo") == Path(f"/from/env/{name}")


def _run_claude(client_bin: Path, tmp_path: Path) -> ClientRun:
    with FakeAnthropic() as server:  # never contacted: the stand-in only hangs
        return run_claude(client_bin, tmp_path, tmp_path / "home", server.base_url, "hi", timeout=1.0)


def _run_codex(client_bin: Path, tmp_path: Path) -> ClientRun:
    return run_codex(client_bin, tmp_path, tmp_path / "home", "hi", timeout=1.0)


def _run_gemini(client_bin: Path, tmp_path: Path) -> ClientRun:
    return run_gemini(client_bin, tmp_path, tmp_path / "home", "http://127.0.0.1:1", "hi", timeout=1.0)


@pytest.mark.parametrize(
    ("name", "run_client"), [("claude", _run_claude), ("codex", _run_codex), ("gemini", _run_gemini)]
)
def test_run_kills_process_group_on_timeout(
    tmp_path: Path, name: str, run_client: Callable[[Path, Path], ClientRun]
) -> None:
    """A stand-in client that hangs with a child process: the child dies with it."""
    child_pid = write_hanging_client(tmp_path / name)
    run = run_client(tmp_path / name, tmp_path)
    assert run.timed_out and run.returncode != 0 and not run.ok
    assert run.elapsed < 30
    assert wait_gone(int(child_pid.read_text())), "grandchild survived the process-group kill"
