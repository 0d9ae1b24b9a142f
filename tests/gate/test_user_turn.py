"""What the user's last turn asks for (gate/user_turn.py): work, only information, or to stop."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stopwarden.gate import user_turn

ROOT = Path(__file__).parents[2]
DEVELOPMENT = ROOT / "training" / "user_turns.jsonl"  # what the guard was developed on
FROZEN = ROOT / "tests" / "data" / "user_turns_contact.jsonl"  # measured once, never tuned on (FROZEN.md)
FROZEN_SHA256 = "c96b326beee4ba7fca088dd1f0fd756cc94af114f7c1ac1aad984dd750e27e10"


def _rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Work, in any phrasing: a request put as a question is a request.
        ("Work through docs/plans/billing.md.", "work"),
        ("could you port the exporter to the new SDK?", "work"),
        ("ok go ahead", "work"),
        ("Refactor the cache layer and tell me what you changed.", "work"),  # work first, a report beside it
        ("Look at the failing job and fix whatever broke it.", "work"),  # told, then a request joined to it
        ("keep going, don't stop until every phase is done", "work"),  # a stop verb negated
        # Only to be told: questions, and requests whose verb is one of telling or inspecting.
        ("why is the nightly job failing?", "info"),
        ("did you bump the version?", "info"),  # a question's verbs describe: nothing is asked to change
        ("Can you explain what the retry decorator does?", "info"),
        ("Summarise the open issues in the plan, no changes please.", "info"),
        ("investigate the memory growth but don't fix anything", "info"),  # the change verb negated
        ("Check whether anything still imports the old client. I'll delete it myself.", "info"),
        # To stop, pause, wait, or do only part.
        ("Do step 1, then stop so I can review.", "stop"),
        ("hold off on the migration until Monday", "stop"),
        ("only the backend for now", "stop"),
        ("let's call it a day", "stop"),
        ("Mach bitte nur den Parser und hör dann auf.", "stop"),
    ],
)
def test_the_kind_of_a_turn(text: str, expected: str) -> None:
    assert user_turn.kind(text) == expected


def test_the_development_set_is_read_as_labelled() -> None:
    """Measured when the guard was written (2026-12-04): 3-way 0.967, every stop or info turn recognised but
    one, 0.975 of the work turns kept as work (the rest: "keep going but stop before deploying", read as a
    stop: the boundary a turn names cannot be checked, and the safe reading lets the agent stop)."""
    rows = _rows(DEVELOPMENT)
    kinds = [(row["kind"], user_turn.kind(row["text"])) for row in rows]
    assert sum(a == b for a, b in kinds) / len(rows) >= 0.95
    licensed = [b != "work" for a, b in kinds if a != "work"]
    assert sum(licensed) / len(licensed) >= 0.98
    work = [b == "work" for a, b in kinds if a == "work"]
    assert sum(work) / len(work) >= 0.95


def test_the_frozen_set_is_unchanged() -> None:
    assert hashlib.sha256(FROZEN.read_bytes()).hexdigest() == FROZEN_SHA256, "frozen: write a new set instead"
    rows = _rows(FROZEN)
    assert [row["id"] for row in rows] == [f"uc-{n:03d}" for n in range(1, len(rows) + 1)]
    assert {row["kind"] for row in rows} == {"work", "info", "stop"}


@given(st.text(max_size=400))
def test_any_text_has_a_kind(text: str) -> None:
    assert user_turn.kind(text) in ("work", "info", "stop")


def test_a_huge_turn_is_read_quickly() -> None:
    """A pasted log of megabytes: only its first _MAX_CHARS are read, and no pattern backtracks badly."""
    text = ("error: undefined symbol foo_bar in libthing.so " * 40_000) + "\ncan you fix it"
    started = time.perf_counter()
    user_turn.kind(text)
    user_turn.kind("only " + "a " * 5_000 + "?" * 3_000)
    assert time.perf_counter() - started < 0.5
