"""Git evidence on real repositories (SPEC §5.3): artifacts with their history, session commits, limits."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from stopwarden.hooks import evidence
from tests.conftest import git

T0 = 1_700_000_000


def commit(root: Path, message: str, at: int, *paths: str, text: str | None = None) -> str:
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text if text is not None else f"{message}\n")
    git(root, "add", "-A")
    env_date = f"@{at} +0000"
    os.environ["GIT_COMMITTER_DATE"] = os.environ["GIT_AUTHOR_DATE"] = env_date
    try:
        git(root, "commit", "-qm", message)
    finally:
        del os.environ["GIT_COMMITTER_DATE"], os.environ["GIT_AUTHOR_DATE"]
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo with spaces"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def test_artifacts_and_session_commits(repo: Path) -> None:
    intro = commit(repo, "plan", T0, "docs/plans/billing.md")
    commit(repo, "code", T0 + 10, "src/app.py")
    progress = commit(repo, "step 1", T0 + 100, "docs/plans/billing.md", "src/app.py", text="step 1 done\n")
    new = commit(repo, "new spec", T0 + 200, "specs/search spec.md")
    found = evidence.collect(str(repo), T0 + 50)
    assert found["partial"] is False
    by_path = {a["path"]: a for a in found["artifacts"]}
    assert by_path["docs/plans/billing.md"] == {
        "path": "docs/plans/billing.md", "introducingCommit": intro, "latestCommit": progress,
        "createdThisSession": False, "modifiedThisSession": True,
    }  # fmt: skip
    assert by_path["specs/search spec.md"]["createdThisSession"] is True
    assert by_path["specs/search spec.md"]["introducingCommit"] == new
    assert [a["path"] for a in found["artifacts"]] == ["specs/search spec.md", "docs/plans/billing.md"]
    assert [c["sha"] for c in found["session_commits"]] == [new, progress]
    assert set(found["session_commits"][1]["files"]) == {"docs/plans/billing.md", "src/app.py"}


def test_the_open_items_of_the_plans_older_than_the_session(repo: Path, tmp_path: Path) -> None:
    """A plan's unchecked items, as the working tree has them (the agent ticks them off as it goes), for the
    plans that predate the session; never a plan made in it, never through a link, never past the bound."""
    plan = "- [x] Dockerfile\n- [ ] Kubernetes manifests\n  * [ ] Helm chart\n3. [ ] the OTA part\nnotes [ ] no\n"
    commit(repo, "plan", T0, "docs/plans/deploy.md", text=plan)
    commit(repo, "new plan", T0 + 100, "docs/plans/later.md", text="- [ ] made in the session\n")
    (repo / "docs/plans/deploy.md").write_text(plan.replace("- [ ] Kubernetes", "- [x] Kubernetes"))
    by_path = {a["path"]: a for a in evidence.collect(str(repo), T0 + 50)["artifacts"]}
    assert by_path["docs/plans/deploy.md"]["openItems"] == ["Helm chart", "the OTA part"]
    assert "openItems" not in by_path["docs/plans/later.md"]
    assert evidence.checklist(str(repo), "docs/plans/none.md")[0] == []


@pytest.mark.parametrize(
    ("plan", "ticked_through"),
    [
        ("# Billing\n- [x] prices\n- [X] checkout\n1. [x] webhooks\n", True),
        ("- [x] prices\n- [x] checkout\n\n## Later\n- [ ] usage metering\n## Nice to have\n* [ ] dark mode\n", True),
        ("- [x] prices\n- [ ] checkout\n", False),  # an open item
        ("- [x] prices\n## Phase 2\n- [ ] checkout\n", False),  # a later phase is still the plan's work
        ("## Later\n- [x] usage metering\n", False),  # ticked, but nothing of the plan's own
        ("Prices, then checkout, then webhooks.\n", False),  # no checklist: it says nothing either way
    ],
)
def test_a_plan_is_ticked_through_when_no_item_of_its_own_is_open(repo: Path, plan: str, ticked_through: bool) -> None:
    (repo / "PLAN.md").write_text(plan)
    assert evidence.checklist(str(repo), "PLAN.md")[1] is ticked_through


def test_the_evidence_says_which_plans_older_than_the_session_are_ticked_through(repo: Path) -> None:
    commit(repo, "plan", T0, "docs/plans/deploy.md", text="- [ ] Dockerfile\n- [ ] Helm chart\n")
    (repo / "docs/plans/deploy.md").write_text("- [x] Dockerfile\n- [x] Helm chart\n")
    by_path = {a["path"]: a for a in evidence.collect(str(repo), T0 + 50)["artifacts"]}
    assert by_path["docs/plans/deploy.md"]["tickedThrough"] is True
    assert "openItems" not in by_path["docs/plans/deploy.md"]


def test_open_items_are_read_only_from_a_bounded_regular_file_in_the_checkout(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("- [ ] a secret of another folder\n")
    (repo / "PLAN.md").symlink_to(outside)
    (repo / "docs").mkdir()
    (repo / "docs" / "elsewhere").symlink_to(tmp_path)
    os.mkfifo(repo / "fifo-plan.md")
    assert evidence.checklist(str(repo), "PLAN.md")[0] == []  # a link, even to a file
    assert evidence.checklist(str(repo), "docs/elsewhere/outside.md")[0] == []  # a folder that leads out
    assert evidence.checklist(str(repo), "fifo-plan.md")[0] == []  # would block a reader: never opened to wait
    (repo / "big-plan.md").write_text("- [ ] " + "x" * 500 + "\n" + "- [ ] item\n" * 100_000)
    items = evidence.checklist(str(repo), "big-plan.md")[0]
    assert items[0] == "x" * evidence.OPEN_ITEM_CHARS and len(items) == evidence.OPEN_ITEMS
    (repo / "escapes.md").write_text(
        "- [ ] \x1b[31mred\u202e \x01\n" + "- [ ] " + "y" * 199 + "\n" * 1 + ("- [ ] " + "z" * 199 + "\n") * 28
    )
    items = evidence.checklist(str(repo), "escapes.md")[0]
    assert items[0] == "[31mred" and sum(map(len, items)) <= evidence.OPEN_ITEMS_CHARS  # no control, bounded in all


def test_a_chain_of_links_costs_one_refused_open(repo: Path) -> None:
    """A security review: `os.path.realpath` recursed through 1,100 links (a RecursionError out of the hook)
    and took 35 s over 10,000. Each folder is opened without following a link: one refusal, at once."""
    (repo / "l0").mkdir()
    for n in range(1, 1200):
        (repo / f"l{n}").symlink_to(f"l{n - 1}")
    (repo / "TODO.md").symlink_to("l1199/x.md")
    (repo / "plans").symlink_to("l1199")
    started = time.perf_counter()
    assert evidence.checklist(str(repo), "TODO.md")[0] == [] and evidence.checklist(str(repo), "plans/x.md")[0] == []
    assert evidence.checklist(str(repo), "../repo/TODO.md")[0] == []
    assert time.perf_counter() - started < 0.1


def test_a_commit_dated_in_the_future_is_no_progress_of_the_session(repo: Path) -> None:
    """A repository can commit one (a security review): it would have stood as the session's progress."""
    commit(repo, "plan", T0, "docs/plans/p.md")
    commit(repo, "from the future", int(time.time()) + 86_400 * 365, "src/app.py")
    assert evidence.collect(str(repo), T0 + 50)["session_commits"] == []


@pytest.mark.parametrize(
    ("path", "is_one"),
    [
        ("docs/plans/a.md", True), ("docs/specs/x.txt", True), ("plans/q3.md", True), ("tasks/t.md", True),
        ("TODO.md", True), ("ROADMAP.md", True), ("src/BillingPlan.md", True), ("api-spec.md", True),
        (".stopwarden/plans/b-1.md", True), ("services/api/docs/plans/x.md", True),
        ("src/plan.py", False), ("README.md", False), ("docs/guide.md", False),
    ],
)  # fmt: skip
def test_artifact_conventions(path: str, is_one: bool) -> None:
    assert evidence.is_artifact(path) is is_one


def test_a_renamed_plan_is_a_new_path(repo: Path) -> None:
    commit(repo, "plan", T0, "docs/plans/old.md")
    git(repo, "mv", "docs/plans/old.md", "docs/plans/new.md")
    renamed = commit(repo, "rename", T0 + 100)
    [artifact] = evidence.collect(str(repo), T0 + 50)["artifacts"]
    assert artifact["path"] == "docs/plans/new.md" and artifact["introducingCommit"] == renamed
    assert artifact["createdThisSession"] is True  # git log without --follow: the rename introduced it


def test_detached_head(repo: Path) -> None:
    first = commit(repo, "plan", T0, "docs/plans/p.md")
    commit(repo, "more", T0 + 100, "docs/plans/p.md", text="more\n")
    git(repo, "checkout", "-q", first)
    [artifact] = evidence.collect(str(repo), T0 + 50)["artifacts"]
    assert artifact["latestCommit"] == first  # history as HEAD sees it
    assert evidence.collect(str(repo), T0 + 50)["session_commits"] == []


def test_no_commits_and_no_repository(repo: Path, tmp_path: Path) -> None:
    (repo / "TODO.md").write_text("x")
    assert evidence.collect(str(repo), T0) == {"artifacts": [], "session_commits": [], "partial": False}
    plain = tmp_path / "plain"
    plain.mkdir()
    assert evidence.collect(str(plain), T0)["artifacts"] == []


def test_the_budget_returns_what_it_has(repo: Path) -> None:
    commit(repo, "plan", T0, "docs/plans/p.md")
    found = evidence.collect(str(repo), T0, budget_s=0.0)
    assert found == {"artifacts": [], "session_commits": [], "partial": True}


def test_at_most_30_artifacts_newest_first(repo: Path) -> None:
    for i in range(35):
        commit(repo, f"plan {i}", T0 + i, f"docs/plans/p{i:02}.md")
    artifacts = evidence.collect(str(repo), T0 + 1000)["artifacts"]
    assert len(artifacts) == 30 and artifacts[0]["path"] == "docs/plans/p34.md"
