"""`stopwarden demo`: both gates, shown end to end in a throwaway git project.

It installs stopwarden as a user would, starts a build as one session, and replays stops through the hook
command exactly as it was written into `.claude/settings.local.json`: the owner is blocked, a second
session of the same checkout is not, and the owner's budget does not move for it. Then it starts the
gate server and has it judge a context-preservation stop in shadow mode: `continue`, logged, not blocked.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from typing import Any

from stopwarden.build import manager, owner
from stopwarden.common import git
from stopwarden.common.names import EXECUTING, PLANNING, STATE_DIR, TOKEN_FILE
from stopwarden.install import claude_code, hook_command, installer
from stopwarden.install.settings_file import SettingsFile

OWNER = "demo-session-owner"
STRANGER = "demo-session-other"


def run(say: Callable[[str], None], keep: bool, found: dict[str, Any] | None = None) -> int:
    """Show the demo through `say`, one paragraph at a time; `found` (for `demo --json`) gets what it showed:
    the project, the build, who was blocked, the budget, and the stop gate's verdict."""
    project = os.path.realpath(tempfile.mkdtemp(prefix="stopwarden-demo-"))
    found = {} if found is None else found
    found["project"] = project if keep else None
    try:
        return _run(project, say, found)
    finally:
        if keep:
            say(f"\nThe demo project is kept at {project}")
        else:
            shutil.rmtree(project, ignore_errors=True)


def _run(project: str, say: Callable[[str], None], found: dict[str, Any]) -> int:
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
        found.update(build_id=build["id"], owner_blocked=False)
        return 1
    say(f'\n   Session "{OWNER}" tries to stop: BLOCKED. The agent is told:')
    say("   | " + blocked.replace("\n", "\n   | "))
    other = _stop(command, STRANGER, project, env)
    used = manager.load(project, build["id"])["reinforcements_used"]
    verdict = "allowed to stop" if other is None else "BLOCKED (wrong!)"
    say(f'\n   Session "{STRANGER}", in the same checkout, tries to stop: {verdict}.')
    budget = build["protection"]["reinforcements"]
    say(f"   The owner's budget: {used} of {budget} blocks used; the other session spent none.")
    found.update(build_id=build["id"], owner_blocked=True, other_session_blocked=other is not None,
                 blocks_used=used, budget=budget)  # fmt: skip
    say("\nOnly the session that owns an unfinished build is kept at work; every other session stops freely.")
    if other is not None or used != 1:
        return 1
    return _stop_gate(project, say, found)


def _stop_gate(project: str, say: Callable[[str], None], found: dict[str, Any]) -> int:
    """The stop gate in shadow mode: a context-preservation stop, judged and logged, not blocked."""
    from stopwarden.common import config as config_module
    from stopwarden.common import http
    from stopwarden.server import control

    started = control.start(project)
    say(f"\n5. Started the gate server on 127.0.0.1:{started['port']} (mode {started['health']['mode']}).")
    try:
        plan = "docs/plans/login.md"
        os.makedirs(os.path.join(project, "docs", "plans"))
        with open(os.path.join(project, plan), "w", encoding="utf-8") as f:
            f.write("# Login page\n1. form and validation\n2. session cookie\n3. logout\n")
        _git(project, "add", plan)
        _git(project, "commit", "-qm", "plan: login page")
        plan_commit = _git(project, "rev-parse", "HEAD")
        session_start = time.time()
        with open(os.path.join(project, plan), "a", encoding="utf-8") as f:
            f.write("\nStep 1 done.\n")
        _git(project, "commit", "-qam", "login form")
        progress = _git(project, "rev-parse", "HEAD")
        stop_text = "Step 1 is committed. To preserve context I'll stop here; a fresh session can do steps 2 and 3."
        say(f'6. A session committed a plan, then progress on it, and now says: "{stop_text}"')
        body = {
            "session_id": "demo-session-tired",
            "agent": "claude-code",
            "evidence": {
                "session_start": session_start,
                "artifacts": [{"path": plan, "introducingCommit": plan_commit, "latestCommit": progress,
                               "createdThisSession": False, "modifiedThisSession": True}],
            },
            "untrusted": {"stop_text": stop_text, "recent_turns": [{"source": "user", "text": "Build login."}]},
        }  # fmt: skip
        with open(os.path.join(project, STATE_DIR, TOKEN_FILE), encoding="utf-8") as f:
            token = f.read().strip()
        port = config_module.load(project).port
        _, verdict = http.request(port, "POST", "/v1/evaluate", token, body, timeout=10)
        say(f"   The rules authority's verdict: {verdict['decision']} ({verdict['rule']}).")
        found["stop_gate"] = {k: verdict.get(k) for k in ("decision", "rule", "block")}
        say(f"   Mode is shadow, so the stop is allowed (block: {str(verdict['block']).lower()}) and only logged:")
        _, events = http.request(port, "GET", "/v1/events?limit=1", token, timeout=10)
        event = events[0]
        say(f"   event #{event['event_id']}: {event['mode']} {event['decision']} {event['rule']} "
            f"plan={event['evidence_pointer']['plan_file']}")  # fmt: skip
        say("   In enforce mode the agent would have been told to continue, from a fixed template.")
        return 0 if verdict["decision"] == "continue" and not verdict["block"] else 1
    finally:
        control.stop(project)
        say("7. Stopped the gate server.")


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


# The demo's own identity (a fresh machine may have none, and the demo must not need the user's), and
# unsigned commits: a signing key that asks for a passphrase would wait on a terminal git is not given.
DEMO_GIT_CONFIG = ("-c", "user.name=stopwarden demo", "-c", "user.email=demo@stopwarden.invalid",
                   "-c", "commit.gpgsign=false")  # fmt: skip


def _git(project: str, *args: str) -> str:
    return git.checked(project, *DEMO_GIT_CONFIG, *args)
