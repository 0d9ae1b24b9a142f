"""doctor: checks the install, runs each registered hook command for real, and names the fix."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.gate.fake_providers import Answer, FakeProvider


def unwrapped(out: str) -> str:
    """doctor's output with each line it wrapped (a hanging indent under its text) joined back into one."""
    return re.sub(r"\n +(?! |fix: )", " ", out)


def test_healthy_install(installed: Path, cli: Any) -> None:
    result = cli("doctor")
    assert result.code == 0, result.out
    assert "FAIL" not in result.out
    assert "ok   Stop hook: answers correctly" in result.out
    assert "ok   SessionStart hook: answers correctly" in result.out
    checks = cli("doctor", "--json").json()["checks"]
    assert {c["name"] for c in checks} >= {"state folder", "config", "token", "Stop hook", "/build skill"}


def test_online_asks_the_llm_authority_one_tiny_question(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`doctor --online` calls the configured provider through its real wire format (a scripted server);
    without --online nothing is sent, and `rules` has nothing to call."""
    online = [c for c in cli("doctor", "--online", "--json").json()["checks"] if c["name"] == "authority online"]
    assert online == [{"name": "authority online", "ok": True, "detail": "rules: offline, nothing to call", "fix": ""}]
    with FakeProvider() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", f"{fake.base_url}/v1")
        # Chosen, and approved, here: with the base URL this environment sets (approved with it).
        assert cli("gate", "authority", "openai", "--skip-check").code == 0
        fake.answers = [Answer("ok"), Answer("", status=401)]
        assert "authority online" not in cli("doctor").out and fake.requests == []
        answered = cli("doctor", "--online")
        assert re.search(r"ok +authority online: openai answered in \d+ ms", answered.out), answered.out
        assert fake.requests[0].path == "/v1/chat/completions"
        refused = cli("doctor", "--online", "--json")
    assert refused.code == 1
    [check] = [c for c in refused.json()["checks"] if c["name"] == "authority online"]
    assert not check["ok"] and check["detail"].startswith("openai: ") and "401" in check["detail"], check
    assert check["fix"] == "check the key, the model and base_url in [authority.<name>]"


def test_online_names_an_sdk_a_broken_install_lacks(installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)  # `import openai` raises ImportError
    assert cli("gate", "authority", "openai", "--skip-check").code == 0
    result = cli("doctor", "--online", "--json")
    [check] = [c for c in result.json()["checks"] if c["name"] == "authority online"]
    assert result.code == 1 and not check["ok"] and "openai cannot be built" in check["detail"], check
    assert check["fix"].startswith("reinstall stopwarden")


def test_doctor_says_where_the_mode_comes_from_and_names_a_disagreeing_config(installed: Path, cli: Any) -> None:
    def mode() -> dict[str, Any]:
        [check] = [c for c in cli("doctor", "--json").json()["checks"] if c["name"] == "mode"]
        return dict(check)

    store = installed / ".stopwarden" / "stopwarden.db"
    assert not store.exists()  # no server has run here yet
    assert mode() == {"name": "mode", "ok": True, "detail": "not set yet: the server starts in the config's shadow",
                      "fix": ""}  # fmt: skip
    assert not store.exists()  # doctor creates no store to read it
    assert cli("gate", "mode", "shadow").code == 0
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace('mode = "shadow"', 'mode = "enforce"'))
    check = mode()
    assert check["ok"] and check["detail"].startswith("set in the store by `gate mode`; note: the config's [gate]")


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


def test_hooks_in_two_scopes_fail_when_their_commands_differ(installed: Path, cli: Any) -> None:
    """Installed in the local scope and then the project's: Claude Code runs an identical command once, so
    that is fine; but where the commands differ (another install's interpreter), it runs each on every stop,
    which judges it twice and spends two of a build's blocks (an operator review saw 3 -> 1 on one stop)."""
    assert cli("init", "--agent", "claude-code", "--scope", "project").code == 0
    assert cli("doctor").code == 0
    path = installed / ".claude" / "settings.json"
    path.write_text(path.read_text().replace("/hooks/run.py", "/hooks/run.py "))  # another command, same script
    result = cli("doctor")
    assert result.code == 1
    out = unwrapped(result.out)
    assert ("FAIL Stop hook: registered in 2 scopes (local, project) with other commands: the agent runs each, so a"
            " stop is judged and a build's block spent twice") in out  # fmt: skip
    assert "fix: stopwarden uninstall, then stopwarden init --agent claude-code" in out


def test_missing_hook_and_bad_token(installed: Path, cli: Any) -> None:
    path = installed / ".claude" / "settings.local.json"
    data = json.loads(path.read_text())
    del data["hooks"]["SessionStart"]
    path.write_text(json.dumps(data))
    token = installed / ".stopwarden" / "token"
    token.chmod(0o644)
    result = cli("doctor")
    assert "FAIL SessionStart hook: not registered in any scope" in result.out
    out = unwrapped(result.out)
    assert "FAIL token:" in out and "not 600" in out and f"chmod 600 {token}" in out


def test_invalid_settings_is_reported_with_its_position(installed: Path, cli: Any) -> None:
    path = installed / ".claude" / "settings.local.json"
    path.write_text("{oops")
    result = cli("doctor")
    assert result.code == 1
    assert "line 1 column 2" in result.out
    assert path.read_text() == "{oops"
    path.write_text("null")  # said in JSON's words, not Python's NoneType (an operator review)
    assert "holds null, not a JSON object" in unwrapped(cli("doctor").out)


def _break_hooks(installed: Path) -> None:
    path = installed / ".claude" / "settings.local.json"
    data = json.loads(path.read_text())
    for event in ("Stop", "SessionStart"):
        handler = data["hooks"][event][0]["hooks"][0]
        handler["command"] = handler["command"].replace("/bin/python", "/bin/gone")
    path.write_text(json.dumps(data))


def _check_wrapped(out: str, columns: int, checks: list[dict[str, Any]]) -> None:
    """Every line within `columns` (or one word too long to break), a hanging indent under each check's
    text, and the lines joined back equal to one line per check as it was before wrapping."""
    lines = out.rstrip("\n").split("\n")
    assert any(line.startswith("     ") and not line.startswith("     fix: ") for line in lines), out  # some wrapped
    for line in lines:
        head = 10 if line.startswith("          ") else 5 if line.startswith("     ") else len(line.split(" ")[0]) + 1
        assert len(line) <= columns or " " not in line[head:].strip(), line
        assert line.startswith(("ok   ", "FAIL ", "     ")), line
    joined = unwrapped(out)
    for c in checks:
        assert f"{'ok  ' if c['ok'] else 'FAIL'} {c['name']}: {c['detail']}" in joined.split("\n"), c
        if not c["ok"] and c["fix"]:
            assert f"     fix: {c['fix']}" in joined.split("\n"), c


def test_long_lines_wrap_at_the_terminal_width_or_100(installed: Path) -> None:
    """The ~200-character lines of a broken hook (issue 21 item 9): wrapped at the terminal's width, at 100
    in a pipe, never in --json."""
    from tests.cli.test_colour import on_terminal, piped

    _break_hooks(installed)
    code, out, _ = piped(installed, "doctor", "--json")
    checks = json.loads(out)["checks"]
    assert code == 1 and max(len(f"FAIL {c['name']}: {c['detail']}") for c in checks) > 150
    assert not any("\n" in c["detail"] or "\n" in c["fix"] for c in checks)
    code, out, _ = piped(installed, "doctor")
    assert code == 1
    _check_wrapped(out, 100, checks)
    for columns in (60, 132):
        code, out = on_terminal(installed, "doctor", env={"NO_COLOR": "1"}, columns=columns)
        assert code == 1
        _check_wrapped(out, columns, checks)
    code, out = on_terminal(installed, "doctor", env={"COLUMNS": "72"}, columns=132)  # COLUMNS wins
    _check_wrapped(re.sub(r"\x1b\[[0-9;]*m", "", out), 72, checks)
    assert "\x1b[1;31mFAIL\x1b[0m Stop hook: exited 127" in out  # the colour stays on the word after wrapping


def test_a_state_folder_with_the_wrong_mode_hides_no_other_failure(installed: Path, cli: Any) -> None:
    state = installed / ".stopwarden"
    (state / "token").unlink()
    state.chmod(0o755)
    result = cli("doctor")
    assert result.code == 1
    assert "FAIL state folder" in result.out and "not 700" in result.out
    assert "FAIL token" in result.out  # checked all the same


def test_fix_repairs_what_it_can_and_names_what_it_cannot(installed: Path, cli: Any) -> None:
    """A settings file that is not JSON cannot be merged into: --fix says so, fixes the rest, and the
    checks name the file to repair by hand (not `doctor --fix` again, which cannot)."""
    (installed / ".stopwarden" / "token").unlink()
    (installed / ".claude" / "settings.local.json").write_text("{ not json")
    fixed = cli("doctor", "--fix")
    assert fixed.code == 1
    out = unwrapped(fixed.out)
    assert "could not fix claude-code (local):" in out, out
    assert (installed / ".stopwarden" / "token").exists()  # the rest was fixed
    assert re.search(r"FAIL Stop hook: not registered in any scope\s+fix: fix \S*settings.local.json by hand", out), out


def test_doctor_says_a_settings_file_is_broken_without_claiming_it_left_it(installed: Path, cli: Any) -> None:
    """doctor writes nothing, so its words for a broken settings file are the fault alone, not init's "the file
    was left untouched" (a cold review)."""
    (installed / ".claude" / "settings.local.json").write_text("{ not json")
    result = cli("doctor")
    assert result.code == 1 and "is not valid JSON (Expecting property name" in result.out, result.out
    assert "left untouched" not in result.out + result.err


def test_a_store_that_is_no_database_leaves_the_other_checks(installed: Path, cli: Any) -> None:
    (installed / ".stopwarden" / "stopwarden.db").write_bytes(b"not a database at all" * 100)
    checks = cli("doctor", "--json").json()["checks"]
    [mode] = [c for c in checks if c["name"] == "mode"]
    assert not mode["ok"] and "the database cannot be read" in mode["detail"], mode  # every gate command fails on it
    assert any(c["name"] == "token" for c in checks)


def test_a_store_one_migration_behind_is_not_a_failure(installed: Path, cli: Any) -> None:
    """Right after an upgrade the store is a migration behind until the server starts again: the mode is not
    checked, and nothing fails (a cold review found this failing with the corrupt store's check)."""
    from stopwarden.store import schema
    from stopwarden.store.store import Store

    db = installed / ".stopwarden" / "stopwarden.db"
    store = Store.open(str(db), migrate=False)
    with store._write() as conn:
        schema.migrate(conn, 0.0, schema.LATEST - 1)
    store.close()
    [mode] = [c for c in cli("doctor", "--json").json()["checks"] if c["name"] == "mode"]
    assert mode["ok"] and mode["detail"].startswith("not checked: "), mode


def test_fix_with_a_broken_config_still_fixes_and_checks_the_rest(installed: Path, cli: Any) -> None:
    (installed / ".stopwarden" / "config.toml").write_text("[gate\nmode = ")
    fixed = cli("doctor", "--fix")
    assert fixed.code == 1
    assert "could not set up the project's files:" in unwrapped(fixed.out)
    assert "FAIL config" in fixed.out  # the checks ran


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder to another user needs root")
def test_a_state_folder_of_another_users_fails_as_such(installed: Path, cli: Any) -> None:
    """Every file in it is refused as not ours: the state folder check says why, not the config's (an
    operator review)."""
    state = installed / ".stopwarden"
    os.chown(state, 65534, -1)
    try:
        out = unwrapped(cli("doctor").out)
        assert f"FAIL state folder: {state} belongs to another user" in out
    finally:
        os.chown(state, 0, -1)
