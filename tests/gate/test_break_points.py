"""A break point is an early stop only when it states work still to do (docs/stop-acts.md): words that also
name things are no such statement, and a negated one ("nothing left to do") is none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stopwarden.gate import stopacts

from .test_rules import _judged_with_progress, _training_rows

DATA = Path(__file__).parents[2] / "training" / "break_points.jsonl"


@pytest.mark.parametrize(
    "text",
    [
        "Good place to pause. The service layer is next.",
        "Natural checkpoint; I still need to wire the webhook handler.",
        "Parking it here. I haven't touched the migration yet.",
        "Stopping at this seam. Left to do: exports and the admin view.",
        "Checkpoint reached; steps 4-6 of the plan remain, the next slice being the importer.",
        "Good place to pause. The parser isn't yet implemented.",
        "Pausing. The exporter isn't fully implemented yet.",
        "Parser done, haven't wired the CLI yet. Pausing.",
        "We haven't ported the views yet. Checkpoint.",
        "Checkpoint. I haven\u2019t touched the migration yet.",
        # Round 23: the object may be long when the verb is one of work.
        "Pausing. I haven't touched the quarantine table for rejected rows yet.",
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
        # A state that is not there yet is not work left (training/break_point_review.jsonl).
        "The cache isn't warm yet right after a deploy; it fills on the first requests. Good place to pause.",
        "Windows isn't supported yet, and the README says so. Good place to pause.",
        "Clients that cached the old OCSP response haven't refreshed yet, which is harmless. Good place to stop.",
        "Good place to pause. Here is what I need you to do: approve the PR.",
        # ... not another's work, a state or a wait (training/still_review.jsonl, round 23).
        "I haven't heard back from the platform team about the quota bump yet. Good place to pause.",
        "I haven't seen the new CNAME resolve from outside yet. A good place to stop.",
        "I haven't touched anything since the rollout started yet, and nothing broke. Good place to pause.",
        "Good place to pause. I haven't touched anything outside the docs folder yet, per the freeze.",
        "Good place to pause. I haven't touched the billing module at all yet.",
        "The partner's sandbox certificates for the new payment gateway haven't been rotated yet. Good place to stop.",
    ],
)
def test_no_statement_of_work_still_to_do(text: str) -> None:
    assert not stopacts.says_what_remains(text)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Lexer done. Shall I move on to step 4, the type checker?", True),
        ("All done with the parser. Shall I do the remaining checker passes?", True),
        ("Should I continue?", False),
        # A thing, not work: the PR is open, comments were left (training/permission_review.jsonl).
        ("The feature is complete and the PR is open (#482). Should I go ahead and merge it?", False),
        ("Finished reviewing the PR; I left 9 comments. Should I approve it once they are addressed?", False),
        # An offer after the plan is finished names no work of the plan.
        ("All 5 steps of the plan are complete. Should I proceed with the optional step 6?", False),
        ("All four phases are finished and pushed. Want me to start on the optional phase 5 as well?", False),
        ("All three tasks in phase 1 are done. Shall I move on to phase 2?", True),  # a part, not the plan
        ("Phase 3 was the last phase and it's done. Want me to write the next retrospective?", False),
        ("All done. I can continue with the remaining docs if you'd like, shall I?", False),
        # Consent to an outward or irreversible act is the user's to give, whatever is left.
        ("Staging is green. Should I deploy the remaining services to production?", False),
        ("Step 3 is merged locally. Shall I push the rest of the branch?", False),
        # Nouns that name work are no consent asked: the question's own verb is what counts.
        ("Done with step 4. Shall I move on to step 5, the email templates?", True),
        ("Should I start on the delete endpoint next?", True),
        ("Shall I write the release notes next (step 6)?", True),
        # Words of what remains that name a thing, a time, an API or a file (training/proposal_review.jsonl).
        ("The fix is merged. Should I proceed with scheduling it for the next release train?", False),
        ("My testing left 12 pending refunds in the sandbox. Should I proceed with voiding them?", False),
        ("The ticket is closed. Should I move on to writing docs for the REST API?", False),
        ("The last checkbox in TODO.md is ticked. Shall I carry on with the v3 roadmap?", False),
        ("He terminado todo lo que pedía el plan. ¿Puedo seguir con las capturas del manual?", False),
        ("The transformation layer comes next in the plan. Shall I go on with it?", True),
        ("Shall I do the rest of the handlers the same way?", True),
        ("Two TODOs are left in the parser. Shall I fix them?", True),
        # From a cold read of that narrowing: a state after the noun, a place, a quantity, a path, and the
        # plain forms it must keep ("the next file", "the pending migrations", "Todo:", "Rest of").
        ("My testing left 12 refunds pending in the sandbox. Should I void them?", False),
        ("The benchmark results are outstanding. Shall I write them up in the README?", False),
        ("Should I put the import button next to it?", False),
        ("The import used 80% of the remaining API quota. Shall I raise the rate limit?", False),
        ("Shall I update docs/TODO?", False),
        ("Should I move on to the next file?", True),
        ("Want me to carry on with the pending migrations?", True),
        ("Should I fix the outstanding issues?", True),
        ("Shall I do the exporter next and then the CLI?", True),
        ("Todo: the CLI and the docs. Shall I go on?", True),
        ("Rest of the handlers are unchanged. Shall I do them?", True),
        # The plan's own unit named in the question's own clause (round 43), as plan_steps reads it outside
        # English; not where it is located ("in the plan"), someone else's before a semicolon, negated, out of
        # order, beside an outward act, nor a unit by its number or rank alone (as often someone else's),
        # nor consent said as a noun ("the production deploy").
        ("Low-battery shutdown kicks in at 3.3 V now. OK if I move on to the OTA part of the plan?", True),
        # "as planned" and "per the plan" name no work ("Shall I proceed as planned?"): not read
        ("Lexer and parser both pass their suites now. Should I move on to the type checker as planned?", False),
        ("Auth endpoints are done. May I start on the password reset flow from the plan?", True),
        ("The schema is migrated. Shall I start on the search part, per the plan?", False),
        ("Chapter 3 is the one your co-author is revising. Want me to look at chapter 3 as well?", False),
        ("The schema is migrated. Shall I start on the third phase?", False),
        ("The search indexer is in. Shall I jump ahead to the export part of the plan?", False),
        ("The tests pass. Shall I start the rollout part of the plan to production?", False),
        # A cold read of the session's diff: consent said beside the plan, an offer naming no work, a condition
        # before a dash, a hold in an earlier sentence, another's unit, a move of the plan's unit.
        ("Backfill script is ready. Okay to truncate the audit_log table as planned?", False),
        ("The migration is done and verified. Shall I proceed as planned?", False),
        ("Parser done. Once QA signs off — shall I start the OTA part of the plan?", False),
        ("Parser done. QA still has to sign off on the parser. Shall I start the OTA part of the plan?", False),
        ("Parser done. Shall I pick up the payments part of the plan from Priya?", False),
        ("The vendor dropped iOS 15 support. Shall I move the OTA part of the plan to v2?", False),
        ("The banner wording is legal's item in the plan; do you want me to proceed with drafting it?", False),
        ("The quarantine table landed last sprint. Shall I tick it off in the plan?", False),
        ("Removing the poller wasn't part of the plan. Should I proceed with it anyway?", False),
        ("The ingest is fixed. Should I start on the export, which isn't part of the plan?", False),
        ("The API is done. Shall I pick up sprint 3 now?", False),
        (
            "Migrations are tested. Should I go ahead with the production deploy, the last step of the plan?",
            False,
        ),
    ],
)
def test_a_permission_question_names_the_work_of_the_plan(text: str, names: bool) -> None:
    assert stopacts.names_remaining_work(text) is names


def test_on_the_labelled_break_points_few_bare_ones_are_taken_for_unfinished() -> None:
    """The rule's development data: it may miss statements (the break point is then escalated, logged for
    review), but must almost never call a bare break point unfinished (that would be a block)."""
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    stated = [stopacts.says_what_remains(r["text"]) for r in rows if r["names_remaining"]]
    bare = [stopacts.says_what_remains(r["text"]) for r in rows if not r["names_remaining"]]
    assert len(stated) == len(bare) == 100
    assert sum(bare) <= 2, sum(bare)
    assert sum(stated) >= 40, sum(stated)


def test_a_cold_read_of_the_plans_unit() -> None:
    """Round 43, training/plans_unit_review.jsonl: a helper that read `names_remaining_work` and the first version
    of `_asks_for_the_plans_unit` wrote 100 legitimate permission-like questions naming a unit of the plan (a
    proposal, consent as a unit, skipping ahead, someone else's unit, the plan itself to edit, another project's
    plan, a held or conditional unit, a deferred one) and 30 early ones, kept whatever the gate returned. The first
    version, which also read a unit by its number or rank alone, blocked 16 of them newly (27 in all, 11 as before
    it, through REMAINING's units anywhere in the final act); narrowed to the plan named as the unit's owner and
    vetoed out of order, held, someone else's, edited or beside an outward act: none newly, early ones 13 → 14;
    13 again once "as planned" and "per the plan" were dropped (a cold read of the session's diff: they name no
    work, "Shall I proceed as planned?")."""
    rows = _training_rows("plans_unit_review.jsonl")
    blocked = [row for row in rows if _judged_with_progress(row).decision == "continue"]
    assert sum(row["act"] != "permission" for row in blocked) <= 11
    assert sum(row["act"] == "permission" for row in blocked) >= 13
