"""What every agent's module in this folder is: the `Installer` protocol, and mypy checks each one against it.

An agent's installer says where its hooks and /build skill go and how they are written and removed; the
install, uninstall and doctor flows (installer.py, doctor.py) use only these members. Its hot-path side
(payloads, block output, transcripts) is its module in stopwarden/agents/ (`agents.base.Dialect`).
Adding an agent: a module here named after it (`-` as `_`) with these members, the module in
registry.py, and an assignment at the end of this file. See docs/contributing.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from stopwarden.common.errors import StopwardenError


class Check(NamedTuple):
    """One line of `stopwarden doctor`: what was checked, whether it is right, and the fix when it is not."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


class InstallJob(NamedTuple):
    """What `init` asks of one agent in one scope; an installer's extras read what they need of it."""

    root: str  # the project
    scope: str
    path: str  # the settings file of `scope` that holds our hooks
    env: Mapping[str, str]
    trust: bool = True  # Codex: trust our hooks by their hash (`--no-trust` leaves it to Codex's review)
    statusline: bool = False  # Claude Code: register our status line too (`--statusline`)
    force_statusline: bool = False  # ... replacing one of the user's own (`--force-statusline`)

    @property
    def wants_statusline(self) -> bool:
        return self.statusline or self.force_statusline


def user_or_project(agent: str, scope: str, user_dir: str, project_dir: str) -> str:
    """The folder of `scope` for an agent whose scopes are the user's and the project's."""
    if scope == "user":
        return user_dir
    if scope == "project":
        return project_dir
    raise StopwardenError(f"unknown scope {scope!r} for {agent}", hint="use one of user, project")


class Installer(Protocol):
    """Where one agent keeps its hooks and skills, and how ours are written into and out of its files."""

    @property
    def AGENT(self) -> str: ...  # the agent's name (names.AGENTS)
    @property
    def SCOPES(self) -> tuple[str, ...]: ...  # where its settings can live, e.g. ("user", "project")
    @property
    def DEFAULT_SCOPE(self) -> str: ...  # where `init` installs without --scope
    @property
    def COMMAND(self) -> str: ...  # the client's command, to find it on PATH
    @property
    def SETTINGS_FILE_IS_OURS(self) -> bool: ...  # its hooks file is stopwarden's alone: deleted once empty
    @property
    def RUNS_IDENTICAL_HOOKS_ONCE(self) -> bool: ...  # one command registered in two scopes runs once
    # EVENTS: hook event -> (our hook script's event argument, timeout in the client's unit, ...)
    @property
    def EVENTS(self) -> Mapping[str, tuple[Any, ...]]: ...
    @property
    def SKILL_INVOCATION(self) -> str: ...  # how the user calls the skill, with {name}: "/{name} <task>"
    @property
    def SKILL_WORDING(self) -> tuple[str, str, str]: ...  # the playbook's words for the task, its argument, notes

    @property
    def LABEL(self) -> str: ...  # how doctor names it before a check ("" for the first agent, "codex ")
    @property
    def HOOK_TIMEOUT_UNIT_S(self) -> float: ...  # its hook timeouts' unit in seconds (Gemini counts in ms)
    @property
    def EXPORTS_SESSION_ID(self) -> bool: ...  # its SessionStart hook can export the session id to its shell

    def check_ready(self, env: Mapping[str, str]) -> None:
        """Raise StopwardenError when init must refuse before writing anything (a config it cannot read)."""
        ...

    def merge_extras(self, data: dict[str, Any], job: InstallJob) -> tuple[str, object]:
        """What else goes into the settings document beside our hooks, before it is saved (Claude Code: the
        status line): what happened ("" for nothing) and a value of the user's it replaced (None), which
        uninstall puts back. Raises StopwardenError, before anything is written, to refuse."""
        ...

    def after_install(
        self, job: InstallJob, data: dict[str, Any], extras: str, replaced: object
    ) -> tuple[list[str], dict[str, Any]]:
        """What else init does once the settings file is saved (Codex: trust our hooks; Claude Code: keep a
        local file out of git, report the status line): lines to report, and entries for installed.json.
        `extras` and `replaced` are what merge_extras answered."""
        ...

    def remove_extras(self, data: dict[str, Any], path: str, restore: object) -> tuple[bool, list[str]]:
        """Take merge_extras's additions out of a settings document, putting `restore` (what they replaced,
        or None) back: whether anything was ours, and lines to report."""
        ...

    def after_remove(self, path: str, env: Mapping[str, str]) -> list[str]:
        """What else uninstall does once our hooks are out of `path` (Codex: drop their trust entries)."""
        ...

    def doctor_checks(self, root: str, env: Mapping[str, str], record: Mapping[str, Any]) -> list[Check]:
        """Checks only this agent needs, [] where they do not apply: Codex, whether it trusts our hooks
        (when init installed it here, says `record`); Claude Code, our status line wherever it is ours."""
        ...

    def user_config_dir(self, env: Mapping[str, str]) -> str:
        """The agent's per-user config folder (its presence says the agent is used on this machine)."""
        ...

    def settings_path(self, scope: str, root: str, env: Mapping[str, str]) -> str:
        """The file that holds its hooks in `scope`."""
        ...

    def our_handler(self, event: str) -> dict[str, Any]:
        """Our hook entry for `event`, as it is written into the agent's file."""
        ...

    def merge(self, data: dict[str, Any], path: str) -> None:
        """Put our hooks into a settings document (theirs kept, our old entries replaced)."""
        ...

    def remove(self, data: dict[str, Any], path: str) -> bool:
        """Take our hooks out of a settings document; whether anything was ours."""
        ...

    def registered(self, data: Mapping[str, Any]) -> dict[str, list[str]]:
        """Event -> the commands registered for it in a settings document (doctor runs them)."""
        ...

    def skills_folder(self, scope: str, root: str, env: Mapping[str, str]) -> str:
        """Where its skills (or commands) live for hooks installed in `scope`."""
        ...

    def skill_file(self, folder: str, name: str) -> str:
        """The file of skill `name` in `folder`."""
        ...

    def skill_cli(self, env: Mapping[str, str]) -> str:
        """How the playbook names the `stopwarden` command for this agent's shell."""
        ...

    def skill_text(self, name: str, description: str, marker: str, body: str) -> str:
        """The skill file's whole text, in the agent's format."""
        ...


if TYPE_CHECKING:  # never run: mypy checks each installer here (a missing or mistyped member fails)
    from stopwarden.install import claude_code, codex, copilot, gemini

    _CLAUDE_CODE: Installer = claude_code
    _CODEX: Installer = codex
    _GEMINI: Installer = gemini
    _COPILOT: Installer = copilot
