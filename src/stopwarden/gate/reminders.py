"""The text an agent is told when the stop gate blocks (SPEC §5.7).

Assembled from a fixed template per rule and validated pointer values only: nothing an authority wrote
(its rationale) and nothing the agent wrote reaches the agent. Values are checked to look like what they
are (a repository path, a hex SHA) before they are put in.
"""

from __future__ import annotations

from stopwarden.common.names import REMINDER_PREFIX
from stopwarden.gate.case import Verdict

TEMPLATES = {
    "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE": (
        "Continue — the plan at {plan_file} predates this session and commit {incremental_commit_sha} shows "
        "progress. Re-read the plan for the next step; do not stop."
    ),
    "U2_PLAN_FILE_NEXT_STEP_EXPLICIT": (
        "Continue — the plan at {plan_file} names the next step. Re-read it and proceed; do not stop."
    ),
    "U3_RECENT_COMMIT_PROVES_INCREMENTAL": (
        "Continue — commit {incremental_commit_sha} shows progress on the plan at {plan_file}. "
        "Proceed with the next step."
    ),
    "U4_NEXT_STEP_ANNOUNCED": (
        "Continue — you named your next step and the plan at {plan_file} is not finished "
        "(commit {incremental_commit_sha} shows progress). Do that step now instead of ending your turn."
    ),
    "U5_PERMISSION_MID_PLAN": (
        "Continue — the plan at {plan_file} already says what comes next, and commit {incremental_commit_sha} "
        "shows it under way: no permission is needed to go on with it. Proceed."
    ),
}  # fmt: skip
HEX = set("0123456789abcdef")


def reminder(verdict: Verdict) -> str | None:
    """The reminder for a valid `continue` verdict, or None when its values are not fit to show."""
    template = TEMPLATES.get(verdict.rule)
    pointer = verdict.evidence_pointer
    if template is None or not _is_path(pointer.plan_file):
        return None
    sha = pointer.incremental_commit_sha or ""
    if "{incremental_commit_sha}" in template and not (7 <= len(sha) <= 64 and set(sha.lower()) <= HEX):
        return None
    text = template.format(plan_file=pointer.plan_file, incremental_commit_sha=sha[:12])
    return REMINDER_PREFIX + text.removeprefix("Continue — ")


PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/ -")


def _is_path(path: str | None) -> bool:
    """A repository path fit to quote to an agent: file names come from the repository, so only the
    characters of ordinary paths (no backticks, quotes, newlines or words in other scripts)."""
    return bool(path) and len(path or "") <= 200 and set(path or "") <= PATH_CHARS
