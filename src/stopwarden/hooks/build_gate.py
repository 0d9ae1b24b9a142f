"""The build gate in the Stop hook (SPEC §4.3, §4.4): block the owner of an unfinished build, within budget.

A stop by anyone who is not the owner is allowed and touches no build: it never spends the owner's budget.
The gate ignores `stop_hook_active`; the budget alone bounds how often one build blocks.
"""

from __future__ import annotations

import os

from stopwarden.build import owner, state
from stopwarden.build.reason import block_reason
from stopwarden.common.names import (
    GATE_BLOCKED,
    GATE_BUDGET_EXHAUSTED,
    GATE_UNOWNED,
    TERMINAL_PHASES,
)
from stopwarden.common.shell import cli_command

# Commands hold a build's lock for milliseconds; never let a stuck one hold the agent for long.
LOCK_TIMEOUT_S = 2.0

TYPE_CHECKING = False
if TYPE_CHECKING:
    from stopwarden.hooks.payload import HookEvent


def check(event: HookEvent, root: str, ids: list[str]) -> tuple[str | None, str]:
    """(the reason to block this stop, or None to allow it; what the log should say), given the active
    builds' ids.

    Each build is judged on its own: one unreadable or locked build never switches the gate off for others.
    """
    why = []
    for build_id in ids:
        try:
            reason, note = _check_one(event, root, build_id)
        except TimeoutError:
            reason, note = None, f"{build_id} is locked by a busy command"
        except Exception as e:
            reason, note = None, f"{build_id}: {type(e).__name__}: {e}"
        if reason is not None:
            return reason, f"owner of {build_id}"
        if note:
            why.append(note)
    return None, "; ".join(why) or "no active build"


def _check_one(event: HookEvent, root: str, build_id: str) -> tuple[str | None, str]:
    """(the block reason or None, why it was allowed)."""
    try:
        peek = state.load(root, build_id)
    except FileNotFoundError:
        return None, ""  # a marker whose build was never written: see state.py
    except state.StateError as e:
        return None, str(e)
    if peek["phase"] in TERMINAL_PHASES:
        return None, ""
    if not owner.has_identity(peek["owner"]):
        state.append_audit(root, build_id, GATE_UNOWNED, session_id=event.session_id)
        return None, f"{build_id} has no owner identity and is never adopted"
    if not owner.match(peek["owner"], event.caller):
        return None, f"not the owner of {build_id}"
    reason = _spend(event, root, build_id)
    return reason, "" if reason else f"budget of {build_id} is spent"


def _spend(event: HookEvent, root: str, build_id: str) -> str | None:
    """Under the build's lock: re-check ownership, reconcile a changed session id, spend one block."""
    with state.lock(root, build_id, timeout=LOCK_TIMEOUT_S):
        current = state.load(root, build_id)
        if current["phase"] in TERMINAL_PHASES:
            return None
        who = current["owner"]
        how = owner.match(who, event.caller)
        if not how:
            return None
        changed = False
        if how != "session" and event.session_id and who.get("session_id") != event.session_id:
            state.audit_reconciled(root, build_id, who.get("session_id", ""), event.session_id, how)
            who["session_id"] = event.session_id
            changed = True
        used = current["reinforcements_used"]
        if used >= current["protection"]["reinforcements"]:
            if changed:
                state.save(root, current)
            state.append_audit(root, build_id, GATE_BUDGET_EXHAUSTED, session_id=event.session_id, used=used)
            return None
        current["reinforcements_used"] = used + 1
        state.save(root, current)
    state.append_audit(root, build_id, GATE_BLOCKED, session_id=event.session_id, phase=current["phase"], used=used + 1)
    return block_reason(current, used + 1, cli_command(os.environ))
