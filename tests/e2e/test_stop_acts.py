"""The stop acts of docs/stop-acts.md in real clients (issue 19, "Real clients"): every stop is forwarded
once the mode is shadow or enforce, and the `rules` authority names its act.

Claude Code runs the whole story the issue found broken: a plan committed an hour before the session,
`stopwarden init` run beside it, and the agent's first commit, a `git add -A` made through its Bash tool,
which sweeps in the files `init` wrote (`.stopwarden/config.toml`, `.stopwarden/.gitignore`,
`.claude/skills/build/SKILL.md`). That set-up is not work on the gate: a context-preservation stop is
still blocked in enforce and logged as `continue` in shadow; a silent stop that only names its next step
is blocked too, and so is one that ends on the colon of the action it announces ("Let me fix that:") and a
Spanish question that asks leave to go on with the plan's step 2 after reporting step 1 done; a completion
and a question to the user are let through. Codex shows the silent stop
with stop_gate.py's set-up (the test commits step 1 there: Codex's sandbox keeps `.git` read-only).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .claude_client import CompletedRun, run_claude
from .codex_client import CodexSandbox
from .fake_anthropic import BashStep, FakeAnthropic, TextStep, find_stop_hook_feedback
from .fake_openai_responses import FakeResponses, ShellStep, find_hook_prompt
from .fake_openai_responses import TextStep as CodexText
from .stop_gate import CLI, IDENTITY, MODE_ARGS, WAIT, commit_step_1_during, decisions, gate_server, git
from .stop_gate import PLAN as BILLING_PLAN
from .stop_gate import PROMPT as BILLING_PROMPT

pytestmark = pytest.mark.e2e

PLAN = "docs/plans/importer.md"
PROMPT = "Implement the importer plan."
# The agent's first commit in the session: `git add -A` takes init's files along with step 1. A second
# on, so the commit cannot fall before the session start that SessionStart recorded.
FIRST_COMMIT = (
    "sleep 1 && echo 'step 1 done' >> docs/plans/importer.md && git add -A && git commit -qm 'importer: step 1'"
)
# The agent's commit that ticks every item of the plan: its work is marked finished.
TICK_ALL = (
    "sleep 1 && printf '# Importer\\n1. [x] schema migration\\n2. [x] wire the parser into the CLI\\n3. [x] tests\\n'"
    " > docs/plans/importer.md && git add -A && git commit -qm 'importer: all steps'"
)
INIT_FILES = {".stopwarden/config.toml", ".stopwarden/.gitignore", ".claude/skills/build/SKILL.md"}

CONTEXT_STOP = "Step 1 is committed. To preserve context I'll stop here; a fresh session can pick up step 2."
SILENT_STOP = "The schema migration is committed. Next I need to wire the parser into the CLI."
# Ends on the colon of the action it announces: the agent meant to call a tool and ended its turn (round 31).
DANGLING_STOP = "The schema migration is committed. The CLI still parses the old flags. Let me fix that:"
# Outside English, a permission question for the plan's own step after a report of work done (round 32).
PLAN_STEP_STOP = "La migración del esquema está hecha y probada. ¿Sigo con el paso 2 del plan?"
# Outside English, a context excuse that says its context is running out (round 34: gate/context_full.py).
CONTEXT_FULL_STOP = "Migrace schématu je hotová. Kontext mi dochází, takže krok 2 dodělám v nové relaci."
COMPLETION = "All three steps of the plan are implemented and the test suite passes."
QUESTION = "Should the importer skip malformed rows or abort the whole file?"
CARRY_ON = "Carrying on with step 2."

U1 = "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE"
U4 = "U4_NEXT_STEP_ANNOUNCED"
U5 = "U5_PERMISSION_MID_PLAN"
BLOCKED = "stopwarden: Continue"


@pytest.fixture
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A project whose three-step plan was committed an hour ago, stopwarden installed for Claude Code
    (`init`'s files left uncommitted) and its server running in the mode the test names
    (`parametrize("project", [mode], indirect=True)`)."""
    root = tmp_path / "project"
    (root / "docs" / "plans").mkdir(parents=True)
    (root / PLAN).write_text("# Importer\n1. schema migration\n2. wire the parser into the CLI\n3. tests\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plan: importer", when=int(time.time()) - 3600)
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    try:
        for args in (("init", "--agent", "claude-code"), ("start",), ("gate", "mode", *MODE_ARGS[request.param])):
            done = subprocess.run([CLI, *args], cwd=root, env=env, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
        yield root
    finally:
        subprocess.run([CLI, "stop"], cwd=root, env=env, capture_output=True, check=False)


def claude_stops(
    claude_bin: Path, project: Path, stop: str, first: str = FIRST_COMMIT
) -> tuple[FakeAnthropic, CompletedRun]:
    """One Claude Code session: the agent's first commit (`first`: step 1, with init's files), then `stop` as
    its final message; CARRY_ON is scripted for it to take if the stop is blocked."""
    model = FakeAnthropic([BashStep(first), TextStep(stop), TextStep(CARRY_ON)]).start()
    try:
        run = run_claude(claude_bin, project, project.parent / "home", model.base_url, PROMPT,
                         allowed_tools=("Bash",), extra_env=IDENTITY)  # fmt: skip
        assert run.ok, run.describe()
    finally:
        model.stop()
    swept = subprocess.run(["git", "-C", str(project), "show", "--name-only", "--format=", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    assert set(swept) >= INIT_FILES, f"the session's commit should sweep in init's files: {swept}"
    return model, run


def judged(root: Path) -> list[tuple[str, str | None, str | None, str | None]]:
    """What the server made of each stop, for failure messages: decision, rule, fail-open kind, short circuit."""
    with sqlite3.connect(root / ".stopwarden" / "stopwarden.db") as db:
        return db.execute(
            "SELECT decision, rule, fail_open_kind, short_circuit FROM events ORDER BY event_id"
        ).fetchall()


def session_id(run: CompletedRun) -> str:
    assert isinstance(run.json, dict) and isinstance(run.json.get("session_id"), str), run.describe()
    return str(run.json["session_id"])


@pytest.mark.parametrize("project", ["enforce"], indirect=True)
@pytest.mark.parametrize(
    ("stop", "reminder", "rule"),
    [
        # After init and the agent's first `git add -A` commit, which sweeps in init's own files.
        (CONTEXT_STOP, f"the plan at {PLAN} predates", U1),
        # Silent: no stop word at all, the next step named and the turn ended.
        (SILENT_STOP, "you named your next step", U4),
        (DANGLING_STOP, "you named your next step", U4),
        (PLAN_STEP_STOP, f"the plan at {PLAN} already says what comes", U5),
        (CONTEXT_FULL_STOP, f"the plan at {PLAN} predates", U1),
    ],
    ids=[
        "context-stop-after-init-files-committed",
        "silent-next-step",
        "next-action-on-its-colon",
        "plan-step-es",
        "context-full-cs",
    ],
)
def test_enforce_blocks_an_early_stop(claude_bin: Path, project: Path, stop: str, reminder: str, rule: str) -> None:
    model, run = claude_stops(claude_bin, project, stop)
    feedback = find_stop_hook_feedback(model.requests, f"{BLOCKED} — {reminder}")
    assert feedback is not None, f"the block never reached the model: {judged(project)}"
    assert model.steps_served == 3 and run.result == CARRY_ON, "the agent should go on after the block"
    assert decisions(project) == [("enforce", "continue", rule, PLAN, "claude-code", session_id(run), 1)], judged(
        project
    )


@pytest.mark.parametrize("project", ["enforce"], indirect=True)
def test_enforce_blocks_a_question_for_the_plans_next_open_item(claude_bin: Path, project: Path) -> None:
    """ "Shall I move on to the CSV exporter?" names nothing a text can tell from a proposal; the plan's open
    item "- [ ] the CSV exporter", which the Stop hook reads from the working tree, says it is the plan's
    next piece (round 23)."""
    (project / PLAN).write_text("# Importer\n- [x] schema migration\n- [ ] the CSV exporter\n- [ ] tests\n")
    asked = "The schema migration is committed. Shall I move on to the CSV exporter?"
    model, run = claude_stops(claude_bin, project, asked)
    feedback = find_stop_hook_feedback(model.requests, f"{BLOCKED} — the plan at {PLAN} already says what comes")
    assert feedback is not None, f"the block never reached the model: {judged(project)}"
    assert model.steps_served == 3 and run.result == CARRY_ON, "the agent should go on after the block"
    assert decisions(project) == [
        ("enforce", "continue", "U5_PERMISSION_MID_PLAN", PLAN, "claude-code", session_id(run), 1)
    ], judged(project)


@pytest.mark.parametrize("project", ["shadow"], indirect=True)
def test_shadow_logs_a_context_stop_as_continue_and_lets_it_through(claude_bin: Path, project: Path) -> None:
    model, run = claude_stops(claude_bin, project, CONTEXT_STOP)
    assert not any(r.contains(BLOCKED) for r in model.requests), "shadow must never block"
    assert model.steps_served == 2 and run.result == CONTEXT_STOP, "the run should end at the stop"
    assert decisions(project) == [("shadow", "continue", U1, PLAN, "claude-code", session_id(run), 0)], judged(project)


@pytest.mark.parametrize(
    ("stop", "rule"),
    [(COMPLETION, "U_LEGIT_COMPLETION"), (QUESTION, "U_LEGIT_DESIGN_QUESTION")],
    ids=["completion", "question"],
)
@pytest.mark.parametrize("project", ["enforce"], indirect=True)
def test_enforce_lets_a_legitimate_stop_through(claude_bin: Path, project: Path, stop: str, rule: str) -> None:
    model, run = claude_stops(claude_bin, project, stop)
    assert not any(r.contains("stopwarden:") for r in model.requests), f"blocked: {judged(project)}"
    assert model.steps_served == 2 and run.result == stop, "the run should end at the stop"
    logged = [
        (mode, decision, why, agent, session, n) for mode, decision, why, _, agent, session, n in decisions(project)
    ]
    assert logged == [("enforce", "allow", rule, "claude-code", session_id(run), 0)], judged(project)


@pytest.mark.parametrize("project", ["enforce"], indirect=True)
def test_enforce_escalates_a_next_step_after_the_agent_ticked_the_plan_through(claude_bin: Path, project: Path) -> None:
    """The agent ticks every item of the plan in its commit, then names a next step: what it names is its own
    proposal, not the plan's next piece (hooks/evidence.checklist reads the ticks from the working tree). The
    same stop after step 1 alone is blocked (test_enforce_blocks_an_early_stop)."""
    model, run = claude_stops(claude_bin, project, SILENT_STOP, first=TICK_ALL)
    assert not any(r.contains("stopwarden:") for r in model.requests), f"blocked: {judged(project)}"
    assert model.steps_served == 2 and run.result == SILENT_STOP, "the run should end at the stop"
    logged = [
        (mode, decision, why, agent, session, n) for mode, decision, why, _, agent, session, n in decisions(project)
    ]
    assert logged == [("enforce", "escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL", "claude-code", session_id(run), 0)], (
        judged(project)
    )


# --------------------------------------------------------------------------- Codex


@pytest.fixture
def codex_gate(codex_sandbox: CodexSandbox) -> Iterator[CodexSandbox]:
    """stop_gate.py's project for Codex, the server in enforce."""
    home = {"HOME": str(codex_sandbox.home_dir), "CODEX_HOME": str(codex_sandbox.codex_home)}
    with gate_server(codex_sandbox.project_dir, "codex", home, "enforce"):
        yield codex_sandbox


def test_codex_enforce_blocks_a_silent_next_step_stop(codex_gate: CodexSandbox, fake_responses: FakeResponses) -> None:
    fake_responses.set_script([ShellStep(WAIT), CodexText(SILENT_STOP), CodexText(CARRY_ON)])
    run = commit_step_1_during(codex_gate.project_dir, lambda: codex_gate.run(BILLING_PROMPT))
    assert run.ok, run.describe()
    prompt = find_hook_prompt(fake_responses.requests, f"{BLOCKED} — you named your next step")
    assert prompt is not None, f"the block never reached the model: {judged(codex_gate.project_dir)}"
    assert decisions(codex_gate.project_dir) == [
        ("enforce", "continue", U4, BILLING_PLAN, "codex", run.thread_id, 1)
    ], judged(codex_gate.project_dir)
