"""Every transition of SPEC §4.2, legal and illegal."""

from __future__ import annotations

import pytest

from stopwarden.build.phases import allowed_next, is_legal
from stopwarden.common.names import PHASES, TERMINAL_PHASES

LEGAL = {
    ("idle", "clarify"), ("idle", "planning"), ("idle", "executing"),
    ("clarify", "planning"), ("planning", "executing"),
    ("executing", "verifying"), ("executing", "complete"),
    ("verifying", "complete"), ("verifying", "fixing"), ("verifying", "hardening"),
    ("fixing", "verifying"), ("hardening", "complete"),
}  # fmt: skip
LEGAL |= {(p, t) for p in PHASES if p not in TERMINAL_PHASES for t in ("failed", "escalated")}


@pytest.mark.parametrize("current", PHASES)
@pytest.mark.parametrize("target", PHASES)
def test_transition_table(current: str, target: str) -> None:
    assert is_legal(current, target) == ((current, target) in LEGAL)


def test_terminal_phases_go_nowhere() -> None:
    assert all(allowed_next(p) == () for p in TERMINAL_PHASES)
    assert not is_legal("idle", "nonsense")
