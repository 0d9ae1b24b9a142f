"""The git runner (git.py): real git, real processes; deadlines, failures, floods."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from stopwarden.common import git, timefmt
from stopwarden.common.errors import StopwardenError
from tests.conftest import git as git_cli


def soon(seconds: float = 5.0) -> float:
    return time.monotonic() + seconds


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def alive(pid: int) -> bool:
    """Whether `pid` still runs a second after its group was killed (a grandchild of ours dies on its own
    time: only git, our child, is waited for)."""
    for _ in range(100):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except FileNotFoundError:
            return False
        if state == "Z":
            return False
        time.sleep(0.01)
    return True


def test_output_and_exit_code(tmp_path: Path) -> None:
    git_cli(tmp_path, "init", "-q")
    assert git.run(str(tmp_path), ["rev-parse", "--is-inside-work-tree"], soon()) == (b"true\n", 0)


def test_a_failing_git_gives_its_code_and_keeps_stderr_off_ours(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out, code = git.run(str(tmp_path), ["rev-parse", "HEAD"], soon())  # not a repository
    assert (out, code) == (b"", 128)
    assert capfd.readouterr() == ("", "")


def test_a_git_past_its_deadline_is_killed_with_what_it_started(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    # An alias runs through a shell: a grandchild, which only a kill of the process group reaches.
    alias = f"alias.hang=!echo $$ > '{pid_file}'; echo started; exec sleep 30"
    started = time.monotonic()
    out, code = git.run(str(tmp_path), ["-c", alias, "hang"], time.monotonic() + 0.5)
    assert code is None and out == b"started\n"
    assert time.monotonic() - started < 3
    assert not alive(int(pid_file.read_text()))


def test_output_over_the_cap_is_cut_and_git_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    before = open_fds()
    out, code = git.run(
        str(tmp_path), ["-c", f"alias.flood=!echo $$ > '{pid_file}'; exec yes", "flood"], soon(), 100_000
    )
    assert code is None and len(out) == 100_000 and set(out) == {ord("y"), ord("\n")}
    assert not alive(int(pid_file.read_text()))
    assert open_fds() == before


def test_output_at_the_cap_is_whole(tmp_path: Path) -> None:
    out, code = git.run(str(tmp_path), ["-c", "alias.some=!head -c 100000 /dev/zero", "some"], soon(), 100_000)
    assert (len(out), code) == (100_000, 0)


def test_no_git_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    before = open_fds()
    assert git.run(str(tmp_path), ["--version"], soon()) == (b"", None)
    assert open_fds() == before


def test_a_deadline_already_past_starts_nothing(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    assert git.run(str(tmp_path), ["-c", f"alias.x=!echo $$ > '{pid_file}'", "x"], time.monotonic()) == (b"", None)
    assert not pid_file.exists()


def test_no_descriptor_leaks_over_many_runs(tmp_path: Path) -> None:
    before = open_fds()
    for _ in range(50):
        git.run(str(tmp_path), ["--version"], soon())
    assert open_fds() == before


def test_checked_answers_stdout_alone_and_fails_with_gits_own_message(project: Path) -> None:
    """`checked` (worktrees, the demo): what git says on stderr is never part of the answer, and is the
    error when git fails."""
    assert git.checked(str(project), "checkout", "-q", "-b", "side") == ""
    assert git.checked(str(project), "checkout", "-b", "other") == ""  # "Switched to a new branch" is stderr
    assert git.checked(str(project), "rev-parse", "--abbrev-ref", "HEAD") == "other"
    with pytest.raises(StopwardenError, match=r"git merge failed: merge: no-such-branch - not something we can merge"):
        git.checked(str(project), "merge", "no-such-branch")


def test_a_corrupt_time_is_shown_as_it_is() -> None:
    """`build log` reads times from a file under .stopwarden/, which may be anything."""
    assert timefmt.local_iso("99999999999-01-01T00:00:00Z") == "99999999999-01-01T00:00:00Z"
    assert timefmt.local_iso("not a time") == "not a time" and timefmt.local_iso(None) == "None"
    assert timefmt.local_iso("2026-12-03T08:52:20.123Z").startswith("2026-12-0")
