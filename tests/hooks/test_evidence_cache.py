"""The plans' history cache (hooks/evidence.py, `.stopwarden/evidence/`): the same evidence as a walk of
the whole history, on real repositories rewritten in every way an agent rewrites one; a cache file
that is odd in any way is ignored and replaced, never followed."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stopwarden.hooks import evidence
from stopwarden.state import files

T0 = 1_700_000_000
BUDGET = 5.0  # the stop's own budget, generous on a busy machine: these tests compare, they do not time
POOL = (
    "docs/plans/a.md", "docs/plans/b.md", "docs/plans/sub/c.md", "plans/d.md", "src/x/PLAN.md", "TODO.md",
    "tasks/t.txt", "src/app.py",
)  # fmt: skip


class Repo:
    """A real repository, a project folder for its cache, and a clock for its commits."""

    def __init__(self, base: Path) -> None:
        self.root = base / "repo"
        self.state = base / "project"
        self.root.mkdir()
        (self.state / ".stopwarden").mkdir(parents=True, mode=0o700)
        self.now = T0
        self.edits = 0
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, at: int | None = None) -> str:
        env = dict(os.environ)
        if at is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{at} +0000"
        done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def tick(self, step: int = 1) -> int:
        self.now += step
        return self.now

    def commit(self, change: list[str], delete: Sequence[str] = (), step: int = 1, amend: bool = False) -> str:
        at = self.tick(step)
        for path in change:
            self.edits += 1
            (self.root / path).parent.mkdir(parents=True, exist_ok=True)
            (self.root / path).write_text(f"{path}, edit {self.edits}\n")
        for path in delete:
            (self.root / path).unlink(missing_ok=True)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", f"at {at}", *(["--amend"] if amend else []), at=at)
        return self.git("rev-parse", "HEAD")

    def cached(self, start: int = T0) -> dict[str, Any]:
        return evidence.collect(str(self.root), start, BUDGET, str(self.state))

    def uncached(self, start: int = T0) -> dict[str, Any]:
        return evidence.collect(str(self.root), start, BUDGET)

    @property
    def cache_file(self) -> Path:
        return self.state / ".stopwarden" / "evidence" / f"{files.checkout_key(str(self.root))}.json"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)


def test_the_cache_is_kept_at_head_and_used(repo: Repo) -> None:
    repo.commit(["docs/plans/a.md", "src/app.py"])
    head = repo.commit(["TODO.md"])
    first = repo.cached()
    assert first == repo.uncached() and first["partial"] is False and len(first["artifacts"]) == 2
    kept = json.loads(repo.cache_file.read_text())
    assert (kept["head"], kept["checkout"], sorted(kept["paths"])) == (
        head,
        str(repo.root),
        ["TODO.md", "docs/plans/a.md"],
    )
    assert repo.cache_file.stat().st_mode & 0o777 == 0o600
    # Proof that a stop at the same HEAD reads the cache and walks nothing: what the cache says is reported.
    kept["paths"]["TODO.md"][2] = "f" * 40
    repo.cache_file.write_text(json.dumps(kept))
    [todo] = [a for a in repo.cached()["artifacts"] if a["path"] == "TODO.md"]
    assert todo["latestCommit"] == "f" * 40


def test_a_stop_after_new_commits_walks_only_those(repo: Repo) -> None:
    repo.commit(["docs/plans/a.md"])
    repo.cached()
    kept = json.loads(repo.cache_file.read_text())
    kept["paths"]["docs/plans/a.md"][0] = "e" * 40  # a mark only the cache has
    repo.cache_file.write_text(json.dumps(kept))
    new = repo.commit(["plans/d.md", "src/app.py"])
    by_path = {a["path"]: a for a in repo.cached()["artifacts"]}
    assert by_path["docs/plans/a.md"]["introducingCommit"] == "e" * 40  # not walked again
    assert by_path["plans/d.md"]["introducingCommit"] == new
    assert json.loads(repo.cache_file.read_text())["head"] == new


@pytest.mark.parametrize("rewrite", ["amend", "reset", "rebase", "squash"])
def test_a_rewritten_history_is_walked_again(repo: Repo, rewrite: str) -> None:
    repo.commit(["docs/plans/a.md"])
    base = repo.commit(["src/app.py"])
    repo.commit(["docs/plans/b.md", "TODO.md"])
    repo.commit(["docs/plans/a.md"])
    assert repo.cached() == repo.uncached()
    if rewrite == "amend":  # the last commit no longer touches a.md: its latest commit is an older one
        repo.git("reset", "-q", "--soft", "HEAD~1")
        repo.git("restore", "--staged", "docs/plans/a.md")
        repo.git("checkout", "--", "docs/plans/a.md")
        repo.commit(["plans/d.md"], amend=True)
    elif rewrite == "reset":  # back to before b.md and TODO.md existed
        repo.git("reset", "-q", "--hard", base)
    elif rewrite == "rebase":  # the last two commits replayed on another base
        repo.git("checkout", "-q", "-b", "other", base)
        repo.commit(["tasks/t.txt"])
        repo.git("checkout", "-q", "main")
        repo.git("rebase", "-q", "other", at=repo.tick())
    else:  # the last two commits squashed into one
        repo.git("reset", "-q", "--soft", "HEAD~2")
        repo.commit([])
    found = repo.cached()
    assert found == repo.uncached()
    assert json.loads(repo.cache_file.read_text())["head"] == repo.git("rev-parse", "HEAD")
    if rewrite == "reset":
        assert {a["path"] for a in found["artifacts"]} == {"docs/plans/a.md"}


def test_commits_in_the_same_second(repo: Repo) -> None:
    first = repo.commit(["docs/plans/a.md"], step=0)
    repo.cached()
    repo.commit(["docs/plans/a.md"], step=0)
    last = repo.commit(["docs/plans/a.md"], step=0)
    [artifact] = repo.cached()["artifacts"]
    assert (artifact["introducingCommit"], artifact["latestCommit"]) == (first, last)
    assert repo.cached() == repo.uncached()


def test_a_deleted_plan_added_again_keeps_its_first_commit(repo: Repo) -> None:
    first = repo.commit(["docs/plans/a.md"])
    repo.commit([], delete=["docs/plans/a.md"])
    assert repo.cached()["artifacts"] == []  # gone from the tree: not evidence
    again = repo.commit(["docs/plans/a.md"])
    [artifact] = repo.cached()["artifacts"]
    assert (artifact["introducingCommit"], artifact["latestCommit"]) == (first, again)
    assert repo.cached() == repo.uncached()


def test_each_checkout_has_its_own_cache(repo: Repo, tmp_path: Path) -> None:
    repo.commit(["docs/plans/a.md"])
    worktree = tmp_path / "worktree"
    repo.git("worktree", "add", "-q", "-b", "build", str(worktree))
    repo.commit(["TODO.md"])
    main = repo.cached()
    other = evidence.collect(str(worktree), T0, BUDGET, str(repo.state))
    assert [a["path"] for a in other["artifacts"]] == ["docs/plans/a.md"]
    assert [a["path"] for a in main["artifacts"]] == ["TODO.md", "docs/plans/a.md"]
    assert len(list(repo.cache_file.parent.iterdir())) == 2


def test_the_cache_stays_out_of_git(installed: Path) -> None:
    """Machine-local: `init`'s `.stopwarden/.gitignore` ignores everything but the config and the plans."""
    (installed / "docs" / "plans").mkdir(parents=True)
    (installed / "docs" / "plans" / "a.md").write_text("# a\n")
    subprocess.run(["git", "-C", str(installed), "add", "docs"], check=True)
    subprocess.run(["git", "-C", str(installed), "commit", "-qm", "plan"], check=True)
    assert evidence.collect(str(installed), T0, BUDGET, str(installed))["artifacts"]
    [cache] = (installed / ".stopwarden" / "evidence").iterdir()
    status = subprocess.run(["git", "-C", str(installed), "status", "--porcelain", "--ignored", "--", str(cache)],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert status.startswith("!! ")


# --- a cache file that is not what we wrote -------------------------------------------------------------


def warm(repo: Repo) -> dict[str, Any]:
    repo.commit(["docs/plans/a.md"])
    repo.commit(["TODO.md"])
    return repo.uncached()


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[]",
        b'{"v": 1}',
        b"\xff\xfe garbage",
        b'{"v": 2, "checkout": "x", "head": "x", "paths": {}}',
    ],
)
def test_garbage_is_rebuilt(repo: Repo, content: bytes) -> None:
    truth = warm(repo)
    repo.cache_file.parent.mkdir(mode=0o700)
    repo.cache_file.write_bytes(content)
    assert repo.cached() == truth
    assert json.loads(repo.cache_file.read_text())["head"] == repo.git("rev-parse", "HEAD")


def test_a_well_formed_lie_about_its_fields_is_rebuilt(repo: Repo) -> None:
    truth = warm(repo)
    head = repo.git("rev-parse", "HEAD")
    for paths in ({"TODO.md": ["x", 1, "y", 2]}, {"TODO.md": [head, "1", head, 2]}, {"TODO.md": [head, 1, head]}):
        repo.cache_file.parent.mkdir(mode=0o700, exist_ok=True)
        repo.cache_file.write_text(json.dumps({"v": 1, "checkout": str(repo.root), "head": head, "paths": paths}))
        assert repo.cached() == truth


def test_a_head_that_is_not_a_commit_id_never_reaches_git(repo: Repo, tmp_path: Path) -> None:
    truth = warm(repo)
    planted = tmp_path / "planted"
    repo.cache_file.parent.mkdir(mode=0o700)
    for head in (f"--output={planted}", "HEAD~1", "A" * 40):
        repo.cache_file.write_text(json.dumps({"v": 1, "checkout": str(repo.root), "head": head, "paths": {}}))
        assert repo.cached() == truth
        assert not planted.exists()


def test_a_cache_of_another_checkout_is_not_used(repo: Repo) -> None:
    truth = warm(repo)
    head = repo.git("rev-parse", "HEAD")
    repo.cache_file.parent.mkdir(mode=0o700)
    repo.cache_file.write_text(json.dumps({"v": 1, "checkout": "/elsewhere", "head": head, "paths": {}}))
    assert repo.cached() == truth


def test_an_oversized_cache_is_not_read(repo: Repo) -> None:
    truth = warm(repo)
    head = repo.git("rev-parse", "HEAD")
    repo.cache_file.parent.mkdir(mode=0o700)
    padding = {f"docs/plans/{n:07d}.md": [head, 1, head, 1] for n in range(files.PLAN_HISTORY_CAP // 80)}
    repo.cache_file.write_text(json.dumps({"v": 1, "checkout": str(repo.root), "head": head, "paths": padding}))
    assert repo.cache_file.stat().st_size > files.PLAN_HISTORY_CAP
    assert repo.cached() == truth
    assert repo.cache_file.stat().st_size < 10_000  # replaced by ours


def test_a_linked_cache_file_is_neither_read_nor_written_through(repo: Repo, tmp_path: Path) -> None:
    truth = warm(repo)
    head = repo.git("rev-parse", "HEAD")
    target = tmp_path / "elsewhere.json"
    lie = json.dumps(
        {"v": 1, "checkout": str(repo.root), "head": head, "paths": {"TODO.md": ["a" * 40, 1, "a" * 40, 1]}}
    )
    target.write_text(lie)
    repo.cache_file.parent.mkdir(mode=0o700)
    repo.cache_file.symlink_to(target)
    assert repo.cached() == truth
    assert target.read_text() == lie
    assert not repo.cache_file.is_symlink()  # replaced by a file of ours


def test_a_linked_cache_folder_is_left_alone(repo: Repo, tmp_path: Path) -> None:
    truth = warm(repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo.cache_file.parent.symlink_to(elsewhere)
    assert repo.cached() == truth
    assert list(elsewhere.iterdir()) == []


# --- the property: cached or not, the same evidence -----------------------------------------------------

OPERATION = st.one_of(
    st.tuples(
        st.just("commit"), st.lists(st.sampled_from(POOL), max_size=3), st.lists(st.sampled_from(POOL), max_size=1)
    ),
    st.tuples(st.just("stop"), st.integers(0, 40)),
    st.tuples(st.just("amend"), st.lists(st.sampled_from(POOL), max_size=2)),
    st.tuples(st.just("reset"), st.integers(1, 3)),
    st.tuples(st.just("merge"), st.integers(0, 3), st.lists(st.sampled_from(POOL), min_size=1, max_size=3)),
)


def apply(repo: Repo, operation: tuple[Any, ...], commits: int) -> int:
    """Do one step of the history; the number of commits on the first-parent line afterwards."""
    kind: str = operation[0]
    if kind == "commit":
        repo.commit(operation[1], operation[2])
        return commits + 1
    if kind == "amend" and commits:
        repo.commit(operation[1], amend=True)
    elif kind == "reset" and commits > operation[1]:
        repo.git("reset", "-q", "--hard", f"HEAD~{operation[1]}")
        return commits - int(operation[1])
    elif kind == "merge" and commits > operation[1]:
        # A side branch from an older commit, with commits of its own, merged back (theirs wins a clash).
        repo.git("checkout", "-q", "-b", "side", f"HEAD~{operation[1]}")
        repo.commit(operation[2])
        repo.commit(operation[2][:1])
        repo.git("checkout", "-q", "main")
        at = repo.tick()
        merged = subprocess.run(
            ["git", "-C", str(repo.root), "merge", "-q", "--no-ff", "-X", "theirs", "-m", "merge", "side"],
            capture_output=True, text=True, env={**os.environ, "GIT_AUTHOR_DATE": f"@{at} +0000",
                                                 "GIT_COMMITTER_DATE": f"@{at} +0000"},
        )  # fmt: skip
        if merged.returncode != 0:  # a modify/delete clash "-X theirs" leaves open: keep what is in the tree
            repo.git("add", "-A")
            repo.git("commit", "-q", "--no-edit", at=at)
        repo.git("branch", "-q", "-D", "side")
        return commits + 1  # HEAD~n follows first parents: the merge is one more on this line
    return commits


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPERATION, min_size=1, max_size=14), st.integers(0, 40))
def test_cached_evidence_equals_a_walk_of_the_whole_history(operations: list[tuple[Any, ...]], since: int) -> None:
    with tempfile.TemporaryDirectory() as base:
        repo = Repo(Path(base))
        commits = 0
        for operation in operations:
            if operation[0] == "stop":
                assert repo.cached(T0 + operation[1]) == repo.uncached(T0 + operation[1])
            else:
                commits = apply(repo, operation, commits)
        assert repo.cached(T0 + since) == repo.uncached(T0 + since)
