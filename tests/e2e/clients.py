"""What the agent-client helpers (``claude_client``, ``codex_client``, ``gemini_client``) share.

* :func:`find_client` -- the binary under test: ``$STOPWARDEN_<NAME>_BIN``, else the CI install
  under ``<repo>/.ci/node/node_modules/.bin/``; the client on PATH is deliberately ignored so
  the suite never silently runs against a random version.
* :func:`client_version` -- ``<client> --version`` in a throwaway home.
* :func:`hermetic_env` -- the outer environment less the variables that would leak an outer
  agent session or configuration into the run, plus the client's own settings.
* :class:`ClientRun` -- what every run's outcome records, and its summary for assertion messages.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

__all__ = ["DEFAULT_TIMEOUT", "REPO_ROOT", "ClientRun", "client_version", "find_client", "hermetic_env"]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TIMEOUT = 120.0


def find_client(bin_env: str, ci_bin: Path, repo_root: Path, *, configured_at_import: str | None = None) -> Path | None:
    """The client binary to test with, or None.

    ``$<bin_env>`` (as set now, else ``configured_at_import``) wins and is returned even if
    missing, so a typo fails loudly instead of skipping; then ``repo_root / ci_bin`` if it is
    an executable file.
    """
    configured = os.environ.get(bin_env) or configured_at_import
    if configured:
        return Path(configured).expanduser()
    candidate = repo_root / ci_bin
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    return None


def client_version(
    client_bin: Path, env_for: Callable[[Path], Mapping[str, str]], *, timeout: float, new_session: bool = False
) -> str:
    """The version ``<client_bin> --version`` prints, e.g. ``"1.2.3"`` (its raw output if unparsable).

    It runs in a temporary home with ``env_for(home)`` as its environment (in a session of its
    own with ``new_session``); a failure raises (``CalledProcessError``, ``TimeoutExpired``, ``OSError``).
    """
    with tempfile.TemporaryDirectory(prefix=f"{client_bin.name}-version-") as home:
        proc = subprocess.run(
            [str(client_bin), "--version"],
            env=dict(env_for(Path(home))),
            cwd=home,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
            start_new_session=new_session,
        )
    match = re.search(r"\d+\.\d+\.\d+\S*", proc.stdout)
    return match.group(0) if match else proc.stdout.strip()


def hermetic_env(
    base_env: Mapping[str, str] | None,
    settings: Mapping[str, str],
    *,
    stripped_prefixes: tuple[str, ...],
    stripped_names: Collection[str] = (),
    extra_env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """``base_env`` (default ``os.environ``) less every variable named in ``stripped_names`` or
    starting with one of ``stripped_prefixes``, then ``settings``, then ``extra_env`` (so a
    test may set e.g. a ``STOPWARDEN_*`` variable on purpose)."""
    source = os.environ if base_env is None else base_env
    env = {
        name: value
        for name, value in source.items()
        if name not in stripped_names and not name.startswith(stripped_prefixes)
    }
    env.update(settings)
    if extra_env:
        env.update(extra_env)
    return env


@dataclass(frozen=True)
class ClientRun:
    """Outcome of one client run (each client's subclass adds what it parsed from the output)."""

    client: ClassVar[str] = "client"  # the name :meth:`describe` gives it

    args: list[str]
    returncode: int  # -9 (SIGKILL) when it timed out
    stdout: str
    stderr: str
    elapsed: float  # seconds
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """It exited 0 in time (each client's subclass adds what its output must say)."""
        return self.returncode == 0 and not self.timed_out

    def describe(self) -> str:
        """A multi-line summary for assertion messages."""
        return (
            f"{self.client} exited {self.returncode} after {self.elapsed:.1f}s"
            f"{' (TIMED OUT)' if self.timed_out else ''}\n"
            f"args: {self.args}\nstdout: {self.stdout[-4000:]}\nstderr: {self.stderr[-4000:]}"
        )
