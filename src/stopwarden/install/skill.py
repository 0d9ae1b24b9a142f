"""The `/build` skill (SPEC §4.6, §12): one playbook, written in each agent's own format by init, removed by
uninstall, never clobbering the user's own.

The playbook is templates/build-skill.md; each agent's module in this folder says where its skills live
(`skills_folder`, `skill_file`), how the task and the `stopwarden` command are written in it
(`SKILL_WORDING`, `skill_cli`), how the user calls it (`SKILL_INVOCATION`) and its file format
(`skill_text`):

- Claude Code: a skill, `.claude/skills/<name>/SKILL.md` in the project (`/build <task>`, `$ARGUMENTS`).
- Codex: a skill, `<layer>/skills/<name>/SKILL.md` in the config layer of the hooks' scope (`$CODEX_HOME`
  or the project's `.codex/`); Codex lists it to the model and the user names it as `$build <task>`. Its
  sandboxed shell resets PATH, so the playbook always names the absolute `stopwarden` path.
- Gemini CLI: a custom command, `<.gemini>/commands/<name>.toml` of the hooks' scope (`/build <task>`,
  `{{args}}`). Its shell tool refuses command substitution, so the playbook tells the model so.

Ours carry the marker line; a file without it belongs to the user and is never overwritten or removed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Set

from stopwarden.common.atomic import rmdir_if_empty, write_atomic
from stopwarden.common.errors import StopwardenError
from stopwarden.install.registry import AGENT_MODULES

MARKER = "stopwarden:build-skill (written by `stopwarden init`; `stopwarden uninstall` removes it)"
DEFAULT_NAME = "build"
DESCRIPTION = (
    "Run a tracked multi-phase build (clarify, plan, execute, verify, harden) that stopwarden keeps you on "
    "until it is really done."
)


def skill_path(agent: str, scope: str, root: str, env: Mapping[str, str], name: str) -> str:
    """Where agent's skill `name` lives for hooks installed in `scope`."""
    module = AGENT_MODULES[agent]
    return str(module.skill_file(module.skills_folder(scope, root, env), name))


def invocation(agent: str, name: str) -> str:
    """How the user calls the skill: `/build <task>`, or `$build <task>` in Codex."""
    return str(AGENT_MODULES[agent].SKILL_INVOCATION.format(name=name))


def render(agent: str, name: str, env: Mapping[str, str]) -> str:
    module = AGENT_MODULES[agent]
    task, task_arg, notes = module.SKILL_WORDING
    template = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates", "build-skill.md")
    with open(template, encoding="utf-8") as f:
        text = f.read()
    invoke = invocation(agent, name).split()[0]
    cli = module.skill_cli(env)
    body = text.format(invoke=invoke, task=task, task_arg=task_arg, cli=cli, notes=notes).rstrip("\n") + "\n"
    return str(module.skill_text(name, DESCRIPTION, MARKER, body))


def is_ours(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return MARKER in f.read()
    except OSError:  # missing, or a folder
        return False


def check_free(path: str, name: str) -> None:
    """Raise unless `name` is a usable skill name with no skill of the user's own at `path`."""
    if not name or "/" in name or name.startswith("."):
        raise StopwardenError(f"bad skill name {name!r}", hint="use a plain name such as build or sw-build")
    if os.path.lexists(path) and not is_ours(path):
        raise StopwardenError(
            f"{path} is a skill of your own; it was left untouched",
            hint="install ours under another name: stopwarden init --skill-name sw-build",
        )


def install(path: str, text: str) -> str:
    """Write our skill `text` at `path`; returns "installed", "updated" or "unchanged"."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return "unchanged"
        write_atomic(path, text.encode("utf-8"), 0o644)
        return "updated"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_atomic(path, text.encode("utf-8"), 0o644)
    return "installed"


def remove_all(root: str, env: Mapping[str, str], skip: Set[tuple[str, str]] = frozenset()) -> list[str]:
    """Remove every skill of ours, for every agent and scope but the (agent, scope) pairs in `skip`, whatever
    name it was installed under (and the project folders left empty); returns their paths."""
    removed: list[str] = []
    for agent, module in AGENT_MODULES.items():
        for scope in module.SCOPES:
            if (agent, scope) in skip:
                continue
            folder = module.skills_folder(scope, root, env)
            try:
                entries = sorted(os.listdir(folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                path = module.skill_file(folder, entry.removesuffix(".toml"))
                if path not in removed and is_ours(path):
                    os.unlink(path)
                    rmdir_if_empty(os.path.dirname(path))
                    removed.append(path)
            rmdir_if_empty(folder)
            if scope != "user":
                rmdir_if_empty(os.path.dirname(folder))
    return removed
