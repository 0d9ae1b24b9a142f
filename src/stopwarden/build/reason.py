"""The text of a build-gate block (SPEC §3.1, §4.4). Stdlib-only: the hook builds it on the owner path.

Claude Code shows the reason after "Stop hook feedback:\\n" (2.1.197) or after
'Stop hook blocking error from command: "...": ' (2.1.330), so it starts with "stopwarden:" and reads as
a plain instruction after either prefix.
"""

from __future__ import annotations

from stopwarden.common.clip import clip
from stopwarden.common.names import (
    CLARIFY,
    EXECUTING,
    FIXING,
    HARDENING,
    IDLE,
    PLANNING,
    PLANS_DIR,
    STATE_DIR,
    VERIFYING,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

HINTS = {
    IDLE: "choose where to begin: `{cli} build phase clarify`, `planning` or `executing`.",
    CLARIFY: "settle what is ambiguous (ask the user only what you cannot find out), "
    "then `{cli} build phase planning`.",
    PLANNING: f"write the plan to {STATE_DIR}/{PLANS_DIR}/{{id}}.md, commit it, then `{{cli}} build phase executing`.",
    EXECUTING: "carry on with the next step of the plan and record each one with "
    '`{cli} build step N "what was done" --tests T --passing P`; '
    "when every step is done, `{cli} build phase verifying`.",
    VERIFYING: "run the whole test suite; all green: `{cli} build phase hardening` (or `{cli} build complete`); "
    "failures: `{cli} build phase fixing`.",
    FIXING: "fix the failures (round {fix} of {max_fix}), re-record the steps you fixed, "
    "then `{cli} build phase verifying`.",
    HARDENING: "harden error paths and edge cases, run the tests again, then `{cli} build complete`.",
}


TASK_CHARS = 300  # the task is quoted, not repeated: a state file may hold any length (issue 18)


def block_reason(state: Mapping[str, Any], used: int, cli: str) -> str:
    """The reason for blocking the owner's stop, naming the task, phase, budget, progress and next move."""
    steps = state.get("steps") or []
    passing = sum(int(s.get("passing") or 0) for s in steps)
    total = sum(int(s.get("tests") or 0) for s in steps)
    protection = state.get("protection") or {}
    lines = [
        f'stopwarden: the build "{clip(str(state.get("task", "")), TASK_CHARS)}" ({state["id"]}) is in phase '
        f"{state['phase']} and not finished, so do not stop yet.",
        f"Block {used}/{protection.get('reinforcements', '?')} ({protection.get('label', '?')} protection). "
        f"Steps recorded: {len(steps)}; tests passing: {passing}/{total}.",
    ]
    worktree = state.get("worktree")
    if worktree:
        lines.append(f"Work in the worktree {worktree.get('path')} (branch {worktree.get('branch')}).")
    hint = HINTS.get(state["phase"], "")
    if hint:
        lines.append(
            "Next: "
            + hint.format(
                cli=cli,
                id=state["id"],
                fix=state.get("fix_iterations", 0),
                max_fix=state.get("max_fix_iterations", 3),
            )
        )
    lines.append(
        f"See where the build stands with `{cli} build status`. If only the user can unblock you, say why in one "
        f'line and run `{cli} build phase escalated --evidence "<why>"`.'
    )
    return "\n".join(lines)


def at_next_stop(build: Mapping[str, Any]) -> str:
    """What the build gate does at the owner's next stop, in words (`build status`, the status line)."""
    from stopwarden.common.names import ESCALATED, TERMINAL_PHASES

    if build["phase"] == ESCALATED:
        return f"escalated: {build.get('escalation') or 'no reason given'} (the agent may stop)"
    if build["phase"] in TERMINAL_PHASES:
        return f"{build['phase']}: the agent may stop"
    budget = int(build["protection"]["reinforcements"])
    left = max(budget - int(build["reinforcements_used"]), 0)
    return f"blocks left {left} of {budget}" if left else "budget spent: the agent may stop"
