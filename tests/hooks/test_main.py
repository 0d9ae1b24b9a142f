"""The hook's entry point: whatever arrives on stdin, it exits 0 and prints nothing or one decision."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stopwarden.hooks.main import handle
from tests.conftest import run_hook, stop_payload

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
payload_fields = st.fixed_dictionaries(
    {},
    optional={
        "session_id": json_values | st.sampled_from(["owner", "stranger", "../x", ""]),
        "cwd": json_values,
        "transcript_path": json_values,
        "last_assistant_message": json_values,
        "stop_hook_active": json_values,
        "background_tasks": json_values,
        "source": json_values,
        "effort": json_values,
    },
)


def _valid_output(out: str) -> None:
    if out == "":
        return
    assert out.endswith("\n") and out.count("\n") == 1, out
    decision = json.loads(out)
    assert decision["decision"] == "block"
    assert decision["reason"].startswith("stopwarden:")


def _with_cwd(fields: dict[str, Any], root: Path) -> dict[str, Any]:
    return {**fields, "cwd": str(root)} if "cwd" not in fields or not isinstance(fields["cwd"], str) else fields


@settings(
    max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)
@given(raw=st.binary(max_size=300))
def test_any_bytes_allow_silently(raw: bytes, installed: Path) -> None:
    _valid_output(handle("stop", "claude-code", raw, os.environ))


@settings(
    max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)
@given(fields=payload_fields, event=st.sampled_from(["stop", "session_start", "bogus", ""]))
def test_any_object_gives_at_most_one_valid_decision(fields: dict[str, Any], event: str, installed: Path) -> None:
    """With an owned active build in the project, so that the block path is exercised too."""
    if not (installed / ".stopwarden" / "builds" / "active").exists():
        from stopwarden.build import manager, owner

        build = manager.start(str(installed), "fuzz", "LARGE", owner.Caller("owner", {}), str(installed))
        manager.set_phase(str(installed), build["id"], "executing")
    raw = json.dumps(_with_cwd(fields, installed)).encode()
    out = handle(event, "claude-code", raw, {"STOPWARDEN_AGENT_PID": "", "STOPWARDEN_TMUX": ""})
    if event == "session_start":
        assert out == "" or json.loads(out)["hookSpecificOutput"]["hookEventName"] == "SessionStart"
    else:
        _valid_output(out)


def test_bad_payload_is_logged_in_the_project(installed: Path) -> None:
    done = run_hook(installed, b"{not json")
    assert (done.returncode, done.stdout) == (0, "")
    log = (installed / ".stopwarden" / "hook.log").read_text()
    assert "allow: bad payload: payload is not JSON" in log


def test_non_object_payload(installed: Path) -> None:
    done = run_hook(installed, b"[1, 2]")
    assert (done.returncode, done.stdout) == (0, "")
    assert "payload is a JSON list, not an object" in (installed / ".stopwarden" / "hook.log").read_text()


def test_internal_error_fails_open_and_says_why(installed: Path) -> None:
    builds = installed / ".stopwarden" / "builds"
    (builds / "active").mkdir(parents=True, exist_ok=True)
    (builds / "active" / "x").touch()
    (builds / "x.json").mkdir()  # a folder where the state should be: not a build of ours
    done = run_hook(installed, stop_payload(installed, "s1"))
    assert (done.returncode, done.stdout) == (0, "")
    assert "x.json is not a regular file: not ours" in (installed / ".stopwarden" / "hook.log").read_text()


def test_kill_switch_variable_allows_without_reading(installed: Path) -> None:
    done = run_hook(installed, b"garbage", env={"STOPWARDEN_DISABLE": "1"})
    assert (done.returncode, done.stdout) == (0, "")
    assert not (installed / ".stopwarden" / "hook.log").exists()


def test_hook_log_is_bounded(installed: Path) -> None:
    log = installed / ".stopwarden" / "hook.log"
    log.write_text("x" * (300 * 1024))
    run_hook(installed, stop_payload(installed, "s1"))
    assert log.stat().st_size < 1024
    assert (installed / ".stopwarden" / "hook.log.1").stat().st_size == 300 * 1024


def test_parse_failures_in_a_fresh_interpreter(installed: Path) -> None:
    """The hook parses without `json` imported; the C scanner's error paths must still fail open."""
    for raw in (b'{"id": "half', b'{"a": [1,', b'{"a": "\\x"}', b"\xff\xfe", b"", b"nul", b'{"a":1} trailing'):
        done = run_hook(installed, raw)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), raw
    log = (installed / ".stopwarden" / "hook.log").read_text()
    assert "internal error" not in log
    assert log.count("allow: bad payload") == 7


@settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)
@given(raw=st.binary(max_size=200) | payload_fields.map(lambda f: json.dumps(f).encode()))
def test_the_real_process_on_any_input(raw: bytes, installed: Path) -> None:
    """The installed command itself, on whatever arrives: exit 0, nothing on stderr, at most one decision."""
    done = run_hook(installed, raw)
    assert (done.returncode, done.stderr) == (0, "")
    _valid_output(done.stdout)
