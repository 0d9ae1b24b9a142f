"""`stopwarden doctor`: is stopwarden wired in, and does each registered hook command really work?

Each check returns a Check; a failing one names its fix. The hook commands are run exactly as the agent
would run them (`sh -c`, the payload on stdin) against a throwaway project, so a moved venv, a broken
interpreter or a hook that prints garbage shows up here rather than as a silently ignored hook.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Mapping
from typing import Any

from stopwarden.agents import dialect
from stopwarden.build import manager, owner
from stopwarden.common.errors import StopwardenError, Unreadable
from stopwarden.common.names import (
    CONFIG_FILE,
    ENV_SESSION_ID,
    EXECUTING,
    SESSIONS_DIR,
    STATE_DIR,
    TOKEN_FILE,
    UNINSTALLED_FILE,
)
from stopwarden.install import hook_command, installer, project_files, registrations, skill
from stopwarden.install.base import Check
from stopwarden.install.registry import AGENT_MODULES

PROBE_SESSION = "stopwarden-doctor-probe"


def run(root: str, env: Mapping[str, str], online: bool = False) -> list[Check]:
    checks = [_state_dir(root)]
    state = os.path.join(root, STATE_DIR)
    if os.path.islink(state) or not os.path.isdir(state):  # not installed, or not ours: nothing else to check
        return checks
    checks += [_installed(root), _config(root), _authority(root, env), _mode(root), _token(root), _server(root)]
    if online:
        checks.append(_authority_online(root))
    record = installer.read_record(root)
    installed = installer.installed_scopes(record)
    for agent, module in AGENT_MODULES.items():
        checks += _agent_checks(agent, module, root, env, installed.get(agent, []))
    for module in AGENT_MODULES.values():  # each says from the record whether its checks apply here
        checks += module.doctor_checks(root, env, record)
    checks += _skills(root, env, record, installed)
    return checks


def _agent_checks(agent: str, module: Any, root: str, env: Mapping[str, str], here: list[str]) -> list[Check]:
    """Each of the agent's hooks registered, and answering correctly: for an agent init installed here (in
    the scopes `here`), or one whose files hold hooks of ours anyway."""
    required = bool(here)
    label = module.LABEL
    found = registrations.find(module, root, env)
    checks = [
        Check(f"{label}settings ({scope})", False, why, "fix the file by hand, then `stopwarden init`")
        for scope, _, why in found.unreadable
    ]
    fix_first = found.unreadable[0][1] if found.unreadable else ""  # --fix cannot help until it is repaired
    if not required and not found.commands:
        return []  # an agent not installed here: its files, whatever their shape, are the user's business
    for event, spec in module.EVENTS.items():
        cmds = found.commands.get(event, {})
        if not cmds:
            fix = f"fix {fix_first} by hand, then `stopwarden doctor --fix`" if fix_first else "stopwarden doctor --fix"
            checks.append(Check(f"{label}{event} hook", False, "not registered in any scope", fix))
            continue
        where = registrations.run_more_than_once(module, cmds)
        if where:
            twice = "a stop is judged and a build's block spent twice" if spec[0] == "stop" else "it runs twice"
            other = " with other commands" if len(cmds) > 1 else ""
            said = f"registered in {len(where)} scopes ({', '.join(where)}){other}: the agent runs each"
            keep = here[0] if here else ""  # the scope init installed it into here, not the agent's default
            checks.append(
                Check(f"{label}{event} hook", False, f"{said}, so {twice}", registrations.fix(agent, where, keep))
            )
        for cmd, scopes in cmds.items():
            # `doctor --fix` redoes what init did here; a command only another install put in a scope is
            # this project's to replace by installing there itself.
            elsewhere = [scope for scope in scopes if scope not in here]
            fix = f"stopwarden init --agent {agent} --scope {elsewhere[0]}" if elsewhere else "stopwarden doctor --fix"
            checks.append(_probe(agent, module, event, spec[0], cmd, fix))
    return checks


def _state_dir(root: str) -> Check:
    path = os.path.join(root, STATE_DIR)
    if os.path.islink(path):  # a chmod would change its target: say what it is instead
        return Check("state folder", False, f"{path} is a link, not a folder of this project's", f"rm {path}")
    if not os.path.isdir(path):
        return Check("state folder", False, f"{path} does not exist", "stopwarden init --agent claude-code")
    info = os.stat(path)
    if info.st_uid != os.getuid():  # not ours: every file in it is refused (state/safe.py)
        return Check("state folder", False, f"{path} belongs to another user", f"chown -R $(id -u) {path}")
    mode = info.st_mode & 0o777
    if mode != 0o700:
        return Check("state folder", False, f"{path} has mode {mode:o}, not 700", f"chmod 700 {path}")
    return Check("state folder", True, path)


def _installed(root: str) -> Check:
    """Whether the hooks gate this project: `uninstall` without --purge leaves a mark that makes every hook
    that still runs here allow (a repository could commit one too: `init` removes it)."""
    from stopwarden.hooks.main import uninstalled  # what the hooks themselves read

    if uninstalled(root):
        path = os.path.join(root, STATE_DIR, UNINSTALLED_FILE)
        return Check("installed", False, f"{path} is there: every hook that runs here allows", "stopwarden init")
    return Check("installed", True, "the hooks gate this project")


def _mode(root: str) -> Check:
    """Where the mode in force comes from, and a note when the committed config asks for another (not a
    failure: the store's mode wins on purpose, but the operator should know); a failure when a project's
    own mode is held back because its name is not approved in this checkout (settings.read)."""
    from stopwarden.common import config as config_module
    from stopwarden.gate import settings

    try:
        config = config_module.load(root)
    except StopwardenError as e:  # said by the config's own check
        return Check("mode", True, f"not checked: {e.message}")
    try:
        source = settings.mode_source_of(config)
    except Unreadable as e:  # a store that is no database: every gate command fails on it; the other checks run
        return Check("mode", False, e.message, e.hint)
    except StopwardenError as e:  # one migration behind (the server migrates it), a server away a moment
        return Check("mode", True, f"not checked: {e.message}")
    except Exception as e:
        return Check("mode", True, f"not checked: the store cannot be read ({str(e).splitlines()[0][:200]})")
    held_back = bool(source.get("held_back"))  # a project's own mode not applied here: the operator's to fix
    return Check("mode", not held_back, source["says"] + (f"; note: {source['note']}" if source["note"] else ""))


def _authority(root: str, env: Mapping[str, str]) -> Check:
    """An LLM authority that cannot be called (no key, no command) lets every stop through as `unavailable`."""
    from stopwarden.common import config as config_module
    from stopwarden.gate import credentials, status

    try:
        loaded = config_module.load(root)
    except StopwardenError:
        return Check("authority", True, "not checked: the config does not load (see above)")
    unapproved = credentials.configured_unapproved(loaded)
    if unapproved:
        detail = f"{unapproved}: the server judges with rules until it is"
        return Check("authority", False, detail, credentials.APPROVE_HINT)
    problems = status.authority_problems(loaded, env)
    if problems:
        fix = "set it where the server starts (the agent's environment), or `stopwarden gate authority rules`"
        return Check("authority", False, f"{loaded.authority}: " + "; ".join(problems), fix)
    return Check("authority", True, loaded.authority)


ONLINE_PROMPT = ("Reply with the single word: ok", "ok?")  # the smallest question a model answers


def _authority_online(root: str) -> Check:
    """`doctor --online`: one tiny question to the configured LLM authority's provider, with the gate's own
    options and time budget, so a wrong key, model or endpoint shows here instead of as stops that fail
    open. The provider's answer is not shown (it is the model's text); only that one came, and how fast."""
    from stopwarden.common import config as config_module
    from stopwarden.gate import authorities, credentials

    name = "authority online"
    try:
        loaded = config_module.load(root)
    except StopwardenError:
        return Check(name, True, "not checked: the config does not load (see above)")
    unapproved = credentials.configured_unapproved(loaded)
    if unapproved:  # its key is never sent to a base_url the repository chose, nor its command run
        return Check(name, False, f"not asked: {unapproved}", credentials.APPROVE_HINT)
    try:
        built = authorities.get(
            loaded.authority, loaded.authority_options.get(loaded.authority), loaded.authority_timeout_s
        )
    except StopwardenError as e:
        return Check(name, False, e.message, e.hint)
    if built is None:
        return Check(name, False, f"{loaded.authority} cannot be built", "`stopwarden gate authority rules`")
    provider = getattr(built, "provider", built)  # a cascade asks its provider
    if not hasattr(provider, "complete"):
        return Check(name, True, f"{loaded.authority}: offline, nothing to call")
    started = time.monotonic()
    try:
        provider.complete(*ONLINE_PROMPT)
    except Exception as e:  # whatever the SDK raises: its first line says enough (a status, a refusal)
        reason = (str(e).splitlines() or [type(e).__name__])[0][:200]
        return Check(
            name,
            False,
            f"{loaded.authority}: {type(e).__name__}: {reason}",
            "check the key, the model and base_url in [authority.<name>]",
        )
    return Check(name, True, f"{loaded.authority} answered in {(time.monotonic() - started) * 1000:.0f} ms")


def _config(root: str) -> Check:
    """The config as the server will read it: the same loader, so doctor and server never disagree."""
    from stopwarden.common import config as config_module

    path = os.path.join(root, STATE_DIR, CONFIG_FILE)
    if not os.path.exists(path):
        return Check("config", False, f"{path} is missing", "stopwarden doctor --fix")
    try:
        loaded = config_module.load(root)
    except StopwardenError as e:
        return Check("config", False, e.message, "fix it by hand")
    if not loaded.port:
        return Check("config", False, f"[server] port in {path} is not set", "fix it by hand")
    if loaded.store_unapproved:  # the log stays in the project's SQLite file meanwhile
        from stopwarden.gate.status import store_unapproved

        return Check("config", False, store_unapproved(loaded)[0], "check it, then `stopwarden store approve`")
    return Check("config", True, path)


def _token(root: str) -> Check:
    from stopwarden.state import safe

    path = os.path.join(root, STATE_DIR, TOKEN_FILE)
    try:
        mode = os.lstat(path).st_mode & 0o777
        token = safe.read(path, 1024).decode("utf-8", "replace").strip()  # never through a link, capped
    except FileNotFoundError:
        return Check("token", False, f"{path} is missing", "stopwarden doctor --fix")
    except OSError as e:  # a link a repository committed in its place, a folder, a huge file
        return Check("token", False, f"{path}: {e}", f"rm {path}; stopwarden doctor --fix")
    if mode != 0o600:
        return Check("token", False, f"{path} has mode {mode:o}, not 600", f"chmod 600 {path}")
    if len(token) != 64 or any(c not in "0123456789abcdef" for c in token):
        return Check("token", False, f"{path} does not hold a 32-byte hex token", f"rm {path}; stopwarden doctor --fix")
    return Check("token", True, f"{path} (mode 600)")


def _server(root: str) -> Check:
    """Whether what answers on this checkout's port is its own server (it proves it holds the token)."""
    from stopwarden.server import control

    try:
        found = control.status(root)
    except StopwardenError as e:
        return Check("server", False, e.message, "fix the config by hand")
    if found["clash"]:
        return Check("server", False, found["clash"], "stopwarden doctor --fix")
    if found["running"]:
        return Check("server", True, f"this checkout's own, on 127.0.0.1:{found['port']}")
    return Check("server", True, f"not running (port {found['port']}; it starts with the next session)")


def _skills(
    root: str, env: Mapping[str, str], record: Mapping[str, Any], installed: Mapping[str, list[str]]
) -> list[Check]:
    """The /build skill of each agent and scope init installed into (`installer.installed_scopes`)."""
    checks = []
    for agent, scopes in installed.items():
        name = installer.skill_name(record, agent)
        call = skill.invocation(agent, name).split()[0]
        label = f"{AGENT_MODULES[agent].LABEL}{call} skill"
        for path in dict.fromkeys(skill.skill_path(agent, scope, root, env, name) for scope in scopes):
            if skill.is_ours(path):
                checks.append(Check(label, True, path))
            else:
                checks.append(Check(label, False, f"{path} is missing or not ours", "stopwarden doctor --fix"))
    return checks


def _probe(agent: str, module: Any, event: str, argument: str, cmd: str, fix: str) -> Check:
    """Run one registered command as the agent would, in a throwaway project, and check its answer; `fix`
    is what a failure names."""
    name = f"{module.LABEL}{event} hook"
    with tempfile.TemporaryDirectory(prefix="stopwarden-doctor-") as tmp:
        project = os.path.realpath(tmp)
        project_files.create(project)
        _no_autostart(project)
        env = hook_command.clean_env(os.environ)
        if argument == "stop":
            build = manager.start(project, "doctor probe", "SMALL", owner.Caller(PROBE_SESSION, env), project)
            manager.set_phase(project, build["id"], EXECUTING)
            expect = "a block naming the build"
        else:
            env["CLAUDE_ENV_FILE"] = os.path.join(project, "env-file")
            expect = "the session recorded and its id exported"
        payload = {
            "session_id": PROBE_SESSION,
            "cwd": project,
            "hook_event_name": event,
            "source": "startup",
            "stop_hook_active": False,
            "last_assistant_message": "done",
            "prompt_response": "done",
        }
        started = time.monotonic()
        try:
            timeout_s = module.EVENTS[event][1] * module.HOOK_TIMEOUT_UNIT_S
            done = hook_command.run(cmd, payload, project, env, timeout_s)
        except subprocess.TimeoutExpired:
            return Check(name, False, f"{cmd} did not answer within its timeout", fix)
        ms = (time.monotonic() - started) * 1000
        problem = _judge(agent, argument, done, project)
    current = hook_command.command(argument, agent)  # what init registers now, whatever the file format
    stale = "" if cmd == current else f" (registered as {cmd}, which is not this install's {current})"
    if problem:
        return Check(name, False, f"{problem}; expected {expect}{stale}", fix)
    if stale:
        return Check(name, False, f"works, but is stale{stale}", fix)
    return Check(name, True, f"answers correctly in {ms:.0f} ms: {cmd}")


def _no_autostart(project: str) -> None:
    """The probe's throwaway project must not start a server of its own (it would outlive the folder)."""
    path = os.path.join(project, STATE_DIR, CONFIG_FILE)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("autostart = true", "autostart = false"))


def _judge(agent: str, argument: str, done: subprocess.CompletedProcess[str], project: str) -> str:
    """What is wrong with a probe's result, or "" when it is right."""
    if done.returncode != 0:
        return f"exited {done.returncode}: {done.stderr.strip()[-300:]}"
    if argument == "stop":
        try:
            answer = json.loads(done.stdout)
        except ValueError:
            return f"printed something that is not one JSON decision: {done.stdout[:200]!r}"
        ok = answer.get("decision") == "block" and str(answer.get("reason", "")).startswith("stopwarden:")
        return "" if ok else f"answered {done.stdout.strip()[:200]!r}"
    if done.stdout != dialect(agent).ALLOW:
        return f"printed {done.stdout.strip()[:200]!r}"
    if not os.path.exists(os.path.join(project, STATE_DIR, SESSIONS_DIR, PROBE_SESSION)):
        return "did not record the session start"
    if not AGENT_MODULES[agent].EXPORTS_SESSION_ID:
        return ""  # only Claude Code passes a $CLAUDE_ENV_FILE
    try:
        with open(os.path.join(project, "env-file"), encoding="utf-8") as f:
            exported = f.read()
    except FileNotFoundError:
        exported = ""
    return "" if f"{ENV_SESSION_ID}=" in exported else "did not export the session id to $CLAUDE_ENV_FILE"
