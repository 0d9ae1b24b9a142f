"""Helpers to run the real Claude Code client (``claude -p``) against a fake model server.

The client is found via ``STOPWARDEN_CLAUDE_BIN`` or the CI install at
``<repo>/.ci/node/node_modules/.bin/claude``; ``claude`` on PATH is deliberately
ignored so the suite never silently runs against a random version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clients import DEFAULT_TIMEOUT, REPO_ROOT, ClientRun, client_version, find_client, hermetic_env
from .process import run_client

__all__ = [
    "CLAUDE_BIN_ENV",
    "REPO_ROOT",
    "ClaudeSandbox",
    "CompletedRun",
    "add_stop_hook",
    "claude_env",
    "claude_version",
    "find_claude",
    "run_claude",
    "write_skill",
]

CLAUDE_BIN_ENV = "STOPWARDEN_CLAUDE_BIN"
CI_CLAUDE_BIN = Path(".ci/node/node_modules/.bin/claude")

# Variables that would make the client think it runs inside another agent session,
# or would leak the outer session's configuration into the run.
_STRIPPED_NAMES = frozenset({"CLAUDECODE", "CLAUDE_PID", "CLAUDE_ENV_FILE", "CLAUDE_CONFIG_DIR"})
_STRIPPED_PREFIXES = ("CLAUDE_CODE_", "STOPWARDEN_", "ANTHROPIC_")


def find_claude(repo_root: Path = REPO_ROOT) -> Path | None:
    """The claude binary to test with, or None.

    ``$STOPWARDEN_CLAUDE_BIN`` wins (returned even if missing, so a typo fails loudly
    in :func:`run_claude` instead of skipping); then the CI install under the repo.
    """
    return find_client(CLAUDE_BIN_ENV, CI_CLAUDE_BIN, repo_root)


def claude_env(
    base_url: str,
    home_dir: Path,
    *,
    api_key: str = "sk-ant-test-key",
    extra_env: Mapping[str, str] | None = None,
    base_env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A hermetic environment for the client.

    Starts from ``base_env`` (default: ``os.environ``), drops every ``CLAUDECODE``,
    ``CLAUDE_CODE_*``, ``CLAUDE_PID``, ``CLAUDE_ENV_FILE``, ``CLAUDE_CONFIG_DIR``,
    ``ANTHROPIC_*`` and ``STOPWARDEN_*`` variable, then points the client at
    ``base_url`` with HOME and CLAUDE_CONFIG_DIR inside ``home_dir``.  ``extra_env``
    is applied last (so a test may set e.g. a ``STOPWARDEN_*`` variable on purpose).
    """
    settings = {
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_API_KEY": api_key,
        "HOME": str(home_dir),
        "CLAUDE_CONFIG_DIR": str(home_dir / ".claude"),
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "NO_COLOR": "1",
    }
    return hermetic_env(
        base_env, settings, stripped_prefixes=_STRIPPED_PREFIXES, stripped_names=_STRIPPED_NAMES, extra_env=extra_env
    )


def claude_version(claude_bin: Path, *, timeout: float = 60.0) -> str:
    """The client's version, e.g. ``"2.1.330"`` (raw ``--version`` output if unparsable)."""
    # the base URL is never contacted by --version
    return client_version(claude_bin, lambda home: claude_env("http://127.0.0.1:9", home), timeout=timeout)


@dataclass(frozen=True)
class CompletedRun(ClientRun):
    """Outcome of one ``claude -p`` run."""

    client = "claude"

    json: Any = None  # parsed stdout (``--output-format json``), None if unparsable

    @property
    def result(self) -> str | None:
        """The final assistant text (``json["result"]``), if any."""
        if isinstance(self.json, dict) and isinstance(self.json.get("result"), str):
            return str(self.json["result"])
        return None

    @property
    def is_error(self) -> bool:
        return bool(isinstance(self.json, dict) and self.json.get("is_error"))

    @property
    def ok(self) -> bool:
        return super().ok and not self.is_error


def run_claude(
    claude_bin: Path,
    project_dir: Path,
    home_dir: Path,
    base_url: str,
    prompt: str,
    *,
    allowed_tools: Sequence[str] = (),
    extra_args: Sequence[str] = (),
    extra_env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> CompletedRun:
    """Run ``claude -p <prompt> --output-format json`` in ``project_dir``.

    The client runs in its own process group with stdin closed; on timeout the whole
    group is killed and the result has ``timed_out=True``.  Only point ``base_url`` at
    a live server: the client retries a dead one for minutes.
    """
    home_dir.mkdir(parents=True, exist_ok=True)
    args = [str(claude_bin), "-p", prompt, "--output-format", "json"]
    if allowed_tools:
        args += ["--allowedTools", ",".join(allowed_tools)]
    args += list(extra_args)
    env = claude_env(base_url, home_dir, extra_env=extra_env)
    done = run_client(args, project_dir, env, timeout)
    stdout, stderr = done.stdout, done.stderr
    parsed: Any = None
    try:
        parsed = json.loads(stdout)
    except ValueError:
        parsed = None
    return CompletedRun(args, done.returncode, stdout, stderr, done.elapsed, done.timed_out, parsed)


# --------------------------------------------------------------------------- project setup


def _settings_path(project_dir: Path) -> Path:
    return project_dir / ".claude" / "settings.local.json"


def add_stop_hook(project_dir: Path, command: str, *, timeout: int = 30) -> Path:
    """Register ``command`` as a Stop hook in ``<project>/.claude/settings.local.json``.

    Existing settings (and other hooks) are kept.  Returns the settings path.
    """
    path = _settings_path(project_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    settings: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    stop = settings.setdefault("hooks", {}).setdefault("Stop", [])
    stop.append({"matcher": "", "hooks": [{"type": "command", "command": command, "timeout": timeout}]})
    path.write_text(json.dumps(settings, indent=2) + "\n")
    return path


def write_skill(project_dir: Path, name: str, description: str, body: str = "") -> Path:
    """Create ``<project>/.claude/skills/<name>/SKILL.md``; returns its path."""
    path = project_dir / ".claude" / "skills" / name / "SKILL.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nname: {name}\ndescription: {description}\n---\n\n{body or description}\n")
    return path


@dataclass
class ClaudeSandbox:
    """A temporary project + home wired to one client binary and one fake server."""

    claude_bin: Path
    project_dir: Path
    home_dir: Path
    base_url: str
    runs: list[CompletedRun] = field(default_factory=list)

    def run(
        self,
        prompt: str,
        *,
        allowed_tools: Iterable[str] = (),
        extra_args: Sequence[str] = (),
        extra_env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> CompletedRun:
        result = run_claude(
            self.claude_bin,
            self.project_dir,
            self.home_dir,
            self.base_url,
            prompt,
            allowed_tools=tuple(allowed_tools),
            extra_args=extra_args,
            extra_env=extra_env,
            timeout=timeout,
        )
        self.runs.append(result)
        return result

    def add_stop_hook(self, command: str, *, timeout: int = 30) -> Path:
        return add_stop_hook(self.project_dir, command, timeout=timeout)

    def write_skill(self, name: str, description: str, body: str = "") -> Path:
        return write_skill(self.project_dir, name, description, body)
