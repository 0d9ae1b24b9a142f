"""The build gate through the installed hook: only the owner is blocked, within its budget (SPEC §4.3, §4.4)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import git, run_hook, stop_payload


def start(cli: Any, *args: str, session: str = "owner") -> dict[str, Any]:
    result = cli("build", "start", "Add a login page", "--owner-session", session, "--json", *args)
    assert result.code == 0, result.err
    build: dict[str, Any] = result.json()
    assert cli("build", "phase", "executing", "--build", build["id"]).code == 0
    return build


def state(root: Path, build_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / ".stopwarden" / "builds" / f"{build_id}.json").read_text())
    return data


def audit(root: Path) -> list[dict[str, Any]]:
    lines = (root / ".stopwarden" / "builds" / "audit.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_no_build_allows(installed: Path) -> None:
    done = run_hook(installed, stop_payload(installed, "owner"))
    assert (done.returncode, done.stdout) == (0, "")
    assert "allow: no active build" in (installed / ".stopwarden" / "hook.log").read_text()


def test_owner_is_blocked_with_the_build_status(installed: Path, cli: Any) -> None:
    build = start(cli, "--size", "SMALL")
    assert cli("build", "step", "1", "the form", "--tests", "4", "--passing", "3").code == 0
    done = run_hook(installed, stop_payload(installed, "owner"))
    assert done.returncode == 0
    decision = json.loads(done.stdout)
    assert decision["decision"] == "block"
    reason = decision["reason"]
    assert reason.startswith("stopwarden: ")
    for fragment in (
        '"Add a login page"',
        build["id"],
        "phase executing",
        "Block 1/3",
        "light",
        "3/4",
        "build status",
        "build step N",
        "build phase verifying",
    ):
        assert fragment in reason, fragment
    assert state(installed, build["id"])["reinforcements_used"] == 1
    assert audit(installed)[-1]["event"] == "gate.blocked"


def test_stranger_stops_freely_and_spends_nothing(installed: Path, cli: Any) -> None:
    build = start(cli)
    before = (installed / ".stopwarden" / "builds" / f"{build['id']}.json").read_bytes()
    for _ in range(3):
        done = run_hook(installed, stop_payload(installed, "stranger"))
        assert (done.returncode, done.stdout) == (0, "")
    assert (installed / ".stopwarden" / "builds" / f"{build['id']}.json").read_bytes() == before
    assert "allow: not the owner of" in (installed / ".stopwarden" / "hook.log").read_text()
    assert [r["event"] for r in audit(installed)] == ["build.started", "phase.changed"]


def test_budget_is_spent_then_the_owner_may_stop(installed: Path, cli: Any) -> None:
    build = start(cli, "--size", "SMALL")
    outputs = [run_hook(installed, stop_payload(installed, "owner", stop_hook_active=i > 0)).stdout for i in range(5)]
    assert [bool(o) for o in outputs] == [True, True, True, False, False]
    assert "Block 3/3" in json.loads(outputs[2])["reason"]
    assert state(installed, build["id"])["reinforcements_used"] == 3
    assert [r["event"] for r in audit(installed)][-2:] == ["gate.budget_exhausted", "gate.budget_exhausted"]


def test_terminal_build_allows(installed: Path, cli: Any) -> None:
    start(cli)
    assert cli("build", "step", "1", "the form", "--tests", "2", "--passing", "2").code == 0
    assert cli("build", "complete").code == 0
    assert run_hook(installed, stop_payload(installed, "owner")).stdout == ""
    assert not any((installed / ".stopwarden" / "builds" / "active").iterdir())


def test_an_escalated_build_lets_its_owner_stop_until_it_is_resumed(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    start(cli)
    monkeypatch.setenv("STOPWARDEN_SESSION_ID", "owner")
    assert cli("build", "phase", "escalated", "--evidence", "which database?").code == 0
    assert run_hook(installed, stop_payload(installed, "owner")).stdout == ""  # waits for the user
    assert cli("build", "resume").code == 0
    assert '"decision":"block"' in run_hook(installed, stop_payload(installed, "owner")).stdout


def test_build_without_identity_is_never_adopted(installed: Path, cli: Any) -> None:
    result = cli("build", "start", "orphan", "--json")
    assert result.code == 0
    assert "will never block for this build" in result.err
    for session in ("owner", "", "anyone"):
        assert run_hook(installed, stop_payload(installed, session)).stdout == ""
    assert audit(installed)[-1]["event"] == "gate.unowned"
    assert state(installed, result.json()["id"])["reinforcements_used"] == 0


def test_owner_proven_by_agent_process_is_reconciled(installed: Path, cli: Any, monkeypatch: Any) -> None:
    sleeper = subprocess.Popen(["sleep", "60"])  # stands in for the agent process: a live pid with a start time
    try:
        monkeypatch.setenv("STOPWARDEN_AGENT_PID", str(sleeper.pid))
        build = start(cli, session="old-session")
        assert state(installed, build["id"])["owner"]["agent_started_at"] > 0
        # A resumed session: new id, same agent process.
        done = run_hook(installed, stop_payload(installed, "new-session"))
        assert json.loads(done.stdout)["decision"] == "block"
        assert state(installed, build["id"])["owner"]["session_id"] == "new-session"
        reconciled = [r for r in audit(installed) if r["event"] == "owner.reconciled"]
        assert reconciled[0]["old_session_id"] == "old-session"
        assert reconciled[0]["proven_by"] == "agent"
        # Another agent process (or none) with yet another id is a stranger.
        done = run_hook(installed, stop_payload(installed, "third"), env={"STOPWARDEN_AGENT_PID": str(1)})
        assert done.stdout == ""
    finally:
        sleeper.kill()
        sleeper.wait()


def test_reused_pid_with_another_start_time_is_not_the_owner(installed: Path, cli: Any) -> None:
    build = start(cli, session="old")
    path = installed / ".stopwarden" / "builds" / f"{build['id']}.json"
    data = json.loads(path.read_text())
    data["owner"].update({"agent_pid": 1, "agent_started_at": 123456789})  # pid 1 exists, but started earlier
    path.write_text(json.dumps(data))
    assert run_hook(installed, stop_payload(installed, "new"), env={"STOPWARDEN_AGENT_PID": "1"}).stdout == ""


def test_owner_proven_by_tmux_pane(installed: Path, cli: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("STOPWARDEN_TMUX", "/tmp/tmux-0/default:%3")
    build = start(cli, session="")
    assert state(installed, build["id"])["owner"]["tmux"] == "/tmp/tmux-0/default:%3"
    pane = {"STOPWARDEN_TMUX": "/tmp/tmux-0/default:%3"}
    assert run_hook(installed, stop_payload(installed, "s9"), env=pane).stdout
    assert state(installed, build["id"])["owner"]["session_id"] == "s9"
    assert run_hook(installed, stop_payload(installed, "s10"), env={"STOPWARDEN_TMUX": "/tmp/x:%4"}).stdout == ""


def test_two_builds_two_owners(installed: Path, cli: Any) -> None:
    a = start(cli, session="alice")
    b = start(cli, session="bob")
    assert a["id"] in json.loads(run_hook(installed, stop_payload(installed, "alice")).stdout)["reason"]
    assert b["id"] in json.loads(run_hook(installed, stop_payload(installed, "bob")).stdout)["reason"]
    assert run_hook(installed, stop_payload(installed, "carol")).stdout == ""
    assert state(installed, a["id"])["reinforcements_used"] == 1
    assert state(installed, b["id"])["reinforcements_used"] == 1


def test_corrupt_state_allows_and_is_left_as_is(installed: Path, cli: Any) -> None:
    build = start(cli)
    path = installed / ".stopwarden" / "builds" / f"{build['id']}.json"
    path.write_text('{"id": "half')
    assert run_hook(installed, stop_payload(installed, "owner")).stdout == ""
    assert path.read_text() == '{"id": "half'
    assert "is corrupt" in (installed / ".stopwarden" / "hook.log").read_text()


def test_stop_from_a_subfolder_and_from_the_build_worktree(installed: Path, cli: Any) -> None:
    build = start(cli)
    sub = installed / "src" / "deep"
    sub.mkdir(parents=True)
    assert run_hook(installed, stop_payload(installed, "owner", cwd=str(sub))).stdout
    git(installed, "add", "-A")
    git(installed, "commit", "-qm", "install stopwarden")
    tree = cli("build", "worktree", "create", "--json")
    assert tree.code == 0, tree.err
    assert (Path(tree.json()["path"]) / ".stopwarden" / "config.toml").exists()  # the committed config, checked out
    done = run_hook(installed, stop_payload(installed, "owner", cwd=tree.json()["path"]))
    assert "Work in the worktree" in json.loads(done.stdout)["reason"]
    assert state(installed, build["id"])["reinforcements_used"] == 2


def test_user_scope_install_does_nothing_outside_a_project(tmp_path: Path, installed: Path) -> None:
    elsewhere = tmp_path / "not-a-project"
    elsewhere.mkdir()
    done = run_hook(installed, stop_payload(elsewhere, "owner"))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert not (elsewhere / ".stopwarden").exists()


def test_one_malformed_build_does_not_switch_the_gate_off(installed: Path, cli: Any) -> None:
    broken = start(cli, session="someone")
    mine = start(cli, session="owner")
    path = installed / ".stopwarden" / "builds" / f"{broken['id']}.json"
    data = json.loads(path.read_text())
    data["owner"] = "a"
    path.write_text(json.dumps(data))
    assert mine["id"] in json.loads(run_hook(installed, stop_payload(installed, "owner")).stdout)["reason"]
    result = cli("build", "status", "--build", broken["id"])
    assert result.code == 1 and "owner is not a dict" in result.err


def test_a_nested_agent_in_the_owners_tmux_pane_is_not_the_owner(installed: Path, cli: Any, monkeypatch: Any) -> None:
    outer = subprocess.Popen(["sleep", "60"])
    nested = subprocess.Popen(["sleep", "60"])
    try:
        monkeypatch.setenv("STOPWARDEN_AGENT_PID", str(outer.pid))
        monkeypatch.setenv("STOPWARDEN_TMUX", "sock:%1")
        build = start(cli, session="outer")
        env = {"STOPWARDEN_AGENT_PID": str(nested.pid), "STOPWARDEN_TMUX": "sock:%1"}
        assert run_hook(installed, stop_payload(installed, "nested"), env=env).stdout == ""
        assert state(installed, build["id"])["reinforcements_used"] == 0
        outer.kill()
        outer.wait()
        # Once the owner's agent is gone, the pane proves a resumed owner.
        assert run_hook(installed, stop_payload(installed, "resumed"), env=env).stdout
        assert state(installed, build["id"])["owner"]["session_id"] == "resumed"
    finally:
        for proc in (outer, nested):
            proc.kill()
            proc.wait()


def test_a_locked_build_lets_the_owner_stop_after_a_bounded_wait(installed: Path, cli: Any) -> None:
    import fcntl
    import time

    build = start(cli)
    with open(installed / ".stopwarden" / "builds" / f"{build['id']}.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        began = time.monotonic()
        done = run_hook(installed, stop_payload(installed, "owner"))
        waited = time.monotonic() - began
    assert (done.returncode, done.stdout) == (0, "")
    assert 1.5 < waited < 10
    assert "is locked by a busy command" in (installed / ".stopwarden" / "hook.log").read_text()


def test_after_uninstall_the_hooks_that_still_run_here_gate_nothing(installed: Path, cli: Any) -> None:
    """Uninstall without --purge keeps `.stopwarden/` (the decision log), so hooks another project installed
    in the user scope still find the project: they allow every stop there until `init` (an operator review
    found them still blocking in enforce). Run here as the registered command, kept before uninstall."""
    start(cli)
    settings = installed / ".claude" / "settings.local.json"
    kept = settings.read_text()
    assert '"decision":"block"' in run_hook(installed, stop_payload(installed, "owner")).stdout
    uninstall = cli("uninstall")
    assert uninstall.code == 0 and "hooks that still run here gate nothing" in uninstall.out
    settings.parent.mkdir(exist_ok=True)
    settings.write_text(kept)  # as if another project's user-scope install still ran our hook here
    assert run_hook(installed, stop_payload(installed, "owner")).stdout == ""
    assert "stopwarden was uninstalled here" in (installed / ".stopwarden" / "hook.log").read_text()
    assert "FAIL installed:" in cli("doctor").out  # said, not silent
    assert cli("init", "--agent", "claude-code").code == 0  # installed again: gated again
    assert '"decision":"block"' in run_hook(installed, stop_payload(installed, "owner")).stdout
    # Only a regular file marks it: a repository's link or folder of that name turns nothing off.
    mark = installed / ".stopwarden" / "uninstalled"
    mark.mkdir()
    assert '"decision":"block"' in run_hook(installed, stop_payload(installed, "owner")).stdout
