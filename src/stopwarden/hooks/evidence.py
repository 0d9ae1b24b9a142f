"""Evidence from git for the stop gate (SPEC §5.3): plan-like artifacts with their history, and the
commits made in this session. Facts the server can check, as opposed to what the agent says.

Three git processes on a stop when HEAD has not moved since the last one: `log` over the session window
(the session's commits), `ls-files` (the candidates) and `rev-parse HEAD`. The candidates' introducing
and latest commits come from a cache (`.stopwarden/evidence/`, one file per checkout) keyed by the HEAD
it was computed at; when HEAD has moved, one more `log` reads the commits since, and only those, so a
stop costs the same at 100 commits as at 20,000 (issue 20). The session window and the candidates have
the stop's budget; the history walk has its own, far longer one, so that it is never cut short: a cut
walk would leave the gate judging on partial evidence, which is worse than one slow stop.

When the cache cannot be used (none yet, the history was rewritten under it, or it is not ours), the
stop walks the whole history once and writes it. At 20,000 commits that is one stop of about a second
on a busy 2-core machine: paid once per checkout and once per rewrite (amend, rebase, reset), in the
stop that needs it, rather than in SessionStart (which would pay it for sessions that never stop with
a signal) or in the server (which knows only the main checkout, not a build's worktree).
"""

import os
import stat
import time

from stopwarden.common import git

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    # A path's history: introducing commit, its commit time, latest commit, its commit time.
    History = dict[str, list[Any]]

MAX_ARTIFACTS = 30
MAX_SESSION_COMMITS = 50
PLAN_FOLDERS = ("docs/specs/", "docs/plans/", "plans/", "specs/", "tasks/", ".stopwarden/plans/")
PLAN_NAMES = ("TODO.md", "ROADMAP.md")
RECORD, FIELD = "\x1e", "\x1f"
CLOCK_SKEW_S = 300  # how far in the future a session's commit may be dated (another machine's clock)
HISTORY_S = 10.0  # the walk's own deadline: only a git that hangs reaches it
HISTORY_CAP = 64 << 20  # a whole log of 20,000 commits with their file names is about 2 MB
CACHE_VERSION = 1
HEX = "0123456789abcdef"
# A plan's open items ("- [ ] the Kubernetes manifests"), read from the working tree (the agent ticks them
# off as it goes) of the few plans that predate the session and changed last: what a permission question
# asks leave to do is the plan's own work when it names one of them (docs/stop-acts.md). The plan is the
# repository's text: bounded, never through a link, never shown to anyone, only compared.
OPEN_PLANS = 3
OPEN_ITEMS = 30
OPEN_ITEM_CHARS = 200
OPEN_ITEMS_CHARS = 4000  # of all of a plan's items: a request stays far below the server's body limit
PLAN_READ = 64 << 10
_CHECKBOX = ("- [ ] ", "* [ ] ", "+ [ ] ")
_TICKED = ("- [x] ", "* [x] ", "+ [x] ")  # compared lowercased: "- [X] " too
# A heading that puts what follows it off: its items are no next piece ("## Not now", "## Later", "## Phase 2").
# Those out of the plan's scope ("## Later", "## Out of scope") leave it finished when all the rest is ticked;
# a later phase ("## Phase 2") is still the plan's own work.
OUT_OF_PLAN = ("later", "not now", "backlog", "out of scope", "stretch", "future", "icebox", "someday", "nice to have",
               "optional", "won't", "wont")  # fmt: skip
LATER_PHASES = ("phase 2", "phase 3", "v2")


def is_artifact(path: str) -> bool:
    """Plan, spec and task conventions: a folder of them, `*plan*.md`, `*spec*.md`, TODO.md, ROADMAP.md."""
    if path.startswith(PLAN_FOLDERS) or any(f"/{folder}" in path for folder in PLAN_FOLDERS[:5]):
        return True
    name = path.rpartition("/")[2]
    lower = name.lower()
    return name in PLAN_NAMES or (lower.endswith(".md") and ("plan" in lower or "spec" in lower))


def collect(root: str, session_start: float, budget_s: float = 0.4, state: str = "") -> "dict[str, Any]":
    """{"artifacts": [...], "session_commits": [...], "partial": bool} in the wire format of SPEC §8.
    `root` is the checkout to read; `state` the project whose `.stopwarden/` keeps the cache ("": none)."""
    deadline = time.monotonic() + budget_s
    commits, partial = _session_commits(root, session_start, deadline)
    out, code = git.run(root, ["ls-files", "-z"], deadline, HISTORY_CAP)  # a monorepo's index is long
    paths = [p for p in dict.fromkeys(_text(out).split("\0")) if p and is_artifact(p)] if code == 0 else []
    history, cut = plan_history(root, state, deadline) if paths else ({}, False)
    artifacts = _artifacts(paths, history, session_start)
    for artifact in [a for a in artifacts if not a["createdThisSession"]][:OPEN_PLANS]:
        items, ticked_through = checklist(root, artifact["path"])
        if items:
            artifact["openItems"] = items
        if ticked_through:
            artifact["tickedThrough"] = True
    return {"artifacts": artifacts, "session_commits": commits, "partial": partial or code is None or cut}


def _session_commits(root: str, start: float, deadline: float) -> "tuple[list[dict[str, Any]], bool]":
    out, code = git.run(
        root, ["log", f"--since=@{int(start)}", f"-n{MAX_SESSION_COMMITS}",
               f"--format={RECORD}%H{FIELD}%ct{FIELD}%s", "--name-only", "HEAD", "--"], deadline,
    )  # fmt: skip
    commits = []
    now = time.time()
    for record in _text(out).split(RECORD)[1:] if code == 0 else ():
        head, _, files = record.partition("\n")
        fields = head.split(FIELD)
        if len(fields) != 3 or not fields[1].isdigit() or not start <= int(fields[1]) <= now + CLOCK_SKEW_S:
            continue  # --since is a hint for git's walk; the time is checked here, and a commit dated in
            # the future is no progress of this session (a repository can commit one: a security review)
        commits.append({"sha": fields[0], "time": int(fields[1]), "subject": fields[2][:200],
                        "files": [f for f in files.splitlines() if f][:100]})  # fmt: skip
    return commits, code is None


def _artifacts(paths: "list[str]", history: "History", start: float) -> "list[dict[str, Any]]":
    """Each committed path's latest and introducing commit, newest first, at most 30."""
    known = [p for p in paths if p in history]
    ordered = sorted(known, key=lambda p: (-history[p][3], p))[:MAX_ARTIFACTS]
    return [
        {
            "path": path,
            "introducingCommit": history[path][0],
            "latestCommit": history[path][2],
            "createdThisSession": history[path][1] >= start,
            "modifiedThisSession": history[path][3] >= start,
        }
        for path in ordered
    ]


def checklist(root: str, path: str) -> "tuple[list[str], bool]":
    """The plan at `path` in the working tree under `root` as a checklist: its unchecked items ("- [ ] X",
    "1. [ ] X"), but those under a heading that puts them off ("## Later", "## Phase 2"), and whether it is
    ticked through (a ticked item, and none unchecked but under a heading that puts it out of the plan's
    scope: the plan says its work is finished). At most OPEN_ITEMS of OPEN_ITEM_CHARS each from its first
    PLAN_READ bytes, without control or direction characters (a security review: they only inflated the
    request). Nothing from a path that leaves the checkout through a link, a link itself, or anything but a
    regular file (_read_in_checkout)."""
    data = _read_in_checkout(root, path)
    items: list[str] = []
    size = ticked = unticked = 0
    out_of_plan = put_off = False
    for line in _text(data).splitlines():
        text = line.strip()
        if text.startswith("#"):
            heading = text.lstrip("#").strip().lower()
            out_of_plan = any(words in heading for words in OUT_OF_PLAN)
            put_off = out_of_plan or any(words in heading for words in LATER_PHASES)
            continue
        number, dot, rest = text.partition(". ") if text[:1].isdigit() else ("", "", "")
        if number.isdigit() and len(number) <= 3 and dot:
            text = "- " + rest
        if out_of_plan:
            continue
        if text[:6].lower().startswith(_TICKED):
            ticked += 1
            continue
        if not text.startswith(_CHECKBOX):
            continue
        unticked += 1
        item = "".join(c for c in text[6:] if c.isprintable()).strip()[:OPEN_ITEM_CHARS]
        if item and not put_off:
            size += len(item)
            if len(items) == OPEN_ITEMS or size > OPEN_ITEMS_CHARS:
                break
            items.append(item)
    return items, ticked > 0 and unticked == 0


def _read_in_checkout(root: str, path: str) -> bytes:
    """The first PLAN_READ bytes of the regular file at `path` under `root`, opened one folder at a time from
    the checkout's own, each without following a link (`O_NOFOLLOW`): no link in the path is ever followed,
    nor swapped in between a check and the open, and a chain of links costs one refused open (a security
    review: `os.path.realpath` recursed through 1,100 links, and took 35 s over 10,000). Nothing from a
    FIFO, a device, a folder, "..", or a path deeper than 32 folders."""
    parts = path.split("/")
    if len(parts) > 32 or any(part in ("", ".", "..") for part in parts):
        return b""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)  # the checkout as the hook found it
    except (OSError, ValueError):
        return b""
    try:
        for part in parts[:-1]:
            inner = os.open(part, flags | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
        inner = os.open(parts[-1], flags | os.O_NONBLOCK | os.O_NOCTTY, dir_fd=fd)
        os.close(fd)
        fd = inner
        return os.read(fd, PLAN_READ) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except (OSError, ValueError):
        return b""
    finally:
        os.close(fd)


def plan_history(checkout: str, state: str, deadline: float) -> "tuple[History, bool]":
    """Every plan-like path of HEAD's history -> [introducing sha, its time, latest sha, its time], and
    whether the walk was cut short. With `state`, through the cache: what it holds if HEAD is where it
    was computed; else the cache and the commits since; else (rewritten, unreadable, none) all of it."""
    out, code = git.run(checkout, ["rev-parse", "--verify", "-q", "HEAD"], deadline)
    head = _text(out).strip()
    if code != 0 or not is_sha(head):
        return {}, code is None  # no commits yet, or no repository: nothing to report, nothing missed
    cached = read_cache(state, checkout) if state else None
    if cached is not None and cached["head"] == head:
        return cached["paths"], False
    walk_deadline = time.monotonic() + HISTORY_S
    if cached is not None:
        # Commits since, with their parents: the cached HEAD is among them exactly when it is an ancestor
        # of HEAD (the commit after it on any path from HEAD lists it), so one walk both reads what is
        # new and proves that nothing the cache counted has left the history.
        history, parents, code = _walk(checkout, f"{cached['head']}..{head}", walk_deadline)
        if code is None:
            return history, True
        if code == 0 and cached["head"] in parents:
            history = _merge(history, cached["paths"])
            _write_cache(state, checkout, head, history)
            return history, False
    history, _, code = _walk(checkout, head, walk_deadline)
    if code != 0:
        return history, True
    if state:
        _write_cache(state, checkout, head, history)
    return history, False


def _walk(checkout: str, revisions: str, deadline: float) -> "tuple[History, set[str], int | None]":
    """The plan-like paths' history in `revisions`, the parents of every commit in it, git's exit code.

    Every commit's changed files, with no pathspec: a pathspec that matches the conventions at any depth
    (`**/plans/**`) makes git three times slower than listing everything and filtering here (measured
    at 20,000 commits). Merges list no files (a merge's own changes are its parents'); no rename
    detection, so a path's history is its own whatever else a commit touched, the same in any walk.
    """
    out, code = git.run(
        checkout, ["-c", "log.showRoot=true", "-c", "log.showSignature=false", "log", "--no-color", "--no-renames",
                   f"--format={RECORD}%H{FIELD}%ct{FIELD}%P", "--name-only", revisions, "--"],
        deadline, HISTORY_CAP,
    )  # fmt: skip
    history: History = {}
    parents: set[str] = set()
    for record in _text(out).split(RECORD)[1:]:
        head, _, files = record.partition("\n")
        fields = head.split(FIELD)
        if len(fields) != 3 or not fields[1].isdigit():
            continue
        sha, ct = fields[0], int(fields[1])
        parents.update(fields[2].split())
        for path in files.splitlines():
            if path and is_artifact(path):
                _see(history, path, sha, ct)
    return history, parents, code


def _see(history: "History", path: str, sha: str, ct: int) -> None:
    """Count one commit of `path`'s, met in a walk that runs newest first: the introducing commit is the
    oldest (on a tie, the one met last), the latest the newest (on a tie, the one met first)."""
    entry = history.get(path)
    if entry is None:
        history[path] = [sha, ct, sha, ct]
        return
    if ct <= entry[1]:
        entry[0], entry[1] = sha, ct
    if ct > entry[3]:
        entry[2], entry[3] = sha, ct


def _merge(newer: "History", older: "History") -> "History":
    """The history of two walks, `newer` over the commits since the ones `older` walked: as if one walk
    had met all of `newer`'s commits first, which it does wherever the history is a line."""
    merged = {path: list(entry) for path, entry in older.items()}
    for path, new in newer.items():
        old = merged.get(path)
        if old is None:
            merged[path] = new
            continue
        if new[1] < old[1]:
            old[0], old[1] = new[0], new[1]
        if new[3] >= old[3]:
            old[2], old[3] = new[2], new[3]
    return merged


def read_cache(state: str, checkout: str) -> "dict[str, Any] | None":
    """The cache for `checkout`, when it is ours and well formed; None otherwise (it is then rebuilt).
    Its HEAD goes on git's command line: only a hex commit id is ever taken from it."""
    from stopwarden.state import files

    try:
        data = files.read_json(files.plan_history_path(state, checkout), files.PLAN_HISTORY_CAP)
    except (OSError, ValueError):
        return None
    if not data or data.get("v") != CACHE_VERSION or data.get("checkout") != checkout or not is_sha(data.get("head")):
        return None
    paths = data.get("paths")
    if not isinstance(paths, dict) or not all(_is_entry(e) for e in paths.values()):
        return None
    return data


def _write_cache(state: str, checkout: str, head: str, history: "History") -> None:
    from stopwarden.common import fastjson
    from stopwarden.state import files

    data = fastjson.dumps({"v": CACHE_VERSION, "checkout": checkout, "head": head, "paths": history}).encode()
    if len(data) > files.PLAN_HISTORY_CAP:
        return  # a reader would refuse it: the next stop walks everything again, still right
    try:
        files.write_plan_history(state, checkout, data)
    except OSError:
        pass  # a folder that is not ours: this stop's evidence stands, it is only not kept


def _is_entry(entry: object) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 4
        and is_sha(entry[0])
        and is_sha(entry[2])
        and type(entry[1]) is int
        and type(entry[3]) is int
    )


def is_sha(value: object) -> bool:
    """A full commit id in lowercase hex (SHA-1 or SHA-256)."""
    return isinstance(value, str) and len(value) in (40, 64) and not value.strip(HEX)


def _text(out: bytes) -> str:
    return out.decode("utf-8", "replace")
