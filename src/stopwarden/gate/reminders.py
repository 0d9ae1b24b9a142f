"""The text an agent is told when the stop gate blocks (SPEC §5.7).

Assembled from a fixed template per rule and validated pointer values only: nothing an authority wrote
(its rationale) and nothing the agent wrote reaches the agent. Values are checked to look like what they
are (a repository path, a hex SHA) before they are put in.
"""

from __future__ import annotations

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
    return "stopwarden: " + template.format(plan_file=pointer.plan_file, incremental_commit_sha=sha[:12])


def _is_path(path: str | None) -> bool:
    return bool(path) and len(path or "") <= 300 and all(c.isprintable() and c not in "`\n\r" for c in path or "")
