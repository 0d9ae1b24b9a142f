"""The `claude-cli` authority with the real Claude Code binary against a scripted model server (SPEC §5.5):
a verdict comes back through `claude -p`, and a model that never answers is cut off at the budget with the
whole process group killed."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from stopwarden.gate import providers
from stopwarden.gate.case import Artifact, Case
from stopwarden.gate.service import ask

from .fake_anthropic import FakeAnthropic

pytestmark = pytest.mark.e2e

CASE = Case("Everything in the plan is done; all checks pass.",
            artifacts=(Artifact("docs/plans/p.md", "a" * 40, "b" * 40, False, True),))  # fmt: skip
ALLOW = json.dumps({"decision": "allow", "rule": "U_LEGIT_COMPLETION", "evidence_pointer": {}, "rationale": "done"})


@pytest.fixture
def judge_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "judge-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(home / ".claude"))
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    yield home


def test_a_verdict_through_claude_p(claude_bin: Path, judge_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeAnthropic(side_text=ALLOW, final_text=ALLOW) as model:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", model.base_url)
        authority = providers.ClaudeCliAuthority({"command": str(claude_bin)}, 30.0)
        with ThreadPoolExecutor(1) as pool:
            verdict, failure = ask(authority, CASE, 30.0, pool)
        assert failure is None and verdict is not None
        assert (verdict.decision, verdict.rule) == ("allow", "U_LEGIT_COMPLETION")
        sent = [r for r in model.messages_requests if r.contains("You judge whether an AI coding agent")]
        assert sent, "the fixed system prompt never reached the model"
        assert not sent[0].tool_names, "the judge must run with no tools"
        assert sent[0].contains('"stop_text": "Everything in the plan is done; all checks pass."')


def test_a_hanging_model_is_cut_off_and_nothing_is_left_running(
    claude_bin: Path, judge_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as silent:  # accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        held: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            silent.settimeout(0.2)
            while not stop.is_set():
                try:
                    held.append(silent.accept()[0])
                except OSError:
                    continue

        acceptor = threading.Thread(target=accept, daemon=True)
        acceptor.start()
        monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
        authority = providers.ClaudeCliAuthority({"command": str(claude_bin)}, 3.0)
        began = time.monotonic()
        with ThreadPoolExecutor(1) as pool:
            assert ask(authority, CASE, 10.0, pool) == (None, "timeout")
        assert time.monotonic() - began < 6
        stop.set()
        acceptor.join()
        for conn in held:
            conn.close()
    time.sleep(0.3)
    assert _processes_with(str(judge_env)) == [], "a claude process outlived its budget"


def _processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds `marker` (the judge's own HOME)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if marker.encode() in f.read():
                    with open(f"/proc/{entry}/stat") as s:
                        if s.read().rpartition(")")[2].split()[0] != "Z":
                            found.append(int(entry))
        except OSError:
            continue
    return found
