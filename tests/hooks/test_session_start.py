"""SessionStart: the session's start is recorded once, its id exported, and an owner reminded of its build."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.conftest import run_hook


def payload(root: Path, session_id: str, source: str = "startup") -> dict[str, Any]:
    return {"session_id": session_id, "cwd": str(root), "hook_event_name": "SessionStart", "source": source}


def test_records_the_start_and_exports_the_id(installed: Path, tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    env_file.write_text("export OTHER=1\n")
    done = run_hook(installed, payload(installed, "abc-123"), "SessionStart", {"CLAUDE_ENV_FILE": str(env_file)})
    assert (done.returncode, done.stdout) == (0, "")
    record = json.loads((installed / ".stopwarden" / "sessions" / "abc-123").read_text())
    assert record["session_id"] == "abc-123" and record["source"] == "startup"
    assert record["started_at"].endswith("Z")
    assert env_file.read_text() == "export OTHER=1\nexport STOPWARDEN_SESSION_ID=abc-123\n"


def test_first_start_wins(installed: Path) -> None:
    run_hook(installed, payload(installed, "s1"), "SessionStart")
    first = (installed / ".stopwarden" / "sessions" / "s1").read_text()
    run_hook(installed, payload(installed, "s1", "compact"), "SessionStart")
    assert (installed / ".stopwarden" / "sessions" / "s1").read_text() == first


def test_unsafe_session_ids_are_not_used_as_file_names(installed: Path, tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    for bad in ("../escape", ".hidden", "a/b", ""):
        done = run_hook(installed, payload(installed, bad), "SessionStart", {"CLAUDE_ENV_FILE": str(env_file)})
        assert (done.returncode, done.stdout) == (0, "")
    assert list((installed / ".stopwarden" / "sessions").iterdir()) == []
    assert not (installed / ".stopwarden" / "escape").exists()
    assert not env_file.exists()


def test_quotes_survive_the_env_file(installed: Path, tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    run_hook(installed, payload(installed, "it's"), "SessionStart", {"CLAUDE_ENV_FILE": str(env_file)})
    import subprocess

    out = subprocess.run(["sh", "-c", f'. {env_file}; printf %s "$STOPWARDEN_SESSION_ID"'], capture_output=True)
    assert out.stdout == b"it's"


def test_owner_is_reminded_of_its_build_after_compaction(installed: Path, cli: Any) -> None:
    assert cli("build", "start", "Port the parser", "--owner-session", "s1").code == 0
    done = run_hook(installed, payload(installed, "s1", "compact"), "SessionStart")
    context = json.loads(done.stdout)["hookSpecificOutput"]
    assert context["hookEventName"] == "SessionStart"
    assert 'you own the unfinished build "Port the parser"' in context["additionalContext"]
    assert run_hook(installed, payload(installed, "s2"), "SessionStart").stdout == ""


def test_the_server_records_the_start_and_tells_of_a_stuck_session(installed: Path) -> None:
    from tests.server.conftest import run_server

    for server in run_server(installed):
        server.store.mark_stuck("the-last-one", 1.0, installed.name)  # the project is named after its folder
        done = run_hook(installed, payload(installed, "s-new"), "SessionStart")
        context = json.loads(done.stdout)["hookSpecificOutput"]["additionalContext"]
        assert "previous session in this project was told to continue instead of stopping" in context
        recorded = json.loads((installed / ".stopwarden" / "sessions" / "s-new").read_text())["started_at"]
        assert server.store.session_start("s-new") is not None
        assert recorded.startswith("20")
        assert run_hook(installed, payload(installed, "s-newer"), "SessionStart").stdout == ""


def test_autostart_starts_the_server_without_waiting_for_it(installed: Path) -> None:
    import time

    from stopwarden.server import control
    from tests.conftest import set_autostart

    set_autostart(installed, True)
    try:
        began = time.monotonic()
        done = run_hook(installed, payload(installed, "s1"), "SessionStart")
        assert time.monotonic() - began < 2 and done.returncode == 0
        deadline = time.monotonic() + 20
        while not control.status(str(installed))["running"]:
            assert time.monotonic() < deadline, (installed / ".stopwarden" / "server.log").read_text()
            time.sleep(0.1)
        assert "server unreachable" in (installed / ".stopwarden" / "hook.log").read_text()
    finally:
        control.stop(str(installed))
    assert not control.status(str(installed))["running"]


def test_with_the_server_up_no_config_and_no_os(installed: Path) -> None:
    """The common path reads the port file, not the TOML config (issue 20), and stays off `os`."""
    from tests.hooks.test_hot_path import modules_after_hook
    from tests.server.conftest import run_server

    for server in run_server(installed):
        modules = modules_after_hook(installed, payload(installed, "s-common"), "session_start")
        assert server.store.session_start("s-common") is not None
    others = {m.split(".")[0] for m in modules} - set(sys.stdlib_module_names) - {"__main__", "stopwarden"}
    assert others == set(), f"non-stdlib imports on the SessionStart path: {others}"
    assert {"tomllib", "stopwarden.common.config", "os", "json", "re", "stopwarden.build.state"} & modules == set()


def test_an_install_without_a_port_file_finds_the_port_in_the_config(installed: Path) -> None:
    from tests.server.conftest import run_server

    for server in run_server(installed):
        (installed / ".stopwarden" / "port").unlink()
        config = installed / ".stopwarden" / "config.toml"
        config.write_text(config.read_text().replace("[server]\n", f"[server]\nport = {server.port}\n"))
        assert run_hook(installed, payload(installed, "s-old"), "SessionStart").returncode == 0
        assert server.store.session_start("s-old") is not None


def test_a_bad_config_matters_only_when_it_is_read(installed: Path) -> None:
    """With the server up the config is not read; with it down, a bad one is logged and nothing starts."""
    from tests.server.conftest import run_server

    config = installed / ".stopwarden" / "config.toml"
    for server in run_server(installed):
        config.write_text(config.read_text() + "\n[gate]\nmode = 'sometimes'\n")
        run_hook(installed, payload(installed, "s-up"), "SessionStart")
        assert server.store.session_start("s-up") is not None
    run_hook(installed, payload(installed, "s-down"), "SessionStart")
    assert "not telling the server: bad config" in (installed / ".stopwarden" / "hook.log").read_text()
