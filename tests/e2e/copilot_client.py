"""Helpers to run the real GitHub Copilot CLI (`copilot -p`) offline against a fake Chat Completions server.

The client is found via ``STOPWARDEN_COPILOT_BIN`` or the CI install at
``<repo>/.ci/node/node_modules/.bin/copilot``; ``copilot`` on PATH is deliberately ignored.

Each run gets its own HOME and ``COPILOT_HOME`` (``<home>/.copilot``), and runs offline
(``COPILOT_OFFLINE=true``, no token) against the server as a BYOK ``openai`` provider. Its native
binary unpacks its ~235 MB bundle on first run into ``COPILOT_PKG_CACHE_HOME``: the one set when
this module was imported (CI sets one under ``.ci/``), else ``<repo>/.ci/copilot-cache``, shared
by every run so that it happens once.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .clients import DEFAULT_TIMEOUT, REPO_ROOT, ClientRun, client_version, find_client, hermetic_env
from .process import run_client

__all__ = ["COPILOT_BIN_ENV", "CopilotRun", "CopilotSandbox", "copilot_env", "copilot_version", "find_copilot"]

COPILOT_BIN_ENV = "STOPWARDEN_COPILOT_BIN"
CI_COPILOT_BIN = Path(".ci/node/node_modules/.bin/copilot")
DEFAULT_MODEL = "fake-model"
STRIPPED_PREFIXES = ("CLAUDE", "CODEX_", "GEMINI_", "COPILOT_", "STOPWARDEN_", "OPENAI_", "ANTHROPIC_")
STRIPPED_NAMES = ("GH_TOKEN", "GITHUB_TOKEN")
# Read at import: tests/conftest.py clears COPILOT_* and STOPWARDEN_* before every test.
_COPILOT_BIN_AT_IMPORT = os.environ.get(COPILOT_BIN_ENV)
PKG_CACHE = os.environ.get("COPILOT_PKG_CACHE_HOME") or str(REPO_ROOT / ".ci" / "copilot-cache")


def find_copilot(repo_root: Path = REPO_ROOT) -> Path | None:
    return find_client(COPILOT_BIN_ENV, CI_COPILOT_BIN, repo_root, configured_at_import=_COPILOT_BIN_AT_IMPORT)


def copilot_env(base_url: str, home_dir: Path, extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """A hermetic, offline environment: no token, the fake server as its `openai` provider."""
    settings = {
        "HOME": str(home_dir),
        "COPILOT_HOME": str(home_dir / ".copilot"),
        "COPILOT_PKG_CACHE_HOME": PKG_CACHE,
        "COPILOT_AUTO_UPDATE": "false",
        "COPILOT_OFFLINE": "true",
        "COPILOT_PROVIDER_BASE_URL": f"{base_url}/v1",
        "COPILOT_PROVIDER_TYPE": "openai",
        "COPILOT_MODEL": DEFAULT_MODEL,
        "NO_COLOR": "1",
    }
    return hermetic_env(
        None, settings, stripped_prefixes=STRIPPED_PREFIXES, stripped_names=STRIPPED_NAMES, extra_env=extra_env
    )


def copilot_version(copilot_bin: Path, *, timeout: float = 300.0) -> str:
    """The client's version, e.g. ``"1.0.102"`` (its first run unpacks the bundle: slow once)."""
    return client_version(copilot_bin, lambda home: copilot_env("http://127.0.0.1:9", home), timeout=timeout)


@dataclass(frozen=True)
class CopilotRun(ClientRun):
    client = "copilot"

    session_id: str = ""  # what hooks get as `sessionId` (passed with --session-id)


@dataclass
class CopilotSandbox:
    """A temporary project + home wired to one client and one fake server."""

    copilot_bin: Path
    project_dir: Path
    home_dir: Path
    base_url: str
    runs: list[CopilotRun] = field(default_factory=list)

    @classmethod
    def create(cls, copilot_bin: Path, root: Path, base_url: str) -> CopilotSandbox:
        project, home = root / "project", root / "home"
        project.mkdir(parents=True, exist_ok=True)
        home.mkdir(parents=True, exist_ok=True)
        return cls(copilot_bin, project, home, base_url)

    @property
    def copilot_home(self) -> Path:
        return self.home_dir / ".copilot"

    def env(self, extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
        return copilot_env(self.base_url, self.home_dir, extra_env)

    def run(
        self, prompt: str, *, extra_env: Mapping[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> CopilotRun:
        """`copilot -p <prompt> --allow-all --session-id <new uuid>` in the project."""
        session = str(uuid.uuid4())
        args = [str(self.copilot_bin), "-p", prompt, "--allow-all", "--no-auto-update", "--session-id", session]
        done = run_client(args, self.project_dir, self.env(extra_env), timeout)
        result = CopilotRun(args, done.returncode, done.stdout, done.stderr, done.elapsed, done.timed_out, session)
        self.runs.append(result)
        return result
