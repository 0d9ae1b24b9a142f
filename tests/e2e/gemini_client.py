"""Helpers to run the real Gemini CLI (``gemini -p``) against a fake Gemini API server (SPEC §12.2).

The client is found via ``STOPWARDEN_GEMINI_BIN`` or the CI install at
``<repo>/.ci/node/node_modules/.bin/gemini``; ``gemini`` on PATH is deliberately ignored.

Each run gets its own HOME, ``GEMINI_CLI_HOME`` (= HOME, so the user settings are
``<home>/.gemini/settings.json``) and TMPDIR, API-key auth pointed at the server with
``GOOGLE_GEMINI_BASE_URL``, retries off (a dead port would otherwise be retried for
minutes), and the workspace trusted with ``GEMINI_CLI_TRUST_WORKSPACE=true`` (project
settings, hooks included, load only in a trusted folder).  Hooks live in ``settings.json``;
the stop event is ``AfterAgent`` and ``timeout`` is in milliseconds.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .clients import DEFAULT_TIMEOUT, REPO_ROOT, ClientRun, client_version, find_client, hermetic_env
from .codex_client import STRIPPED_PREFIXES, HookProbe, ProcessInfo
from .process import run_client

__all__ = [
    "CI_GEMINI_BIN",
    "DEFAULT_MODEL",
    "GEMINI_BIN_ENV",
    "REPO_ROOT",
    "GeminiRun",
    "GeminiSandbox",
    "HookProbe",
    "ProcessInfo",
    "add_gemini_hook",
    "base_settings",
    "find_gemini",
    "gemini_env",
    "gemini_version",
    "run_gemini",
    "write_gemini_settings",
]

GEMINI_BIN_ENV = "STOPWARDEN_GEMINI_BIN"
CI_GEMINI_BIN = Path(".ci/node/node_modules/.bin/gemini")
DEFAULT_MODEL = "gemini-2.5-flash"  # any name works; passing one skips the model-routing request

# Read at import: the suite's autouse fixture clears STOPWARDEN_* before every test.
_GEMINI_BIN_AT_IMPORT = os.environ.get(GEMINI_BIN_ENV)


def find_gemini(repo_root: Path = REPO_ROOT) -> Path | None:
    """The gemini script to test with, or None.

    ``$STOPWARDEN_GEMINI_BIN`` (as set now, or when this module was imported) wins and is
    returned even if missing, so a typo fails loudly; then the CI install under the repo.
    """
    return find_client(GEMINI_BIN_ENV, CI_GEMINI_BIN, repo_root, configured_at_import=_GEMINI_BIN_AT_IMPORT)


def gemini_env(
    base_url: str,
    home_dir: Path,
    *,
    tmp_dir: Path | None = None,
    api_key: str = "fake-gemini-key",
    trust_workspace: bool = True,
    extra_env: Mapping[str, str] | None = None,
    base_env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A hermetic environment for the client.

    Starts from ``base_env`` (default ``os.environ``) less every variable starting with one
    of :data:`STRIPPED_PREFIXES` (``CLAUDE``, ``CODEX_``, ``GEMINI_``, ``GOOGLE_``,
    ``STOPWARDEN_``...); sets HOME and ``GEMINI_CLI_HOME`` to ``home_dir``, TMPDIR (default
    ``<home>/tmp``), ``GEMINI_API_KEY``, ``GOOGLE_GEMINI_BASE_URL`` and, with
    ``trust_workspace``, ``GEMINI_CLI_TRUST_WORKSPACE=true``.  ``extra_env`` is applied last.
    """
    settings = {
        "HOME": str(home_dir),
        "GEMINI_CLI_HOME": str(home_dir),
        "TMPDIR": str(tmp_dir or home_dir / "tmp"),
        "GEMINI_API_KEY": api_key,
        "GOOGLE_GEMINI_BASE_URL": base_url,
        "NO_COLOR": "1",
    }
    if trust_workspace:
        settings["GEMINI_CLI_TRUST_WORKSPACE"] = "true"
    return hermetic_env(base_env, settings, stripped_prefixes=STRIPPED_PREFIXES, extra_env=extra_env)


def gemini_version(gemini_bin: Path, *, timeout: float = 60.0) -> str:
    """The client's version, e.g. ``"0.61.0"`` (raw ``--version`` output if unparsable)."""
    # the base URL is never contacted by --version
    return client_version(
        gemini_bin, lambda home: gemini_env("http://127.0.0.1:9", home), timeout=timeout, new_session=True
    )


# --------------------------------------------------------------------------- settings.json


def base_settings() -> dict[str, Any]:
    """User settings for an offline run: API-key auth (without ``selectedType`` the base URL
    makes the CLI pick "gateway" auth and exit 41), no retries (else a dead port is retried
    for minutes), no auto-update and no usage statistics."""
    return {
        "security": {"auth": {"selectedType": "gemini-api-key"}},
        "general": {
            "retryFetchErrors": False,
            "maxAttempts": 1,
            "enableAutoUpdate": False,
            "enableAutoUpdateNotification": False,
        },
        "privacy": {"usageStatisticsEnabled": False},
    }


def _merge(into: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


def write_gemini_settings(path: Path, settings: Mapping[str, Any] | None = None, *, merge: bool = True) -> Path:
    """Write ``settings`` to ``path`` (deep-merged into what is there unless ``merge=False``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    current: dict[str, Any] = json.loads(path.read_text()) if merge and path.exists() else {}
    path.write_text(json.dumps(_merge(current, settings or {}), indent=2) + "\n")
    return path


def add_gemini_hook(
    settings_path: Path,
    event: str,
    command: str,
    *,
    name: str,
    timeout_ms: int = 30_000,
    matcher: str | None = None,
) -> Path:
    """Append a command handler for ``event`` (``"AfterAgent"``, ``"SessionStart"``...) to the
    ``hooks`` of ``settings_path`` (one new group per call; existing settings are kept)."""
    settings: dict[str, Any] = json.loads(settings_path.read_text()) if settings_path.exists() else {}
    groups = settings.setdefault("hooks", {}).setdefault(event, [])
    group: dict[str, Any] = {"hooks": [{"type": "command", "command": command, "timeout": timeout_ms, "name": name}]}
    if matcher is not None:
        group["matcher"] = matcher
    groups.append(group)
    return write_gemini_settings(settings_path, settings, merge=False)


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class GeminiRun(ClientRun):
    """Outcome of one ``gemini -o json -p`` run."""

    client = "gemini"

    json: Any = None  # the -o json object (from stdout, or from stderr on an error), None if absent

    @property
    def session_id(self) -> str | None:
        """The session id (what hooks get as ``session_id`` and ``GEMINI_SESSION_ID``)."""
        value = self.json.get("session_id") if isinstance(self.json, dict) else None
        return str(value) if isinstance(value, str) else None

    @property
    def result(self) -> str | None:
        """``response``: the model's text of the whole run (turns re-fired by a hook are
        concatenated without a separator)."""
        value = self.json.get("response") if isinstance(self.json, dict) else None
        return str(value) if isinstance(value, str) else None

    @property
    def error(self) -> Any:
        return self.json.get("error") if isinstance(self.json, dict) else None

    @property
    def ok(self) -> bool:
        return super().ok and self.error is None and self.json is not None


def run_gemini(
    gemini_bin: Path,
    project_dir: Path,
    home_dir: Path,
    base_url: str,
    prompt: str,
    *,
    model: str | None = DEFAULT_MODEL,
    yolo: bool = True,
    trust_workspace: bool = True,
    extra_args: Sequence[str] = (),
    extra_env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> GeminiRun:
    """Run ``gemini [-m <model>] [--yolo] -o json [extra_args] -p <prompt>`` in ``project_dir``.

    ``home_dir/.gemini/settings.json`` should hold :func:`base_settings`.  ``--yolo``
    offers (and auto-approves) the shell tool.  The client runs in its own process group
    with stdin closed; on timeout the whole group is killed (the CLI re-execs itself, so
    killing the pid alone would leave the real client running).
    """
    env = gemini_env(base_url, home_dir, trust_workspace=trust_workspace, extra_env=extra_env)
    Path(env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
    args = [str(gemini_bin)]
    if model:
        args += ["-m", model]
    if yolo:
        args.append("--yolo")
    args += ["-o", "json", *extra_args, "-p", prompt]
    done = run_client(args, project_dir, env, timeout)
    stdout, stderr = done.stdout, done.stderr
    parsed = _parse_output(stdout)
    if parsed is None:
        parsed = _parse_output(stderr)
    return GeminiRun(args, done.returncode, stdout, stderr, done.elapsed, done.timed_out, parsed)


def _parse_output(text: str) -> Any:
    """The ``-o json`` object in ``text``, else None.  A run that succeeds prints it alone on
    stdout; one that fails prints nothing there, and on stderr a stack trace followed by
    ``{"session_id", "error": {"type", "message", "code"}}`` from a line of its own."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    start = text.rfind("\n{")
    while start >= 0:
        try:
            return json.loads(text[start + 1 :])
        except ValueError:
            start = text.rfind("\n{", 0, start)
    return None


# --------------------------------------------------------------------------- sandbox

SettingsScope = Literal["user", "project"]


@dataclass
class GeminiSandbox:
    """A temporary project + home (with user settings) wired to one client and one fake server.

    Build it with :meth:`create`.  Hooks go to ``<home>/.gemini/settings.json`` (scope
    ``user``) or ``<project>/.gemini/settings.json`` (scope ``project``; loaded only while
    the workspace is trusted).
    """

    gemini_bin: Path
    project_dir: Path
    home_dir: Path
    base_url: str
    runs: list[GeminiRun] = field(default_factory=list)

    @classmethod
    def create(cls, gemini_bin: Path, root: Path, base_url: str) -> GeminiSandbox:
        project, home = root / "project", root / "home"
        project.mkdir(parents=True, exist_ok=True)
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        sandbox = cls(gemini_bin, project, home, base_url)
        write_gemini_settings(sandbox.settings_path("user"), base_settings())
        return sandbox

    def settings_path(self, scope: SettingsScope = "user") -> Path:
        return (self.home_dir if scope == "user" else self.project_dir) / ".gemini" / "settings.json"

    def add_hook(
        self,
        event: str,
        command: str,
        *,
        name: str,
        timeout_ms: int = 30_000,
        matcher: str | None = None,
        scope: SettingsScope = "user",
    ) -> Path:
        return add_gemini_hook(
            self.settings_path(scope), event, command, name=name, timeout_ms=timeout_ms, matcher=matcher
        )

    def run(
        self,
        prompt: str,
        *,
        model: str | None = DEFAULT_MODEL,
        yolo: bool = True,
        trust_workspace: bool = True,
        extra_args: Sequence[str] = (),
        extra_env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> GeminiRun:
        result = run_gemini(
            self.gemini_bin,
            self.project_dir,
            self.home_dir,
            self.base_url,
            prompt,
            model=model,
            yolo=yolo,
            trust_workspace=trust_workspace,
            extra_args=extra_args,
            extra_env=extra_env,
            timeout=timeout,
        )
        self.runs.append(result)
        return result
