"""doctor: checks the install, runs each registered hook command for real, and names the fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def test_healthy_install(installed: Path, cli: Any) -> None:
    result = cli("doctor")
    assert result.code == 0, result.out
    assert "FAIL" not in result.out
    assert "ok   Stop hook: answers correctly" in result.out
    assert "ok   SessionStart hook: answers correctly" in result.out
    checks = cli("doctor", "--json").json()["checks"]
    assert {c["name"] for c in checks} >= {"state folder", "config", "token", "Stop hook", "/build skill"}


def test_not_installed(project: Path, cli: Any) -> None:
    result = cli("doctor")
    assert result.code == 1
    assert "FAIL state folder" in result.out and "fix: stopwarden init --agent claude-code" in result.out


def test_broken_command_is_caught_and_fixed(installed: Path, cli: Any) -> None:
    path = installed / ".claude" / "settings.local.json"
    data = json.loads(path.read_text())
    for event in ("Stop", "SessionStart"):
        handler = data["hooks"][event][0]["hooks"][0]
        handler["command"] = handler["command"].replace(".venv", "moved-venv").replace("/bin/python", "/bin/gone")
    path.write_text(json.dumps(data))
    result = cli("doctor")
    assert result.code == 1
    assert "FAIL Stop hook: exited 127" in result.out
    assert "fix: stopwarden doctor --fix" in result.out
    fixed = cli("doctor", "--fix")
    assert fixed.code == 0, fixed.out
    assert "gone" not in path.read_text()


def test_missing_hook_and_bad_token(installed: Path, cli: Any) -> None:
    path = installed / ".claude" / "settings.local.json"
    data = json.loads(path.read_text())
    del data["hooks"]["SessionStart"]
    path.write_text(json.dumps(data))
    token = installed / ".stopwarden" / "token"
    token.chmod(0o644)
    result = cli("doctor")
    assert "FAIL SessionStart hook: not registered in any scope" in result.out
    assert "FAIL token:" in result.out and "not 600" in result.out and f"chmod 600 {token}" in result.out


def test_invalid_settings_is_reported_with_its_position(installed: Path, cli: Any) -> None:
    path = installed / ".claude" / "settings.local.json"
    path.write_text("{oops")
    result = cli("doctor")
    assert result.code == 1
    assert "line 1 column 2" in result.out
    assert path.read_text() == "{oops"
