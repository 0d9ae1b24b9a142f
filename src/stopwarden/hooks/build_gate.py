"""The build gate in the Stop hook (SPEC §4.3, §4.4): block the owner of an unfinished build, within budget.

A stop by anyone who is not the owner is allowed and touches no build: it never spends the owner's budget.
The gate ignores `stop_hook_active`; the budget alone bounds how often one build blocks.
"""

from __future__ import annotations

import os

from stopwarden.build import owner, state
from stopwarden.build.reason import block_reason, cli_name
from stopwarden.hooks import log
from stopwarden.names import (
    GATE_BLOCKED,
    GATE_BUDGET_EXHAUSTED,
    GATE_UNOWNED,
    OWNER_RECONCILED,
    TERMINAL_PHASES,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from stopwarden.hooks.payload import HookEvent


def check(event: HookEvent, root: str, ids: list[str]) -> str | None:
    """The reason to block this stop, given the active builds' ids, or None to allow it (the log says why)."""
    why = []
    for build_id in ids:
        try:
            peek = state.load(root, build_id)
        except FileNotFoundError:
            continue  # a marker whose build was never written: see state.py
        except state.StateError as e:
            why.append(str(e))
            continue
        if peek["phase"] in TERMINAL_PHASES:
            continue
        if not owner.has_identity(peek.get("owner") or {}):
            state.append_audit(root, build_id, GATE_UNOWNED, session_id=event.session_id)
            why.append(f"{build_id} has no owner identity and is never adopted")
            continue
        if not owner.match(peek["owner"], event.caller):
            why.append(f"not the owner of {build_id}")
            continue
        reason = _spend(event, root, build_id)
        if reason is not None:
            log.write(root, "stop", event.session_id, f"block: owner of {build_id}")
            return reason
        why.append(f"budget of {build_id} is spent")
    log.write(root, "stop", event.session_id, "allow: " + ("; ".join(why) or "no active build"))
    return None


def _spend(event: HookEvent, root: str, build_id: str) -> str | None:
    """Under the build's lock: re-check ownership, reconcile a changed session id, spend one block."""
    with state.lock(root, build_id):
        current = state.load(root, build_id)
        if current["phase"] in TERMINAL_PHASES:
            return None
        who = current.get("owner") or {}
        how = owner.match(who, event.caller)
        if not how:
            return None
        changed = False
        if how != "session" and event.session_id and who.get("session_id") != event.session_id:
            state.append_audit(
                root,
                build_id,
                OWNER_RECONCILED,
                old_session_id=who.get("session_id", ""),
                new_session_id=event.session_id,
                proven_by=how,
            )
            who["session_id"] = event.session_id
            changed = True
        protection = current.get("protection") or {}
        used = int(current.get("reinforcements_used") or 0)
        if used >= int(protection.get("reinforcements") or 0):
            if changed:
                state.save(root, current)
            state.append_audit(root, build_id, GATE_BUDGET_EXHAUSTED, session_id=event.session_id, used=used)
            return None
        current["reinforcements_used"] = used + 1
        state.save(root, current)
    state.append_audit(root, build_id, GATE_BLOCKED, session_id=event.session_id, phase=current["phase"], used=used + 1)
    return block_reason(current, used + 1, cli_name(os.environ))
