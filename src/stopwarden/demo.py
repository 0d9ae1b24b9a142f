"""`stopwarden demo`: the build gate, shown end to end in a throwaway git project.

It installs stopwarden as a user would, starts a build as one session, and replays stops through the hook
command exactly as it was written into `.claude/settings.local.json`: the owner is blocked, a second
session of the same checkout is not, and the owner's budget does not move for it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable

from stopwarden.build import manager, owner
from stopwarden.install import claude_code, hook_command, installer
from stopwarden.install.settings_file import SettingsFile
from stopwarden.names import EXECUTING, PLANNING

OWNER = "demo-session-owner"
STRANGER = "demo-session-other"


def run(say: Callable[[str], None], keep: bool) -> int:
    project = os.path.realpath(tempfile.mkdtemp(prefix="stopwarden-demo-"))
    try:
        return _run(project, say)
    finally:
        if keep:
            say(f"\nThe demo project is kept at {project}")
        else:
            shutil.rmtree(project, ignore_errors=True)


def _run(project: str, say: Callable[[str], None]) -> int:
    env = hook_command.clean_env(os.environ)  # the demo's sessions are identified by session id alone
    _git(project, "init", "-q")
    say(f"1. Created a throwaway git project: {project}")
    done = installer.init(project, "claude-code", "local", "build", env)
    say("2. Installed stopwarden into it, as `stopwarden init --agent claude-code` does:")
    for line in done:
        say(f"   {line}")

    build = manager.start(project, "Add a login page", "STANDARD", owner.Caller(OWNER, env), project)
    manager.set_phase(project, build["id"], PLANNING)
    manager.set_phase(project, build["id"], EXECUTING)
    manager.record_step(project, build["id"], 1, "login form and its validation", 6, 6)
    say(f'3. Session "{OWNER}" started the build {build["id"]} and is executing step 2 of its plan.')

    settings = SettingsFile(claude_code.settings_path("local", project, env)).data
    command = claude_code.registered(settings)["Stop"][0]
    say(f"4. Replaying stops through the installed Stop hook:\n   {command}")
    blocked = _stop(command, OWNER, project, env)
    if blocked is None:
        say("   The owner's stop was NOT blocked: something is wrong; run `stopwarden doctor`.")
        return 1
    say(f'\n   Session "{OWNER}" tries to stop: BLOCKED. The agent is told:')
    say("   | " + blocked.replace("\n", "\n   | "))
    other = _stop(command, STRANGER, project, env)
    used = manager.load(project, build["id"])["reinforcements_used"]
    verdict = "allowed to stop" if other is None else "BLOCKED (wrong!)"
    say(f'\n   Session "{STRANGER}", in the same checkout, tries to stop: {verdict}.')
    budget = build["protection"]["reinforcements"]
    say(f"   The owner's budget: {used} of {budget} blocks used; the other session spent none.")
    say("\nOnly the session that owns an unfinished build is kept at work; every other session stops freely.")
    return 0 if other is None and used == 1 else 1


def _stop(command: str, session_id: str, project: str, env: dict[str, str]) -> str | None:
    payload = {
        "session_id": session_id,
        "cwd": project,
        "hook_event_name": "Stop",
        "stop_hook_active": False,
        "last_assistant_message": "Step 1 is done. I'll stop here.",
    }
    done = hook_command.run(command, payload, project, env, timeout=30)
    if not done.stdout.strip():
        return None
    reason: str = json.loads(done.stdout)["reason"]
    return reason


def _git(project: str, *args: str) -> None:
    subprocess.run(["git", "-C", project, *args], check=True, capture_output=True)
