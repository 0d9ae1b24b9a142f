"""init and uninstall against the user's own settings, modelled on pre-commit's install tests."""

from __future__ import annotations

import http.server
import io
import json
import os
import socket
import stat
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from stopwarden.install import hook_command
from tests.conftest import git
from tests.conftest import hook_command as registered_command
from tests.e2e.process import wait_gone
from tests.install.test_doctor import unwrapped

USER_SETTINGS: dict[str, Any] = {
    "permissions": {"allow": ["Bash(npm test)"]},
    "hooks": {
        "Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "my-own-stop-hook", "timeout": 5}]}],
        "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "lint-bash"}]}],
    },
    "model": "opus",
}


def settings(root: Path, name: str = "settings.local.json") -> Any:
    return json.loads((root / ".claude" / name).read_text())


def ours(data: Any) -> list[str]:
    return [
        h["command"]
        for groups in data.get("hooks", {}).values()
        for g in groups
        for h in g["hooks"]
        if hook_command.is_ours(h["command"])
    ]


def test_init_creates_the_state_folder(installed: Path) -> None:
    state = installed / ".stopwarden"
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    token = state / "token"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert len(token.read_text().strip()) == 64
    config = (state / "config.toml").read_text()
    assert "port = " not in config  # the port is this machine's
    assert "agents" not in config  # which agents are installed is the machine's record, not a claim committed
    port = state / "port"
    assert stat.S_IMODE(port.stat().st_mode) == 0o600 and 0 < int(port.read_text()) < 65536
    for folder in ("builds", "sessions", "plans"):
        assert (state / folder).is_dir()
    # git sees only the shared files
    git(installed, "add", "-A")
    tracked = git(installed, "diff", "--cached", "--name-only").split()
    assert ".stopwarden/config.toml" in tracked and ".stopwarden/.gitignore" in tracked
    assert not any("token" in t or "settings.local.json" in t for t in tracked)
    assert ".claude/skills/build/SKILL.md" in tracked


def test_init_registers_both_hooks_in_the_launch_form(installed: Path) -> None:
    data = settings(installed)
    stop = data["hooks"]["Stop"][0]["hooks"][0]
    start = data["hooks"]["SessionStart"][0]["hooks"][0]
    assert (stop["type"], stop["timeout"], start["timeout"]) == ("command", 30, 15)
    python = hook_command.interpreter()
    assert stop["command"] == f'"{python}" -I -S "{hook_command.hook_script()}" stop'
    assert start["command"].endswith(" session_start")
    assert os.path.isabs(python) and os.path.isabs(hook_command.hook_script())


def test_init_twice_changes_nothing(installed: Path, cli: Any) -> None:
    before = {p: p.read_bytes() for p in (installed / ".claude").rglob("*") if p.is_file()}
    config = (installed / ".stopwarden" / "config.toml").read_bytes()
    result = cli("init")
    assert result.code == 0 and "hooks already registered" in result.out
    assert {p: p.read_bytes() for p in (installed / ".claude").rglob("*") if p.is_file()} == before
    assert (installed / ".stopwarden" / "config.toml").read_bytes() == config
    assert git(installed, "rev-parse", "--git-path", "info/exclude")
    exclude = (installed / ".git" / "info" / "exclude").read_text()
    assert exclude.count("/.claude/settings.local.json") == 1


def test_init_beside_the_users_hooks_keeps_them_exactly(project: Path, cli: Any) -> None:
    path = project / ".claude" / "settings.local.json"
    path.parent.mkdir()
    path.write_text(json.dumps(USER_SETTINGS, indent=4) + "\n")
    result = cli("init")
    assert result.code == 0
    assert "backed up your previous settings.local.json" in result.out
    data = settings(project)
    assert list(data) == ["permissions", "hooks", "model"]  # key order kept
    assert data["permissions"] == USER_SETTINGS["permissions"] and data["model"] == "opus"
    assert data["hooks"]["Stop"][0] == USER_SETTINGS["hooks"]["Stop"][0]
    assert data["hooks"]["PreToolUse"] == USER_SETTINGS["hooks"]["PreToolUse"]
    assert len(ours(data)) == 2
    assert path.read_text().startswith('{\n    "permissions"')  # indentation kept
    backup = project / ".stopwarden" / "backups" / "claude-code-local.settings.local.json"
    assert json.loads(backup.read_text()) == USER_SETTINGS


def test_init_over_an_older_install_replaces_it(project: Path, cli: Any) -> None:
    old = '"/old/venv/bin/python" -I -S "/old/venv/lib/python3.11/site-packages/stopwarden/hooks/run.py" stop'
    data = json.loads(json.dumps(USER_SETTINGS))
    data["hooks"]["Stop"][0]["hooks"].append({"type": "command", "command": old, "timeout": 99})
    data["hooks"]["Stop"].append({"matcher": "", "hooks": [{"type": "command", "command": old + " "}]})
    path = project / ".claude" / "settings.local.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data, indent=2))
    assert cli("init").code == 0
    after = settings(project)
    stop = after["hooks"]["Stop"]
    assert len(stop) == 1, "the duplicate old group is gone"
    assert stop[0]["hooks"][0]["command"] == "my-own-stop-hook"
    assert stop[0]["hooks"][1]["command"] == registered_command(project)  # replaced where it stood
    assert "/old/venv" not in json.dumps(after)


def test_init_refuses_an_invalid_settings_file(project: Path, cli: Any) -> None:
    path = project / ".claude" / "settings.local.json"
    path.parent.mkdir()
    path.write_text('{"hooks": {\n  "Stop": [,]\n}}')
    result = cli("init")
    assert result.code == 1
    assert "is not valid JSON (Expecting value at line 2 column 12); the file was left untouched" in result.err
    assert path.read_text() == '{"hooks": {\n  "Stop": [,]\n}}'
    assert not (project / ".stopwarden").exists()


@pytest.mark.parametrize(
    ("content", "said"),
    [('["a list"]', "holds an array"), ('{"hooks": []}', "is an array, not an object"),
     ('{"hooks": "x"}', "is a string, not an object"), ('{"hooks": {"Stop": {}}}', "is an object, not an array")],
)  # fmt: skip
def test_init_refuses_settings_of_the_wrong_shape(project: Path, cli: Any, content: str, said: str) -> None:
    path = project / ".claude" / "settings.local.json"
    path.parent.mkdir()
    path.write_text(content)
    result = cli("init")
    assert result.code == 1 and "left untouched" in result.err and said in result.err  # JSON's words, not Python's
    assert "str" not in result.err.split() and path.read_text() == content


def test_scope_project(project: Path, cli: Any) -> None:
    result = cli("init", "--scope", "project")
    assert result.code == 0 and "absolute paths of this machine" in result.out
    assert len(ours(settings(project, "settings.json"))) == 2
    assert not (project / ".claude" / "settings.local.json").exists()


def test_scope_user(project: Path, cli: Any, isolated_env: Path) -> None:
    assert cli("init", "--scope", "user").code == 0
    user = json.loads((isolated_env / ".claude" / "settings.json").read_text())
    assert len(ours(user)) == 2
    assert not (project / ".claude" / "settings.local.json").exists()


def test_uninstall_from_every_scope_leaves_the_users_entries(project: Path, cli: Any, isolated_env: Path) -> None:
    local = project / ".claude" / "settings.local.json"
    local.parent.mkdir()
    local.write_text(json.dumps(USER_SETTINGS, indent=2) + "\n")
    for scope in ("local", "project", "user"):
        assert cli("init", "--scope", scope).code == 0
    result = cli("uninstall")
    assert result.code == 0
    assert json.loads(local.read_text()) == USER_SETTINGS
    assert not (project / ".claude" / "settings.json").exists()  # stopwarden created it: gone
    assert not (isolated_env / ".claude" / "settings.json").exists()
    assert not (project / ".claude" / "skills").exists()
    assert (project / ".stopwarden").exists()
    assert cli("uninstall").out.strip() == "nothing of stopwarden's was installed here"


def test_uninstall_keeps_a_file_that_was_the_users(project: Path, cli: Any) -> None:
    path = project / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text("{}\n")
    cli("init", "--scope", "project")
    cli("uninstall")
    assert json.loads(path.read_text()) == {}


def test_uninstall_purge(installed: Path, cli: Any) -> None:
    result = cli("uninstall", "--purge")
    assert result.code == 0
    assert not (installed / ".stopwarden").exists()
    assert not (installed / ".claude").exists()


def test_purge_leaves_what_the_repository_commits_and_the_plans(installed: Path, cli: Any) -> None:
    """The team's committed config.toml and .gitignore are the repository's, and plans/ may hold a plan not
    committed yet: --purge deletes the rest of .stopwarden/ (an operator review found both deleted from the
    working tree)."""
    state = installed / ".stopwarden"
    git(installed, "add", ".stopwarden")
    git(installed, "commit", "-qm", "stopwarden config")
    (state / "plans" / "billing.md").write_text("- [ ] step 1\n")  # not committed yet
    result = cli("uninstall", "--purge", "--yes")
    assert result.code == 0, result.err
    assert sorted(p.name for p in state.iterdir()) == [".gitignore", "config.toml", "plans", "uninstalled"]
    assert (state / "plans" / "billing.md").exists()
    assert git(installed, "status", "--porcelain").strip() == "?? .stopwarden/plans/"  # tracked files as committed
    assert "all but .gitignore, config.toml, plans (the team's config and the plans)" in unwrapped(result.out)


def test_purge_deletes_nothing_through_a_linked_state_folder(project: Path, cli: Any, tmp_path: Path) -> None:
    """A repository's `.stopwarden` link to a folder with plans: purge deletes nothing of its target (a cold
    review: keeping plans/ had made it delete the rest of the target's contents)."""
    outside = tmp_path / "outside"
    (outside / "plans").mkdir(parents=True)
    (outside / "plans" / "p.md").write_text("plan\n")
    (outside / "precious.txt").write_text("keep me\n")
    (project / ".stopwarden").symlink_to(outside)
    result = cli("uninstall", "--purge", "--yes")
    assert result.code == 1 and "is a link" in result.err
    assert sorted(p.name for p in outside.iterdir()) == ["plans", "precious.txt"]


def test_purge_deletes_this_machines_token_and_log_though_the_repository_tracked_those_names(
    project: Path, cli: Any
) -> None:
    """init replaced a tracked token and set a tracked store aside: the files at those names are this
    machine's, and --purge deletes them (a cold review: it kept them as the repository's)."""
    state = project / ".stopwarden"
    state.mkdir()
    (state / "token").write_text("committed\n")
    (state / "stopwarden.db").write_bytes(b"committed")
    git(project, "add", "-f", ".stopwarden")
    git(project, "commit", "-qm", "state")
    assert cli("init", "--agent", "claude-code").code == 0
    git(project, "add", ".stopwarden/config.toml", ".stopwarden/.gitignore")
    git(project, "commit", "-qm", "config")
    result = cli("uninstall", "--purge", "--yes")
    assert result.code == 0, result.err
    assert sorted(p.name for p in state.iterdir()) == [".gitignore", "config.toml", "uninstalled"]


def test_skill_is_never_clobbered(project: Path, cli: Any) -> None:
    mine = project / ".claude" / "skills" / "build" / "SKILL.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\nname: build\ndescription: my own\n---\nmine\n")
    result = cli("init")
    assert result.code == 1 and "is a skill of your own" in result.err and "--skill-name" in result.err
    assert cli("init", "--skill-name", "sw-build").code == 0
    ours_path = project / ".claude" / "skills" / "sw-build" / "SKILL.md"
    text = ours_path.read_text()
    assert text.startswith("---\nname: sw-build\n") and "argument-hint: <task>" in text
    assert cli("uninstall").code == 0
    assert not ours_path.exists()
    assert mine.read_text().endswith("mine\n")


def test_skill_commands_exist(installed: Path, cli: Any) -> None:
    """Every `stopwarden …` command the skill names is a real command."""
    text = (installed / ".claude" / "skills" / "build" / "SKILL.md").read_text()
    import re

    named = set(re.findall(r"stopwarden (build [a-z]+)", text))
    assert {"build start", "build phase", "build step", "build status", "build complete", "build abandon"} <= named
    for command in named:
        assert cli(*command.split(), "--help").code == 0, command


def test_hook_works_without_the_venv_on_path(installed: Path) -> None:
    """The registered command names absolute paths: a bare PATH must not matter."""
    done = subprocess.run(
        ["/bin/sh", "-c", registered_command(installed)],
        input=json.dumps({"session_id": "x", "cwd": str(installed)}),
        capture_output=True,
        text=True,
        env={"PATH": "/nonexistent", "HOME": os.environ["HOME"]},
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert "allow: no active build" in (installed / ".stopwarden" / "hook.log").read_text()


def test_a_symlinked_settings_file_stays_a_link(project: Path, cli: Any, tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles" / "claude-settings.json"
    dotfiles.parent.mkdir()
    dotfiles.write_text(json.dumps(USER_SETTINGS, indent=2))
    link = project / ".claude" / "settings.local.json"
    link.parent.mkdir()
    link.symlink_to(dotfiles)
    assert cli("init").code == 0
    assert link.is_symlink()
    assert len(ours(json.loads(dotfiles.read_text()))) == 2
    assert cli("uninstall").code == 0
    assert link.is_symlink() and json.loads(dotfiles.read_text()) == USER_SETTINGS


def test_a_settings_file_that_is_not_utf8(project: Path, cli: Any) -> None:
    path = project / ".claude" / "settings.local.json"
    path.parent.mkdir()
    path.write_bytes(b'{"model": "\xff"}')
    result = cli("init")
    assert result.code == 1 and "left untouched" in result.err
    assert path.read_bytes() == b'{"model": "\xff"}'


def test_paths_with_spaces_and_quotes(tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / 'my project\'s "dir"'
    root.mkdir()
    git(root, "init", "-q")
    monkeypatch.chdir(root)
    assert cli("init").code == 0
    done = subprocess.run(
        ["sh", "-c", registered_command(root)],
        input=json.dumps({"session_id": "s", "cwd": str(root)}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert "allow: no active build" in (root / ".stopwarden" / "hook.log").read_text()


def test_exclude_file_without_a_final_newline(project: Path, cli: Any) -> None:
    exclude = project / ".git" / "info" / "exclude"
    exclude.write_text("*.log")
    assert cli("init").code == 0
    assert exclude.read_text() == "*.log\n/.claude/settings.local.json\n"
    assert git(project, "check-ignore", "x.log").strip() == "x.log"


def test_a_foreign_skill_stops_init_before_anything_is_written(project: Path, cli: Any) -> None:
    mine = project / ".claude" / "skills" / "build" / "SKILL.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("mine\n")
    assert cli("init").code == 1
    assert not (project / ".stopwarden").exists()
    assert not (project / ".claude" / "settings.local.json").exists()


def test_hooks_null_is_treated_as_none(project: Path, cli: Any) -> None:
    path = project / ".claude" / "settings.local.json"
    path.parent.mkdir()
    path.write_text('{"hooks": null, "model": "opus"}')
    assert cli("init").code == 0
    assert len(ours(settings(project))) == 2
    assert cli("uninstall").code == 0
    assert settings(project)["model"] == "opus"


def test_uninstall_goes_on_past_an_unreadable_scope(installed: Path, cli: Any, isolated_env: Path) -> None:
    user = isolated_env / ".claude" / "settings.json"
    user.parent.mkdir()
    user.write_text("{broken")
    result = cli("uninstall")
    assert result.code == 1 and "not valid JSON" in result.err
    assert not (installed / ".claude" / "settings.local.json").exists()  # stopwarden had created it
    assert not (installed / ".claude" / "skills").exists()
    assert user.read_text() == "{broken"


def test_a_dangling_symlink_is_never_unlinked(project: Path, cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "settings.json"
    target.parent.mkdir()
    link = project / ".claude" / "settings.local.json"
    link.parent.mkdir()
    link.symlink_to(target)
    assert cli("init").code == 0
    assert len(ours(json.loads(target.read_text()))) == 2
    assert cli("uninstall").code == 0
    assert link.is_symlink() and ours(json.loads(target.read_text())) == []


def test_purge_removes_clean_worktrees_and_refuses_dirty_ones(installed: Path, cli: Any) -> None:
    git(installed, "add", "-A")
    git(installed, "commit", "-qm", "install")
    cli("build", "start", "x", "--owner-session", "me")
    tree = Path(cli("build", "worktree", "create", "--json").json()["path"])
    (tree / "work.txt").write_text("unsaved work")
    result = cli("uninstall", "--purge")
    assert result.code == 1
    assert (tree / "work.txt").read_text() == "unsaved work"
    (tree / "work.txt").unlink()
    assert cli("uninstall", "--purge").code == 0
    kept = sorted(p.name for p in (installed / ".stopwarden").iterdir())
    assert kept == [".gitignore", "config.toml", "uninstalled"]  # the committed ones, and the hooks told
    assert "prunable" not in git(installed, "worktree", "list", "--porcelain")


def test_cli_path_with_a_space_is_quoted_for_the_agent(tmp_path: Path) -> None:
    from stopwarden.common import shell

    assert shell.quote("/usr/bin/stopwarden") == "/usr/bin/stopwarden"
    assert shell.quote("/tmp/my venv/bin/stopwarden") == "'/tmp/my venv/bin/stopwarden'"
    quoted = shell.quote("it's")
    done = subprocess.run(["sh", "-c", f"printf %s {quoted}"], capture_output=True, text=True, check=False)
    assert done.stdout == "it's"


# --- init --statusline ----------------------------------------------------------------------------------------

USER_STATUSLINE = {"type": "command", "command": "~/.claude/my-statusline.sh", "padding": 1}


def statusline_of(path: Path) -> Any:
    return json.loads(path.read_text()).get("statusLine")


def run_statusline(command: str, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-c", command],
        input=json.dumps({"session_id": "s", "cwd": str(root), "workspace": {"current_dir": str(root)}}),
        capture_output=True,
        text=True,
        check=False,
    )


def test_init_statusline_registers_ours_in_the_launch_form(installed: Path, cli: Any) -> None:
    result = cli("init", "--statusline")
    assert result.code == 0, result.err
    path = installed / ".claude" / "settings.local.json"
    assert f"registered the status line in {path}" in result.out
    python, script = hook_command.interpreter(), hook_command.hook_script()
    assert statusline_of(path) == {
        "type": "command",
        "command": f'"{python}" -I -S "{script}" statusline',
        "padding": 0,
    }
    assert len(ours(settings(installed))) == 2  # the hooks are still there, once each
    done = run_statusline(statusline_of(path)["command"], installed)
    assert (done.returncode, done.stdout, done.stderr) == (0, "\u26e8 gate: server down\n", "")


def test_init_without_statusline_adds_none(installed: Path) -> None:
    assert "statusLine" not in settings(installed)


def test_init_statusline_twice_changes_nothing(project: Path, cli: Any) -> None:
    assert cli("init", "--statusline").code == 0
    before = {p: p.read_bytes() for p in (project / ".claude").rglob("*") if p.is_file()}
    result = cli("init", "--statusline")
    assert result.code == 0
    assert "status line already registered" in result.out and "hooks already registered" in result.out
    assert {p: p.read_bytes() for p in (project / ".claude").rglob("*") if p.is_file()} == before
    assert cli("init").code == 0  # without the flag: ours stays, untouched
    assert {p: p.read_bytes() for p in (project / ".claude").rglob("*") if p.is_file()} == before


def test_doctor_misses_a_status_line_init_registered_and_fix_puts_it_back(project: Path, cli: Any) -> None:
    """An operator review: with the settings file deleted, doctor --fix restored the hooks but not the
    status line, and doctor never noticed it was gone."""
    assert cli("init", "--statusline").code == 0
    settings = project / ".claude" / "settings.local.json"
    settings.unlink()
    doctor = cli("doctor")  # said, not failed: removing it may be the user's choice (a cold review)
    assert "ok   status line (local): init registered it in" in unwrapped(doctor.out) and "it is gone" in doctor.out
    assert cli("doctor", "--fix").code == 0
    assert "statusLine" in json.loads(settings.read_text())


def test_init_replaces_our_stale_statusline_in_place(project: Path, cli: Any) -> None:
    """An upgrade or a moved venv: our old command is rewritten where it stands, the user's own keys on it kept."""
    old = '"/old/venv/bin/python" -I -S "/old/venv/lib/python3.11/site-packages/stopwarden/hooks/run.py" statusline'
    path = project / ".claude" / "settings.local.json"
    path.parent.mkdir()
    data = {"model": "opus", "statusLine": {"type": "command", "command": old, "refreshInterval": 5}, "env": {}}
    path.write_text(json.dumps(data, indent=2))
    result = cli("init")  # no flag needed to refresh ours
    assert result.code == 0 and f"updated our status line in {path}" in result.out
    after = json.loads(path.read_text())
    assert list(after) == ["model", "statusLine", "env", "hooks"]
    assert after["statusLine"]["refreshInterval"] == 5
    assert after["statusLine"]["command"] == hook_command.command("statusline")
    assert "/old/venv" not in path.read_text()


def test_init_statusline_keeps_a_users_own(project: Path, cli: Any) -> None:
    path = project / ".claude" / "settings.local.json"
    path.parent.mkdir()
    text = json.dumps({"statusLine": USER_STATUSLINE, "model": "opus"}, indent=2)
    path.write_text(text)
    result = cli("init", "--statusline")
    assert result.code == 1
    assert "already has a status line of your own (~/.claude/my-statusline.sh); nothing was changed" in result.err
    assert "--force-statusline" in result.err
    assert path.read_text() == text
    assert not (project / ".stopwarden").exists()  # refused before anything was written
    assert cli("init").code == 0  # without the flag, theirs is simply left alone
    assert statusline_of(path) == USER_STATUSLINE
    assert cli("init", "--statusline").code == 1
    assert statusline_of(path) == USER_STATUSLINE


def test_force_statusline_replaces_it_and_uninstall_puts_it_back(project: Path, cli: Any) -> None:
    path = project / ".claude" / "settings.local.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"statusLine": USER_STATUSLINE, "model": "opus"}, indent=2))
    result = cli("init", "--force-statusline")
    assert result.code == 0, result.err
    assert "replaced your status line (~/.claude/my-statusline.sh)" in result.out and "puts it back" in result.out
    assert hook_command.is_ours(statusline_of(path)["command"])
    assert cli("init", "--force-statusline").code == 0  # again: ours stays, theirs is still remembered
    result = cli("uninstall")
    assert result.code == 0
    assert f"put your own status line back in {path}" in result.out
    assert json.loads(path.read_text()) == {"statusLine": USER_STATUSLINE, "model": "opus"}  # in its place


def test_uninstall_removes_only_our_statusline(project: Path, cli: Any, isolated_env: Path) -> None:
    user = isolated_env / ".claude" / "settings.json"
    user.parent.mkdir()
    user.write_text(json.dumps({"statusLine": USER_STATUSLINE}, indent=2))
    local = project / ".claude" / "settings.local.json"
    local.parent.mkdir()
    local.write_text(json.dumps(USER_SETTINGS, indent=2))
    result = cli("init", "--statusline")
    assert result.code == 0
    assert f"note: in this project ours is shown instead of your status line in {user}" in result.out
    assert hook_command.is_ours(statusline_of(local)["command"])
    result = cli("uninstall")
    assert result.code == 0 and f"removed our status line from {local}" in result.out
    assert json.loads(local.read_text()) == USER_SETTINGS
    assert statusline_of(user) == USER_STATUSLINE


def test_a_users_statusline_in_a_winning_scope_is_named(project: Path, cli: Any) -> None:
    local = project / ".claude" / "settings.local.json"
    local.parent.mkdir()
    local.write_text(json.dumps({"statusLine": USER_STATUSLINE}))
    result = cli("init", "--scope", "project", "--statusline")
    assert result.code == 0
    assert f"note: Claude Code shows your own status line in {local}" in result.out
    assert hook_command.is_ours(statusline_of(project / ".claude" / "settings.json")["command"])
    assert statusline_of(local) == USER_STATUSLINE


def test_uninstall_removes_a_statusline_only_install(project: Path, cli: Any) -> None:
    """Ours, left alone after the user took our hooks out by hand, still goes, and the file we created with it."""
    assert cli("init", "--statusline").code == 0
    path = project / ".claude" / "settings.local.json"
    data = json.loads(path.read_text())
    del data["hooks"]
    path.write_text(json.dumps(data))
    assert cli("uninstall").code == 0
    assert not path.exists()


def test_doctor_checks_our_statusline(project: Path, cli: Any) -> None:
    assert cli("init").code == 0
    assert "status line" not in cli("doctor").out
    assert cli("init", "--statusline").code == 0
    result = cli("doctor")
    assert result.code == 0, result.out
    assert 'ok   status line (local): shows "\u26e8 gate: server down"' in result.out
    path = project / ".claude" / "settings.local.json"
    data = json.loads(path.read_text())
    data["statusLine"]["command"] = '"/gone/venv/bin/python" -I -S "/gone/stopwarden/hooks/run.py" statusline'
    path.write_text(json.dumps(data))
    result = cli("doctor")
    assert result.code == 1 and "FAIL status line (local)" in result.out
    # Checked wherever it is ours, even when the install record names no Claude Code install here.
    record = project / ".stopwarden" / "installed.json"
    kept = record.read_text()
    record.write_text(json.dumps({**json.loads(kept), "scopes": {"gemini": ["project"]}}))
    assert "FAIL status line (local)" in cli("doctor").out
    record.write_text(kept)
    result = cli("doctor", "--fix")
    assert result.code == 0 and f"updated our status line in {path}" in unwrapped(result.out)


def test_purge_stops_a_live_server_first_and_asks_before_deleting_the_decision_log(installed: Path, cli: Any) -> None:
    started = cli("start", "--json")
    assert started.code == 0, started.err
    pid = started.json()["pid"]
    log = installed / ".stopwarden" / "stopwarden.db"
    assert log.exists()

    refused = cli("uninstall", "--purge")  # no terminal, no --yes: nothing is deleted, the server keeps running
    assert refused.code == 1 and "decision log" in refused.err and "--yes" in refused.err
    assert log.exists() and (installed / ".claude").exists()
    os.kill(pid, 0)

    result = cli("uninstall", "--purge", "--yes")
    assert result.code == 0, result.err
    assert f"stopped the gate server (pid {pid})" in result.out
    assert not (installed / ".stopwarden").exists()
    assert wait_gone(pid)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_answering_no_to_the_purge_keeps_everything_and_says_so(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("start", "--json").code == 0
    try:
        monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
        kept = cli("uninstall", "--purge")
        assert kept.code == 1, kept.err
        assert "nothing was removed: you chose to keep the decision log" in kept.err
        assert "interrupted" not in kept.err
        assert (installed / ".stopwarden" / "stopwarden.db").exists() and (installed / ".claude").exists()
    finally:
        cli("stop")


def test_init_says_plainly_that_it_moved_off_a_port_another_program_answers_on(installed: Path, cli: Any) -> None:
    from stopwarden.state import files

    port = files.read_port(str(installed))
    assert port is not None

    class Other(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"not stopwarden")

        def log_message(self, *args: Any) -> None:
            pass

    other = http.server.HTTPServer(("127.0.0.1", port), Other)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    try:
        result = cli("init", "--agent", "claude-code")
    finally:
        other.shutdown()
        other.server_close()
    assert result.code == 0, result.err
    [moved] = [line for line in result.out.splitlines() if "now uses port" in line]
    assert not moved.startswith("created"), moved
    assert files.read_port(str(installed)) != port


def test_a_listener_that_never_answers_is_a_clash_doctor_fails_and_fix_moves_off(installed: Path, cli: Any) -> None:
    """An operator review: doctor said "ok, not running" while a program that accepts connections and never
    answers held the port, where no session could ever start the server."""
    from stopwarden.state import files

    port = files.read_port(str(installed))
    assert port is not None
    with socket.socket() as silent:
        silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        silent.bind(("127.0.0.1", port))
        silent.listen()
        doctor = cli("doctor")
        assert doctor.code == 1 and "accepts connections but does not answer" in unwrapped(doctor.out)
        # Our own server stalled (stopped, swapping) holds it the same way: never moved off (a cold review).
        stalled = subprocess.Popen(["sleep", "30"])
        try:
            files.write_pid(str(installed), stalled.pid)
            assert "does not answer" not in unwrapped(cli("doctor").out)
            assert files.read_port(str(installed)) == port
        finally:
            stalled.kill()
            stalled.wait()
        fixed = cli("doctor", "--fix")
        assert "now uses port" in unwrapped(fixed.out)
    assert files.read_port(str(installed)) != port


@pytest.mark.parametrize(("hooks", "kind"), [(5, "a number"), ([], "an array"), ("x", "a string"), (True, "a boolean")])
def test_copilots_hooks_of_the_wrong_shape_are_named_in_jsons_words(hooks: object, kind: str) -> None:
    """Copilot's hooks file and the others' settings share one reading of `hooks` (settings_file.hooks_object):
    what it is instead of an object, said as JSON says it (not Python's `int` or `list`)."""
    from stopwarden.common.errors import StopwardenError
    from stopwarden.install import copilot

    with pytest.raises(StopwardenError) as raised:
        copilot.merge({"hooks": hooks}, "hooks.json")
    assert f'"hooks" in hooks.json is {kind}, not an object' in raised.value.message
    with pytest.raises(StopwardenError) as raised:  # one level down too, with a hint (a cold review)
        copilot.merge({"hooks": {"agentStop": {"x": 1}}}, "hooks.json")
    assert '"hooks.agentStop" in hooks.json is an object, not an array' in raised.value.message
    assert raised.value.hint == "fix the file by hand"
