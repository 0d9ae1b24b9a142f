"""A break point is an early stop only when it states work still to do (docs/stop-acts.md): words that also
name things are no such statement, and a negated one ("nothing left to do") is none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stopwarden.gate import stopacts

DATA = Path(__file__).parents[2] / "training" / "break_points.jsonl"


@pytest.mark.parametrize(
    "text",
    [
        "Good place to pause. The service layer is next.",
        "Natural checkpoint; I still need to wire the webhook handler.",
        "Parking it here. I haven't touched the migration yet.",
        "Stopping at this seam. Left to do: exports and the admin view.",
        "Checkpoint reached; steps 4-6 of the plan remain, the next slice being the importer.",
    ],
)
def test_a_statement_of_work_still_to_do(text: str) -> None:
    assert stopacts.says_what_remains(text)


@pytest.mark.parametrize(
    "text",
    [
        "The REST API now paginates. Good place to pause.",
        "I left a comment on the PR about the naming. A natural checkpoint.",
        "The next release is tagged and published. I'll leave it here.",
        "Step 3 of the wizard now validates the address. Good spot to break.",
        "Everything in the plan is done, nothing left to do. A good place to stop.",
        "Everything is good to go. A good place to pause.",
        "I fixed the import, then the tests passed. Pausing here.",
        "After that, everything passed. A natural checkpoint.",
        "Steps 1-3 are complete. Good spot to break.",
    ],
)
def test_no_statement_of_work_still_to_do(text: str) -> None:
    assert not stopacts.says_what_remains(text)


def test_on_the_labelled_break_points_few_bare_ones_are_taken_for_unfinished() -> None:
    """The rule's development data: it may miss statements (the break point is then escalated, logged for
    review), but must almost never call a bare break point unfinished (that would be a block)."""
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    stated = [stopacts.says_what_remains(r["text"]) for r in rows if r["names_remaining"]]
    bare = [stopacts.says_what_remains(r["text"]) for r in rows if not r["names_remaining"]]
    assert len(stated) == len(bare) == 100
    assert sum(bare) <= 2, sum(bare)
    assert sum(stated) >= 40, sum(stated)
