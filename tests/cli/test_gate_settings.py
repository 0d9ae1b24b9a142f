"""`gate mode`, `gate kill-switch` and `gate authority` show their value without an argument; an authority
that cannot be called from here is refused; the mode says where it comes from (issue 21)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from stopwarden.common import config as config_module
from stopwarden.gate import breaker, settings
from stopwarden.store.store import Store


def first_start(installed: Path, healthy: bool) -> str:
    """The server's first start on the project's store, as `stopwarden start` does it: the mode it wrote."""
    config = config_module.load(str(installed))
    store = Store.open(config.store_location)
    try:
        return settings.first_start(store, config, healthy=healthy).mode
    finally:
        store.close()


def test_without_an_argument_each_setting_is_shown(installed: Path, cli: Any) -> None:
    shown = cli("gate", "mode", "--json")
    assert shown.code == 0, shown.err
    assert shown.json()["mode"] == "off" and "not set yet" in shown.json()["mode_source"]["says"]
    assert cli("gate", "mode", "shadow").code == 0
    assert cli("gate", "mode", "--json").json()["mode"] == "shadow"
    assert cli("gate", "kill-switch", "on", "--reason", "checking").code == 0
    assert cli("gate", "kill-switch", "--json").json() == {"value": True, "scope": "*", "reason": "checking"}
    assert cli("gate", "kill-switch").out.strip() == "kill switch: ON (checking)"
    assert cli("gate", "authority").out.strip() == "authority: rules (budget 3 s)"


def test_an_llm_authority_without_its_key_is_refused_and_nothing_changes(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    config = installed / ".stopwarden" / "config.toml"
    before = config.read_bytes()
    refused = cli("gate", "authority", "rules+anthropic")
    assert refused.code == 1 and "ANTHROPIC_API_KEY is not set" in refused.err and "--skip-check" in refused.err
    assert config.read_bytes() == before

    chosen = cli("gate", "authority", "anthropic", "--skip-check", "--json")
    assert chosen.code == 0, chosen.err
    assert chosen.json()["problems"] and config_module.load(str(installed)).authority == "anthropic"
    status = cli("gate", "status", "--json").json()
    assert status["authority"] == "anthropic" and "ANTHROPIC_API_KEY" in status["authority_problems"][0]
    report = cli("gate", "report", "--since", "1d")
    assert "authority: rules -> anthropic (checks skipped" in report.out
    doctor = cli("doctor")
    assert doctor.code == 1 and "FAIL authority: anthropic: anthropic: ANTHROPIC_API_KEY is not set" in doctor.out

    monkeypatch.setenv("PATH", str(installed))  # no `claude` here
    refused = cli("gate", "authority", "claude-cli")
    assert refused.code == 1 and "'claude' is not on PATH" in refused.err
    # A relative command is found from the checkout, never from the server, which runs from / (an operator
    # review: it was approved, and then silently never used).
    script = installed / "judge.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    with (installed / ".stopwarden" / "config.toml").open("a") as f:
        f.write('\n[authority.claude-cli]\ncommand = "./judge.sh"\n')
    refused = cli("gate", "authority", "claude-cli")
    assert refused.code == 1 and "'./judge.sh' is relative: give its absolute path" in refused.err


def test_a_base_url_or_a_key_is_enough(installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with (installed / ".stopwarden" / "config.toml").open("a") as f:
        f.write('\n[authority.openai]\nbase_url = "http://127.0.0.1:9/v1"\n')
    assert cli("gate", "authority", "rules+openai").code == 0
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    assert cli("gate", "authority", "anthropic").code == 0


def test_status_says_why_the_breaker_is_open(installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    assert cli("gate", "authority", "anthropic").code == 0
    store = Store.open(config_module.load(str(installed)).store_location)
    now = time.time()
    store.record_event({"session_id": "s1", "agent": "claude-code", "ts": now, "mode": "shadow", "decision": "allow",
                        "rule": None, "signals": [], "evidence_pointer": {}, "latency_ms": 1.0, "stop_text": "x",
                        "project": installed.name, "host": "box", "fail_open_kind": "unavailable"})  # fmt: skip
    for _ in range(breaker.FAILURES_TO_OPEN):
        breaker.failed(store, "anthropic", now)
    store.close()
    line = next(x for x in cli("gate", "status").out.splitlines() if x.startswith("authority:"))
    assert line.startswith("authority: anthropic (breaker open: 3 failures in a row; last failure unavailable at ")


def test_the_mode_says_where_it_comes_from_and_a_disagreeing_config_is_named(installed: Path, cli: Any) -> None:
    assert cli("gate", "mode", "shadow").code == 0
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace('mode = "shadow"', 'mode = "enforce"'))
    status = cli("gate", "status")
    assert "mode: shadow (set in the store by `gate mode`)" in status.out
    assert "note: the config's [gate] mode = enforce is only the mode a new store starts with" in status.out


def test_a_mode_the_first_start_chose_says_so_and_why(installed: Path, cli: Any) -> None:
    """The config asks for enforce; before the first start the gate says what it will get, after it that the
    first start chose shadow (not ready), never that an operator ran `gate mode`."""
    config_file = installed / ".stopwarden" / "config.toml"
    config_file.write_text(config_file.read_text().replace('mode = "shadow"', 'mode = "enforce"'))
    before = cli("gate", "status").out
    assert "not set yet: the server starts in the config's enforce when ready, else in shadow" in before
    assert first_start(installed, healthy=True) == "shadow"  # nothing annotated: not ready
    after = cli("gate", "status").out
    assert "mode: shadow (set at the server's first start, from the config)" in after
    assert "(enforce only when ready); change the mode in force with `stopwarden gate mode enforce` once" in after
    assert cli("gate", "mode", "shadow").code == 0
    assert "mode: shadow (set in the store by `gate mode`)" in cli("gate", "status").out
    # With the project's own mode set, the command named must name the project, or it changes the others'.
    from stopwarden.common import config as config_module

    project = config_module.load(str(installed)).project
    assert cli("gate", "mode", "shadow", "--scope", project).code == 0
    said = " ".join(cli("gate", "status").out.split())
    assert f"change the mode in force with `stopwarden gate mode enforce --scope {project}`" in said


def test_a_first_start_without_its_authority_says_off_and_why(installed: Path, cli: Any) -> None:
    """The first start writes `off` when the authority could not be loaded: not "from the config" (which
    asks for shadow), and the operator log says why."""
    assert first_start(installed, healthy=False) == "off"
    status = cli("gate", "status").out
    assert "mode: off (set at the server's first start, which could not load its authority" in status
    report = cli("gate", "report").out
    assert "off: the authority rules could not be loaded; the config asks for shadow" in report


def test_a_config_changed_after_the_first_start_claims_no_authority_failure(installed: Path, cli: Any) -> None:
    """The first start wrote the config's own `off`; a later config asks for shadow: the mode came from the
    config at the first start, and nothing failed (a cold review found "could not be loaded" here)."""
    config_file = installed / ".stopwarden" / "config.toml"
    config_file.write_text(config_file.read_text().replace('mode = "shadow"', 'mode = "off"'))
    assert first_start(installed, healthy=True) == "off"
    config_file.write_text(config_file.read_text().replace('mode = "off"', 'mode = "shadow"'))
    status = cli("gate", "status").out
    assert "mode: off (set at the server's first start, from the config)" in status
    assert "could not load" not in status and "could not be loaded" not in cli("gate", "report").out
