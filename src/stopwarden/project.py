"""Find the stopwarden project that a hook or a command runs for, from a folder inside it.

Installed at user scope, the hook runs in every project of the user; most have no `.stopwarden/`, and
there the answer must come from a handful of `stat` calls.
"""

from __future__ import annotations

import os

from stopwarden.names import BUILDS_DIR, STATE_DIR


def find_root(cwd: str) -> str | None:
    """The nearest folder at or above `cwd` that holds `.stopwarden/`, or None.

    In a git worktree the committed `.stopwarden/config.toml` is checked out too, but the state (builds,
    sessions) lives in the main checkout: a `.stopwarden/` without `builds/` in a worktree defers to the
    main checkout's, so a build's worktree is gated by the build that created it.
    """
    path = cwd
    while True:
        if os.path.isdir(os.path.join(path, STATE_DIR)):
            if os.path.isdir(os.path.join(path, STATE_DIR, BUILDS_DIR)):
                return path
            main = main_checkout(path)
            if main and os.path.isdir(os.path.join(main, STATE_DIR, BUILDS_DIR)):
                return main
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def main_checkout(path: str) -> str | None:
    """The main working tree of the git worktree at `path`, or None when `path` is not a linked worktree.

    A linked worktree's `.git` is a file "gitdir: <main>/.git/worktrees/<name>"; reading it costs two small
    reads, where `git rev-parse` would cost a process.
    """
    try:
        with open(os.path.join(path, ".git"), encoding="utf-8") as f:
            line = f.readline().strip()
    except OSError:  # a folder (a main checkout) or nothing at all
        return None
    if not line.startswith("gitdir:"):
        return None
    gitdir = os.path.normpath(os.path.join(path, line[len("gitdir:") :].strip()))
    try:
        with open(os.path.join(gitdir, "commondir"), encoding="utf-8") as f:
            common = os.path.normpath(os.path.join(gitdir, f.readline().strip()))
    except OSError:
        return None
    return os.path.dirname(common) if os.path.basename(common) == ".git" else None


def require_root(cwd: str) -> str:
    """The project root for a command run in `cwd`; a clear error when there is none."""
    from stopwarden.errors import StopwardenError

    root = find_root(cwd)
    if root is None:
        raise StopwardenError(
            f"no {STATE_DIR}/ folder in {cwd} or any folder above it",
            hint="run `stopwarden init --agent claude-code` in the project first",
        )
    return root
