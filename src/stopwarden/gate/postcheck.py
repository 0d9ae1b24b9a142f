"""Git checks before a `continue` is accepted (SPEC §5.6): the evidence must exist in the repository.

A verdict can only point at artifacts and commits the hook reported; these checks make sure those are
real: the plan commit exists, the progress commit descends from it, and the plan file is inside the
project. Any failure turns the verdict into `allow` with `invalid_evidence`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from stopwarden.common import git
from stopwarden.gate.case import Verdict

TIMEOUT_S = 2.0
MAX_ANSWERS = 4096
_ANSWERS: dict[tuple[str, ...], bool] = {}
HEX = frozenset("0123456789abcdef")  # a commit id is hex: never an option, a range or a ref expression
_NO_WAITING: ContextVar[bool] = ContextVar("no_waiting", default=False)


class WouldWait(BaseException):
    """Raised instead of running git under `without_waiting`: the caller (the server's event loop) may not
    wait on a process, and makes the decision again where it may. A BaseException, so that no
    `except Exception` on the way (the gate fails open on any error) takes it for a failure."""


@contextmanager
def without_waiting() -> Iterator[None]:
    """Within it (in this thread or task only), a check whose answer is not known yet raises WouldWait."""
    token = _NO_WAITING.set(True)
    try:
        yield
    finally:
        _NO_WAITING.reset(token)


def failure(verdict: Verdict, root: str) -> str | None:
    """Why the evidence of a `continue` verdict does not hold in the repository at `root`, or None."""
    pointer = verdict.evidence_pointer
    for sha in (pointer.plan_commit_sha, pointer.incremental_commit_sha):
        if sha and not (4 <= len(sha) <= 64 and set(sha.lower()) <= HEX):
            return f"{sha!r} is not a commit id"
    plan_sha, progress_sha = pointer.plan_commit_sha, pointer.incremental_commit_sha
    path = pointer.plan_file or ""
    if path.startswith("/") or ".." in path.split("/") or not path:
        return f"the plan file {path} is not a path inside the project"
    # On disk in the main checkout, or in the plan's commit: an agent in a build's worktree commits its
    # plan on the worktree's branch, which the main checkout has not merged yet.
    on_disk = os.path.isfile(os.path.join(root, path))
    if not on_disk and not (plan_sha and _git_ok(root, "cat-file", "-e", f"{plan_sha}:{path}")):
        return f"the plan file {path} is neither in the project nor in commit {plan_sha}"
    if plan_sha and progress_sha:
        # Also fails when either commit does not exist: one git process answers both questions.
        if not _git_ok(root, "merge-base", "--is-ancestor", plan_sha, progress_sha):
            return f"commit {progress_sha} does not descend from {plan_sha} (or one of them does not exist)"
    elif plan_sha and not _git_ok(root, "cat-file", "-e", f"{plan_sha}^{{commit}}"):
        return f"the plan commit {plan_sha} does not exist"
    return None


def _git_ok(root: str, *args: str) -> bool:
    """Whether a git check succeeds. Definite answers are remembered: they are about commits, which never
    change, so a session's repeated stops cost one git process, not one each. A timeout is not an answer."""
    key = (root, *args)
    if key in _ANSWERS:
        return _ANSWERS[key]
    if _NO_WAITING.get():
        raise WouldWait
    _, code = git.text(root, *args, timeout_s=TIMEOUT_S)
    if code is None:  # no git, or no answer in time
        return False
    if len(_ANSWERS) >= MAX_ANSWERS:
        _ANSWERS.clear()
    _ANSWERS[key] = code == 0
    return _ANSWERS[key]


def added_since(root: str, files: list[str], since: float) -> frozenset[str]:
    """Those of `files` that no commit before `since` (seconds since the epoch) added: new this session.
    One git process; on any failure none (every file then counts as older than the session)."""
    if not files:
        return frozenset()
    if _NO_WAITING.get():
        raise WouldWait
    out, code = git.text(
        root, "log", "--diff-filter=A", "--format=", "--name-only", f"--before=@{int(since) - 1}", "--", *files,
        timeout_s=TIMEOUT_S,
    )  # fmt: skip
    if code != 0:  # a failure, or no answer in time
        return frozenset()
    older = {line.strip() for line in out.splitlines() if line.strip()}
    return frozenset(f for f in files if f not in older)
