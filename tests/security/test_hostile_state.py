"""A cloned repository may commit anything under `.stopwarden/`, links included (issue 18, items 2 and 3).

Every test builds such a repository for real and runs the installed hook (or the CLI) in it: nothing may
be written outside the project, no link followed, no file read unbounded, and every hook still exits 0
with nothing on stdout (the agent is let go) and says why in hook.log where it can.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import hook_command, stop_payload

MEMORY_CAP = 1 << 30  # an unbounded read of /dev/zero would blow through this in well under a second
HOOK_TIMEOUT_S = 15


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def hook(root: Path, payload: Mapping[str, Any], event: str = "Stop") -> subprocess.CompletedProcess[str]:
    """The installed hook, as the agent runs it, with a memory cap and a deadline."""
    done = subprocess.run(
        ["sh", "-c", hook_command(root, event)], input=json.dumps(payload).encode(), capture_output=True,
        cwd=root, timeout=HOOK_TIMEOUT_S, check=False, preexec_fn=_limited,
    )  # fmt: skip
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def session_start(root: Path, session_id: str = "s1") -> subprocess.CompletedProcess[str]:
    payload = {"session_id": session_id, "cwd": str(root), "hook_event_name": "SessionStart", "source": "startup"}
    return hook(root, payload, "SessionStart")


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file of the user's outside the project (their ~/.bashrc, say)."""
    path = tmp_path / "victim" / ".bashrc"
    path.parent.mkdir()
    path.write_text("# the user's own\n")
    return path


def _unowned_build(root: Path, build_id: str) -> None:
    """A committed, active build without an owner: the hook appends `gate.unowned` to the audit log."""
    builds = root / ".stopwarden" / "builds"
    (builds / "active").mkdir(parents=True, exist_ok=True)
    (builds / "active" / build_id).touch()
    state = {
        "id": build_id, "task": "t", "size": "SMALL", "phase": "executing",
        "protection": {"reinforcements": 3, "label": "light"}, "reinforcements_used": 0, "owner": {},
        "started_at": "2026-01-01T00:00:00Z", "completed_at": None, "steps": [], "total_tests": 0,
        "all_passing": True, "fix_iterations": 0, "max_fix_iterations": 3, "verify_iterations": 0, "worktree": None,
    }  # fmt: skip
    (builds / f"{build_id}.json").write_text(json.dumps(state))


def _link(path: Path, target: Path | str) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


def test_hook_log_link_is_never_written_through(installed: Path, victim: Path) -> None:
    """The measured attack: hook.log -> ~/.bashrc, plus a marker whose name is a shell command."""
    _link(installed / ".stopwarden" / "hook.log", victim)
    marker = installed / ".stopwarden" / "builds" / "active"
    marker.mkdir(parents=True, exist_ok=True)
    (marker / "x; echo pwned > pwned.txt #").touch()
    done = hook(installed, stop_payload(installed, "s1"))
    assert (done.returncode, done.stdout) == (0, "")
    assert victim.read_text() == "# the user's own\n"
    assert "not ours" in done.stderr  # the one place left to say why


def test_audit_log_link_is_never_written_through(installed: Path, victim: Path) -> None:
    _unowned_build(installed, "b-1")
    _link(installed / ".stopwarden" / "builds" / "audit.jsonl", victim)
    done = hook(installed, stop_payload(installed, "s1"))
    assert (done.returncode, done.stdout) == (0, "")
    assert victim.read_text() == "# the user's own\n"
    assert "not ours" in (installed / ".stopwarden" / "hook.log").read_text()


def test_lock_link_is_never_created_through(installed: Path, tmp_path: Path) -> None:
    _unowned_build(installed, "b-1")
    planted = tmp_path / "victim" / "created-by-lock"
    planted.parent.mkdir()
    _link(installed / ".stopwarden" / "builds" / "b-1.lock", planted)
    (installed / ".stopwarden" / "builds" / "b-1.json").write_text(
        (installed / ".stopwarden" / "builds" / "b-1.json")
        .read_text()
        .replace('"owner": {}', '"owner": {"session_id": "s1"}')
    )
    done = hook(installed, stop_payload(installed, "s1"))
    assert (done.returncode, done.stdout) == (0, "")
    assert not planted.exists()


@pytest.mark.parametrize("folder", ["builds", "sessions", "builds/active"])
def test_a_linked_folder_is_never_written_into(installed: Path, tmp_path: Path, folder: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    _unowned_build(installed, "b-1")
    path = installed / ".stopwarden" / folder
    if folder == "builds/active":
        (outside / "b-1").touch()
    os.system(f"rm -rf '{path}'")
    _link(path, outside)
    before = sorted(p.name for p in outside.iterdir())
    assert (hook(installed, stop_payload(installed, "s1")).returncode, session_start(installed).returncode) == (0, 0)
    assert sorted(p.name for p in outside.iterdir()) == before


def test_a_linked_evidence_folder_is_never_deleted_from(installed: Path, tmp_path: Path) -> None:
    """`build worktree remove` forgets the worktree's evidence cache: never through a committed link."""
    from stopwarden.state import files

    outside = tmp_path / "outside"
    outside.mkdir()
    checkout = str(installed / ".stopwarden" / "worktrees" / "b-1")
    victim = outside / f"{files.checkout_key(checkout)}.json"  # the name the cache would have
    victim.write_text("{}")
    _link(installed / ".stopwarden" / "evidence", outside)
    files.forget_plan_history(str(installed), checkout)
    assert victim.exists()


def test_the_whole_state_folder_as_a_link_is_not_ours(installed: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    os.rename(installed / ".stopwarden", outside)
    _link(installed / ".stopwarden", outside)
    _unowned_build(installed, "b-1")  # through the link, as the repository laid it out
    before = sorted(p.name for p in outside.rglob("*"))
    assert hook(installed, stop_payload(installed, "s1")).returncode == 0
    assert session_start(installed).returncode == 0
    assert sorted(p.name for p in outside.rglob("*")) == before


@pytest.mark.parametrize(
    "name", ["config.toml", "hot-path.json", "token", "sessions/s1", "builds/b-1.json", "builds/audit.jsonl"]
)
def test_dev_zero_is_never_read_unbounded(installed: Path, name: str) -> None:
    """A link to /dev/zero grew the hook to 6 GB in 8 s; now it is refused at once, and said so."""
    _unowned_build(installed, "b-1")
    (installed / ".stopwarden" / "sessions").mkdir(exist_ok=True)
    _link(installed / ".stopwarden" / name, "/dev/zero")
    for done in (
        session_start(installed),
        hook(
            installed,
            stop_payload(
                installed,
                "s1",
                last_assistant_message=(
                    "Step 1 is committed. To preserve context I'll stop here; a fresh session can do the rest."
                ),
            ),
        ),
    ):
        assert (done.returncode, done.stdout.strip() in ("", "{}")) == (0, True), done
    log = (installed / ".stopwarden" / "hook.log").read_text()
    assert "MemoryError" not in log


def test_a_huge_regular_state_file_is_refused_not_read(installed: Path) -> None:
    _unowned_build(installed, "b-1")
    state = installed / ".stopwarden" / "builds" / "b-1.json"
    with open(state, "r+b") as f:
        f.truncate(4 << 30)  # sparse: 4 GiB that cost no disk
    done = hook(installed, stop_payload(installed, "s1"))
    assert (done.returncode, done.stdout) == (0, "")
    assert "not ours" in (installed / ".stopwarden" / "hook.log").read_text()


def test_a_linked_config_is_a_config_error(installed: Path, tmp_path: Path) -> None:
    from stopwarden.common import config as config_module
    from stopwarden.common.errors import StopwardenError

    outside = tmp_path / "elsewhere.toml"
    outside.write_text((installed / ".stopwarden" / "config.toml").read_text())
    _link(installed / ".stopwarden" / "config.toml", outside)
    with pytest.raises(StopwardenError, match="not ours"):
        config_module.load(str(installed))


def test_gate_authority_never_rewrites_through_a_linked_config(installed: Path, tmp_path: Path, cli: Any) -> None:
    outside = tmp_path / "elsewhere.toml"
    outside.write_text((installed / ".stopwarden" / "config.toml").read_text())
    before = outside.read_text()
    _link(installed / ".stopwarden" / "config.toml", outside)
    result = cli("gate", "authority", "rules")
    assert result.code == 1 and "not ours" in result.err
    assert outside.read_text() == before and (installed / ".stopwarden" / "config.toml").is_symlink()


def test_the_install_record_is_never_read_unbounded(installed: Path) -> None:
    from stopwarden.install import installer

    _link(installed / ".stopwarden" / "installed.json", "/dev/zero")
    assert installer.read_record(str(installed)) == {}


def test_init_writes_nothing_through_a_linked_state_folder(project: Path, tmp_path: Path, cli: Any) -> None:
    """A repository's `.stopwarden` link: init refuses it before creating anything through it (an operator
    review found builds/, sessions/, plans/ and backups/ made in its target first), and doctor names the
    link rather than a chmod of its target."""
    outside = tmp_path / "outside"
    outside.mkdir()
    _link(project / ".stopwarden", outside)
    result = cli("init", "--agent", "claude-code")
    assert result.code == 1 and "not a real folder" in result.err and "remove it" in result.err
    assert list(outside.iterdir()) == []
    doctor = cli("doctor")
    assert "is a link, not a folder of this project's" in " ".join(doctor.out.split()) and "chmod" not in doctor.out


def test_init_says_what_it_replaced_of_a_committed_state(project: Path, cli: Any) -> None:
    """A repository that commits a token and a store: init replaces the token and sets the store aside, and
    says so, with how to keep the new secret out of the next commit (it stays in git's index)."""
    state = project / ".stopwarden"
    state.mkdir()
    (state / "token").write_text("not-a-secret\n")
    (state / "stopwarden.db").write_bytes(b"a store of the repository's making")
    subprocess.run(["git", "add", "-f", ".stopwarden"], cwd=project, check=True)
    subprocess.run(["git", "commit", "-qm", "state"], cwd=project, check=True)
    result = cli("init", "--agent", "claude-code")
    assert result.code == 0, result.err
    said = " ".join(result.out.split())
    assert "set aside the store the repository committed: stopwarden.db.from-repository" in said
    assert "warning: the repository commits .stopwarden/token" in said
    assert "git rm --cached .stopwarden/token" in said
    assert (state / "token").read_text() != "not-a-secret\n"
