"""init and uninstall for Codex, Gemini and Copilot CLI: their files, their formats, the user's entries kept."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from stopwarden.common.names import AGENTS, PLAYBOOK_TASK
from stopwarden.install import codex, hook_command, skill
from tests.install.test_doctor import unwrapped
from tests.terminal import Terminal


@pytest.fixture
def codex_home(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = isolated_env / ".codex"
    home.mkdir()
    monkeypatch.setenv("CODEX_HOME", str(home))
    return home


def test_codex_hooks_and_trust_entries_keep_the_users_config(project: Path, cli: Any, codex_home: Path) -> None:
    config = codex_home / "config.toml"
    config.write_text('# my settings\nmodel = "o4"  # fast\n\n[profiles.work]\nmodel = "o3"\n')
    (codex_home / "hooks.json").write_text(json.dumps(
        {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "my-hook", "timeout": 5}]}]}}
    ))  # fmt: skip
    result = cli("init", "--agent", "codex")
    assert result.code == 0, result.err
    hooks = json.loads((codex_home / "hooks.json").read_text())["hooks"]
    assert hooks["Stop"][0]["hooks"][0]["command"] == "my-hook"  # theirs first, untouched
    ours = hooks["Stop"][1]["hooks"][0]
    assert ours["command"].endswith(" stop codex") and ours["timeout"] == 30
    text = config.read_text()
    assert text.startswith('# my settings\nmodel = "o4"  # fast\n\n[profiles.work]\nmodel = "o3"\n')
    key = f'[hooks.state."{codex_home / "hooks.json"}:stop:1:0"]'
    assert key in text and "my-hook" not in text  # only our hooks are trusted
    assert cli("init", "--agent", "codex").code == 0
    assert config.read_text() == text  # idempotent
    assert cli("uninstall").code == 0
    assert json.loads((codex_home / "hooks.json").read_text())["hooks"]["Stop"][0]["hooks"][0]["command"] == "my-hook"
    assert config.read_text() == '# my settings\nmodel = "o4"  # fast\n\n[profiles.work]\nmodel = "o3"\n'


def test_codex_uninstall_removes_a_hooks_file_it_created(project: Path, cli: Any, codex_home: Path) -> None:
    assert cli("init", "--agent", "codex").code == 0
    assert cli("uninstall").code == 0
    assert not (codex_home / "hooks.json").exists()
    assert "hooks.state" not in (codex_home / "config.toml").read_text()


def test_codex_trust_hash_recipe() -> None:
    """SPEC §12.1: sha256 of the compact, key-sorted JSON of the event, matcher (not for Stop) and handler."""
    handler = {"type": "command", "command": "c", "timeout": 30}
    expected = hashlib.sha256(
        b'{"event_name":"stop","hooks":[{"async":false,"command":"c","timeout":30,"type":"command"}]}'
    ).hexdigest()
    assert codex.trusted_hash("Stop", {"matcher": "ignored"}, handler) == f"sha256:{expected}"
    with_matcher = codex.trusted_hash("SessionStart", {"matcher": "startup"}, handler)
    assert with_matcher != codex.trusted_hash("SessionStart", {"matcher": "*"}, handler)
    # An empty matcher is hashed for SessionStart (as Codex 0.169.0 does), a missing one is not.
    assert codex.trusted_hash("SessionStart", {"matcher": ""}, handler) != codex.trusted_hash(
        "SessionStart", {}, handler
    )
    assert codex.trusted_hash("Stop", {}, {"type": "command", "command": "c"}) != f"sha256:{expected}"  # timeout 600


def test_codex_no_trust_and_project_scope(project: Path, cli: Any, codex_home: Path) -> None:
    result = cli("init", "--agent", "codex", "--scope", "project", "--no-trust")
    assert result.code == 0 and "not trusted yet" in result.out
    assert (project / ".codex" / "hooks.json").exists()
    assert not (codex_home / "config.toml").exists()


def test_gemini_after_agent_in_milliseconds(project: Path, cli: Any, isolated_env: Path) -> None:
    settings = isolated_env / ".gemini" / "settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({"security": {"auth": {"selectedType": "gemini-api-key"}}}, indent=2))
    assert cli("init", "--agent", "gemini").code == 0
    data = json.loads(settings.read_text())
    assert data["security"] == {"auth": {"selectedType": "gemini-api-key"}}
    [stop] = data["hooks"]["AfterAgent"][0]["hooks"]
    assert stop["name"] == "stopwarden-stop" and stop["timeout"] == 30_000 and hook_command.is_ours(stop["command"])
    assert stop["command"].endswith(" stop gemini")
    assert cli("uninstall").code == 0
    assert "hooks" not in json.loads(settings.read_text())


def test_doctor_probes_every_installed_agent(project: Path, cli: Any, codex_home: Path) -> None:
    for agent in AGENTS:
        assert cli("init", "--agent", agent).code == 0
    result = cli("doctor")
    assert result.code == 0, result.out
    expected = ["ok   Stop hook", "ok   codex Stop hook", "ok   codex SessionStart hook"]
    expected += ["ok   gemini AfterAgent hook", "ok   gemini SessionStart hook"]
    expected += ["ok   copilot agentStop hook", "ok   copilot sessionStart hook"]
    expected += [
        "ok   /build skill",
        "ok   codex $build skill",
        "ok   gemini /build skill",
        "ok   copilot /build skill",
    ]
    for name in expected:
        assert name in result.out, name
    (codex_home / "skills" / "build" / "SKILL.md").unlink()
    result = cli("doctor")
    assert result.code == 1 and "FAIL codex $build skill" in result.out
    assert cli("doctor", "--fix").code == 0
    assert (codex_home / "skills" / "build" / "SKILL.md").exists()


def test_codex_skill_names_the_absolute_command(
    project: Path, cli: Any, codex_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codex's sandboxed shell resets PATH: its playbook runs stopwarden by absolute path, even when the
    venv is on the PATH init ran with."""
    monkeypatch.setenv("PATH", f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}")
    assert cli("init", "--agent", "codex").code == 0
    text = (codex_home / "skills" / "build" / "SKILL.md").read_text()
    assert text.startswith("---\nname: build\ndescription: ") and "# $build: a tracked build" in text
    commands = re.findall(r"`(\S+) build start ", text)
    assert commands and all(os.path.isabs(c) and c.endswith("/stopwarden") for c in commands)
    assert cli("init", "--agent", "codex", "--scope", "project").code == 0
    assert (project / ".codex" / "skills" / "build" / "SKILL.md").read_text() == text
    assert cli("uninstall").code == 0
    assert not (codex_home / "skills").exists() and not (project / ".codex").exists()


def test_gemini_command_is_toml_without_command_substitution(project: Path, cli: Any, isolated_env: Path) -> None:
    mine = isolated_env / ".gemini" / "commands" / "deploy.toml"
    mine.parent.mkdir(parents=True)
    mine.write_text('prompt = "deploy it"\n')
    assert cli("init", "--agent", "gemini").code == 0
    command = tomllib.loads((isolated_env / ".gemini" / "commands" / "build.toml").read_text())
    assert set(command) == {"description", "prompt"}
    assert "You are starting a tracked build of: **{{args}}**" in command["prompt"]
    assert 'build start "{{args}}" --size STANDARD' in command["prompt"]
    assert "$(" not in command["prompt"].replace("`$(...)`", "")
    assert cli("uninstall").code == 0
    assert not (isolated_env / ".gemini" / "commands" / "build.toml").exists()
    assert mine.read_text() == 'prompt = "deploy it"\n'  # a command of the user's own stays


def test_a_users_gemini_command_named_build_is_never_clobbered(project: Path, cli: Any, isolated_env: Path) -> None:
    mine = isolated_env / ".gemini" / "commands" / "build.toml"
    mine.parent.mkdir(parents=True)
    mine.write_text('prompt = "make"\n')
    result = cli("init", "--agent", "gemini")
    assert result.code == 1 and "is a skill of your own" in result.err
    assert not (isolated_env / ".gemini" / "settings.json").exists()  # refused before anything was written
    assert cli("init", "--agent", "gemini", "--skill-name", "sw-build").code == 0
    assert (isolated_env / ".gemini" / "commands" / "sw-build.toml").exists()
    assert mine.read_text() == 'prompt = "make"\n'


def test_init_all_installs_every_agent_in_its_default_scope(project: Path, cli: Any, codex_home: Path) -> None:
    result = cli("init", "--agent", "all")
    assert result.code == 0, result.err
    assert (project / ".claude" / "settings.local.json").exists()
    assert (codex_home / "hooks.json").exists() and (codex_home / "skills" / "build" / "SKILL.md").exists()
    assert (codex_home.parent / ".gemini" / "settings.json").exists()
    assert (codex_home.parent / ".copilot" / "hooks" / "stopwarden.json").exists()
    assert result.out.splitlines()[0].endswith(f"for {', '.join(AGENTS)}")


def test_a_scope_one_agent_lacks_is_refused_before_anything_is_written(project: Path, cli: Any) -> None:
    result = cli("init", "--agent", "all", "--scope", "local")
    assert result.code == 1 and "codex has no local scope" in result.err
    assert not (project / ".stopwarden").exists() and not (project / ".claude").exists()
    assert cli("init", "--agent", "gemini", "--statusline").code == 1


def test_without_a_terminal_init_installs_claude_code_and_names_the_others(
    project: Path, cli: Any, codex_home: Path
) -> None:
    result = cli("init")  # $CODEX_HOME exists: Codex is used on this machine
    assert result.code == 0, result.err
    assert "also found codex: add with `stopwarden init --agent NAME` or `--agent all`" in result.out
    assert (project / ".claude" / "settings.local.json").exists() and not (codex_home / "hooks.json").exists()


def test_on_a_terminal_init_asks_which_of_the_agents_found(project: Path, isolated_env: Path) -> None:
    (isolated_env / ".gemini").mkdir()
    (isolated_env / ".claude").mkdir()
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # no client commands: found by their config folders
    term = Terminal(project, "init", env=env)
    term.expect("Agents found on this machine: claude-code, gemini")
    term.expect("[claude-code,gemini]:")
    term.send("gemini, cursor")
    term.expect(f"name agents among {', '.join(AGENTS)}, or all")
    term.send("gemini")
    term.expect("for gemini")
    assert term.close() == 0
    assert (isolated_env / ".gemini" / "settings.json").exists()
    assert not (project / ".claude" / "settings.local.json").exists()


def test_codex_project_scope_says_when_codex_does_not_trust_the_project(
    project: Path, cli: Any, codex_home: Path
) -> None:
    result = cli("init", "--agent", "codex", "--scope", "project")
    assert result.code == 0, result.err
    assert f"warning: Codex ignores {project / '.codex'} until you trust this project" in result.out
    with (codex_home / "config.toml").open("a") as f:
        f.write(f'\n[projects."{project.resolve()}"]\ntrust_level = "trusted"\n')
    assert "until you trust this project" not in cli("init", "--agent", "codex", "--scope", "project").out
    assert "until you trust this project" not in cli("init", "--agent", "codex").out  # the user layer needs no trust


def test_doctor_says_so_when_codex_app_server_cannot_be_asked(
    project: Path, cli: Any, codex_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("init", "--agent", "codex").code == 0
    assert "ok   codex hook trust: not checked: codex is not on PATH" in cli("doctor").out
    broken = tmp_path / "bin" / "codex"
    broken.parent.mkdir()
    broken.write_text("#!/bin/sh\necho 'not json'\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", f"{broken.parent}{os.pathsep}{os.environ['PATH']}")
    result = cli("doctor")
    assert result.code == 1
    out = unwrapped(result.out)
    assert f"FAIL codex hook trust: {broken} app-server did not answer hooks/list: it exited (3)" in out


@pytest.mark.parametrize("agent", AGENTS)
def test_every_playbook_names_its_task_where_transcript_readers_look(agent: str) -> None:
    text = skill.render(agent, "build", os.environ)
    assert PLAYBOOK_TASK in text and text.count("\n") > 20


def test_init_all_refuses_before_writing_for_any_agent(project: Path, cli: Any, codex_home: Path) -> None:
    mine = codex_home.parent / ".gemini" / "commands" / "build.toml"
    mine.parent.mkdir(parents=True)
    mine.write_text('prompt = "make"\n')
    result = cli("init", "--agent", "all")
    assert result.code == 1 and "is a skill of your own" in result.err
    assert not (project / ".claude").exists() and not (project / ".stopwarden").exists()
    assert not (codex_home / "hooks.json").exists() and not (codex_home / "skills").exists()


def test_init_all_refuses_a_third_agents_hooks_before_writing_for_any(
    project: Path, cli: Any, codex_home: Path
) -> None:
    """Hooks of a shape ours cannot be merged into are found before anything is written, as an unreadable
    file is (a cold review: Claude Code's and Codex's settings were written, then Gemini's refused)."""
    gemini = codex_home.parent / ".gemini" / "settings.json"
    gemini.parent.mkdir(parents=True)
    gemini.write_text('{"hooks": "x"}')
    result = cli("init", "--agent", "all")
    assert result.code == 1 and "is a string, not an object" in result.err
    assert not (project / ".claude").exists() and not (project / ".stopwarden").exists()
    assert not (codex_home / "hooks.json").exists() and gemini.read_text() == '{"hooks": "x"}'


def test_doctor_fix_keeps_a_no_trust_choice(project: Path, cli: Any, codex_home: Path) -> None:
    assert cli("init", "--agent", "codex", "--no-trust").code == 0
    (codex_home / "skills" / "build" / "SKILL.md").unlink()
    assert cli("doctor", "--fix").code == 0
    assert (codex_home / "skills" / "build" / "SKILL.md").exists()
    config = codex_home / "config.toml"
    assert not config.exists() or "trusted_hash" not in config.read_text()


def test_a_gemini_only_install_is_checked_and_fixed_as_gemini_only(project: Path, cli: Any, isolated_env: Path) -> None:
    assert cli("init", "--agent", "gemini").code == 0
    result = cli("doctor")
    assert result.code == 0, result.out
    assert "gemini AfterAgent hook" in result.out and "ok   gemini /build skill" in result.out
    assert "Stop hook" not in result.out.replace("gemini", "")  # Claude Code was never asked for
    assert cli("doctor", "--fix").code == 0
    assert not (project / ".claude").exists()


def test_copilot_hooks_file_of_its_own_in_copilot_home(
    project: Path, cli: Any, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copilot CLI 1.0.102 reads every `$COPILOT_HOME/hooks/*.json` (version 1, `bash`, `timeoutSec`)."""
    home = isolated_env / "copilot-home"
    monkeypatch.setenv("COPILOT_HOME", str(home))
    result = cli("init", "--agent", "copilot")
    assert result.code == 0, result.err
    data = json.loads((home / "hooks" / "stopwarden.json").read_text())
    assert data["version"] == 1 and set(data["hooks"]) == {"agentStop", "sessionStart"}
    [stop] = data["hooks"]["agentStop"]
    assert stop["type"] == "command" and stop["timeoutSec"] == 30 and stop["bash"].endswith(" stop copilot")
    text = (home / "skills" / "build" / "SKILL.md").read_text()
    assert text.startswith("---\nname: build\ndescription: ") and "$ARGUMENTS" not in text  # never expanded
    # A second entry of the user's own in our file survives a re-init and an uninstall; ours is replaced.
    data["hooks"]["agentStop"].append({"type": "command", "bash": "my-hook", "timeoutSec": 5})
    data["hooks"]["agentStop"][0] = {
        **stop,
        "bash": "/old/venv/bin/python -I -S /old/stopwarden/hooks/run.py stop copilot",
    }
    (home / "hooks" / "stopwarden.json").write_text(json.dumps(data))
    assert cli("init", "--agent", "copilot").code == 0
    again = json.loads((home / "hooks" / "stopwarden.json").read_text())["hooks"]["agentStop"]
    assert again == [stop, {"type": "command", "bash": "my-hook", "timeoutSec": 5}]
    assert cli("uninstall").code == 0
    left = json.loads((home / "hooks" / "stopwarden.json").read_text())
    assert left == {"version": 1, "hooks": {"agentStop": [{"type": "command", "bash": "my-hook", "timeoutSec": 5}]}}
    assert not (home / "skills").exists()


def test_copilot_uninstall_deletes_the_file_it_created(project: Path, cli: Any, isolated_env: Path) -> None:
    assert cli("init", "--agent", "copilot").code == 0
    path = isolated_env / ".copilot" / "hooks" / "stopwarden.json"
    assert path.exists()
    assert cli("uninstall").code == 0
    assert not path.exists()


def test_copilot_project_scope_warns_about_folder_trust(project: Path, cli: Any) -> None:
    result = cli("init", "--agent", "copilot", "--scope", "project")
    assert result.code == 0, result.err
    assert "only in a folder you trust" in result.out and "--trust-folder" in result.out
    assert (project / ".github" / "hooks" / "stopwarden.json").exists()
    assert (project / ".github" / "skills" / "build" / "SKILL.md").exists()
    assert cli("uninstall").code == 0
    assert not (project / ".github").exists()


def test_init_says_what_to_do_next_in_each_agents_words(project: Path, cli: Any, codex_home: Path) -> None:
    """Hooks load when a session starts: init says to open a new one, and how each agent calls the skill."""
    result = cli("init", "--agent", "codex")
    assert result.code == 0 and "start a new agent session" in result.out and "$build <task> in codex" in result.out
    both = cli("init", "--agent", "all", "--json").json()["next"]
    assert "/build <task> in claude-code" in " ".join(both) and "$build <task> in codex" in " ".join(both)


@pytest.mark.parametrize("agent", ["codex", "copilot"])
def test_the_same_hooks_in_a_second_scope_are_warned_of_by_init_and_failed_by_doctor(
    project: Path, cli: Any, codex_home: Path, agent: str
) -> None:
    """These clients run each scope's registration, an identical command included (measured with Codex
    0.169.0 and Copilot 1.0.102; Claude Code and Gemini CLI run it once): our hooks in the user and the
    project scope judge one stop twice and spend two of a build's blocks on it (an operator review: init
    said nothing, and only doctor noticed)."""
    first = cli("init", "--agent", agent, "--scope", "user")
    assert first.code == 0 and "warning: " + agent not in first.out
    second = cli("init", "--agent", agent, "--scope", "project")
    assert second.code == 0, second.err
    said = unwrapped(second.out)
    assert (f"warning: {agent} now has our hooks in 2 scopes (project, user) and runs each, so a stop would be "
            "judged and a build's block spent twice; to keep only the project scope: stopwarden uninstall "
            f"--scope user, then stopwarden init --agent {agent} --scope project") in said  # fmt: skip
    doctor = cli("doctor")
    assert doctor.code == 1
    assert "registered in 2 scopes (project, user): the agent runs each, so a stop is judged" in unwrapped(doctor.out)
    # The fix it names leaves one registration, and doctor passes again.
    assert cli("uninstall", "--scope", "user", "--yes").code == 0
    assert cli("init", "--agent", agent, "--scope", "project").code == 0
    assert cli("doctor").code == 0, cli("doctor").out


@pytest.mark.parametrize(("agent", "scopes"), [("claude-code", ("local", "project")), ("gemini", ("user", "project"))])
def test_an_agent_that_runs_an_identical_command_of_two_scopes_once_gets_no_warning(
    project: Path, cli: Any, agent: str, scopes: tuple[str, str]
) -> None:
    assert cli("init", "--agent", agent, "--scope", scopes[0]).code == 0
    again = cli("init", "--agent", agent, "--scope", scopes[1])
    assert again.code == 0 and f"warning: {agent} now has" not in again.out
    assert cli("doctor").code == 0, cli("doctor").out


def test_doctors_fix_lines_name_a_move_that_works(project: Path, cli: Any, codex_home: Path) -> None:
    """A stale hook that another project's install put in the user scope: `doctor --fix` redoes only what
    init did here, so doctor names `init --agent codex --scope user` instead. A settings file whose `hooks`
    init cannot merge into: fixed by hand, said as for invalid JSON (an operator review: both said
    `doctor --fix`, which then changed nothing or refused)."""
    assert cli("init", "--agent", "claude-code").code == 0
    hooks = codex_home / "hooks.json"
    current = hook_command.command("stop", "codex")
    another = current.replace(" -I -S ", " -S -I ")  # another install's command: it still runs
    hooks.write_text(json.dumps({"hooks": {"Stop": [{"hooks": [{"type": "command", "command": another}]}]}}))
    out = unwrapped(cli("doctor").out)
    assert "FAIL codex Stop hook: works, but is stale" in out
    assert "fix: stopwarden init --agent codex --scope user" in out
    local = project / ".claude" / "settings.local.json"
    local.write_text('{"hooks": []}')
    out = unwrapped(cli("doctor").out)
    assert "FAIL settings (local):" in out and "is an array, not an object" in out
    assert f"fix: fix {local} by hand, then `stopwarden doctor --fix`" in out
