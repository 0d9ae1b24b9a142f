"""Claude Code's status line: the command `init --statusline` registers, run as Claude Code runs it (`sh -c`,
the payload on stdin), in projects set up with the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stopwarden
from stopwarden.hooks import statusline
from tests.conftest import run_hook, stop_payload

MARK = "\u26e8"
CLI = str(Path(sys.executable).parent / "stopwarden")


@pytest.fixture
def project(installed: Path, cli: Any) -> Path:
    """`installed`, with our status line registered too."""
    result = cli("init", "--statusline")
    assert result.code == 0, result.err
    return installed


def statusline_command(root: Path) -> str:
    command = json.loads((root / ".claude" / "settings.local.json").read_text())["statusLine"]["command"]
    assert isinstance(command, str) and command.endswith(" statusline")
    return command


def status_payload(root: Path, session_id: str, **extra: Any) -> dict[str, Any]:
    """What Claude Code 2.1.330 sends: the hooks' common fields, then the session's model and workspace."""
    return {
        "session_id": session_id,
        "transcript_path": str(root / "transcript.jsonl"),
        "cwd": str(root),
        "model": {"id": "claude-opus-4-5", "display_name": "Opus 4.5"},
        "workspace": {"current_dir": str(root), "project_dir": str(root), "added_dirs": []},
        "version": "2.1.330",
        "output_style": {"name": "default"},
        "cost": {"total_cost_usd": 0.0, "total_lines_added": 0, "total_lines_removed": 0},
        **extra,
    }


def show(
    root: Path, payload: dict[str, Any] | bytes, cwd: Path | None = None, env: dict[str, str] | None = None
) -> str:
    """Run the registered status line once; its output, after checking it is one line (or nothing) and exit 0."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    done = subprocess.run(
        ["sh", "-c", statusline_command(root)],
        input=data,
        capture_output=True,
        env={**os.environ, **(env or {})},
        cwd=cwd or root,
        timeout=30,
        check=False,
    )
    out = done.stdout.decode()
    assert (done.returncode, done.stderr) == (0, b"")
    assert out == "" or (out.endswith("\n") and out.count("\n") == 1 and out.startswith(MARK + " ")), out
    return out.rstrip("\n")


def write_hot_path(root: Path, age_s: float = 0.0, **fields: Any) -> Path:
    """`.stopwarden/hot-path.json` as the server writes it, `age_s` seconds old."""
    path = root / ".stopwarden" / "hot-path.json"
    data = {"mode": "shadow", "kill_switch": False, "api_version": 1, "port": 1, "evaluate_timeout_s": 3.5}
    path.write_text(json.dumps({**data, "written_at": time.time() - age_s, **fields}) + "\n")
    os.utime(path, (time.time() - age_s, time.time() - age_s))
    return path


@pytest.fixture
def live_process() -> Iterator[Any]:
    """Start a process with the given words in its command line; it is ended after the test."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*words: str) -> int:
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", *words])
        started.append(proc)
        return proc.pid

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def owned_build(cli: Any, session: str = "owner", task: str = "Add a login page", size: str = "STANDARD") -> str:
    build_id = str(cli("build", "start", task, "--size", size, "--owner-session", session, "--json").json()["id"])
    assert cli("build", "phase", "executing", "--build", build_id).code == 0
    return build_id


# --- the gate's part ----------------------------------------------------------------------------------------


def test_no_server_has_ever_run(project: Path) -> None:
    assert not (project / ".stopwarden" / "hot-path.json").exists()
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate: server down"


def test_no_build_and_a_fresh_hot_path_file(project: Path) -> None:
    write_hot_path(project, mode="shadow")
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate shadow"
    write_hot_path(project, age_s=30, mode="off")
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate off"


def test_kill_switch_on(project: Path) -> None:
    write_hot_path(project, mode="enforce", kill_switch=True)
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate enforce \u00b7 KILL SWITCH ON"


def test_a_stale_file_without_a_live_server_says_the_server_is_down(project: Path, live_process: Any) -> None:
    write_hot_path(project, age_s=300, mode="enforce")
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate: server down"
    pid_file = project / ".stopwarden" / "server.pid"
    pid_file.write_text("999999999\n")  # a crashed server's pid file: no such process
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate: server down"
    pid_file.write_text(f"{live_process('something-else')}\n")  # the pid was reused by another program
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate: server down"
    pid_file.write_text("not a pid\n")
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate: server down"


def test_a_stale_file_with_a_live_server_shows_the_mode(project: Path, live_process: Any) -> None:
    """Every change of mode rewrites the file, so an old one is still right while its server runs."""
    write_hot_path(project, age_s=300, mode="enforce", kill_switch=True)
    (project / ".stopwarden" / "server.pid").write_text(f"{live_process('stopwarden', 'serve')}\n")
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate enforce \u00b7 KILL SWITCH ON"


def test_the_kill_switch_is_shown_with_the_server_down(project: Path) -> None:
    write_hot_path(project, age_s=300, kill_switch=True)
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate: server down \u00b7 KILL SWITCH ON"


def test_a_corrupt_or_odd_hot_path_file(project: Path) -> None:
    path = write_hot_path(project)
    path.write_text("{not json")
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate: server down"
    write_hot_path(project, mode="\x1b[31mevil\nline")
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate: mode unknown"


def test_the_real_server_through_the_cli(project: Path) -> None:
    """`stopwarden start`: the mode it wrote, still shown once the file is old; after `stop`, down."""

    def sw(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([CLI, *args], cwd=project, capture_output=True, text=True, timeout=60, check=False)

    try:
        assert sw("start").returncode == 0
        assert sw("gate", "kill-switch", "on", "--reason", "test").returncode == 0
        hot = project / ".stopwarden" / "hot-path.json"
        assert show(project, status_payload(project, "s1")) == f"{MARK} gate shadow \u00b7 KILL SWITCH ON"
        os.utime(hot, (time.time() - 600, time.time() - 600))
        assert show(project, status_payload(project, "s1")) == f"{MARK} gate shadow \u00b7 KILL SWITCH ON"
    finally:
        sw("stop")
    os.utime(hot, (time.time() - 600, time.time() - 600))
    assert show(project, status_payload(project, "s1")) == f"{MARK} gate: server down \u00b7 KILL SWITCH ON"


# --- the build's part ---------------------------------------------------------------------------------------


def test_the_owner_sees_its_build_phase_and_budget(project: Path, cli: Any) -> None:
    write_hot_path(project)
    build_id = owned_build(cli)
    assert build_id.startswith("add-a-login-page-")
    line = f"{MARK} build add-a-login-page executing \u00b7 blocks left 5 of 5 \u00b7 gate shadow"
    assert show(project, status_payload(project, "owner")) == line
    assert json.loads(run_hook(project, stop_payload(project, "owner")).stdout)["decision"] == "block"
    line = f"{MARK} build add-a-login-page executing \u00b7 blocks left 4 of 5 \u00b7 gate shadow"
    assert show(project, status_payload(project, "owner")) == line
    cli("build", "phase", "verifying", "--build", build_id)
    verifying = f"{MARK} build add-a-login-page verifying \u00b7 blocks left 4 of 5 "
    assert show(project, status_payload(project, "owner")).startswith(verifying)


def test_a_spent_budget_says_the_agent_may_stop(project: Path, cli: Any) -> None:
    write_hot_path(project)
    owned_build(cli, size="SMALL")
    for _ in range(3):
        assert json.loads(run_hook(project, stop_payload(project, "owner")).stdout)["decision"] == "block"
    line = f"{MARK} build add-a-login-page executing \u00b7 budget spent: the agent may stop \u00b7 gate shadow"
    assert show(project, status_payload(project, "owner")) == line


def test_another_sessions_build_is_not_shown_as_ours(project: Path, cli: Any) -> None:
    write_hot_path(project)
    owned_build(cli, session="owner")
    assert show(project, status_payload(project, "stranger")) == f"{MARK} gate shadow"
    assert show(project, status_payload(project, "")) == f"{MARK} gate shadow"


def test_ownership_is_the_build_gates(project: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The agent process proves ownership for the status line as it does at a stop, with another session id."""
    write_hot_path(project)
    monkeypatch.setenv("STOPWARDEN_AGENT_PID", str(os.getpid()))
    owned_build(cli, session="before-a-clear", size="SMALL")
    assert show(project, status_payload(project, "after-a-clear")).startswith(f"{MARK} build add-a-login-page ")
    assert json.loads(run_hook(project, stop_payload(project, "after-a-clear")).stdout)["decision"] == "block"
    monkeypatch.setenv("STOPWARDEN_AGENT_PID", "")
    assert show(project, status_payload(project, "someone-else")) == f"{MARK} gate shadow"


def test_the_status_line_only_reads(project: Path, cli: Any) -> None:
    """No block spent, no audit line, no owner reconciled, no hook.log line: it runs every few seconds."""
    write_hot_path(project)
    build_id = owned_build(cli)
    state = project / ".stopwarden" / "builds" / f"{build_id}.json"
    audit = project / ".stopwarden" / "builds" / "audit.jsonl"
    log = project / ".stopwarden" / "hook.log"
    before = (state.read_bytes(), audit.read_bytes(), log.read_bytes() if log.exists() else b"")
    for session in ("owner", "stranger", "owner"):
        show(project, status_payload(project, session))
    assert (state.read_bytes(), audit.read_bytes(), log.read_bytes() if log.exists() else b"") == before


def test_finished_and_corrupt_builds_are_not_shown(project: Path, cli: Any) -> None:
    write_hot_path(project)
    done_id = owned_build(cli, task="First")
    cli("build", "abandon", "--reason", "test", "--build", done_id)
    (project / ".stopwarden" / "builds" / "active" / "never-written").touch()
    assert show(project, status_payload(project, "owner")) == f"{MARK} gate shadow"
    second = owned_build(cli, task="Second")
    second_line = f"{MARK} build second executing \u00b7 blocks left 5 of 5 "
    assert show(project, status_payload(project, "owner")).startswith(second_line)
    (project / ".stopwarden" / "builds" / f"{second}.json").write_text("{half a st")
    assert show(project, status_payload(project, "owner")) == f"{MARK} gate shadow"


def test_a_long_task_is_shortened(project: Path, cli: Any) -> None:
    write_hot_path(project)
    owned_build(cli, task="Rewrite the whole billing pipeline in a weekend")
    line = show(project, status_payload(project, "owner"))
    assert line == f"{MARK} build rewrite-the-whole-billi\u2026 executing \u00b7 blocks left 5 of 5 \u00b7 gate shadow"


# --- payloads and places ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [b"", b"not json", b"[1, 2]", b"null", b"\xff\xfe", b'{"session_id": 5, "cwd": 7, "workspace": "x"}', b"{" * 5000],
)
def test_a_bad_payload_shows_only_the_gate(project: Path, cli: Any, payload: bytes) -> None:
    """Claude Code starts the command in the session's folder: without a payload, that is the project."""
    write_hot_path(project)
    owned_build(cli)
    assert show(project, payload) == f"{MARK} gate shadow"


def test_workspace_current_dir_without_cwd(project: Path, tmp_path: Path) -> None:
    write_hot_path(project)
    payload = status_payload(project, "s1")
    del payload["cwd"]
    assert show(project, payload, cwd=tmp_path) == f"{MARK} gate shadow"
    payload["workspace"] = {"project_dir": str(project)}
    assert show(project, payload, cwd=tmp_path) == f"{MARK} gate shadow"


def test_a_subfolder_of_the_project(project: Path) -> None:
    write_hot_path(project)
    sub = project / "src" / "app"
    sub.mkdir(parents=True)
    assert show(project, status_payload(sub, "s1"), cwd=sub) == f"{MARK} gate shadow"


def test_outside_a_project_prints_nothing(project: Path, tmp_path: Path) -> None:
    """A user-scope install runs the status line in every project; where there is no .stopwarden/, say nothing."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert show(project, status_payload(elsewhere, "s1"), cwd=elsewhere) == ""
    assert show(project, b"garbage", cwd=elsewhere) == ""


def test_disabled(project: Path) -> None:
    write_hot_path(project)
    assert show(project, status_payload(project, "s1"), env={"STOPWARDEN_DISABLE": "1"}) == ""


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(
    max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "session_id": json_values | st.sampled_from(["owner", "stranger", "../x", ""]),
            "cwd": json_values,
            "workspace": json_values | st.fixed_dictionaries({}, optional={"current_dir": json_values}),
            "model": json_values,
        },
    ),
    raw=st.binary(max_size=200),
    use_raw=st.booleans(),
)
def test_any_payload_gives_one_line_or_nothing(
    project: Path, fields: dict[str, Any], raw: bytes, use_raw: bool
) -> None:
    data = raw if use_raw else json.dumps(fields).encode()
    out = statusline.line(data, {**os.environ, "STOPWARDEN_AGENT_PID": "", "STOPWARDEN_TMUX": ""})
    assert out == "" or (out.startswith(MARK + " ") and out.isprintable()), out


# --- cost ---------------------------------------------------------------------------------------------------

# Runs the hook script's own lines with the status line's argument (as the agent runs it), then the `main` they
# chose (the script itself ends in posix._exit), then reports every module loaded, on stderr.
PROBE = """
import sys
script = sys.argv[1]
sys.argv = [script, "statusline"]
scope = {"__name__": "probe", "__file__": script}
exec(compile(open(script).read(), script, "exec"), scope)
scope["main"](sys.argv[1:])
sys.stderr.write(" ".join(sorted(sys.modules)))
"""


def modules_loaded(root: Path, payload: dict[str, Any]) -> set[str]:
    script = Path(stopwarden.__file__).parent / "hooks" / "run.py"
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", PROBE, str(script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ},
    )
    assert done.returncode == 0 and done.stdout.startswith(MARK), (done.stdout, done.stderr)
    return set(done.stderr.split())


def test_the_common_path_imports_neither_os_nor_json(project: Path) -> None:
    write_hot_path(project)
    modules = modules_loaded(project, status_payload(project, "s1"))
    assert "stopwarden.hooks.statusline" in modules and "stopwarden.hooks.main" not in modules
    assert {"os", "json", "re", "typing", "subprocess", "stopwarden.build.state"} & modules == set()


def test_the_owners_path_imports_only_the_standard_library(project: Path, cli: Any) -> None:
    write_hot_path(project)
    owned_build(cli)
    modules = modules_loaded(project, status_payload(project, "owner"))
    ours = {m for m in modules if m.split(".")[0] == "stopwarden"}
    assert "stopwarden.build.owner" in ours
    others = {m.split(".")[0] for m in modules - ours} - set(sys.stdlib_module_names) - {"__main__"}
    assert others == set(), f"non-stdlib imports on the status line's path: {others}"
    assert not any(
        m.split(".")[:2] in (["stopwarden", "cli"], ["stopwarden", "install"]) or m.startswith("click") for m in modules
    )


def test_an_escalated_build_shows_its_reason_until_it_resumes(
    project: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Escalated is not the end: the build waits for the user's answer, and the line says why it stopped."""
    write_hot_path(project)
    build_id = owned_build(cli)
    cli("build", "phase", "escalated", "--evidence", "which database?", "--build", build_id)
    line = f"{MARK} build add-a-login-page escalated \u00b7 escalated: which database? (the agent may stop) "
    assert show(project, status_payload(project, "owner")).startswith(line)
    monkeypatch.setenv("STOPWARDEN_SESSION_ID", "owner")  # the owner, once the user has answered
    assert cli("build", "resume", "--build", build_id, "--json").json()["resumed"] is True
    assert show(project, status_payload(project, "owner")).startswith(f"{MARK} build add-a-login-page executing ")
