"""Git checks before a `continue` is accepted (SPEC §5.6): the evidence must exist in the repository.

A verdict can only point at artifacts and commits the hook reported; these checks make sure those are
real: the plan commit exists, the progress commit descends from it, and the plan file is inside the
project. Any failure turns the verdict into `allow` with `invalid_evidence`.
"""

from __future__ import annotations

import os
import subprocess

from stopwarden.gate.case import Verdict

TIMEOUT_S = 2.0
HEX = frozenset("0123456789abcdef")  # a commit id is hex: never an option, a range or a ref expression


def failure(verdict: Verdict, root: str) -> str | None:
    """Why the evidence of a `continue` verdict does not hold in the repository at `root`, or None."""
    pointer = verdict.evidence_pointer
    for sha in (pointer.plan_commit_sha, pointer.incremental_commit_sha):
        if sha and not (4 <= len(sha) <= 64 and set(sha.lower()) <= HEX):
            return f"{sha!r} is not a commit id"
    plan = os.path.realpath(os.path.join(root, pointer.plan_file or ""))
    if not plan.startswith(os.path.realpath(root) + os.sep) or not os.path.isfile(plan):
        return f"the plan file {pointer.plan_file} is not a file inside the project"
    if pointer.plan_commit_sha and not _git_ok(root, "cat-file", "-e", f"{pointer.plan_commit_sha}^{{commit}}"):
        return f"the plan commit {pointer.plan_commit_sha} does not exist"
    if (
        pointer.plan_commit_sha
        and pointer.incremental_commit_sha
        and not _git_ok(root, "merge-base", "--is-ancestor", pointer.plan_commit_sha, pointer.incremental_commit_sha)
    ):
        return f"commit {pointer.incremental_commit_sha} does not descend from {pointer.plan_commit_sha}"
    return None


def _git_ok(root: str, *args: str) -> bool:
    try:
        done = subprocess.run(["git", "-C", root, *args], capture_output=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0
