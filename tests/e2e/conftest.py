"""Fixtures for end-to-end tests that run the real Claude Code client.

* ``claude_bin`` -- path of the client; skips when none is found, fails instead
  when ``STOPWARDEN_E2E_REQUIRED=1``.  Records the version: per test as user properties
  ``claude_version`` / ``claude_bin``, as a JUnit test-suite property, and in the
  terminal summary ("e2e: claude <version> at <path>").
* ``record_e2e`` -- ``record_e2e(name, value)`` adds a user property to the test
  (like ``record_property``, without its junit_family=xunit2 warning).
* ``fake_model`` -- a running :class:`FakeAnthropic`; the test sets its script.
* ``claude_sandbox`` -- a temp project + home bound to both, with ``.run(prompt)``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .claude_client import CLAUDE_BIN_ENV, ClaudeSandbox, claude_version, find_claude
from .codex_client import CODEX_BIN_ENV, CodexSandbox, codex_version, find_codex
from .fake_anthropic import FakeAnthropic
from .fake_gemini import FakeGemini
from .fake_openai_responses import FakeResponses
from .gemini_client import GEMINI_BIN_ENV, GeminiSandbox, find_gemini, gemini_version

REQUIRED_ENV = "STOPWARDEN_E2E_REQUIRED"

_install_key = pytest.StashKey["ClaudeInstall | None"]()


@dataclass(frozen=True)
class ClaudeInstall:
    path: Path
    version: str


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: runs a real agent client against a local scripted model server")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    install = config.stash.get(_install_key, None)
    if install is not None:
        terminalreporter.write_line(f"e2e: claude {install.version} at {install.path}")


@pytest.fixture(scope="session")
def claude_install(
    pytestconfig: pytest.Config, record_testsuite_property: Callable[[str, object], None]
) -> ClaudeInstall:
    """The client under test and its version (session-scoped; see ``claude_bin``)."""
    required = os.environ.get(REQUIRED_ENV) == "1"
    path = find_claude()
    if path is None:
        message = (
            f"claude client not found: set {CLAUDE_BIN_ENV} or run "
            "`npm install --prefix .ci/node @anthropic-ai/claude-code@<version>`"
        )
        if required:
            pytest.fail(f"{message} ({REQUIRED_ENV}=1)", pytrace=False)
        pytest.skip(message)
    try:
        version = claude_version(path)
    except (OSError, subprocess.SubprocessError) as exc:
        message = f"claude client at {path} is not runnable: {exc}"
        if required or os.environ.get(CLAUDE_BIN_ENV):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    install = ClaudeInstall(path, version)
    pytestconfig.stash[_install_key] = install
    record_testsuite_property("claude_version", version)
    return install


@pytest.fixture
def record_e2e(request: pytest.FixtureRequest) -> Callable[[str, object], None]:
    """``record_e2e(name, value)``: attach a user property to the current test."""

    def record(name: str, value: object) -> None:
        request.node.user_properties.append((name, value))

    return record


@pytest.fixture
def claude_bin(claude_install: ClaudeInstall, record_e2e: Callable[[str, object], None]) -> Path:
    """Path of the claude binary; records ``claude_version`` / ``claude_bin`` on the test."""
    record_e2e("claude_version", claude_install.version)
    record_e2e("claude_bin", str(claude_install.path))
    return claude_install.path


@pytest.fixture
def fake_model() -> Iterator[FakeAnthropic]:
    """A running scripted model server; call ``fake_model.set_script([...])``."""
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def claude_sandbox(claude_bin: Path, fake_model: FakeAnthropic, tmp_path: Path) -> ClaudeSandbox:
    """An empty project dir and home dir wired to ``claude_bin`` and ``fake_model``."""
    project = tmp_path / "project"
    home = tmp_path / "home"
    project.mkdir()
    home.mkdir()
    return ClaudeSandbox(claude_bin, project, home, fake_model.base_url)


# --------------------------------------------------------------------------- Codex (SPEC §12.1)

_CODEX_REQUIRED = os.environ.get(REQUIRED_ENV) == "1"  # read at import: tests/conftest.py clears STOPWARDEN_*


@dataclass(frozen=True)
class CodexInstall:
    path: Path
    version: str


@pytest.fixture(scope="session")
def codex_install(record_testsuite_property: Callable[[str, object], None]) -> CodexInstall:
    """The Codex client under test and its version; skips when absent (fails when required)."""
    required = _CODEX_REQUIRED or os.environ.get(REQUIRED_ENV) == "1"
    path = find_codex()
    if path is None:
        message = (
            f"codex client not found: set {CODEX_BIN_ENV} or run "
            "`npm install --prefix .ci/node @openai/codex@<version>`"
        )
        if required:
            pytest.fail(f"{message} ({REQUIRED_ENV}=1)", pytrace=False)
        pytest.skip(message)
    try:
        version = codex_version(path)
    except (OSError, subprocess.SubprocessError) as exc:
        message = f"codex client at {path} is not runnable: {exc}"
        if required or os.environ.get(CODEX_BIN_ENV):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    record_testsuite_property("codex_version", version)
    return CodexInstall(path, version)


@pytest.fixture
def codex_bin(codex_install: CodexInstall, record_e2e: Callable[[str, object], None]) -> Path:
    """Path of the codex binary; records ``codex_version`` / ``codex_bin`` on the test."""
    record_e2e("codex_version", codex_install.version)
    record_e2e("codex_bin", str(codex_install.path))
    return codex_install.path


@pytest.fixture
def fake_responses() -> Iterator[FakeResponses]:
    """A running scripted Responses API server; call ``fake_responses.set_script([...])``."""
    with FakeResponses() as server:
        yield server


@pytest.fixture
def codex_sandbox(codex_bin: Path, fake_responses: FakeResponses, tmp_path: Path) -> CodexSandbox:
    """A project (trusted) and a home with config.toml, wired to ``codex_bin`` and ``fake_responses``."""
    return CodexSandbox.create(codex_bin, tmp_path / "codex", fake_responses.base_url)


# --------------------------------------------------------------------------- Gemini (SPEC §12.2)


@dataclass(frozen=True)
class GeminiInstall:
    path: Path
    version: str


@pytest.fixture(scope="session")
def gemini_install(record_testsuite_property: Callable[[str, object], None]) -> GeminiInstall:
    """The Gemini client under test and its version; skips when absent (fails when required)."""
    required = _CODEX_REQUIRED or os.environ.get(REQUIRED_ENV) == "1"
    path = find_gemini()
    if path is None:
        message = (
            f"gemini client not found: set {GEMINI_BIN_ENV} or run "
            "`npm install --prefix .ci/node @google/gemini-cli@<version>`"
        )
        if required:
            pytest.fail(f"{message} ({REQUIRED_ENV}=1)", pytrace=False)
        pytest.skip(message)
    try:
        version = gemini_version(path)
    except (OSError, subprocess.SubprocessError) as exc:
        message = f"gemini client at {path} is not runnable: {exc}"
        if required or os.environ.get(GEMINI_BIN_ENV):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    record_testsuite_property("gemini_version", version)
    return GeminiInstall(path, version)


@pytest.fixture
def gemini_bin(gemini_install: GeminiInstall, record_e2e: Callable[[str, object], None]) -> Path:
    """Path of the gemini script; records ``gemini_version`` / ``gemini_bin`` on the test."""
    record_e2e("gemini_version", gemini_install.version)
    record_e2e("gemini_bin", str(gemini_install.path))
    return gemini_install.path


@pytest.fixture
def fake_gemini() -> Iterator[FakeGemini]:
    """A running scripted Gemini API server; call ``fake_gemini.set_script([...])``."""
    with FakeGemini() as server:
        yield server


@pytest.fixture
def gemini_sandbox(gemini_bin: Path, fake_gemini: FakeGemini, tmp_path: Path) -> GeminiSandbox:
    """A project and a home with user settings, wired to ``gemini_bin`` and ``fake_gemini``."""
    return GeminiSandbox.create(gemini_bin, tmp_path / "gemini", fake_gemini.base_url)
