"""The hook on hostile input, in every agent's dialect (issue 18): JSON-shaped payloads, mutated from a
realistic one, in a project with an owned active build and a hot-path file. Whatever arrives, the hook
answers the dialect's allow or one valid block, and never raises."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stopwarden.agents import dialect
from stopwarden.common.names import AGENTS
from stopwarden.hooks.main import handle

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
# Fields any of the four clients sends (SPEC §12), and values that have hurt before: ids that are paths,
# escape sequences, stop texts that sound like an early stop.
FIELDS = (
    "session_id", "transcript_path", "cwd", "hook_event_name", "stop_hook_active", "last_assistant_message",
    "prompt_response", "background_tasks", "source", "turn_id", "model", "prompt", "timestamp",
    "sessionId", "transcriptPath", "stopReason",
)  # fmt: skip
NASTY = st.sampled_from([
    "owner", "../../etc", "/abs", "", ".", "x\x00y", "\x1b[2K\x1b]0;t\x07", "a" * 5000,
    "Step 1 is committed. To preserve context I'll stop here.", "Next I need to wire the parser.",
])  # fmt: skip


def realistic(agent: str, root: Path) -> dict[str, Any]:
    if not dialect(agent).STOP_TEXT_FIELDS:  # Copilot CLI: camelCase, the stop text in its transcript
        return {"sessionId": "owner", "transcriptPath": str(root / "t.jsonl"), "cwd": str(root),
                "stopReason": "end_turn", "stop_hook_active": False, "timestamp": 1796251200516}  # fmt: skip
    field = dialect(agent).STOP_TEXT_FIELDS[0]
    return {"session_id": "owner", "transcript_path": str(root / "t.jsonl"), "cwd": str(root),
            "hook_event_name": "Stop" if agent != "gemini" else "AfterAgent", "stop_hook_active": False,
            field: "Done for now."}  # fmt: skip


mutations = st.lists(
    st.tuples(st.sampled_from(["set", "drop", "nasty"]), st.sampled_from(FIELDS), json_values | NASTY), max_size=5
)


def _mutate(base: dict[str, Any], steps: list[tuple[str, str, Any]]) -> dict[str, Any]:
    out = dict(base)
    for op, key, value in steps:
        if op == "drop":
            out.pop(key, None)
        else:
            out[key] = value
    return out


def _check(agent: str, out: str) -> None:
    module = dialect(agent)
    if out == module.ALLOW:
        return
    assert out.endswith("\n") and out.count("\n") == 1, out
    decision = json.loads(out)
    reason = decision.get("reason")
    assert isinstance(reason, str) and reason.startswith("stopwarden:"), out
    assert out == module.block(reason)


@pytest.fixture
def owned_build(installed: Path) -> Path:
    from stopwarden.build import manager, owner

    build = manager.start(str(installed), "fuzz", "LARGE", owner.Caller("owner", {}), str(installed))
    manager.set_phase(str(installed), build["id"], "executing")
    hot = {"mode": "enforce", "kill_switch": False, "port": 9, "evaluate_timeout_s": 0.2}
    (installed / ".stopwarden" / "hot-path.json").write_text(json.dumps(hot))
    return installed


@pytest.mark.parametrize("agent", AGENTS)
def test_json_shaped_payloads_in_every_dialect(agent: str, owned_build: Path) -> None:
    @settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(steps=mutations, event=st.sampled_from(["stop", "session_start"]))
    def run(steps: list[tuple[str, str, Any]], event: str) -> None:
        payload = _mutate(realistic(agent, owned_build), steps)
        out = handle(event, agent, json.dumps(payload).encode(), {"STOPWARDEN_AGENT_PID": "", "STOPWARDEN_TMUX": ""})
        if event == "stop":
            _check(agent, out)
        else:
            assert out == dialect(agent).ALLOW or json.loads(out)

    run()
    assert not (owned_build.parent / "etc").exists()
    assert os.path.isdir(owned_build / ".stopwarden" / "builds")
