"""A build's own worktree: created on a new branch, merged back, removed (SPEC §4.5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stopwarden.state import files
from tests.conftest import git


def _committed_build(installed: Path, cli: Any) -> str:
    git(installed, "add", "-A")
    git(installed, "commit", "-qm", "install stopwarden")
    result = cli("build", "start", "Add a login page", "--owner-session", "me", "--json")
    assert result.code == 0, result.err
    build_id: str = result.json()["id"]
    return build_id


def test_create_merge_remove(installed: Path, cli: Any) -> None:
    build_id = _committed_build(installed, cli)
    tree = cli("build", "worktree", "create", "--json").json()
    path = Path(tree["path"])
    assert path == installed / ".stopwarden" / "worktrees" / build_id
    assert (tree["branch"], tree["source_branch"]) == (f"stopwarden/{build_id}", "main")
    assert cli("build", "status", "--json").json()["worktree"]["path"] == str(path)

    (path / "login.py").write_text("print('login')\n")
    git(path, "add", "login.py")
    git(path, "commit", "-qm", "login page")
    merged = cli("build", "worktree", "merge", "--json")
    assert merged.code == 0, merged.err
    assert (installed / "login.py").exists()
    assert git(installed, "log", "-1", "--format=%H").strip() == merged.json()["commit"]

    for checkout in (str(path), str(installed)):  # the evidence caches the Stop hook keeps, one per checkout
        files.write_plan_history(str(installed), checkout, b"{}")
    assert cli("build", "worktree", "remove").code == 0
    assert not path.exists()
    assert not Path(files.plan_history_path(str(installed), str(path))).exists()  # its cache goes with it
    assert Path(files.plan_history_path(str(installed), str(installed))).exists()
    assert cli("build", "status", "--json").json()["worktree"] is None
    assert f"stopwarden/{build_id}" in git(installed, "branch", "--list")  # the branch is kept
    events = [r["event"] for r in cli("build", "log", "--limit", "50", "--json").json()]
    assert [e for e in events if e.startswith("work")] == ["worktree.created", "worktree.merged", "worktree.removed"]


def test_worktree_errors(installed: Path, cli: Any) -> None:
    _committed_build(installed, cli)
    for args, message in [
        (("merge",), "has no worktree"),
        (("remove",), "has no worktree"),
    ]:
        result = cli("build", "worktree", *args)
        assert result.code == 1 and message in result.err, result.err
    assert cli("build", "worktree", "create", "--branch", "feature/login").code == 0
    result = cli("build", "worktree", "create")
    assert result.code == 1 and "already has the worktree" in result.err
    path = Path(cli("build", "status", "--json").json()["worktree"]["path"])
    (path / "dirty.txt").write_text("x")
    git(path, "add", "dirty.txt")
    result = cli("build", "worktree", "merge")
    assert result.code == 1 and "uncommitted changes" in result.err
    git(installed, "checkout", "-qb", "elsewhere")
    git(path, "commit", "-qm", "dirty")
    result = cli("build", "worktree", "merge")
    assert result.code == 1 and "not main" in result.err and "git checkout main" in result.err
    result = cli("build", "worktree", "remove")
    assert result.code == 0


def test_worktree_outside_git(tmp_path: Path, cli: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("init").code == 0
    cli("build", "start", "x", "--owner-session", "me")
    result = cli("build", "worktree", "create")
    assert result.code == 1 and "git rev-parse failed" in result.err


def test_a_conflicting_merge_leaves_the_main_checkout_as_it_was(installed: Path, cli: Any) -> None:
    """A conflict aborts the merge and names the files; the main checkout is not left mid-merge (an operator
    review found `UU f.txt` and "git merge failed: exit 1" with no hint)."""
    _committed_build(installed, cli)
    path = Path(cli("build", "worktree", "create", "--json").json()["path"])
    (path / "f.txt").write_text("worktree side\n")
    git(path, "add", "f.txt")
    git(path, "commit", "-qm", "worktree side")
    (installed / "f.txt").write_text("main side\n")
    git(installed, "add", "f.txt")
    git(installed, "commit", "-qm", "main side")
    head = git(installed, "rev-parse", "HEAD").strip()
    merged = cli("build", "worktree", "merge")
    assert merged.code == 1
    assert "conflicts in f.txt; the merge was aborted, the main checkout is as it was" in merged.err
    assert "hint: in the worktree, run `git merge main`, resolve and commit, then merge again" in merged.err
    assert git(installed, "status", "--porcelain").strip() == "" and git(installed, "rev-parse", "HEAD").strip() == head
    assert cli("build", "status", "--json").json()["worktree"].get("merged_at") is None
