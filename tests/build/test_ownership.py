"""A session changes only its own build (issue 21): another's needs --adopt, or --build ID --override REASON;
the audit log says who acted; dead ends are gone (complete needs a step, escalations resume)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.build.test_manager import fails, ok, started


def as_session(monkeypatch: pytest.MonkeyPatch, session: str) -> None:
    monkeypatch.setenv("STOPWARDEN_SESSION_ID", session)


def audit(root: Path) -> list[dict[str, Any]]:
    lines = (root / ".stopwarden" / "builds" / "audit.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_another_session_cannot_drive_a_build_it_does_not_own(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = started(cli, "Their task", session="E")
    before = (installed / ".stopwarden" / "builds" / f"{theirs['id']}.json").read_bytes()
    as_session(monkeypatch, "D")
    for args in (
        ("phase", "executing"),
        ("step", "1", "x", "--tests", "1", "--passing", "1"),
        ("complete",),
        ("abandon", "--reason", "mine now"),
        ("phase", "executing", "--build", theirs["id"]),
        ("worktree", "create", "--build", theirs["id"]),
    ):
        fails(cli("build", *args), "belongs to another session (session E)")
    assert (installed / ".stopwarden" / "builds" / f"{theirs['id']}.json").read_bytes() == before
    result = cli("build", "phase", "executing", "--override", "the owner crashed")
    assert result.code == 1 and "--override needs --build ID" in result.err


def test_override_acts_once_and_the_audit_log_says_who_and_why(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = started(cli, "Their task", session="E")
    as_session(monkeypatch, "D")
    state = ok(cli("build", "phase", "executing", "--build", theirs["id"], "--override", "E crashed", "--json"))
    assert state["phase"] == "executing" and state["owner"]["session_id"] == "E"  # still E's
    changed = [r for r in audit(installed) if r["event"] == "phase.changed"][-1]
    assert changed["by"]["session_id"] == "D" and changed["by"]["forced"] == "E crashed"
    assert isinstance(changed["by"]["pid"], int)
    fails(cli("build", "step", "1", "x", "--tests", "1", "--passing", "1"), "belongs to another session")


def test_a_second_abandon_never_falls_through_to_another_sessions_build(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = started(cli, "Their task", session="E")
    mine = started(cli, "My task", session="D")
    as_session(monkeypatch, "D")
    assert ok(cli("build", "abandon", "--reason", "wrong approach", "--json"))["id"] == mine["id"]
    fails(cli("build", "abandon", "--reason", "again"), "belongs to another session (session E)")
    status = ok(cli("build", "status", "--build", theirs["id"], "--json"))
    assert status["phase"] == "idle"


def test_the_user_at_a_terminal_may_act_on_any_build(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = started(cli, "Their task", session="E")
    as_session(monkeypatch, "")  # no session, no agent process, no pane: a shell no agent runs
    assert ok(cli("build", "abandon", "--reason", "the user cancelled it", "--json"))["phase"] == "failed"
    abandoned = [r for r in audit(installed) if r["event"] == "phase.changed"][-1]
    assert abandoned["by"]["session_id"] == "" and abandoned["evidence"] == "the user cancelled it"
    assert theirs["id"] == abandoned["build_id"]


def test_complete_needs_a_step_and_escalating_or_abandoning_needs_a_reason(installed: Path, cli: Any) -> None:
    started(cli)
    ok(cli("build", "phase", "executing"))
    fails(cli("build", "complete"), "no step is recorded")
    fails(cli("build", "phase", "escalated"), "say why the build is escalated")
    failed = cli("build", "phase", "failed")
    fails(failed, "say why the build is failed")
    assert 'add --evidence "<why>"' in failed.err  # the option `build phase` has (--reason is abandon's)
    assert cli("build", "abandon").code == 1  # --reason is required
    blank = cli("build", "abandon", "--reason", "  ")
    fails(blank, "say why the build is abandoned")
    assert 'add --reason "<why>"' in blank.err  # abandon's own option (an operator review)
    ok(cli("build", "step", "1", "parser", "--tests", "2", "--passing", "2"))
    assert ok(cli("build", "complete", "--json"))["phase"] == "complete"


def test_an_escalated_build_resumes_in_the_phase_it_left(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = started(cli)
    ok(cli("build", "phase", "executing"))
    state = ok(cli("build", "phase", "escalated", "--evidence", "which payment provider?", "--json"))
    assert (state["phase"], state["escalation"], state["escalated_from"]) == (
        "escalated", "which payment provider?", "executing",
    )  # fmt: skip
    [escalated] = [r for r in audit(installed) if r["event"] == "build.escalated"]
    assert escalated["reason"] == "which payment provider?" and escalated["by"]["session_id"] == "me"  # who
    status = ok(cli("build", "status"))
    assert "gate: escalated: which payment provider? (the agent may stop)" in status
    assert "`stopwarden build resume` goes back to executing" in status
    as_session(monkeypatch, "someone-else")
    refused = cli("build", "resume", "--build", build["id"], "--json")
    assert refused.code == 1  # another session cannot resume it without --adopt
    other = refused.json()
    assert other["phase"] == "escalated" and not other["resumed"]
    as_session(monkeypatch, "me")
    data = ok(cli("build", "resume", "--json"))
    assert (data["phase"], data["resumed"], data["can_resume"]) == ("executing", True, True)
    assert "which payment provider?" in data["advice"]
    resumed = [r for r in audit(installed) if r["event"] == "build.resumed"]
    assert resumed and resumed[-1]["to"] == "executing" and resumed[-1]["by"]["session_id"] == "me"
    ok(cli("build", "step", "1", "stripe", "--tests", "1", "--passing", "1"))  # the build goes on
    assert "gate: blocks left 5 of 5" in ok(cli("build", "status"))


def test_too_many_fix_rounds_escalate_and_resuming_gives_fresh_rounds(installed: Path, cli: Any) -> None:
    started(cli)
    ok(cli("build", "phase", "executing"))
    ok(cli("build", "step", "1", "a", "--tests", "1", "--passing", "0"))
    for _ in range(3):
        ok(cli("build", "phase", "verifying"))
        ok(cli("build", "phase", "fixing"))
    ok(cli("build", "phase", "verifying"))
    assert ok(cli("build", "phase", "fixing", "--json"))["phase"] == "escalated"
    data = ok(cli("build", "resume", "--json"))
    assert data["phase"] == "verifying"
    assert ok(cli("build", "phase", "fixing", "--json"))["phase"] == "fixing"
