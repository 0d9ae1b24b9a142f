"""Fixtures shared by the whole suite: an isolated environment, real git projects, the real CLI and hook.

Every test runs with HOME and CLAUDE_CONFIG_DIR in a temporary folder and with no agent variables, so
nothing touches the developer's real ~/.claude, and the agent session the suite may run inside (its
CLAUDE_CODE_SESSION_ID, its process tree, its tmux pane) cannot leak into ownership checks.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from stopwarden.cli.main import main
from stopwarden.state import approval
from tests import postgres

LEAKY_PREFIXES = ("CLAUDE", "STOPWARDEN_", "CODEX_", "GEMINI_", "COPILOT_", "TMUX", "ANTHROPIC_", "OPENAI_", "GIT_")
# The developer's real agent settings: a test that writes to them fails (see isolated_env).
REAL_SETTINGS = [Path(os.path.expanduser("~")) / ".claude" / name for name in ("settings.json", "settings.local.json")]


def without_approved_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the variables an authority's approval also covers (gate/credentials.py): a proxy or
    SSL_CERT_FILE of the machine's (CI's sets one), the `claude` command's. For a test whose answer must be
    the config's alone."""
    from stopwarden.gate import credentials

    covered = {name.lower() for name in credentials.TRANSPORT_ENV}
    for name in [name for name in os.environ if name.lower() in covered or name in credentials.COMMAND_ENV]:
        monkeypatch.delenv(name)


def _snapshot() -> list[int | None]:
    return [p.stat().st_mtime_ns if p.exists() else None for p in REAL_SETTINGS]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        if name.startswith(LEAKY_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(home / ".claude"))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)  # the machine's list of user-scope installs: under HOME
    # The approval key is the account's, wherever HOME points (state/approval.py); the approvals that hold in
    # every checkout beside it would be the developer's real ones: the tests keep theirs apart, so that a
    # run never pushes the developer's own approvals out of the list (it keeps the last 32).
    monkeypatch.setattr(approval, "_machine_path", lambda: str(home / "machine-approvals"))
    # The identity overrides, set to "none": tests opt in to the identities they exercise.
    monkeypatch.setenv("STOPWARDEN_AGENT_PID", "")
    monkeypatch.setenv("STOPWARDEN_TMUX", "")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key, value in {"NAME": "Test", "EMAIL": "test@example.com"}.items():
        monkeypatch.setenv(f"GIT_AUTHOR_{key}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{key}", value)
    before = _snapshot()
    yield home
    assert _snapshot() == before, "a test wrote to the real ~/.claude settings instead of the temporary HOME"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def plan_repo(installed: Path) -> Any:
    """`installed`, with a plan committed before the session and a commit in it (tests/server/conftest.py)."""
    from tests.server.conftest import make_plan_repo

    return make_plan_repo(installed)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real git repository with one commit; the current folder for the test."""
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("# demo\n")
    git(root, "add", ".")
    git(root, "commit", "-qm", "initial")
    monkeypatch.chdir(root)
    return root


class CliResult(NamedTuple):
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Any:
    """Run `stopwarden ARGS` in-process, through the same entry point as the console script."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture
def installed(project: Path, cli: Any) -> Path:
    """`project` after `stopwarden init --agent claude-code`."""
    result = cli("init", "--agent", "claude-code")
    assert result.code == 0, result.err
    set_autostart(project, False)  # tests that want a server start one, and stop it
    return project


def set_autostart(root: Path, on: bool) -> None:
    config = root / ".stopwarden" / "config.toml"
    text = config.read_text()
    config.write_text(text.replace(f"autostart = {str(not on).lower()}", f"autostart = {str(on).lower()}"))


def hook_command(root: Path, event: str = "Stop") -> str:
    """Our hook command exactly as init wrote it into .claude/settings.local.json."""
    settings = json.loads((root / ".claude" / "settings.local.json").read_text())
    for group in settings["hooks"][event]:
        for handler in group["hooks"]:
            if "/stopwarden/hooks/run.py" in handler["command"]:
                return str(handler["command"])
    raise AssertionError(f"no {event} hook of ours in {settings}")


def run_hook(
    root: Path, payload: dict[str, Any] | bytes, event: str = "Stop", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed hook as the agent does: `sh -c <command>`, the payload on stdin."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    done = subprocess.run(
        ["sh", "-c", hook_command(root, event)],
        input=data,
        capture_output=True,
        env={**os.environ, **(env or {})},
        cwd=root,
        timeout=30,
        check=False,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def proof(root: Path, nonce: str, status: int, body: bytes) -> str:
    """How our server signs an answer (server/auth.py), for a test server that stands in for it: the hook
    believes no answer without it."""
    import hashlib
    import hmac

    from stopwarden.common.http import RESPONSE_DOMAIN

    token = (root / ".stopwarden" / "token").read_text().strip().encode()
    return hmac.new(token, RESPONSE_DOMAIN + f"{nonce}\n{status}\n".encode() + body, hashlib.sha256).hexdigest()


def stop_payload(root: Path, session_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "transcript_path": str(root / "transcript.jsonl"),
        "cwd": str(root),
        "hook_event_name": "Stop",
        "stop_hook_active": False,
        "last_assistant_message": "Done for now.",
        "background_tasks": [],
        **extra,
    }


# --- PostgreSQL (SPEC §13): one throwaway server for the whole session, a fresh database per test ---------

_POSTGRES_REQUIRED = os.environ.get(postgres.REQUIRED_ENV) == "1"  # read at import: isolated_env clears it


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[postgres.Cluster]:
    """A running PostgreSQL server; skips when there is none to start (fails when it is required)."""
    bin_dir = postgres.find_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL not found: install Debian's postgresql package (bash .ci/run does)"
        if _POSTGRES_REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    cluster = postgres.Cluster(bin_dir)
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's store lives, once per backend: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "stopwarden.db")
    cluster: postgres.Cluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database()
