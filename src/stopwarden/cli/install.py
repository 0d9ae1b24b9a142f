"""`stopwarden init | uninstall | doctor | demo`: put stopwarden into a project, check it, take it out."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from stopwarden.cli.output import colour, emit, emit_escaped, json_option, width, wrap
from stopwarden.common import termsafe
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import AGENTS
from stopwarden.install import claude_code, skill
from stopwarden.install.registry import AGENT_MODULES


def _project_root() -> str:
    from stopwarden.install.project_files import git_toplevel

    return git_toplevel(os.getcwd()) or os.getcwd()


@click.command()
@click.option(
    "--agent",
    type=click.Choice([*AGENTS, "all"]),
    default=None,
    help="The agent to install for, or all of them. Without it, init offers the agents it finds on this machine "
    "and asks (on a terminal; elsewhere it installs for Claude Code and names the others it found).",
)
@click.option(
    "--scope",
    type=click.Choice(["local", "project", "user"]),
    default=None,
    help="Claude Code: local (default; .claude/settings.local.json, not committed), project "
    "(.claude/settings.json) or user (~/.claude/settings.json). Codex, Gemini and Copilot: user (default; "
    "$CODEX_HOME/hooks.json, ~/.gemini/settings.json, $COPILOT_HOME/hooks/stopwarden.json) or project "
    "(.codex/hooks.json, .gemini/settings.json, .github/hooks/stopwarden.json).",
)
@click.option(
    "--skill-name", default=skill.DEFAULT_NAME, show_default=True, help="Install the /build skill under this name."
)
@click.option(
    "--statusline",
    is_flag=True,
    help="Also show stopwarden in Claude Code's status line (this session's build, the gate's mode, the kill "
    "switch). A status line of your own in the same settings file is kept, and init fails saying so.",
)
@click.option(
    "--force-statusline",
    is_flag=True,
    help="Like --statusline, but replace a status line of your own; `stopwarden uninstall` puts it back.",
)
@click.option("--no-trust", is_flag=True, help="Codex: do not trust our hooks by hash (review them with /hooks).")
@json_option
def init(
    agent: str | None, scope: str | None, skill_name: str, statusline: bool, force_statusline: bool,
    no_trust: bool, as_json: bool,
) -> None:  # fmt: skip
    """Install stopwarden into this project (the git repository around the current folder).

    Creates .stopwarden/, registers the Stop and SessionStart hooks of each agent (and, with --statusline,
    our status line) and writes its /build skill. Running it again changes nothing; after an upgrade or a
    moved venv it replaces our old entries.

    \b
    Example:
      stopwarden init                       # asks which of the agents found here
      stopwarden init --agent claude-code --statusline
      stopwarden init --agent codex
      stopwarden init --agent all --scope project
    """
    from stopwarden.install import installer

    root = _project_root()
    notes: list[str] = []
    if agent == "all":
        agents = list(AGENTS)
    elif agent:
        agents = [agent]
    else:
        agents, notes = _choose_agents(installer.detect_agents(os.environ), ask=sys.stdin.isatty() and not as_json)
    for name in agents:
        module = AGENT_MODULES[name]
        if scope and scope not in module.SCOPES:
            raise click.UsageError(f"{name} has no {scope} scope (it has {', '.join(module.SCOPES)})")
    if (statusline or force_statusline) and claude_code.AGENT not in agents:
        raise click.UsageError("only Claude Code has a status line: add --agent claude-code")
    chosen = {name: scope or AGENT_MODULES[name].DEFAULT_SCOPE for name in agents}
    for name in agents:  # refuse before writing anything for any of them
        installer.preflight(root, name, chosen[name], skill_name, os.environ)
    done = [*notes]
    for name in agents:
        done += installer.init(root, name, chosen[name], skill_name, os.environ, statusline, force_statusline,
                               no_trust)  # fmt: skip
    then = _next_steps(agents, skill_name)
    emit(as_json, {"project": root, "agents": agents, "done": done, "next": then},
         termsafe.lines([f"stopwarden installed in {root} for {', '.join(agents)}", *done, "", *then]))  # fmt: skip


def _next_steps(agents: list[str], skill_name: str, first: str = "next:", where: str = "in this project") -> list[str]:
    """What the user does next: hooks load when a session starts, so a session already open has none."""
    from stopwarden.install.skill import invocation

    calls = ", ".join(f"{invocation(a, skill_name)} in {a}" for a in agents)
    return [
        f"{first:<5} start a new agent session {where} (a session already open has not loaded the hooks),",
        f"      then ask it for a tracked build: {calls}.",
        "      `stopwarden gate status` shows the stop gate's mode (a new project's is shadow: it only logs, and",
        "      `stopwarden gate log` shows what it would have blocked).",
    ]


def _choose_agents(found: list[str], ask: bool) -> tuple[list[str], list[str]]:
    """The agents to install for when --agent is not given, and a note for the output: the user picks on a
    terminal (the found ones offered); elsewhere Claude Code, the documented default, and a hint."""
    offered = found or [claude_code.AGENT]
    if not ask:
        others = [a for a in found if a != claude_code.AGENT]
        hint = f"also found {', '.join(others)}: add with `stopwarden init --agent NAME` or `--agent all`"
        return [claude_code.AGENT], [hint] if others else []
    click.echo(f"Agents found on this machine: {', '.join(found) or 'none'}", err=True)
    answer = click.prompt(
        f"Install for which agents? ({', '.join(AGENTS)}, or all)",
        default=",".join(offered),
        value_proc=_parse_agents,
        err=True,
    )
    return list(answer), []


def _parse_agents(text: str) -> list[str]:
    words = [w for w in text.replace(",", " ").split() if w]
    if words == ["all"]:
        return list(AGENTS)
    unknown = [w for w in words if w not in AGENTS]
    if unknown or not words:
        raise click.BadParameter(f"name agents among {', '.join(AGENTS)}, or all")
    return list(dict.fromkeys(words))


@click.command()
@click.option(
    "--purge",
    is_flag=True,
    help="Also delete .stopwarden/ (builds, logs, token), but the files git tracks there and plans/.",
)
@click.option(
    "--scope",
    type=click.Choice(["user"]),
    help="Also remove the user-scope hooks and skills that other projects on this machine still rely on.",
)
@click.option("--yes", is_flag=True, help="With --purge: delete the decision log without asking.")
@json_option
def uninstall(purge: bool, scope: str | None, yes: bool, as_json: bool) -> None:
    """Remove our hooks and status line from every scope, and our /build skill; the user's entries stay.

    The user scope (~/.claude, $CODEX_HOME, ~/.gemini) is shared by every project: its hooks and skill
    stay while another project that installed there still relies on them, unless --scope user.

    \b
    Example:
      stopwarden uninstall --purge
      stopwarden uninstall --scope user   # this machine's user-scope install too

    --purge stops the project's gate server first, and asks before it deletes the decision log and its
    annotations (--yes for scripts; without a terminal it refuses unless --yes). The approval key
    (~/.local/state/stopwarden/approval-key) stays: it is the user's, and signs the approvals of every
    checkout.
    """
    from stopwarden.install import installer

    root = _project_root()
    log = installer.decision_log(root) if purge else None
    if log and not yes:
        if not sys.stdin.isatty():
            raise StopwardenError(
                f"--purge would delete the decision log {log} and every annotation in it",
                hint="run it on a terminal to be asked, or add --yes "
                "(export first: stopwarden gate export --annotated --output FILE)",
            )
        if not click.confirm(f"Delete the decision log {termsafe.line(log)} and every annotation in it?"):
            raise StopwardenError(
                "nothing was removed: you chose to keep the decision log",
                hint="run `stopwarden uninstall` without --purge to remove the hooks and keep .stopwarden/",
            )
    done = installer.uninstall(root, purge, os.environ, remove_shared=scope == "user")
    emit(as_json, {"project": root, "done": done}, termsafe.lines(done))


@click.command()
@click.option("--fix", is_flag=True, help="Re-run what init would do, then check again.")
@click.option("--online", is_flag=True, help="Also ask the LLM authority one tiny question (network, a few tokens).")
@json_option
def doctor(fix: bool, online: bool, as_json: bool) -> int:
    """Check that stopwarden is installed and that each hook command starts and answers correctly.

    \b
    Example:
      stopwarden doctor --fix
      stopwarden doctor --online
    """
    from stopwarden.install import doctor as checks
    from stopwarden.install import installer

    root = _project_root()
    installer.note_user_scopes(root, os.environ)  # installs older than the machine's list join it
    fixed: list[str] = []
    if fix:
        try:
            fixed += installer.set_up_project(root)  # the project's own files, whatever an agent's part meets
        except StopwardenError as e:  # a broken config, say: the agents' parts and the checks still run
            fixed.append(f"could not set up the project's files: {e.message}")
        record = installer.read_record(root)
        for agent, scopes in installer.installed_scopes(record).items():
            for scope in scopes:
                try:
                    statusline = record.get(claude_code.statusline_key(scope)) is True and agent == claude_code.AGENT
                    fixed += installer.init(root, agent, scope, installer.skill_name(record, agent), os.environ,
                                            statusline=statusline, no_trust=not record.get("codex_trust", True),
                                            warn_scopes=False)  # fmt: skip
                except StopwardenError as e:  # fix the others; the checks below say what is left, and why
                    fixed.append(f"could not fix {agent} ({scope}): {e.message}")
    results = checks.run(root, os.environ, online)
    ok = all(c.ok for c in results)
    data = {"ok": ok, "fixed": fixed, "checks": [c._asdict() for c in results]}
    emit_escaped(as_json, data, "" if as_json else "\n".join(doctor_lines(fixed, results, width(), colour())))
    return 0 if ok else 1


def doctor_lines(fixed: list[str], results: list[Any], columns: int, painted: bool) -> list[str]:
    """`doctor`'s readable lines: what --fix did, then one check a line, `ok` or `FAIL` (in colour on a
    terminal) and, under a failure, its fix; each wrapped at `columns` with a hanging indent under its text.

    A check's detail can quote a path, a config error or a hook's own output: each is escaped (one line,
    whatever it holds) before it is wrapped, and our own word is coloured after."""
    lines = [line for done in fixed for line in wrap(termsafe.line(done), columns, 2)]
    for c in results:
        word, style = ("ok  ", "ok") if c.ok else ("FAIL", "fail")
        wrapped = wrap(f"{word} {termsafe.line(f'{c.name}: {c.detail}')}", columns, 5)
        lines += [termsafe.paint(word.strip(), style, painted) + wrapped[0][len(word.strip()) :], *wrapped[1:]]
        if not c.ok and c.fix:
            lines += wrap(f"     fix: {termsafe.line(c.fix)}", columns, 10)
    return lines


@click.command()
@click.option("--keep", is_flag=True, help="Keep the throwaway project instead of deleting it.")
@json_option
def demo(keep: bool, as_json: bool) -> int:
    """Show the build gate at work in a throwaway git project.

    With --json, prints what it showed as one document: each step's text, who was blocked, the budget
    used, the stop gate's verdict, and `ok` (exit 1 when the gates did not do what they should).

    \b
    Example:
      stopwarden demo
    """
    from stopwarden.cli import demo as show

    shown: list[str] = []
    found: dict[str, Any] = {}
    code = show.run((lambda text: shown.append(text.strip("\n"))) if as_json else click.echo, keep, found)
    # What to do with it: the same steps `init` prints, in a project of one's own.
    then = ["", "next: in your own project (a git checkout), `stopwarden init` installs it as it did here;",
            *_next_steps([claude_code.AGENT], "build", first="", where="there")] if code == 0 else []  # fmt: skip
    if as_json:
        emit(True, {"ok": code == 0, **found, "steps": shown, "next": [line.strip() for line in then if line]}, "")
    else:
        for line in then:
            click.echo(line)
    return code
