"""A build's own git worktree: create it on a new branch, merge it back, remove it (SPEC §4.5).

The worktree lives under `.stopwarden/worktrees/<build id>` (ignored by git). An agent working there is
still gated by the build: the hook resolves a linked worktree to its main checkout's state.
"""

from __future__ import annotations

import os
from typing import Any

from stopwarden.build import manager, state
from stopwarden.common import git
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import (
    TERMINAL_PHASES,
    WORKTREE_CREATED,
    WORKTREE_MERGED,
    WORKTREE_REMOVED,
    WORKTREES_DIR,
)
from stopwarden.common.timefmt import now_iso
from stopwarden.state import files, safe


def _git(root: str, *args: str) -> str:
    return git.checked(root, *args)


def create(root: str, build_id: str, branch: str | None) -> dict[str, Any]:
    """Create the build's worktree on a new branch from the branch checked out now."""
    build = manager.load(root, build_id)
    if build["phase"] in TERMINAL_PHASES:
        raise StopwardenError(f"build {build_id} is {build['phase']}", hint="start a new build")
    if build["worktree"]:
        raise StopwardenError(
            f"build {build_id} already has the worktree {build['worktree']['path']}",
            hint="remove it first with `stopwarden build worktree remove`",
        )
    source = _git(root, "rev-parse", "--abbrev-ref", "HEAD")
    branch = branch or f"stopwarden/{build_id}"
    safe.make_folder(files.path(root, WORKTREES_DIR))
    path = files.path(root, WORKTREES_DIR, build_id)  # git must not follow a repository's link out
    _git(root, "worktree", "add", "-b", branch, path)
    tree = {"path": path, "branch": branch, "source_branch": source, "created_at": now_iso()}
    _update(root, build_id, tree)
    state.append_audit(root, build_id, WORKTREE_CREATED, path=path, branch=branch, source_branch=source)
    return tree


def merge(root: str, build_id: str) -> dict[str, Any]:
    """Merge the worktree's branch into its source branch, in the main checkout."""
    tree = _require(manager.load(root, build_id))
    if _git(tree["path"], "status", "--porcelain"):
        raise StopwardenError(
            f"the worktree {tree['path']} has uncommitted changes", hint="commit them in the worktree first"
        )
    current = _git(root, "rev-parse", "--abbrev-ref", "HEAD")
    if current != tree["source_branch"]:
        raise StopwardenError(
            f"the main checkout is on {current}, not {tree['source_branch']}",
            hint=f"git checkout {tree['source_branch']}",
        )
    try:
        _git(root, "merge", "--no-ff", "--no-edit", tree["branch"])
    except StopwardenError as e:  # a conflict: leave the main checkout as it was, and say where
        conflicts = _git(root, "diff", "--name-only", "--diff-filter=U").split()
        if not conflicts:
            raise
        _git(root, "merge", "--abort")
        raise StopwardenError(
            f"merging {tree['branch']} into {current} conflicts in {', '.join(conflicts[:10])}"
            f"{' …' if len(conflicts) > 10 else ''}; the merge was aborted, the main checkout is as it was",
            hint=f"in the worktree, run `git merge {current}`, resolve and commit, then merge again",
        ) from e
    commit = _git(root, "rev-parse", "HEAD")
    tree = {**tree, "merged_at": now_iso()}
    _update(root, build_id, tree)
    state.append_audit(
        root, build_id, WORKTREE_MERGED, branch=tree["branch"], into=tree["source_branch"], commit=commit
    )
    return {**tree, "commit": commit}


def remove(root: str, build_id: str, force: bool) -> dict[str, Any]:
    """Remove the worktree folder; its branch is kept (it may hold work that is not merged)."""
    tree = _require(manager.load(root, build_id))
    if os.path.isdir(tree["path"]):
        _git(root, "worktree", "remove", *(["--force"] if force else []), tree["path"])
    else:
        _git(root, "worktree", "prune")  # removed by hand: let git forget it too
    files.forget_plan_history(root, tree["path"])
    _update(root, build_id, None)
    state.append_audit(root, build_id, WORKTREE_REMOVED, path=tree["path"], branch=tree["branch"])
    return dict(tree)


def _update(root: str, build_id: str, tree: dict[str, Any] | None) -> None:
    """Record the worktree in the build's state. Git runs outside the lock (it may take seconds, and the
    Stop hook waits on this lock), so the state is read again under it."""
    with state.lock(root, build_id):
        build = manager.load(root, build_id)
        build["worktree"] = tree
        state.save(root, build)


def _require(build: dict[str, Any]) -> dict[str, Any]:
    if not build["worktree"]:
        raise StopwardenError(
            f"build {build['id']} has no worktree", hint="create one with `stopwarden build worktree create`"
        )
    tree: dict[str, Any] = build["worktree"]
    return tree
