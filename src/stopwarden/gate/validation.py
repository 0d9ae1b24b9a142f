"""Every verdict, from any authority, is checked against the evidence before it counts (SPEC §5.4).

An invalid verdict is a failure of its own kind and fails open: the agent may stop.
"""

from __future__ import annotations

from stopwarden.common.names import DECISIONS, RULES
from stopwarden.gate.case import Case, Verdict

CONTINUE_NEEDS_BOTH_SHAS = ("U1_DURABLE_ARTIFACT_CONTINUATION_SAFE", "U3_RECENT_COMMIT_PROVES_INCREMENTAL")


def failure(verdict: object, case: Case) -> str | None:
    """The failure kind of a verdict (`malformed`, `invalid_rule`, `missing_pointer`, `invalid_evidence`),
    or None when it is valid."""
    if not isinstance(verdict, Verdict) or verdict.decision not in DECISIONS:
        return "malformed"
    if verdict.rule not in RULES or RULES[verdict.rule] != verdict.decision:
        return "invalid_rule"
    if verdict.decision != "continue":
        return None
    pointer = verdict.evidence_pointer
    if not pointer.plan_file:
        return "missing_pointer"
    if verdict.rule in CONTINUE_NEEDS_BOTH_SHAS and not (pointer.plan_commit_sha and pointer.incremental_commit_sha):
        return "missing_pointer"
    by_path = {a.path: a for a in case.artifacts}
    if pointer.plan_file not in by_path or by_path[pointer.plan_file].created_this_session:
        return "invalid_evidence"  # a continue stands on a plan that predates the session
    if pointer.plan_commit_sha:
        shas = {sha for a in case.artifacts for sha in (a.introducing_commit, a.latest_commit) if sha}
        if pointer.plan_commit_sha not in shas:
            return "invalid_evidence"
    if pointer.incremental_commit_sha:
        # Progress made in this session: a session commit, or the latest commit of a plan it changed.
        progress = {a.latest_commit for a in case.artifacts if a.shows_progress} | {c.sha for c in case.session_commits}
        if pointer.incremental_commit_sha not in progress:
            return "invalid_evidence"
    return None
