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
from .copilot_client import COPILOT_BIN_ENV, CopilotSandbox, copilot_version, find_copilot
from .fake_anthropic import FakeAnthropic
from .fake_gemini import FakeGemini
from .fake_openai_chat import FakeChat
from .fake_openai_responses import FakeResponses
from .gemini_client import GEMINI_BIN_ENV, GeminiSandbox, find_gemini, gemini_version

REQUIRED_ENV = "STOPWARDEN_E2E_REQUIRED"

_install_key = pytest.StashKey["ClientInstall | None"]()


@dataclass(frozen=True)
class ClientInstall:
    path: Path
    version: str


# Read at import: tests/conftest.py clears STOPWARDEN_* before every test, a session fixture included.
_REQUIRED = os.environ.get(REQUIRED_ENV) == "1"
_BIN_OVERRIDES = {
    name: os.environ.get(name) for name in (CLAUDE_BIN_ENV, CODEX_BIN_ENV, GEMINI_BIN_ENV, COPILOT_BIN_ENV)
}


def locate_client(
    name: str,
    find: Callable[[], Path | None],
    version_of: Callable[[Path], str],
    bin_env: str,
    package: str,
    record_testsuite_property: Callable[[str, object], None],
) -> ClientInstall:
    """The client under test and its version: skips when it is absent, fails instead when
    STOPWARDEN_E2E_REQUIRED=1 (or when its STOPWARDEN_*_BIN points at something that does not run)."""
    path = find()
    if path is None:
        message = f"{name} client not found: set {bin_env} or run `npm install --prefix .ci/node {package}@<version>`"
        if _REQUIRED:
            pytest.fail(f"{message} ({REQUIRED_ENV}=1)", pytrace=False)
        pytest.skip(message)
    try:
        version = version_of(path)
    except (OSError, subprocess.SubprocessError) as exc:
        message = f"{name} client at {path} is not runnable: {exc}"
        if _REQUIRED or _BIN_OVERRIDES.get(bin_env):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    record_testsuite_property(f"{name}_version", version)
    return ClientInstall(path, version)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: runs a real agent client against a local scripted model server")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    install = config.stash.get(_install_key, None)
    if install is not None:
        terminalreporter.write_line(f"e2e: claude {install.version} at {install.path}")


@pytest.fixture(scope="session")
def claude_install(
    pytestconfig: pytest.Config, record_testsuite_property: Callable[[str, object], None]
) -> ClientInstall:
    """The client under test and its version (session-scoped; see ``claude_bin``)."""
    install = locate_client(
        "claude", find_claude, claude_version, CLAUDE_BIN_ENV, "@anthropic-ai/claude-code", record_testsuite_property
    )
    pytestconfig.stash[_install_key] = install
    return install


@pytest.fixture
def record_e2e(request: pytest.FixtureRequest) -> Callable[[str, object], None]:
    """``record_e2e(name, value)``: attach a user property to the current test."""

    def record(name: str, value: object) -> None:
        request.node.user_properties.append((name, value))

    return record


@pytest.fixture
def claude_bin(claude_install: ClientInstall, record_e2e: Callable[[str, object], None]) -> Path:
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


@pytest.fixture(scope="session")
def codex_install(record_testsuite_property: Callable[[str, object], None]) -> ClientInstall:
    """The Codex client under test and its version; skips when absent (fails when required)."""
    return locate_client("codex", find_codex, codex_version, CODEX_BIN_ENV, "@openai/codex", record_testsuite_property)


@pytest.fixture
def codex_bin(codex_install: ClientInstall, record_e2e: Callable[[str, object], None]) -> Path:
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


@pytest.fixture(scope="session")
def gemini_install(record_testsuite_property: Callable[[str, object], None]) -> ClientInstall:
    """The Gemini client under test and its version; skips when absent (fails when required)."""
    return locate_client(
        "gemini", find_gemini, gemini_version, GEMINI_BIN_ENV, "@google/gemini-cli", record_testsuite_property
    )


@pytest.fixture
def gemini_bin(gemini_install: ClientInstall, record_e2e: Callable[[str, object], None]) -> Path:
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


# --------------------------------------------------------------------------- GitHub Copilot CLI


@pytest.fixture(scope="session")
def copilot_install(record_testsuite_property: Callable[[str, object], None]) -> ClientInstall:
    """The Copilot CLI under test and its version; skips when absent (fails when required)."""
    return locate_client(
        "copilot", find_copilot, copilot_version, COPILOT_BIN_ENV, "@github/copilot", record_testsuite_property
    )


@pytest.fixture
def copilot_bin(copilot_install: ClientInstall, record_e2e: Callable[[str, object], None]) -> Path:
    """Path of the copilot binary; records ``copilot_version`` / ``copilot_bin`` on the test."""
    record_e2e("copilot_version", copilot_install.version)
    record_e2e("copilot_bin", str(copilot_install.path))
    return copilot_install.path


@pytest.fixture
def fake_chat() -> Iterator[FakeChat]:
    """A running scripted Chat Completions server; call ``fake_chat.set_script([...])``."""
    with FakeChat() as server:
        yield server


@pytest.fixture
def copilot_sandbox(copilot_bin: Path, fake_chat: FakeChat, tmp_path: Path) -> CopilotSandbox:
    """A project and a home, wired to ``copilot_bin`` and ``fake_chat``."""
    return CopilotSandbox.create(copilot_bin, tmp_path / "copilot", fake_chat.base_url)
