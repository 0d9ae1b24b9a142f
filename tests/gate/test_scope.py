"""A settings scope is checked twice, by the API's validator and by the gate; they must agree on every
string, or the API answers 409 for what it accepted (schemathesis found `"\\u001f"` once)."""

from __future__ import annotations

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stopwarden.common.errors import StopwardenError
from stopwarden.gate.settings import check_scope
from stopwarden.server.models import KillSwitchIn


def api_accepts(scope: str) -> bool:
    try:
        KillSwitchIn(value=True, scope=scope)
    except pydantic.ValidationError:
        return False
    return True


def gate_accepts(scope: str) -> bool:
    try:
        check_scope(scope)
    except StopwardenError:
        return False
    return True


@given(st.text(max_size=30))
def test_the_api_and_the_gate_agree_on_any_scope(scope: str) -> None:
    assert api_accepts(scope) == gate_accepts(scope), repr(scope)


@pytest.mark.parametrize(("scope", "ok"), [("*", True), ("billing-service", True), ("my project", True),
                                           (" x", False), ("x ", False), ("\u001f", False), ("", False)])  # fmt: skip
def test_examples(scope: str, ok: bool) -> None:
    assert api_accepts(scope) is ok and gate_accepts(scope) is ok
