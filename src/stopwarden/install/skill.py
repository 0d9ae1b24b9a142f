"""The `/build` skill (SPEC §4.6, §12): one playbook, written in each agent's own format by init, removed by
uninstall, never clobbering the user's own.

- Claude Code: a skill, `.claude/skills/<name>/SKILL.md` in the project (`/build <task>`, `$ARGUMENTS`).
- Codex: a skill, `<layer>/skills/<name>/SKILL.md` in the config layer of the hooks' scope (`$CODEX_HOME`
  or the project's `.codex/`); Codex lists it to the model and the user names it as `$build <task>`. Its
  sandboxed shell resets PATH, so the playbook always names the absolute `stopwarden` path.
- Gemini CLI: a custom command, `<.gemini>/commands/<name>.toml` of the hooks' scope (`/build <task>`,
  `{{args}}`). Its shell tool refuses command substitution, so the playbook tells the model so.

Ours carry a marker; a file without it belongs to the user and is never overwritten or removed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from stopwarden.atomic import rmdir_if_empty, write_atomic
from stopwarden.errors import StopwardenError
from stopwarden.install import codex, gemini
from stopwarden.shell import cli_command, cli_path

MARKER = "stopwarden:build-skill"
MARKER_LINE = f"{MARKER} (written by `stopwarden init`; `stopwarden uninstall` removes it)"
DEFAULT_NAME = "build"
DESCRIPTION = (
    "Run a tracked multi-phase build (clarify, plan, execute, verify, harden) that stopwarden keeps you on "
    "until it is really done."
)
# Agent -> (the task in the playbook's title, the task as a command argument, rules for that agent only).
WORDING = {
    "claude-code": ("$ARGUMENTS", "$ARGUMENTS", ""),
    "codex": (
        "the task in the user's message that named this skill",
        "<the task, in a few words>",
        "- Run `stopwarden` by the absolute path written above: your shell's PATH may not include it.\n"
        "- If `git commit` fails because your sandbox keeps `.git` read-only, carry on without committing, and\n"
        "  say in your final message which commits are left for the user to make.\n",
    ),
    "gemini": (
        "{{args}}",
        "{{args}}",
        "- Your shell tool refuses command substitution (`$(...)` and backticks): write every value, such as\n"
        "  the build id, literally into the command.\n",
    ),
}


def skills_folder(agent: str, scope: str, root: str, env: Mapping[str, str]) -> str:
    """The folder that holds the agent's skills (Gemini: its commands) for hooks installed in `scope`."""
    if agent == codex.AGENT:
        return os.path.join(codex.config_dir(scope, root, env), "skills")
    if agent == gemini.AGENT:
        return os.path.join(gemini.config_dir(scope, root, env), "commands")
    return os.path.join(root, ".claude", "skills")  # Claude Code's skill is always the project's


def skill_path(agent: str, scope: str, root: str, env: Mapping[str, str], name: str) -> str:
    folder = skills_folder(agent, scope, root, env)
    return os.path.join(folder, f"{name}.toml") if agent == gemini.AGENT else os.path.join(folder, name, "SKILL.md")


def invocation(agent: str, name: str) -> str:
    """How the user calls the skill: `/build <task>`, or `$build <task>` in Codex."""
    return f"{'$' if agent == codex.AGENT else '/'}{name} <task>"


def render(agent: str, name: str, env: Mapping[str, str]) -> str:
    task, task_arg, notes = WORDING[agent]
    cli = cli_path() if agent == codex.AGENT else cli_command(env)
    template = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates", "build-skill.md")
    with open(template, encoding="utf-8") as f:
        text = f.read()
    invoke = invocation(agent, name).split()[0]
    body = text.format(invoke=invoke, task=task, task_arg=task_arg, cli=cli, notes=notes).rstrip("\n") + "\n"
    if agent == gemini.AGENT:
        # A TOML multi-line literal string: taken as written, backslashes too; only three quotes end it.
        if "'''" in body:
            raise StopwardenError(f"cannot write the Gemini command: {cli} holds three single quotes in a row")
        return f"# {MARKER_LINE}\ndescription = {_toml_string(DESCRIPTION)}\nprompt = '''\n{body}'''\n"
    hint = "argument-hint: <task>\n" if agent != codex.AGENT else ""
    front = f"---\nname: {name}\ndescription: {DESCRIPTION}\n{hint}---\n"
    return f"{front}<!-- {MARKER_LINE} -->\n\n{body}"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


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


def remove_all(root: str, env: Mapping[str, str]) -> list[str]:
    """Remove every skill of ours, for every agent and scope, whatever name it was installed under (and the
    project folders left empty); returns their paths."""
    removed: list[str] = []
    places = [(a, s) for a, module in ((codex.AGENT, codex), (gemini.AGENT, gemini)) for s in module.SCOPES]
    for agent, scope in [("claude-code", "project"), *places]:
        folder = skills_folder(agent, scope, root, env)
        try:
            entries = sorted(os.listdir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            path = os.path.join(folder, entry) if agent == gemini.AGENT else os.path.join(folder, entry, "SKILL.md")
            if is_ours(path):
                os.unlink(path)
                rmdir_if_empty(os.path.dirname(path))
                removed.append(path)
        rmdir_if_empty(folder)
        if scope != "user":
            rmdir_if_empty(os.path.dirname(folder))
    return removed
