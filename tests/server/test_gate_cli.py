"""`stopwarden gate …` through the CLI, with the server down (straight to the store) and up (through it)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import without_approved_environment
from tests.server.conftest import PlanRepo, evaluate_body, run_server


def test_with_the_server_down(installed: Path, cli: Any) -> None:
    status = cli("gate", "status", "--json")
    assert status.code == 0, status.err
    data = status.json()
    assert (data["mode"], data["kill_switch"], data["server"]["running"]) == ("off", False, False)
    refused = cli("gate", "mode", "enforce")
    assert refused.code == 1 and "not ready for enforce" in refused.err and "need 20" in refused.err
    forced = cli("gate", "mode", "enforce", "--force", "trial", "--json")
    assert forced.code == 0 and forced.json()["mode"] == "enforce" and forced.json()["forced_reason"] == "trial"
    assert json.loads((installed / ".stopwarden" / "hot-path.json").read_text())["mode"] == "enforce"
    on = cli("gate", "kill-switch", "on", "--reason", "incident", "--json")
    assert on.json() == {"value": True, "scope": "*", "reason": "incident"}
    assert "kill switch: ON (incident)" in cli("gate", "status").out
    assert cli("gate", "reset-breaker", "--json").json() == {"authority": "rules", "breaker": "closed"}
    assert cli("gate", "log").out.strip() == "no decisions yet"
    assert cli("gate", "log", "--project", "nosuch").out.strip() == "no decision matches"  # a filter, not "yet"
    assert cli("gate", "log", "--since", "1d").out.strip() == "no decision matches"


def _project(installed: Path) -> str:
    from stopwarden.common import config as config_module

    return config_module.load(str(installed)).project


# A project no decision was logged under: said, as a typo would store a setting nobody reads.
UNKNOWN = " (no decision of a project named billing-service is in this store yet: is the name right?)"


def test_a_mode_set_for_another_project_says_why_this_ones_differs(installed: Path, cli: Any) -> None:
    """`gate mode` prints the mode in force for this project afterwards: when that is not the one just set,
    it says why, rather than seem to have ignored the command."""
    assert cli("gate", "mode", "shadow").code == 0
    other = cli("gate", "mode", "off", "--scope", "billing-service")
    assert other.code == 0, other.err
    # What was asked for first (an operator review: "mode: shadow" first read as a failure).
    assert other.out.splitlines() == [
        "mode: off (set for project billing-service)" + UNKNOWN,
        f"note: here, in project {_project(installed)}, the mode is shadow",
    ]
    assert cli("gate", "mode", "off").out.splitlines() == ["mode: off"]
    project = _project(installed)
    assert cli("gate", "mode", "shadow", "--scope", project).code == 0
    # With SQLite, * is this project, its own mode included: `gate mode off` turns it off here (an operator
    # review found the project's own enforce still blocking after it), and so does the kill switch's.
    assert cli("gate", "mode", "off").out.splitlines() == [f"mode: off (set for project {project})"]
    assert cli("gate", "mode", "--json").json()["mode"] == "off"
    # Both written in one transaction, and the operator log says the project's own setting was overwritten.
    with closing(sqlite3.connect(installed / ".stopwarden" / "stopwarden.db")) as db:
        rows = db.execute("SELECT scope, value, updated_at FROM settings WHERE key = 'mode' AND scope IN ('*', ?)",
                          (project,)).fetchall()  # fmt: skip
        [detail] = db.execute("SELECT detail FROM operator_log ORDER BY entry_id DESC LIMIT 1").fetchone()
    assert sorted(rows) == sorted([("*", "off", rows[0][2]), (project, "off", rows[0][2])])
    assert detail == f"off [and project {project}'s own setting]"
    other_switch = cli("gate", "kill-switch", "on", "--scope", "billing-service")  # not this project's
    assert other_switch.out.splitlines() == [
        "kill switch: ON (set for project billing-service)" + UNKNOWN,
        f"note: here, in project {project}, the kill switch is off",
    ]
    from stopwarden.store.store import Store

    store = Store.open(str(installed / ".stopwarden" / "stopwarden.db"))  # a decision logged under that name
    store.record_event({"session_id": "s", "agent": "claude-code", "ts": 1.0, "mode": "shadow", "decision": "allow",
                        "project": "billing-service", "host": "box"})  # fmt: skip
    store.close()
    assert cli("gate", "kill-switch", "on", "--scope", "billing-service").out.splitlines()[0] == (
        "kill switch: ON (set for project billing-service)"  # a known name: nothing more said
    )
    assert cli("gate", "kill-switch", "off", "--scope", "billing-service").code == 0
    assert cli("gate", "kill-switch", "on").code == 0  # every project's: off for one project leaves it stopped
    assert cli("gate", "kill-switch", "off", "--scope", "billing-service").out.splitlines()[0] == (
        "kill switch: off (still on there: set at scope *) (set for project billing-service)"
    )
    assert cli("gate", "kill-switch", "off").code == 0
    assert cli("gate", "kill-switch", "on", "--scope", project).code == 0
    assert cli("gate", "kill-switch", "off", "--json").json()["value"] is False
    # With its own mode set, a mode for another project is still that project's only (a cold read).
    assert cli("gate", "mode", "enforce", "--force", "x", "--scope", "billing-service").out.splitlines() == [
        "mode: enforce (forced: x) (set for project billing-service)",
        f"note: here, in project {project}, the mode is off (set for project {project})",
    ]
    # With --json, what was set there beside this project's state (a cold review: only this project's was said).
    shown = cli("gate", "mode", "shadow", "--scope", "billing-service", "--json").json()
    assert shown["set"] == {"scope": "billing-service", "mode": "shadow"} and shown["mode"] == "off"
    switched = cli("gate", "kill-switch", "on", "--scope", "billing-service", "--json").json()
    assert switched["set"] == {"scope": "billing-service", "value": True} and switched["value"] is False
    assert cli("gate", "kill-switch", "off", "--scope", "billing-service").code == 0
    assert cli("gate", "mode", "enforce", "--force", "x", "--scope", "billing-service").code == 0
    # Every project's mode off leaves a project whose own mode is higher judging: said, with the switch that
    # stops every one (an operator review: nothing said so on a fleet).
    off = " ".join(cli("gate", "mode", "off").out.split())
    assert "note: projects that keep their own mode above off: billing-service (enforce)" in off
    assert "`stopwarden gate kill-switch on` stops every project" in off


def test_with_the_server_up(installed: Path, cli: Any, plan_repo: PlanRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    for server in run_server(installed):
        monkeypatch.setenv("STOPWARDEN_STORE_URL", "postgresql://gate@127.0.0.1:1/db")
        assert "restart the server to use them: stopwarden stop; stopwarden start" in cli("store", "approve").out
        monkeypatch.delenv("STOPWARDEN_STORE_URL")
        server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))
        assert cli("gate", "status", "--json").json()["server"]["running"] is True
        assert cli("gate", "mode", "off").code == 0
        assert server.call("GET", "/v1/mode")[1]["mode"] == "off"  # the running server saw it at once
        refused = cli("gate", "mode", "enforce")
        assert refused.code == 1 and "not ready for enforce" in refused.err
        assert "see `stopwarden gate report`" in refused.err  # where readiness is shown (an operator review)
        assert cli("gate", "kill-switch", "on").code == 0
        assert server.call("GET", "/v1/kill-switch")[1]["value"] is True
        events = cli("gate", "log", "--tail", "5", "--json").json()
        assert len(events) == 1 and events[0]["decision"] == "continue"
        assert "continue" in cli("gate", "log").out
        assert cli("gate", "log", "--decision", "allow", "--json").json() == []
        assert cli("gate", "status", "--json").json()["today"] == {"continue": 1}


def test_choosing_the_authority_keeps_the_rest_of_the_config(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_approved_environment(monkeypatch)  # the answer is the config's alone (test_committed_authority.py)
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + '\n# my note\n[authority.openai]\nbase_url = "http://127.0.0.1:8080/v1"\n')
    before = config.read_text()
    result = cli("gate", "authority", "openai", "--json")
    assert result.code == 0, result.err
    assert result.json() == {
        "authority": "openai",
        "timeout_s": 3.0,
        "restarted": False,
        "problems": [],
        "approved": {"base_url": "http://127.0.0.1:8080/v1"},  # what this machine now sends its key to
    }
    after = config.read_text()
    assert 'authority = "openai"' in after and "# my note" in after
    assert after.replace('authority = "openai"', 'authority = "rules"') == before
    assert cli("gate", "authority", "claude-cli", "--skip-check", "--json").json()["timeout_s"] == 20.0
    assert cli("gate", "authority", "oracle").code == 1


def test_force_is_for_enforce_and_needs_a_reason(installed: Path, cli: Any) -> None:
    """A forced enforce is recorded with its reason: a blank one is refused, and --force with another mode is
    an error rather than ignored (an operator review)."""
    for args in (["enforce", "--force", "   "], ["enforce", "--force", ""], ["shadow", "--force", "why"]):
        result = cli("gate", "mode", *args)
        assert result.code == 1 and ("needs a reason" in result.err or "applies to enforce only" in result.err)
    from stopwarden.common import config as config_module
    from stopwarden.common.errors import StopwardenError
    from stopwarden.gate import settings
    from stopwarden.store.store import Store

    store = Store.open(str(installed / ".stopwarden" / "stopwarden.db"))
    try:
        with pytest.raises(StopwardenError, match="blank"):  # the API's path too
            settings.set_mode(store, config_module.load(str(installed)), "enforce", "  ")
    finally:
        store.close()


def test_scopes_with_the_server_down(installed: Path, cli: Any) -> None:
    """With SQLite the fleet is this one project, but a project's own setting still wins and says so."""
    assert cli("gate", "mode", "shadow").code == 0
    own = cli("gate", "mode", "off", "--scope", "project")
    assert own.code == 0 and own.out.strip() == "mode: off (set for project project)"
    assert "mode: off (set for project project)" in cli("gate", "status").out
    assert cli("gate", "kill-switch", "on", "--reason", "drill").code == 0
    still = cli("gate", "kill-switch", "off", "--scope", "project")
    assert still.out.strip() == "kill switch: ON (still on: set at scope *)"
    assert cli("gate", "mode", "shadow", "--scope", " ").code == 1  # a blank scope is refused
    blank = cli("gate", "kill-switch", "on", "--scope", "")  # before asking anyone: one error, no warning first
    assert blank.code == 1 and "warning" not in blank.err and "bad scope" in blank.err


def test_a_config_broken_after_the_server_started_still_lets_the_kill_switch_and_a_lower_mode_through(
    installed: Path, cli: Any
) -> None:
    """The running server keeps the config it loaded and goes on judging; a config broken since (a typo, a
    teammate's push) must not lock the operator out of the controls that make the gate safer (an operator
    review: `gate kill-switch on` and `gate mode off` failed on the config error while the server enforced)."""
    for server in run_server(installed):
        config = installed / ".stopwarden" / "config.toml"
        config.write_text(config.read_text() + "\n[gate]\nretention_days = 0\n")
        assert cli("gate", "status").code == 1  # the config is reported as broken
        on = cli("gate", "kill-switch", "on", "--reason", "drill")
        assert on.code == 0, on.err
        assert server.call("GET", "/v1/kill-switch")[1]["value"] is True
        off = cli("gate", "mode", "off")
        assert off.code == 0, off.err
        assert server.call("GET", "/v1/mode")[1]["mode"] == "off"
        other = cli("gate", "mode", "shadow", "--scope", "billing")  # made, and said so (a cold review: exit 1)
        assert other.code == 0 and other.out.splitlines()[0] == "mode: shadow (set for project billing)"
        assert "the change was made; this project's config cannot be read" in other.out
        switch = cli("gate", "kill-switch", "on", "--scope", "billing")  # the same for the switch (a cold review)
        assert switch.out.splitlines()[0] == "kill switch: ON (set for project billing)"
        assert "the change was made; this project's config cannot be read" in switch.out
        assert cli("gate", "mode", "enforce", "--force", "drill").code == 1  # only what turns the gate down


def test_a_store_that_is_no_database_is_said_plainly(installed: Path, cli: Any) -> None:
    """A decision log overwritten with garbage: each gate command says the database cannot be read and exits 1
    (not "a bug", exit 3), and doctor fails its check (an operator review)."""
    db = installed / ".stopwarden" / "stopwarden.db"
    assert cli("gate", "mode", "shadow").code == 0  # the store exists
    db.write_bytes(bytes(range(256)) * 16)
    for args in (["gate", "status"], ["gate", "log"], ["gate", "report"], ["gate", "mode", "off"],
                 ["gate", "export", "--annotated"]):  # fmt: skip
        result = cli(*args)
        assert result.code == 1, (args, result.err)
        assert "the database cannot be read: (sqlite3.DatabaseError) file is not a database" in result.err
        assert "a bug" not in result.err
    doctor = cli("doctor", "--json")
    assert doctor.code == 1
    [mode] = [c for c in doctor.json()["checks"] if c["name"] == "mode"]
    assert mode["ok"] is False and "cannot be read" in mode["detail"]


def test_eval_takes_the_configured_base_url_as_gate_authority_does(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A configured base_url needs no key: eval calls the authority (here nothing answers, so every stop
    fails open), where it refused it for a missing key (a cold review: it read the options table wrongly)."""
    without_approved_environment(monkeypatch)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + '\n[authority.openai]\nbase_url = "http://127.0.0.1:9/v1"\n')
    assert cli("gate", "authority", "openai").code == 0
    cases = installed / "cases.jsonl"
    cases.write_text('{"id": "a", "stop_text": "All done.", "expected": {"decision": "allow"}}\n')
    result = cli("eval", str(cases), "--json")
    assert "cannot be called from here" not in result.err
    assert result.json()["authority"] == "openai" and result.json()["cases"] == 1
