"""The build commands through the CLI: state, audit log, and one-line errors that lose nothing."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult


def started(cli: Any, task: str = "Ship it", *args: str, session: str = "me") -> dict[str, Any]:
    result = cli("build", "start", task, "--owner-session", session, "--json", *args)
    assert result.code == 0, result.err
    data: dict[str, Any] = result.json()
    return data


def ok(result: CliResult) -> Any:
    assert result.code == 0, result.err
    return result.json() if result.out.startswith(("{", "[")) else result.out


def fails(result: CliResult, message: str) -> None:
    assert result.code == 1, (result.out, result.err)
    assert result.err.startswith("stopwarden: error: ")
    assert message in result.err, result.err
    assert "Traceback" not in result.err


def test_start_stamps_the_state_of_spec_4_1(installed: Path, cli: Any) -> None:
    build = started(cli, "Add a login page", "--size", "large")
    assert set(build) == {
        "id", "task", "size", "phase", "protection", "reinforcements_used", "owner", "started_at", "completed_at",
        "steps", "total_tests", "all_passing", "fix_iterations", "max_fix_iterations", "verify_iterations", "worktree",
    }  # fmt: skip
    assert build["id"].startswith("add-a-login-page-")
    assert (build["size"], build["phase"], build["protection"]) == (
        "LARGE",
        "idle",
        {"reinforcements": 10, "label": "heavy"},
    )
    assert build["owner"]["session_id"] == "me"
    assert set(build["owner"]) == {"session_id", "agent_pid", "agent_started_at", "tmux", "cwd", "stamped_at"}
    assert ok(cli("build", "status", "--json")) == build
    assert (installed / ".stopwarden" / "builds" / "active" / build["id"]).exists()


def test_session_id_sources(installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STOPWARDEN_SESSION_ID")  # the agents' own variables, then the override
    monkeypatch.setenv("CODEX_THREAD_ID", "codex-thread")
    assert started(cli, "a", session="flag")["owner"]["session_id"] == "flag"
    first = json.loads(cli("build", "list", "--json").out)[0]["id"]
    ok(cli("build", "abandon", "--reason", "x", "--build", first, "--override", "a test's other session"))
    result = cli("build", "start", "b", "--json")
    assert result.json()["owner"]["session_id"] == "codex-thread"
    ok(cli("build", "abandon", "--reason", "x"))  # its own: codex-thread
    monkeypatch.setenv("CLAUDE_CODE_SESSION_ID", "claude-session")
    result = cli("build", "start", "c", "--json")
    assert result.json()["owner"]["session_id"] == "claude-session"
    ok(cli("build", "abandon", "--reason", "x"))
    monkeypatch.setenv("STOPWARDEN_SESSION_ID", "ours")
    assert cli("build", "start", "d", "--json").json()["owner"]["session_id"] == "ours"


def test_a_whole_build(installed: Path, cli: Any) -> None:
    build = started(cli)
    for phase in ("clarify", "planning", "executing"):
        assert ok(cli("build", "phase", phase, "--json"))["phase"] == phase
    ok(cli("build", "step", "1", "parser", "--tests", "5", "--passing", "5", "--json"))
    state = ok(cli("build", "step", "2", "printer", "--tests", "3", "--passing", "1", "--json"))
    assert (state["total_tests"], state["all_passing"]) == (8, False)
    ok(cli("build", "phase", "verifying", "--evidence", "all steps done"))
    ok(cli("build", "phase", "fixing"))
    state = ok(cli("build", "step", "2", "printer, fixed", "--tests", "3", "--passing", "3", "--json"))
    assert [s["description"] for s in state["steps"]] == ["parser", "printer, fixed"]
    assert state["all_passing"] is True
    ok(cli("build", "phase", "verifying"))
    ok(cli("build", "phase", "hardening"))
    state = ok(cli("build", "complete", "--json"))
    assert (state["phase"], state["verify_iterations"], state["fix_iterations"]) == ("complete", 2, 1)
    assert state["completed_at"]
    assert not (installed / ".stopwarden" / "builds" / "active" / build["id"]).exists()
    events = [r["event"] for r in ok(cli("build", "log", "--limit", "100", "--json"))]
    assert events[0] == "build.started" and events[-1] == "build.completed"
    assert events.count("step.completed") == 3
    evidence = ok(cli("build", "log", "--event", "phase.changed", "--json"))
    assert any(r.get("evidence") == "all steps done" for r in evidence)
    report = ok(cli("build", "report", "--json"))
    assert [p["to"] for p in report["phases"]][-1] == "complete"
    assert report["events"]["phase.changed"] == 8


def test_fourth_fixing_escalates(installed: Path, cli: Any) -> None:
    started(cli)
    ok(cli("build", "phase", "executing"))
    for _ in range(3):
        ok(cli("build", "phase", "verifying"))
        assert ok(cli("build", "phase", "fixing", "--json"))["phase"] == "fixing"
    ok(cli("build", "phase", "verifying"))
    result = cli("build", "phase", "fixing")
    assert result.code == 0
    assert "escalated" in result.out
    assert ok(cli("build", "status", "--json"))["phase"] == "escalated"
    assert ok(cli("build", "log", "--event", "build.escalated", "--json"))


def test_complete_needs_every_step_passing(installed: Path, cli: Any) -> None:
    started(cli)
    ok(cli("build", "phase", "executing"))
    ok(cli("build", "step", "1", "x", "--tests", "2", "--passing", "1"))
    fails(cli("build", "complete"), "step 1 is not passing")
    assert ok(cli("build", "status", "--json"))["phase"] == "executing"


def test_complete_needs_every_step_number_up_to_the_last(installed: Path, cli: Any) -> None:
    """A number skipped is a step of the plan nobody said was done: `complete` names it, and a step
    recorded as not needed (with no tests, which pass) fills it."""
    started(cli)
    ok(cli("build", "phase", "executing"))
    ok(cli("build", "step", "1", "parser", "--tests", "2", "--passing", "2"))
    ok(cli("build", "step", "4", "docs", "--tests", "0", "--passing", "0"))
    result = cli("build", "complete")
    fails(result, "steps 2, 3 are not recorded")
    assert 'build step 2 "not needed: <why>" --tests 0 --passing 0' in result.err
    assert ok(cli("build", "status", "--json"))["phase"] == "executing"
    ok(cli("build", "step", "2", "not needed: folded into 1", "--tests", "0", "--passing", "0"))
    ok(cli("build", "step", "3", "the CLI", "--tests", "3", "--passing", "3"))
    assert "(no step recorded a test)" not in ok(cli("build", "complete"))


def test_a_step_numbered_far_past_the_highest_is_refused_and_a_long_gap_is_named_briefly(
    installed: Path, cli: Any
) -> None:
    """A date or a ticket number typed as N (an operator review: `build step 20000000` was taken, and
    `complete` then listed twenty million numbers in 21 s and 2.4 GB). A state file that already holds one
    is counted gap by gap."""
    build = started(cli)
    ok(cli("build", "phase", "executing"))
    ok(cli("build", "step", "1", "parser", "--tests", "1", "--passing", "1"))
    result = cli("build", "step", "20000000", "oops", "--tests", "1", "--passing", "1")
    fails(result, "step 20000000 is more than 10 past the highest step recorded (1)")
    assert "record step 2 next" in result.err
    ok(cli("build", "step", "11", "the last of the plan", "--tests", "1", "--passing", "1"))  # ten skipped: fine
    path = installed / ".stopwarden" / "builds" / f"{build['id']}.json"
    state = json.loads(path.read_text())
    state["steps"].append({**state["steps"][-1], "n": 10**20})  # written before the bound, or by hand
    path.write_text(json.dumps(state))
    started_at = time.monotonic()
    result = cli("build", "complete")
    assert time.monotonic() - started_at < 10
    fails(result, f"steps 2, 3, 4, 5, 6, 7, 8, 9, 10, 12 are not recorded ({10**20 - 3} in all)")


def test_a_skipped_step_is_asked_for_where_it_can_still_be_recorded(installed: Path, cli: Any) -> None:
    """On leaving executing (or fixing) for verifying, where `build step` still works; never in hardening,
    which records no step and leads only to complete (a cold review: a gap found there trapped the build)."""
    build = started(cli)
    ok(cli("build", "phase", "executing"))
    ok(cli("build", "step", "1", "parser", "--tests", "1", "--passing", "1"))
    ok(cli("build", "step", "3", "cli", "--tests", "1", "--passing", "1"))
    fails(cli("build", "phase", "verifying"), "cannot leave executing: step 2 is not recorded")
    ok(cli("build", "step", "2", "not needed: folded into 3", "--tests", "0", "--passing", "0"))
    ok(cli("build", "phase", "verifying"))
    ok(cli("build", "phase", "hardening"))
    path = installed / ".stopwarden" / "builds" / f"{build['id']}.json"
    state = json.loads(path.read_text())
    state["steps"] = [s for s in state["steps"] if s["n"] != 2]  # a gap in hardening (a state of before)
    path.write_text(json.dumps(state))
    ok(cli("build", "complete"))


def test_missing_steps_are_counted_from_1_whatever_a_state_file_holds() -> None:
    from stopwarden.build.manager import _missing_steps

    assert _missing_steps([{"n": -5}, {"n": 0}, {"n": 3}]) == ([1, 2], 2)  # never a number below 1
    assert _missing_steps([{"n": 1}, {"n": 2}]) == ([], 0)


def test_complete_says_when_no_step_recorded_a_test(installed: Path, cli: Any) -> None:
    started(cli)
    ok(cli("build", "phase", "executing"))
    ok(cli("build", "step", "1", "the README", "--tests", "0", "--passing", "0"))
    assert "is complete (no step recorded a test)" in ok(cli("build", "complete"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("build", "phase", "bogus"), "unknown phase 'bogus'"),
        (("build", "phase", "hardening"), "illegal transition idle -> hardening"),
        (("build", "step", "1", "x", "--tests", "2", "--passing", "2"), "steps are recorded while executing or fixing"),
        (("build", "status", "--build", "nope"), "no build 'nope'"),
        (("build", "status", "--build", "../../etc/passwd"), "no build"),
        (("build", "start", "  "), "the task is empty"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    installed: Path, cli: Any, args: tuple[str, ...], message: str
) -> None:
    build = started(cli)
    path = installed / ".stopwarden" / "builds" / f"{build['id']}.json"
    before = path.read_bytes()
    fails(cli(*args), message)
    assert path.read_bytes() == before


def test_step_numbers_must_fit(installed: Path, cli: Any) -> None:
    started(cli)
    ok(cli("build", "phase", "executing"))
    fails(cli("build", "step", "0", "x", "--tests", "1", "--passing", "1"), "not positive")
    fails(cli("build", "step", "1", "x", "--tests", "1", "--passing", "2"), "do not fit")


def test_terminal_build_refuses_to_move(installed: Path, cli: Any) -> None:
    started(cli)
    ok(cli("build", "abandon", "--reason", "user cancelled"))
    refused = cli("build", "phase", "executing")
    fails(refused, "illegal transition failed -> executing")
    assert "hint: from failed: none, it is finished" in refused.err
    assert ok(cli("build", "log", "--event", "phase.changed", "--json"))[-1]["evidence"] == "user cancelled"


def test_an_escalated_build_names_resume_as_its_way_on(installed: Path, cli: Any) -> None:
    """An escalated build is not finished: it waits for the user, and `build resume` takes it up again (an
    operator review found the hint calling it finished)."""
    started(cli)
    ok(cli("build", "phase", "escalated", "--evidence", "which API version?"))
    refused = cli("build", "phase", "verifying")
    fails(refused, "illegal transition escalated -> verifying")
    assert "`stopwarden build resume` takes it up again" in refused.err


def test_corrupt_state_is_reported_and_kept(installed: Path, cli: Any) -> None:
    build = started(cli)
    path = installed / ".stopwarden" / "builds" / f"{build['id']}.json"
    path.write_text("{broken")
    fails(cli("build", "status", "--build", build["id"]), "is corrupt")
    fails(cli("build", "phase", "executing", "--build", build["id"]), "is corrupt")
    assert path.read_text() == "{broken"


def test_unwritable_folder(installed: Path, cli: Any) -> None:
    build = started(cli)
    builds = installed / ".stopwarden" / "builds"
    if os.geteuid() != 0:
        builds.chmod(0o500)
        try:
            fails(cli("build", "phase", "executing"), "cannot use")
        finally:
            builds.chmod(0o700)
    # What even root cannot write through: a file where a folder should be.
    active = builds / "active"
    for marker in active.iterdir():
        marker.unlink()
    active.rmdir()
    active.write_text("")
    before = (builds / f"{build['id']}.json").read_bytes()
    fails(cli("build", "start", "another", "--owner-session", "other"), "cannot use")
    assert (builds / f"{build['id']}.json").read_bytes() == before


def test_no_project(tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    fails(cli("build", "status"), "no .stopwarden/ folder")


def test_which_build(installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    a = started(cli, "first", session="alice")
    b = started(cli, "second", session="bob")
    fails(cli("build", "status"), "2 active builds")
    monkeypatch.setenv("STOPWARDEN_SESSION_ID", "bob")
    assert ok(cli("build", "status", "--json"))["id"] == b["id"]
    assert ok(cli("build", "status", "--build", a["id"], "--json"))["id"] == a["id"]
    fails(cli("build", "start", "third"), "already owns the active build")
    listing = cli("build", "list")
    assert f"* {b['id']}" in listing.out and f"  {a['id']}" in listing.out


def test_resume_and_adopt(installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    build = started(cli, session="old")
    monkeypatch.setenv("STOPWARDEN_SESSION_ID", "new")
    refused = cli("build", "resume", "--json")  # not its owner: the answer, and exit 1 for scripts
    assert refused.code == 1, refused.err
    data = refused.json()
    assert (data["is_owner"], data["can_resume"]) == (False, False)
    assert "--adopt" in data["advice"]
    data = ok(cli("build", "resume", "--adopt", "--json"))
    assert (data["is_owner"], data["proven_by"]) == (True, "adopt")
    assert ok(cli("build", "status", "--json"))["owner"]["session_id"] == "new"
    assert ok(cli("build", "resume", "--json"))["proven_by"] == "session"
    assert ok(cli("build", "log", "--event", "owner.reconciled", "--json"))[0]["old_session_id"] == "old"
    assert build["id"] == data["build_id"]


def test_readable_output(installed: Path, cli: Any) -> None:
    started(cli)
    result = cli("build", "status")
    assert result.code == 0
    assert "phase: idle" in result.out and "owner: session me" in result.out
