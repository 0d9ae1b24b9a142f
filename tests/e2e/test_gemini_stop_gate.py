"""The stop gate in the real Gemini CLI (SPEC §5, §12.2): a plan committed an hour before the session, a
commit made during it, then "I'll stop here to preserve context" as the AfterAgent hook's
`prompt_response`. In enforce the block comes back to the model as a plain user turn citing the plan; in
shadow the same continue verdict is only logged: the run ends at that stop and the session's continue
count stays at zero. Either way the event is recorded under agent `gemini` and Gemini's session id.

The set-up is stop_gate.py's. The last user turns, which the server judges too, are read from Gemini's chat
file: a user who asked for the stop makes it legitimate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake_gemini import FakeGemini, ShellStep, TextStep, find_user_turn
from .gemini_client import GeminiRun, GeminiSandbox
from .stop_gate import CARRY_ON, PLAN, PROMPT, RULE, STOP, WAIT, commit_step_1_during, decisions, gate_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def gate(request: pytest.FixtureRequest, gemini_sandbox: GeminiSandbox) -> Iterator[GeminiSandbox]:
    """`gate_server` for Gemini, in the mode the test names (`parametrize("gate", [mode], indirect=True)`)."""
    # `init` finds ~/.gemini/settings.json through HOME: the sandbox's, which the client reads too.
    with gate_server(gemini_sandbox.project_dir, "gemini", {"HOME": str(gemini_sandbox.home_dir)}, request.param):
        yield gemini_sandbox


def stop_after_a_commit(sandbox: GeminiSandbox, fake_gemini: FakeGemini, prompt: str = PROMPT) -> GeminiRun:
    """The agent waits while step 1 is committed, then stops "to preserve context"; a third turn is
    scripted for it to take if the stop is blocked."""
    fake_gemini.set_script([ShellStep(WAIT, "wait for step 1"), TextStep(STOP), TextStep(CARRY_ON)])
    run = commit_step_1_during(sandbox.project_dir, lambda: sandbox.run(prompt))
    assert run.ok, run.describe()
    return run


@pytest.mark.parametrize("gate", ["enforce"], indirect=True)
def test_enforce_blocks_a_context_stop_citing_the_plan(gate: GeminiSandbox, fake_gemini: FakeGemini) -> None:
    run = stop_after_a_commit(gate, fake_gemini)
    turn = find_user_turn(fake_gemini.requests, f"stopwarden: Continue — the plan at {PLAN} predates")
    assert turn is not None, "the stop gate's block never reached the model"
    # Gemini re-fires AfterAgent after the blocked turn, with stop_hook_active: let through, no second event.
    assert decisions(gate.project_dir) == [("enforce", "continue", RULE, PLAN, "gemini", run.session_id, 1)]


@pytest.mark.parametrize("gate", ["shadow"], indirect=True)
def test_shadow_logs_the_continue_and_lets_the_agent_stop(gate: GeminiSandbox, fake_gemini: FakeGemini) -> None:
    run = stop_after_a_commit(gate, fake_gemini)
    assert find_user_turn(fake_gemini.requests, "stopwarden:") is None, "shadow must never block"
    assert fake_gemini.steps_served == 2 and run.result == STOP, "the run should end at the stop"
    assert decisions(gate.project_dir) == [("shadow", "continue", RULE, PLAN, "gemini", run.session_id, 0)]


@pytest.mark.parametrize("gate", ["enforce"], indirect=True)
def test_a_stop_the_user_asked_for_is_let_through(gate: GeminiSandbox, fake_gemini: FakeGemini) -> None:
    """The user's words reach the server from Gemini's chat file: the router reads user turns from transcripts only."""
    run = stop_after_a_commit(gate, fake_gemini, "Implement step 1 of the billing plan, then stop.")
    assert find_user_turn(fake_gemini.requests, "stopwarden:") is None
    [(mode, decision, rule, *_)] = decisions(gate.project_dir)
    assert (mode, decision, rule) == ("enforce", "allow", "U_LEGIT_USER_REQUESTED"), run.describe()
