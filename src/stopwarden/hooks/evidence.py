"""Evidence from git for the stop gate (SPEC §5.3): plan-like artifacts with their history, and the
commits made in this session. Facts the server can check, as opposed to what the agent says.

Three git processes at most, whatever the size of the repository: `ls-files` (the candidates), one
`log` over the session window (the session's commits), and one `log` over the candidates' paths (their
introducing and latest commits). The whole collection has a deadline; a git call that would pass it is
cut short, and what was gathered so far is returned.
"""

import subprocess
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_ARTIFACTS = 30
MAX_SESSION_COMMITS = 50
PLAN_FOLDERS = ("docs/specs/", "docs/plans/", "plans/", "specs/", "tasks/", ".stopwarden/plans/")
PLAN_NAMES = ("TODO.md", "ROADMAP.md")
RECORD, FIELD = "\x1e", "\x1f"


def is_artifact(path: str) -> bool:
    """Plan, spec and task conventions: a folder of them, `*plan*.md`, `*spec*.md`, TODO.md, ROADMAP.md."""
    if path.startswith(PLAN_FOLDERS) or any(f"/{folder}" in path for folder in PLAN_FOLDERS[:5]):
        return True
    name = path.rpartition("/")[2]
    lower = name.lower()
    return name in PLAN_NAMES or (lower.endswith(".md") and ("plan" in lower or "spec" in lower))


def collect(root: str, session_start: float, budget_s: float = 0.4) -> "dict[str, Any]":
    """{"artifacts": [...], "session_commits": [...], "partial": bool} in the wire format of SPEC §8."""
    deadline = time.monotonic() + budget_s
    commits, partial = _session_commits(root, session_start, deadline)
    candidates, cut = _git_lines(root, deadline, "ls-files", "-z", split="\0")
    partial = partial or cut
    paths = [p for p in candidates if p and is_artifact(p)]
    artifacts, cut = _artifacts(root, paths, session_start, deadline)
    return {"artifacts": artifacts, "session_commits": commits, "partial": partial or cut}


def _session_commits(root: str, start: float, deadline: float) -> "tuple[list[dict[str, Any]], bool]":
    out, cut = _git(
        root, deadline, "log", f"--since=@{int(start)}", f"-n{MAX_SESSION_COMMITS}",
        f"--format={RECORD}%H{FIELD}%ct{FIELD}%s", "--name-only", "HEAD",
    )  # fmt: skip
    commits = []
    for record in out.split(RECORD)[1:]:
        head, _, files = record.partition("\n")
        fields = head.split(FIELD)
        if len(fields) != 3 or not fields[1].isdigit() or int(fields[1]) < start:
            continue  # --since is a hint for git's walk; the time is checked here
        commits.append({"sha": fields[0], "time": int(fields[1]), "subject": fields[2][:200],
                        "files": [f for f in files.splitlines() if f][:100]})  # fmt: skip
    return commits, cut


def _artifacts(root: str, paths: list[str], start: float, deadline: float) -> "tuple[list[dict[str, Any]], bool]":
    """Each path's latest and introducing commit, newest first, at most 30."""
    if not paths:
        return [], False
    # Plan folders as folders, not file by file: git matches a few folder pathspecs ten times faster than
    # two hundred file pathspecs (measured on 5,000 commits); the files are picked out below. A plan-named
    # file elsewhere (src/x/SPEC.md) is named itself: its busy folder would double the walk.
    folders = sorted({_plan_folder(p) or p for p in paths})
    out, cut = _git(root, deadline, "log", f"--format={RECORD}%H{FIELD}%ct", "--name-only", "--", *folders)
    latest: dict[str, tuple[str, int]] = {}
    first: dict[str, tuple[str, int]] = {}
    wanted = set(paths)
    for record in out.split(RECORD)[1:]:
        head, _, files = record.partition("\n")
        sha, _, ct = head.partition(FIELD)
        if not ct.strip().isdigit():
            continue
        stamp = (sha, int(ct))
        for path in files.splitlines():
            if path in wanted:
                latest.setdefault(path, stamp)
                first[path] = stamp  # history runs newest first: the last one seen introduced it
    ordered = sorted(latest, key=lambda p: latest[p][1], reverse=True)[:MAX_ARTIFACTS]
    return [
        {
            "path": path,
            "introducingCommit": first[path][0],
            "latestCommit": latest[path][0],
            "createdThisSession": first[path][1] >= start,
            "modifiedThisSession": latest[path][1] >= start,
        }
        for path in ordered
    ], cut


def _plan_folder(path: str) -> str:
    """The plan-convention folder `path` sits in (the folder itself, however deep it is), or ""."""
    for folder in PLAN_FOLDERS:
        at = path.find(folder)
        if at == 0 or (at > 0 and path[at - 1] == "/"):
            return path.rpartition("/")[0]
    return ""


def _git_lines(root: str, deadline: float, *args: str, split: str = "\n") -> "tuple[list[str], bool]":
    out, cut = _git(root, deadline, *args)
    return out.split(split), cut


def _git(root: str, deadline: float, *args: str) -> "tuple[str, bool]":
    """git's output, and whether it was cut short by the deadline (or failed: no repository, no commits)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return "", True
    try:
        done = subprocess.run(
            ["git", "-C", root, "-c", "core.quotePath=false", *args],
            capture_output=True, timeout=remaining, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"").decode("utf-8", "replace"), True
    except OSError:
        return "", True
    if done.returncode != 0:
        return "", False
    return done.stdout.decode("utf-8", "replace"), False
