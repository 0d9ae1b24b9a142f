"""Find the stopwarden project that a hook or a command runs for, and where its state lives.

Installed at user scope, the hook runs in every project of the user; most have no `.stopwarden/`, and
there the answer must come from a handful of `stat` calls. This module is on the hook's common path,
so it uses `posix` and string paths rather than `os` (see hooks/main.py).
"""

import posix

from stopwarden.common.names import ACTIVE_DIR, BUILDS_DIR, STATE_DIR

S_IFMT, S_IFDIR = 0o170000, 0o040000


def find_root(cwd: str) -> str | None:
    """The nearest folder at or above `cwd` (absolute) that holds `.stopwarden/`, or None.

    In a git worktree the committed `.stopwarden/config.toml` is checked out too, but the state (builds,
    sessions) lives in the main checkout: a `.stopwarden/` without `builds/` in a linked worktree defers
    to the main checkout's, so a build's worktree is gated by the build that created it.
    """
    path = cwd.rstrip("/") or "/"
    while True:
        state = _join(path, STATE_DIR)
        if _isdir(state):
            if _isdir(state + "/" + BUILDS_DIR):
                return path
            main = main_checkout(path)
            if main and _isdir(_join(main, STATE_DIR) + "/" + BUILDS_DIR):
                return main
            return path
        if path == "/":
            return None
        path = path.rpartition("/")[0] or "/"


def checkout_of(cwd: str, root: str) -> str:
    """The git working tree `cwd` is in (a linked worktree has its own), else `root`: evidence is read
    from where the agent works, which for a build's worktree is not the project root."""
    path = cwd.rstrip("/") or "/"
    while True:
        try:
            posix.stat(_join(path, ".git"))
            return path
        except (OSError, ValueError):
            pass
        if path == "/" or path == root:
            return root
        path = path.rpartition("/")[0] or "/"


def require_root(cwd: str) -> str:
    """The project root for a command run in `cwd`; a clear error when there is none."""
    root = find_root(cwd)
    if root is None:
        from stopwarden.common.errors import StopwardenError

        raise StopwardenError(
            f"no {STATE_DIR}/ folder in {cwd} or any folder above it",
            hint="run `stopwarden init --agent claude-code` in the project first",
        )
    return root


def active_ids(root: str) -> list[str]:
    """Ids of the builds that may be active, from their markers (see build/state.py); [] when none.
    A marker whose name `build start` could not have made is a repository's, and is not a build."""
    try:
        names = posix.listdir(f"{root}/{STATE_DIR}/{BUILDS_DIR}/{ACTIVE_DIR}")
    except OSError:
        return []
    if not names:
        return []
    from stopwarden.state.files import is_build_id

    return sorted(n for n in names if is_build_id(n))


def main_checkout(path: str) -> str | None:
    """The main working tree of the git worktree at `path`, or None when `path` is not a linked worktree.

    A linked worktree's `.git` is a file "gitdir: <main>/.git/worktrees/<name>"; reading it costs two small
    reads, where `git rev-parse` would cost a process.
    """
    line = _first_line(_join(path, ".git"))
    if not line.startswith("gitdir:"):
        return None
    gitdir = _normalise(_join(path, line[len("gitdir:") :].strip()))
    common = _first_line(gitdir + "/commondir")
    if not common:
        return None
    common = _normalise(_join(gitdir, common))
    return common[: -len("/.git")] or "/" if common.endswith("/.git") else None


def _join(base: str, name: str) -> str:
    if name.startswith("/"):
        return name
    return base + name if base.endswith("/") else f"{base}/{name}"


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/" + "/".join(parts)


def _isdir(path: str) -> bool:
    try:
        return posix.stat(path).st_mode & S_IFMT == S_IFDIR
    except (OSError, ValueError):
        return False


def _first_line(path: str) -> str:
    try:
        fd = posix.open(path, posix.O_RDONLY)
    except OSError:
        return ""
    try:
        return posix.read(fd, 4096).decode("utf-8", "replace").partition("\n")[0].strip()
    except OSError:  # a folder (a main checkout's .git) reads as an error
        return ""
    finally:
        posix.close(fd)
