"""`stopwarden init` and `stopwarden uninstall`: wire stopwarden into a project's agent, and take it out.

Both are idempotent. init merges into the agent's settings (backing the file up before our first change),
writes the /build skill, and records what it did in `.stopwarden/installed.json`, which uninstall and
`doctor --fix` read. uninstall removes our entries from every scope, whichever scope init used.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from stopwarden.common.atomic import write_atomic
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import AGENTS, BACKUPS_DIR, CONFIG_FILE, PLANS_DIR, STATE_DIR
from stopwarden.install import claude_code, project_files, registrations, skill, user_scope
from stopwarden.install.base import InstallJob
from stopwarden.install.registry import AGENT_MODULES
from stopwarden.install.settings_file import SettingsFile

if TYPE_CHECKING:
    from stopwarden.install.base import Installer

RECORD = "installed.json"
# installed.json: settings file (real path) -> the value of the user's that an installer's extras replaced
# (`init --force-statusline`: their status line), for uninstall to put back. The key predates other extras.
REPLACED = "replaced_statusline"


def set_up_project(root: str) -> list[str]:
    """Whatever is missing of `.stopwarden/`, created (init, and `doctor --fix` before any agent's part):
    what was done, one line each."""
    created, notes = project_files.create(root)
    done = [f"created {', '.join(os.path.relpath(p, root) for p in created)}"] if created else []
    return done + notes


def init(
    root: str,
    agent: str,
    scope: str,
    skill_name: str,
    env: Mapping[str, str],
    statusline: bool = False,
    force_statusline: bool = False,
    no_trust: bool = False,
    warn_scopes: bool = True,
) -> list[str]:
    """Install into the project at `root`; returns what was done, one line each.

    Everything that can refuse is checked before anything is written: an invalid settings file, a
    skill of the user's own, or (with `statusline`) a status line of the user's own in the same settings
    file stops init with the project exactly as it was.

    `statusline` also registers our status line in the scope's settings file. A status line of the user's
    own there is kept and init fails with a hint (exit 1), unless `force_statusline`: then theirs is
    replaced, remembered in installed.json, and put back by `uninstall`. Ours is recognised by the hook
    script in its command: re-running init (with or without `statusline`) rewrites a stale one in place
    and never adds a second. A user's status line in another scope is left alone; init says which one
    Claude Code will show.
    """
    playbook = preflight(root, agent, scope, skill_name, env)
    module = AGENT_MODULES[agent]
    path = module.settings_path(scope, root, env)
    job = InstallJob(root, scope, path, env, not no_trust, statusline, force_statusline)
    settings = SettingsFile(path)
    module.merge(settings.data, path)
    hooks_changed = settings.changed()
    extras, replaced = module.merge_extras(settings.data, job)  # may refuse: nothing is written yet

    done = set_up_project(root)
    record = read_record(root)
    if settings.changed():
        created = not settings.exists
        backup = _save(settings, root, agent, scope)
        events = " and ".join(module.EVENTS)
        done.append(
            f"registered our {events} hooks in {path}" if hooks_changed else f"hooks already registered in {path}"
        )
        if backup:
            done.append(f"backed up your previous {os.path.basename(path)} to {backup}")
        if created:  # by the real path: a link the user made stays theirs
            real = os.path.realpath(path)
            record.setdefault("created_files", [])
            if real not in record["created_files"]:
                record["created_files"].append(real)
    else:
        done.append(f"hooks already registered in {path}")
    if replaced is not None:  # the user's own, which uninstall puts back
        record.setdefault(REPLACED, {})[os.path.realpath(path)] = replaced
        if scope == user_scope.USER:  # another project's `uninstall --scope user` may be the one to put it back
            user_scope.keep_replaced(path, replaced, env)
    said, recorded = module.after_install(job, settings.data, extras, replaced)
    done += said
    record.update(recorded)
    done.append(_install_skill(agent, playbook, record))
    if warn_scopes:  # `doctor --fix` reinstalls scope by scope: its checks afterwards say what holds
        done += registrations.warning(agent, module, root, env, scope)
    _record_scope(record, root, agent, scope, env)
    write_record(root, record)
    return done


def detect_agents(env: Mapping[str, str]) -> list[str]:
    """The agents this machine uses: its command on PATH, or its user config folder (`~/.claude`,
    `$CODEX_HOME`, `~/.gemini`) present."""
    return [
        agent
        for agent, module in AGENT_MODULES.items()
        if shutil.which(module.COMMAND, path=env.get("PATH")) or os.path.isdir(module.user_config_dir(env))
    ]


def preflight(root: str, agent: str, scope: str, skill_name: str, env: Mapping[str, str]) -> _Skill:
    """Everything that can make init refuse for `agent`, checked before anything is written: the scope, a
    skill of the user's own under that name, a settings file (or Codex config) that cannot be read, or whose
    hooks are of a shape ours cannot be merged into (merged into a copy read for it, never written: a cold
    review found `init --agent all` writing two agents' settings before refusing a third's). Run for every
    agent first when init installs several, so that it refuses before writing for any."""
    if agent not in AGENTS:
        raise StopwardenError(f"unknown agent {agent!r}", hint=f"supported: {', '.join(AGENTS)}")
    module = AGENT_MODULES[agent]
    if scope not in module.SCOPES:
        raise StopwardenError(f"{agent} has no {scope} scope", hint=f"use one of {', '.join(module.SCOPES)}")
    skill_file = skill.skill_path(agent, scope, root, env, skill_name)
    skill.check_free(skill_file, skill_name)
    path = module.settings_path(scope, root, env)
    module.merge(SettingsFile(path).data, path)
    module.check_ready(env)
    return _Skill(skill_file, skill_name, skill.render(agent, skill_name, env))


class _Skill(NamedTuple):
    """The /build skill init is about to write: checked and rendered before anything is written."""

    path: str
    name: str
    text: str


def _install_skill(agent: str, playbook: _Skill, record: dict[str, Any]) -> str:
    outcome = skill.install(playbook.path, playbook.text)
    record.setdefault("skill_names", {})[agent] = playbook.name
    return f"{agent} skill {outcome} ({skill.invocation(agent, playbook.name)}): {playbook.path}"


def _record_scope(record: dict[str, Any], root: str, agent: str, scope: str, env: Mapping[str, str]) -> None:
    scopes = record.setdefault("scopes", {}).setdefault(agent, [])
    if scope not in scopes:
        scopes.append(scope)
    if scope == user_scope.USER:  # the user scope is shared: say this project relies on it
        user_scope.record(os.path.realpath(root), agent, env)


def note_user_scopes(root: str, env: Mapping[str, str]) -> None:
    """Record this project's user-scope installs in the machine's list (for installs older than the list)."""
    for agent, scopes in installed_scopes(read_record(root)).items():
        if user_scope.USER in scopes:
            user_scope.record(os.path.realpath(root), agent, env)


def _relies_on_user_scope(project: str, agent: str) -> bool:
    return user_scope.USER in installed_scopes(read_record(project)).get(agent, [])


def _kept_user_scopes(root: str, env: Mapping[str, str], remove_shared: bool) -> dict[str, list[str]]:
    """Agent -> the other projects that still rely on its user-scope install (left alone unless
    `remove_shared`)."""
    if remove_shared:
        return {}
    kept = {agent: user_scope.others(root, agent, env, _relies_on_user_scope) for agent in AGENT_MODULES}
    return {agent: projects for agent, projects in kept.items() if projects}


def uninstall(root: str, purge: bool, env: Mapping[str, str], remove_shared: bool = False) -> list[str]:
    """Remove our hooks and status line from every scope, and our skill; with `purge`, `.stopwarden/` too.

    The user scope is shared by every project on the machine: its hooks and skill stay while another project
    still relies on them (user_scope.py), unless `remove_shared` (`uninstall --scope user`). A user's status
    line that `init --force-statusline` replaced is put back where ours was.

    A scope whose file cannot be read is reported and skipped; the others are still cleaned, and the
    command then fails with the list of what it could not do.
    """
    record = read_record(root)
    created = set(record.get("created_files", []))
    replaced = record.get(REPLACED)
    replaced = dict(replaced) if isinstance(replaced, dict) else {}
    kept = _kept_user_scopes(root, env, remove_shared)
    done: list[str] = []
    failed: list[str] = []
    for agent, module in AGENT_MODULES.items():
        for scope in module.SCOPES:
            path = module.settings_path(scope, root, env)
            if scope == user_scope.USER and agent in kept:
                done += _keeping(agent, module, path, kept[agent])
                continue
            try:
                done += _remove_from(agent, module, scope, path, root, created, replaced, env)
            except StopwardenError as e:
                failed.append(e.message)
    skip = {(agent, user_scope.USER) for agent in kept}
    done += [f"removed the skill {p}" for p in skill.remove_all(root, env, skip)]
    for agent in AGENT_MODULES:
        user_scope.forget(os.path.realpath(root), agent, env, _relies_on_user_scope)
    if failed:
        raise StopwardenError("; ".join([*done, *failed]), hint="fix those files by hand, then run uninstall again")
    if purge:
        done += _purge(root)
    else:
        if os.path.exists(record_path(root)):
            kept = {k: v for k, v in record.items() if k == "created_files"} | {"scopes": {}}
            write_record(root, kept | ({REPLACED: replaced} if replaced else {}))
        done += _leave_the_log(root)
    return done or ["nothing of stopwarden's was installed here"]


def _leave_the_log(root: str) -> list[str]:
    """Uninstall without --purge keeps `.stopwarden/` for its decision log: its server is stopped, and the
    hooks another project's user-scope install still runs here gate nothing (an operator review found them
    still blocking in enforce)."""
    state = os.path.join(root, STATE_DIR)
    if not os.path.isdir(state):
        return []
    done = _stop_server(root)
    if project_files.mark_uninstalled(root):
        done.append(f"kept {state} (the decision log); hooks that still run here gate nothing")
    return done


def _stop_server(root: str) -> list[str]:
    from stopwarden.server import control

    stopped = control.stop(root)
    return [f"stopped the gate server (pid {stopped['pid']})"] if stopped.get("stopped") else []


def _keeping(agent: str, module: Any, path: str, projects: list[str]) -> list[str]:
    """What uninstall says about a user scope it leaves alone (nothing when none of ours is there)."""
    try:
        settings = SettingsFile(path)
    except StopwardenError:
        return []  # unreadable: not ours to judge here, and not touched
    if not settings.exists or not module.remove(settings.data, path):  # in memory only: nothing is saved
        return []
    shown = ", ".join(projects[:3]) + (f" and {len(projects) - 3} more" if len(projects) > 3 else "")
    return [
        f"kept our {agent} hooks and skill in the user scope ({path}): other projects rely on them ({shown}); "
        "`stopwarden uninstall --scope user` removes them too"
    ]


def _remove_from(
    agent: str,
    module: Installer,
    scope: str,
    path: str,
    root: str,
    created: set[str],
    replaced: dict[str, Any],
    env: Mapping[str, str],
) -> list[str]:
    """Our hooks and the agent's extras out of one settings file (the file too when we created it); a value
    of the user's that an extra replaced (`init --force-statusline`) goes back in its place and leaves
    `replaced`; then what else the agent undoes (`after_remove`: Codex's trust, Claude Code's emptied
    `.claude/` folder)."""
    settings = SettingsFile(path)
    if not settings.exists:
        return []
    real = os.path.realpath(path)
    hooks = module.remove(settings.data, path)
    previous = replaced.get(real)
    if previous is None and scope == user_scope.USER:  # replaced from another project: the machine kept it
        previous = user_scope.replaced_in(path, env)
    extras, said = module.remove_extras(settings.data, path, previous)
    if not hooks and not extras:
        return []
    if extras and previous is not None:
        replaced.pop(real, None)
        if scope == user_scope.USER:
            user_scope.forget_replaced(path, env)
    # Ours when this project created it, or always (Copilot's file named after us: another project may have
    # created it, and `{}` is no file of anyone's; an operator review).
    if not settings.data and not os.path.islink(path) and (real in created or module.SETTINGS_FILE_IS_OURS):
        settings.delete()
        return [f"removed {path} (stopwarden had created it)", *module.after_remove(path, env)]
    _save(settings, root, agent, scope)
    return [*([f"removed our hooks from {path}"] if hooks else []), *said, *module.after_remove(path, env)]


def decision_log(root: str) -> str | None:
    """The project's own decision log (its SQLite store), which `--purge` would delete, when it exists."""
    from stopwarden.common.names import DB_FILE

    path = os.path.join(root, STATE_DIR, DB_FILE)
    return path if os.path.isfile(path) else None


def _purge(root: str) -> list[str]:
    """Stop the project's server, then delete `.stopwarden/`, after removing the builds' worktrees the way
    git does (refusing dirty ones). The server goes first: its pid file is in `.stopwarden/`, and a server
    left running without it could only be found with `ps`."""
    from stopwarden.build import manager, worktree

    state = os.path.join(root, STATE_DIR)
    if os.path.islink(state):  # a repository's link: whatever it points at is not ours to delete
        raise StopwardenError(f"{state} is a link, not a folder of this project's: nothing was deleted",
                              hint=f"remove the link itself: rm {state}")  # fmt: skip
    if not os.path.isdir(state):
        return []
    done = _stop_server(root)
    for build in manager.all_builds(root):
        if build.get("worktree"):
            worktree.remove(root, build["id"], force=False)  # a dirty worktree raises: nothing is lost
            done.append(f"removed the worktree {build['worktree']['path']} (its branch is kept)")
    kept = _kept_by_purge(root)
    if not kept:
        shutil.rmtree(state)
        return [*done, f"removed {state}"]
    for entry in os.scandir(state):  # the rest goes; a link is removed, never followed
        if entry.name in kept:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    project_files.mark_uninstalled(root)  # the folder stays: hooks that still run here must gate nothing
    return [*done, f"removed {state}, all but {', '.join(sorted(kept))} (the team's config and the plans)"]


def _kept_by_purge(root: str) -> set[str]:
    """The names in `.stopwarden/` that --purge leaves: the team's config.toml and committed plans when git
    tracks them (the repository's, not this machine's), `plans/` when it holds a plan not committed yet (an
    operator review found both deleted from the working tree), and then .gitignore, which keeps the rest
    out of git. Never the machine's state a repository may track too (a token, a store): init replaced
    those with this machine's own."""
    from stopwarden.common import git

    listed, code = git.text(root, "ls-files", "--", STATE_DIR)
    tracked = {line.split("/")[1] for line in listed.splitlines() if code == 0 and line.count("/") >= 1}
    plans = os.path.join(root, STATE_DIR, PLANS_DIR)
    has_plans = os.path.isdir(plans) and not os.path.islink(plans) and any(os.scandir(plans))
    kept = (tracked & {CONFIG_FILE, PLANS_DIR}) | ({PLANS_DIR} if has_plans else set())
    ignore = os.path.join(root, STATE_DIR, ".gitignore")
    return kept | ({".gitignore"} if os.path.isfile(ignore) else set()) if kept else set()


def _save(settings: SettingsFile, root: str, agent: str, scope: str) -> str | None:
    """Save an agent's settings file, backing up the user's version first (under `.stopwarden/backups/`, as
    `<agent>-<scope>.<file name>`); the backup's path, when one was made."""
    name = f"{agent}-{scope}.{os.path.basename(settings.path)}"
    return settings.save(os.path.join(root, STATE_DIR, BACKUPS_DIR), name)


def record_path(root: str) -> str:
    return os.path.join(root, STATE_DIR, RECORD)


def installed_scopes(record: Mapping[str, Any]) -> dict[str, list[str]]:
    """Agent -> the scopes init installed it into (what doctor checks and `doctor --fix` reinstalls); Claude
    Code in its default scope when init never ran here."""
    recorded = record.get("scopes")
    scopes = {a: list(s) for a, s in recorded.items() if s} if isinstance(recorded, dict) else {}
    return scopes or {claude_code.AGENT: [claude_code.DEFAULT_SCOPE]}


def skill_name(record: Mapping[str, Any], agent: str) -> str:
    """The name agent's /build skill was installed under (`skill_name` alone: an install before Codex and
    Gemini, which had only Claude Code's)."""
    names = record.get("skill_names")
    name = names.get(agent) if isinstance(names, dict) else None
    return str(name or record.get("skill_name") or skill.DEFAULT_NAME)


def read_record(root: str) -> dict[str, Any]:
    from stopwarden.state import files

    try:  # through state/: a repository may commit a link or a huge file in its place
        return files.read_json(files.path(root, RECORD)) or {}
    except OSError:
        return {}


def write_record(root: str, record: dict[str, Any]) -> None:
    state = os.path.join(root, STATE_DIR)
    if os.path.isdir(state) and not os.path.islink(state):  # never through a repository's link
        write_atomic(record_path(root), (json.dumps(record, indent=2) + "\n").encode("utf-8"), 0o600)
