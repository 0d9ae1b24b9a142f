"""The stop gate in the real Codex CLI (SPEC §5, §12.1), set up as stop_gate.py says. In enforce the block
reaches the model as a `<hook_prompt>` citing the plan; in shadow the same continue verdict is only logged:
Codex ends the run at that stop, and the session's continue count stays at zero."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .codex_client import CodexRun, CodexSandbox
from .fake_openai_responses import FakeResponses, ShellStep, TextStep, find_hook_prompt
from .stop_gate import CARRY_ON, PLAN, PROMPT, RULE, STOP, WAIT, commit_step_1_during, decisions, gate_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def gate(request: pytest.FixtureRequest, codex_sandbox: CodexSandbox) -> Iterator[CodexSandbox]:
    """`gate_server` for Codex, in the mode the test names (`parametrize("gate", [mode], indirect=True)`)."""
    home = {"HOME": str(codex_sandbox.home_dir), "CODEX_HOME": str(codex_sandbox.codex_home)}
    with gate_server(codex_sandbox.project_dir, "codex", home, request.param):
        yield codex_sandbox


def stop_after_a_commit(sandbox: CodexSandbox, fake_responses: FakeResponses) -> CodexRun:
    """The agent waits while step 1 is committed, then stops "to preserve context"; a third turn is
    scripted for it to take if the stop is blocked."""
    fake_responses.set_script([ShellStep(WAIT), TextStep(STOP), TextStep(CARRY_ON)])
    run = commit_step_1_during(sandbox.project_dir, lambda: sandbox.run(PROMPT))
    assert run.ok, run.describe()
    return run


@pytest.mark.parametrize("gate", ["enforce"], indirect=True)
def test_enforce_blocks_a_context_stop_citing_the_plan(gate: CodexSandbox, fake_responses: FakeResponses) -> None:
    run = stop_after_a_commit(gate, fake_responses)
    prompt = find_hook_prompt(fake_responses.requests, f"stopwarden: Continue — the plan at {PLAN} predates")
    assert prompt is not None, "the stop gate's block never reached the model"
    # The stop after the block comes with stop_hook_active, so it is let through without a second event.
    assert decisions(gate.project_dir) == [("enforce", "continue", RULE, PLAN, "codex", run.thread_id, 1)]


@pytest.mark.parametrize("gate", ["shadow"], indirect=True)
def test_shadow_logs_the_continue_and_lets_the_agent_stop(gate: CodexSandbox, fake_responses: FakeResponses) -> None:
    run = stop_after_a_commit(gate, fake_responses)
    assert find_hook_prompt(fake_responses.requests, "stopwarden:") is None, "shadow must never block"
    assert fake_responses.steps_served == 2 and run.result == STOP, "the run should end at the stop"
    assert decisions(gate.project_dir) == [("shadow", "continue", RULE, PLAN, "codex", run.thread_id, 0)]
