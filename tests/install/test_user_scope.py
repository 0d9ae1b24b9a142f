"""The user scope is shared: one project's `uninstall` never removes what other projects rely on (issue 21)."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from stopwarden.install import user_scope
from tests.conftest import git


@pytest.fixture
def homes(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CODEX_HOME", str(isolated_env / ".codex"))
    monkeypatch.setenv("GEMINI_CLI_HOME", str(isolated_env))
    return isolated_env


def _project(base: Path, name: str) -> Path:
    root = base / name
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "commit", "-q", "--allow-empty", "-m", "initial")
    return root


def _init(cli: Any, root: Path, monkeypatch: pytest.MonkeyPatch, *agents: str) -> None:
    monkeypatch.chdir(root)
    for agent in agents:
        result = cli("init", "--agent", agent)
        assert result.code == 0, result.err


def _ours_in(path: Path) -> bool:
    return path.exists() and " stop " in path.read_text()


def test_uninstall_in_one_project_keeps_the_user_scope_others_rely_on(
    tmp_path: Path, homes: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = (_project(tmp_path, name) for name in "abc")
    for root in (a, b, c):
        _init(cli, root, monkeypatch, "codex", "gemini")
    codex_hooks, gemini_settings = homes / ".codex" / "hooks.json", homes / ".gemini" / "settings.json"
    codex_skill = homes / ".codex" / "skills" / "build" / "SKILL.md"

    monkeypatch.chdir(c)
    result = cli("uninstall", "--json")
    assert result.code == 0, result.err
    said = " ".join(result.json()["done"])
    assert "kept our codex hooks" in said and "kept our gemini hooks" in said and str(a) in said
    assert _ours_in(codex_hooks) and _ours_in(gemini_settings) and codex_skill.exists()

    monkeypatch.chdir(a)
    doctor = cli("doctor", "--json")
    assert doctor.code == 0, [c for c in doctor.json()["checks"] if not c["ok"]]

    monkeypatch.chdir(b)
    assert cli("uninstall").code == 0  # a still relies on it
    assert _ours_in(codex_hooks) and codex_skill.exists()
    monkeypatch.chdir(a)
    result = cli("uninstall")  # the last one: nothing else relies on the user scope
    assert result.code == 0
    assert not _ours_in(codex_hooks) and not _ours_in(gemini_settings) and not codex_skill.exists()


def test_scope_user_removes_the_shared_install_even_when_others_rely_on_it(
    tmp_path: Path, homes: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _project(tmp_path, "a"), _project(tmp_path, "b")
    for root in (a, b):
        _init(cli, root, monkeypatch, "codex")
    monkeypatch.chdir(b)
    assert cli("uninstall", "--scope", "user").code == 0
    assert not _ours_in(homes / ".codex" / "hooks.json")
    monkeypatch.chdir(a)
    doctor = cli("doctor")
    assert doctor.code == 1 and "not registered in any scope" in doctor.out
    fixed = cli("doctor", "--fix")
    assert fixed.code == 0, fixed.out  # --fix puts back what it names
    assert _ours_in(homes / ".codex" / "hooks.json")


def test_a_deleted_or_uninstalled_project_no_longer_holds_the_user_scope(
    tmp_path: Path, homes: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _project(tmp_path, "a"), _project(tmp_path, "b")
    for root in (a, b):
        _init(cli, root, monkeypatch, "gemini")
    shutil.rmtree(a)  # deleted without uninstall: its record is gone with it
    monkeypatch.chdir(b)
    assert cli("uninstall").code == 0
    assert not _ours_in(homes / ".gemini" / "settings.json")
    data = json.loads(Path(user_scope.path(os.environ)).read_text())
    assert data == {"projects": {}}


def test_project_scope_installs_never_hold_the_user_scope(
    tmp_path: Path, homes: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _project(tmp_path, "a"), _project(tmp_path, "b")
    monkeypatch.chdir(a)
    assert cli("init", "--agent", "codex", "--scope", "project").code == 0
    _init(cli, b, monkeypatch, "codex")
    assert cli("uninstall").code == 0  # in b, the only user-scope project
    assert not _ours_in(homes / ".codex" / "hooks.json")
    assert _ours_in(a / ".codex" / "hooks.json")  # a's own project scope is a's


def test_an_install_older_than_the_list_joins_it_through_doctor(
    tmp_path: Path, homes: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _project(tmp_path, "a"), _project(tmp_path, "b")
    for root in (a, b):
        _init(cli, root, monkeypatch, "codex")
    Path(user_scope.path(os.environ)).unlink()  # as before the list existed
    monkeypatch.chdir(a)
    cli("doctor")
    monkeypatch.chdir(b)
    assert cli("uninstall").code == 0
    assert _ours_in(homes / ".codex" / "hooks.json")


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b'{"projects": {"codex": "x"}}', b"\xff" * 10])
def test_a_broken_list_counts_as_nobody_relying(homes: Path, content: bytes) -> None:
    target = Path(user_scope.path(os.environ))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    assert user_scope.others("/x", "codex", os.environ, lambda _p, _a: True) == []
    user_scope.record("/x", "codex", os.environ)  # and it is rewritten whole
    assert json.loads(target.read_text()) == {"projects": {"codex": ["/x"]}}


def _record_many(args: tuple[str, int]) -> None:
    state, n = args
    env = {"XDG_STATE_HOME": state}
    for i in range(n):
        user_scope.record(f"/p/{os.getpid()}/{i}", "codex", env)


def test_many_processes_recording_at_once_lose_no_project(tmp_path: Path) -> None:
    with multiprocessing.get_context("fork").Pool(6) as pool:
        pool.map(_record_many, [(str(tmp_path), 15)] * 6)
    projects = json.loads((tmp_path / "stopwarden" / "user-scope.json").read_text())["projects"]["codex"]
    assert len(projects) == 90 and len(set(projects)) == 90


def test_the_users_own_status_line_comes_back_from_whichever_project_uninstalls(
    tmp_path: Path, homes: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Project a replaced the user's own status line in the user scope (`--force-statusline`); project b, which
    also relies on that scope, is the one that removes it (`uninstall --scope user`): the user's line goes back,
    where it was lost before (an operator review). The copy is the machine's, not either project's."""
    settings = homes / ".claude" / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('{"statusLine": {"type": "command", "command": "echo my-line"}}\n')
    a, b = _project(tmp_path, "a"), _project(tmp_path, "b")
    monkeypatch.chdir(a)
    assert cli("init", "--agent", "claude-code", "--scope", "user", "--force-statusline").code == 0
    assert "echo my-line" not in settings.read_text()
    monkeypatch.chdir(b)
    assert cli("init", "--agent", "claude-code", "--scope", "user", "--statusline").code == 0
    assert cli("uninstall", "--scope", "user").code == 0
    assert json.loads(settings.read_text())["statusLine"] == {"type": "command", "command": "echo my-line"}
    monkeypatch.chdir(a)
    assert cli("uninstall", "--scope", "user").code == 0  # nothing of ours left: the user's line stays
    assert json.loads(settings.read_text())["statusLine"] == {"type": "command", "command": "echo my-line"}


def test_copilots_hooks_file_goes_whichever_project_empties_it(
    tmp_path: Path, homes: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copilot's hooks/stopwarden.json is named after us: once nothing of ours is left in it, it goes, though
    another project created it (an operator review found `{}` left behind)."""
    monkeypatch.setenv("COPILOT_HOME", str(homes / ".copilot"))
    a, b = _project(tmp_path, "a"), _project(tmp_path, "b")
    for root in (a, b):
        _init(cli, root, monkeypatch, "copilot")
    hooks = homes / ".copilot" / "hooks" / "stopwarden.json"
    assert hooks.exists()
    monkeypatch.chdir(b)
    assert cli("uninstall", "--scope", "user").code == 0
    assert not hooks.exists()
