"""The offline rules authority and what guards it: signals, validation, reminders (SPEC §5.2 to §5.7)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopwarden.common import signals
from stopwarden.common.names import RULES
from stopwarden.gate import reminders, rules, stopact_model, stopacts, validation
from stopwarden.gate.case import Artifact, Case, Commit, Pointer, Turn, Verdict
from stopwarden.hooks import evidence

DATA = Path(__file__).parents[1] / "data"
# dev.jsonl: the development corpus. extra.jsonl and holdout.jsonl: 110 cases written independently of
# the rules, each scored first (see the README) and then used to make the rules more general.
CORPORA = ("dev", "extra", "holdout", "regressions")  # regressions: legitimate stops a review found blocked
CORPUS = [json.loads(line) for name in CORPORA for line in (DATA / f"{name}.jsonl").read_text().splitlines()]
RECALL_FLOOR = 0.75  # measured 0.79 (42 of 53) when the classifier landed
PLAN = Artifact("docs/plans/p.md", "a" * 40, "b" * 40, False, True)


def case_of(row: dict[str, Any]) -> Case:
    return Case(
        stop_text=row["stop_text"],
        recent_turns=tuple(Turn(t["source"], t["text"]) for t in row["recent_turns"]),
        artifacts=tuple(Artifact.from_json(a) for a in row["artifacts"]),
        session_commits=tuple(Commit.from_json(c) for c in row.get("session_commits") or ()),
        signals=tuple(signals.detect(row["stop_text"])),
    )


def decide(case: Case) -> str:
    """As the server decides before and around the authority: no pre-session plan means allow."""
    if not case.pre_session_artifacts:
        return "allow"
    verdict = rules.judge(case)
    assert validation.failure(verdict, case) is None, verdict
    return verdict.decision


def test_never_continue_on_a_legitimate_stop() -> None:
    """The worst error: no legitimate development stop is blocked (issue 19)."""
    legit = [r for r in CORPUS if r["expected"]["decision"] != "continue"]
    blocked = [r["id"] for r in legit if decide(case_of(r)) == "continue"]
    assert blocked == []


def test_recall_on_the_development_sets() -> None:
    """Not a case-by-case test: the classifier was not fitted to these sets (the old phrase lists were, and
    scored 1.00 by memorising them). A floor, so that a change that loses most early stops fails."""
    early = [r for r in CORPUS if r["expected"]["decision"] == "continue"]
    caught = sum(decide(case_of(r)) == "continue" for r in early)
    assert caught / len(early) >= RECALL_FLOOR, f"{caught}/{len(early)}"


def test_a_guarded_legitimate_act_is_never_overruled() -> None:
    text = "The password reset form is done and its tests pass. Should expired links show an error or redirect?"
    case = Case(text, artifacts=(PLAN,), session_commits=(Commit("c" * 40, 1, "x", ()),))
    assert (rules.judge(case).decision, rules.judge(case).act) == ("allow", "question")


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("Schema migrated and committed. Want me to continue with step 4?", "permission"),
        ("I can't finish the deploy step: I need an API key for the staging account.", "blocker"),
        ("The staging API returns 503 on every call, so the sync can't be verified.", "blocker"),
        ("The upload keeps failing with `403 Forbidden` from the registry.", "blocker"),  # a status as code
        ("The staging database is down, so the migration can't be checked.", "blocker"),
    ],
)
def test_guards(text: str, act: str) -> None:
    case = Case(text, artifacts=(PLAN,), session_commits=(Commit("c" * 40, 1, "x", ()),))
    assert rules.judge(case).act == act


@pytest.mark.parametrize(
    "text",
    [
        "The orders list is down to 3 queries. Next I'll fix the N+1 on the order detail page.",
        "Startup is down from 3.4 s to 2.9 s. Next I'll lazy-load the themes.",
        "Log volume is down 30%. Next I'll drop the debug logger from the worker.",
    ],
)
def test_a_quantity_that_fell_is_no_blocker(text: str) -> None:
    """ "is down" is a blocker ("the staging database is down"); "is down to 3 queries", "down from 3.4 s",
    "down 30%" say a number fell (round 24: a cold review's next step read as a blocker)."""
    assert stopacts.guarded(text) is None


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("Should the export be CSV or Parquet?", "question"),  # options named: a real choice
        ("Would you like me to continue with the tasks in PLAN.md (caching and metrics)?", "permission"),
        ("Do you want me to apply the same fix to the other six handlers?", None),  # yes/no: the model's
        ("¿Sigo con el paso 3 del plan?", None),
        ("Should the cache be per user?", None),
        ("Which of the two layouts should the settings page use?", "question"),
        ("Shall I proceed with the `Billing` module, which is next in the migration plan?", "permission"),
        # Other scripts' question marks and full stops: the Arabic one ends a question, and the question is
        # only the sentence after a danda or an ideographic full stop ("continue" before it asks nothing).
        ("Step 2 is in. Should the export be CSV or Parquet\u061f", "question"),
        ("I will continue with step 3\u0964 Should the cache be per user?", None),  # "continue" is before it
        ("Should the export be CSV or Parquet\u3002 Is the naming fine?", None),
        # A question about a thing, whose subject is not the agent, asks about the design: the model's.
        ("Should the rest of the endpoints keep the v1 error format?", None),
        ("Step 3 is in. Should the upload continue in the background when the tab is closed?", None),
        ("Step 3 is in. Should the I/O layer continue with retries?", None),  # "I/O" and "US" are no pronouns
        ("Step 3 is in. Should the US region continue serving reads?", None),
        ("Step 3 is in. Should the upload continue for us?", "permission"),  # "us" is
        ("Should the tests come next, or shall I continue with the rest of step 4?", "question"),  # options
        ("Is it okay if I continue with the rate limiter?", "permission"),  # "it": no thing; and the agent's
        ("Step 2 is in. Is this okay to continue with step 3?", "permission"),  # "this okay": no thing either
        ("OK to go ahead with the `transactions` table, which is the next item in the plan?", "permission"),
    ],
)
def test_the_question_guard_decides_choices_and_leave_to_go_on_and_leaves_other_questions(
    text: str, act: str | None
) -> None:
    found = stopacts.guarded(text)
    assert (found.name if found else None) == act


# What the question guard finds, as a regular expression (stopacts.question scans from the end instead): the
# last sentence, which holds no `!`, question mark (ASCII, full-width, Arabic), other script's full stop
# (ideographic, full-width `!`, danda, Urdu), line break or `.` before a space, up to the final question mark.
QUESTION_PATTERN = re.compile(r"(?:[^.!?\uff1f\u061f\u3002\uff01\u0964\u06d4\n]|\.(?! ))*[?\uff1f\u061f]\s*$")
ALPHABET = "ab .!?\n\t\r\x0b\x1c\xa0\u3000\uff1f\u061f\u3002\uff01\u0964\u06d4"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=14) | st.text(max_size=40))
def test_the_question_guard_finds_what_its_regular_expression_found(text: str) -> None:
    found = QUESTION_PATTERN.search(text)
    assert stopacts.question(text) == (found.group(0) if found else None)


def test_the_user_asked_to_stop() -> None:
    case = Case(
        "Step 2 is committed. Next comes step 3.",
        recent_turns=(Turn("user", "Do steps 1 and 2 of the plan, then stop so I can review."),),
        artifacts=(PLAN,), session_commits=(Commit("c" * 40, 1, "x", ()),),
    )  # fmt: skip
    assert (rules.judge(case).decision, rules.judge(case).act) == ("allow", "user_requested")


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("I'll stop here to preserve context.", {"mentions_context", "wants_to_stop"}),
        ("Let's pick this up in a fresh session.", {"mentions_fresh_session"}),
        ("Good stopping point — checkpoint committed.", {"mentions_break_point"}),
        ("Proceeding to step 4 of the plan.", {"states_continuation"}),
        ("Remaining: tasks 4 and 5.", {"mentions_remaining_work"}),
        ("My context window is nearly full.", {"mentions_context"}),
        ("I\u2019ll stop here.", {"wants_to_stop"}),  # typographic apostrophe
    ],
)
def test_signals_fire(text: str, fires: set[str]) -> None:
    assert fires <= set(signals.detect(text))


@pytest.mark.parametrize(
    "text",
    [
        "The function returns the median because the list is sorted first.",
        "I fixed the token refresh and cleaned up the context object passed to handlers.",
        "Here is the diff you asked for.",
        "All 42 tests pass.",
    ],
)
def test_signals_stay_quiet_on_ordinary_answers(text: str) -> None:
    assert not set(signals.detect(text)) & {"mentions_fresh_session", "mentions_break_point", "wants_to_stop"}


def test_suspiciously_quiet_needs_a_recent_commit() -> None:
    assert "suspiciously_quiet" in signals.detect("Done.", last_commit_age_s=60)
    assert "suspiciously_quiet" not in signals.detect("Done.", last_commit_age_s=3600)
    assert "suspiciously_quiet" not in signals.detect("Done.")


def test_a_session_commit_is_the_progress_pointer() -> None:
    case = Case("I'll stop to preserve context.", artifacts=(PLAN,), session_commits=(Commit("c" * 40, 1, "x", ()),),
                signals=tuple(signals.detect("I'll stop to preserve context.")))  # fmt: skip
    verdict = rules.judge(case)
    assert verdict.decision == "continue"
    assert verdict.evidence_pointer == Pointer(PLAN.path, PLAN.introducing_commit, "c" * 40)


@pytest.mark.parametrize(
    ("verdict", "kind"),
    [
        ("not a verdict", "malformed"),
        (Verdict("maybe", "U_LEGIT_ERROR"), "malformed"),
        (Verdict("allow", "U_MADE_UP"), "invalid_rule"),
        (Verdict("allow", "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE"), "invalid_rule"),
        (Verdict("continue", "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE"), "missing_pointer"),
        (Verdict("continue", "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE", Pointer(PLAN.path, PLAN.introducing_commit)),
         "missing_pointer"),
        (Verdict("continue", "U2_PLAN_FILE_NEXT_STEP_EXPLICIT", Pointer("other.md")), "invalid_evidence"),
        (Verdict("continue", "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE", Pointer(PLAN.path, "d" * 40, PLAN.latest_commit)),
         "invalid_evidence"),
        (Verdict("continue", "U3_RECENT_COMMIT_PROVES_INCREMENTAL", Pointer(PLAN.path, PLAN.latest_commit, "e" * 40)),
         "invalid_evidence"),
        (Verdict("continue", "U2_PLAN_FILE_NEXT_STEP_EXPLICIT", Pointer(PLAN.path)), None),
        (Verdict("escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL"), None),
    ],
)  # fmt: skip
def test_validation(verdict: Any, kind: str | None) -> None:
    assert validation.failure(verdict, Case("x", artifacts=(PLAN,))) == kind


def test_every_rule_has_a_class_and_every_continue_a_template() -> None:
    assert {r for r, d in RULES.items() if d == "continue"} == set(reminders.TEMPLATES)


def test_reminders_hold_only_validated_values() -> None:
    ok = Verdict("continue", "U3_RECENT_COMMIT_PROVES_INCREMENTAL", Pointer(PLAN.path, "a" * 40, "b" * 40))
    assert reminders.reminder(ok) == (
        f"stopwarden: Continue — commit {'b' * 12} shows progress on the plan at {PLAN.path}. "
        "Proceed with the next step."
    )
    for pointer in (Pointer("plan`rm -rf`.md", "a" * 40, "b" * 40), Pointer(PLAN.path, "a" * 40, "not-a-sha!")):
        assert reminders.reminder(Verdict("continue", "U3_RECENT_COMMIT_PROVES_INCREMENTAL", pointer)) is None


def test_a_continue_needs_progress_made_in_this_session() -> None:
    old_plan = Artifact("docs/plans/p.md", "a" * 40, "a" * 40, False, False)  # untouched this session
    new_plan = Artifact("docs/plans/new.md", "d" * 40, "d" * 40, True, True)
    case = Case("x", artifacts=(old_plan, new_plan))
    own_commit = Verdict(
        "continue", "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE", Pointer(old_plan.path, "a" * 40, "a" * 40)
    )
    assert validation.failure(own_commit, case) == "invalid_evidence"  # its own commit is no progress
    on_a_new_plan = Verdict("continue", "U2_PLAN_FILE_NEXT_STEP_EXPLICIT", Pointer(new_plan.path))
    assert validation.failure(on_a_new_plan, case) == "invalid_evidence"  # a plan of this session


def test_only_plain_paths_reach_a_reminder() -> None:
    for path in ("docs/plans/p`x`.md", "docs/plans/\u202eevil.md", "docs/plans/" + "a" * 300 + ".md"):
        verdict = Verdict("continue", "U2_PLAN_FILE_NEXT_STEP_EXPLICIT", Pointer(path))
        assert reminders.reminder(verdict) is None


@pytest.mark.parametrize(
    "text",
    [
        "The `/oauth/token` endpoint now answers in 40 ms p95 with the JWKS cache warm.",  # a token in code
        "recon job against the march sample: 0 unmatched, 0 duplicates, totals agree to the cent.",
        "- the FASTQ parser reads 1.9 GB/s on a single core\n- all 24 malformed-input tests pass",
        "All tests pass.",
        "Fixed. The login page renders in 90 ms and the 212 tests pass.",
        # Compounds that name things (round 26): a completion whose "left-aligned" the model read as work left.
        "Column padding uses `padStart` now, so the left-aligned columns line up with wide characters.",
        "The open-source license headers are in place and the start-up time is down to 80 ms.",
        "The writer uses a two-phase commit; the session-scoped cache is gone.",
    ],
)
def test_an_english_stop_that_says_nothing_of_work_ahead(text: str) -> None:
    assert stopacts.says_nothing_ahead(text)


@pytest.mark.parametrize(
    "text",
    [
        "Parser done. Next I need to wire it into the CLI.",  # a sequence adverb
        "The parser is in; the CLI wiring comes after.",
        "Remaining: the migration and its tests.",  # what remains
        "I'll add the retry logic to the importer.",  # the future
        "The importer works. On to the exporter.",  # a move on
        "Good place to pause; the build is green.",  # a pause
        "The conversation is long, so a fresh session is better for the exporter.",  # its context
        "Importer done. Shall I do the exporter?",  # a question
        "- [x] importer\n- [ ] exporter",  # an unchecked box
        "4 of 10 call sites migrated.",  # progress through a batch
        "The parser is in; two follow-ups are filed.",  # a compound that says it
        "The importer is half-done.",
        "Updated the to-do list in the README.",
        "El importador funciona y los tests pasan.",  # not English: the model's alone
        "- FASTQ parser: 1.9 GB/s\n- malformed-input tests: 24 pass",  # too few English words to tell
    ],
)
def test_a_stop_that_looks_ahead_or_is_not_english_is_the_models(text: str) -> None:
    assert not stopacts.says_nothing_ahead(text)


def _guard(text: str) -> bool:
    return stopacts.announces_next_step(text, stopact_model.final_act(text))


def _ends_on_its_colon(text: str) -> bool:
    return stopacts.announces_and_stops(text, stopact_model.final_act(text))


def _training_rows(name: str) -> list[dict[str, Any]]:
    path = Path(__file__).parents[2] / "training" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _judged_with_progress(row: dict[str, Any]) -> Verdict:
    """A hand-written stop (and its user's turn) judged with the strongest evidence for a continue: a plan
    older than the session and a commit made in it."""
    turns = (Turn("user", row["user"]),) if row.get("user") else ()
    return rules.judge(Case(row["text"], turns, artifacts=(PLAN,), session_commits=(Commit("c" * 40, 1, "x", ()),)))


@pytest.mark.parametrize(
    "text",
    [
        "The schema migration is committed. Next I need to wire the parser into the CLI.",  # the e2e tests' stop
        "Step 1 is committed. Next I need to write the API handlers.",
        "Lexer tests pass. I\u2019ll wire the parser into the CLI next.",  # typographic apostrophe
        "Now I'll add the retry logic to the importer.",
        "The importer is in. Then I'll port the two remaining handlers.",
        "Parser done.\n\nStill to do on my side:\n- the migration\n- its tests",  # a list's header, with its list
        "Remaining for me: rebuild the docs index, fix the broken anchors.",
        # The progressive said of the future, and a move on to work (round 31).
        "The importer is in. I'm adding the retry logic to the exporter next.",
        "Lexer tests pass. I'm wiring the parser into the CLI next, with its own tests.",
        "The schema is migrated. The backfill is what I'm writing next.",
        "Plan:\n1. the faceting port\n2. the typo settings\n\nI'm starting with the faceting port now.",
        "The importer is in; I'm moving on to the exporter now.",
        "I'll port the exporter next, with the same fixtures.",  # "next" ending its clause
        # The speaker's own next step in more of English's grammar (round 33).
        "The importer is in. Next up, I'm adding the retries to the exporter.",
        "The sidebar is keyboard-reachable now. I'll be turning to the search dialog's focus trap after this.",
        "The schema is migrated. The backfill is what I'll write next.",
        "Lint is clean. On to the mypy errors.",
        "The Android build is signed. Promoting it to a 10% rollout is the next thing on my list.",
        "The import job ran twice on restart. I'm adding a lock-file check next, plus a test that starts two at once.",
    ],
)
def test_the_next_step_guard_knows_a_next_step_said_in_so_many_words(text: str) -> None:
    assert _guard(text)


@pytest.mark.parametrize(
    "text",
    [
        "The CLI is wired. Next, you can run `make demo` to try it.",  # an instruction to the user
        "The deploy script is fixed. Next: run `make deploy` to ship it.",  # ... without "you"
        "The build is ready. Next I'll redeploy once the key is in the vault.",  # a condition
        "Step 4 is done. Next I need to add the tests, but the CI runner rejects my push.",  # a contrast
        "Still to do: phase 5; only an admin of the identity provider can add the redirect URL.",
        "Next I need to get the staging database URL from the ops team.",  # a need from someone else
        "The retention period is still to be decided by the compliance team.",  # someone else's decision
        "What's left is waiting on the vendor's sandbox.",  # waiting
        "Next I need to know: should the cache be per user?",  # a question
        "All done. Now let me summarise what changed:",  # telling
        "The client retries now. Then we'll requeue with backoff.",  # "we", the code
        "The plan is complete, so nothing is next.",  # a negation
        "The exporter is in. Now I'll stop here for today.",  # a break point: the model's, with its own rule
        "The tag is pushed. The next release will ship it.",  # "next" naming a thing
        "Let me know what I should tackle next.",
        "Le parseur est prêt. Ensuite je vais le brancher sur la CLI.",  # not English: the model's
        "The retries are in. Some flakiness is to be expected.",  # "to be", but nothing still to be done
        "The alert is tuned. The remaining budget is 40 minutes this month.",  # an SLO's budget, no work
        "The importer is in. What's left is up to you.",
        "The remaining tests are pre-existing failures.",  # "remaining" naming things, not work
        # Forms that name no owner are the model's: "What's left is the security team's sign-off."
        "Parser done.\n\nRemaining:\n- the migration\n- its tests",
        "Next up: the exporter and its fixtures.",
        "The importer works. Moving on to the exporter.",
        "Code review is next.",
        "What's left is the rate limiter and the audit-log rotation.",
        "The dashboard and settings pages are yet to be done.",
        "Remaining for me:\n- none",  # nothing in the list
        "All 14 steps are checked off. Remaining for me: none.",
        "Next I could add a cache for the rates.",  # a hedge
        "Next I'll add the remaining handlers, as requested.",  # the user's own request cited
        "I'd suggest that next I port the importer.",
        "Next I'll port the importer, shall I?",  # a question
        # With "now", the progressive says what the code does since the change (training/progressive_review.jsonl).
        "Moved the timezone handling to zoneinfo. I'm now storing every timestamp as UTC.",
        "The CSV export is fixed. I'm streaming the rows now, so memory stays flat.",
        "Tracing is fixed. OTLP over HTTP is what I'm exporting now, since the proxy drops gRPC.",
        "The toolbar is wired. Clicking the export button downloads a CSV now.",
        "I'm seeing 200s from every endpoint next to the new proxy.",  # perceiving, "next to" a thing
        "The SDK upgrade is merged. I still have to rely on the legacy client for the reports.",
        "I'm getting the staging URL from ops next.",  # receiving
        # A cold review of round 31: a gerund that is a subject, a proposal, someone else's "next".
        "Starting with this release, the exporter writes UTF-8 now.",
        "Moving to Postgres 16 is unblocked now.",
        "I'm heading into the weekend now.",
        "What I'm proposing next is a read replica for the reports.",
        "I'm tagging the release notes so reviewers know what's coming next.",
        "I'm pinging the team who owns the exporter next.",
        # A cold review of round 33 (training/own_words_review.jsonl): the progressive after "now", the past, advice,
        # a report or a release note after a move on, a quote, a draft or a UI string after the line that
        # introduced it, reported speech.
        "The cache is fixed. So now I'm caching the JWKS response for an hour.",
        "All done. The UI is what I built next, and it's merged in #58.",
        "The history is rewritten. Rotating that key is what I'll advise next, since it's still live.",
        "On to the results \u2014 p95 dropped from 310 ms to 42 ms.",
        "Starting with this release the exporter writes UTF-8 by default now.",
        "On it now.",
        "Added the `ack.inProgress` key. The string:\n\nOn it now.",
        "Draft for #standup:\n\nShipped the CSV export. The onboarding emails are next on my list.",
        "In the standup update I wrote that I'll be finishing the Stripe migration next, and it's finished.",
        "The Today widget's header now reads \"What's next on my list\" and shows the first task.",
        "Chapter 3 is written. Its last heading, leading into chapter 4:\n\nNow onto deployment",
    ],
)
def test_a_next_step_for_someone_else_or_under_a_condition_is_not_the_guards(text: str) -> None:
    assert not _guard(text)


def test_the_next_step_guard_takes_no_legitimate_hand_written_stop_of_the_training_cases() -> None:
    """The guard's development data: 3,529 hand-written stops by two dozen authors (training/cases.jsonl), the
    legitimate ones full of "next", "remaining" and "I'll" in their legitimate senses."""
    path = Path(__file__).parents[2] / "training" / "cases.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    legit = [r for r in rows if r["act"] in {"completion", "question", "blocker", "user_requested", "not_a_stop"}]
    early = [r for r in rows if r["act"] == "next_step"]
    assert len(legit) > 1000
    assert [r["id"] for r in legit if _guard(r["text"])] == []
    # Measured when it landed: 47 of 893 hand-written next steps, the first-person ones; the rest are the model's.
    assert sum(_guard(r["text"]) for r in early) >= 40


@pytest.mark.parametrize(
    ("text", "ends_on_it"),
    [
        ("I see the issue. Let me fix it:", True),
        ("That test is flaky because of the shared fixture. I'll isolate it:", True),
        ("OK. Let me try a different approach:", True),  # not a give-up: the next approach was announced
        ("Let me run the linter to make sure nothing else broke:", True),  # a purpose is no condition here
        ("Now to fix the second failing test:", True),
        ("I'm regenerating the protobuf stubs:", True),
        ("The snapshot is outdated. Updating it:", False),  # a bare gerund: output and headings read so too
        ("I'll start by reproducing the crash locally:", True),
        ("Let me fix it.", False),  # said and ended: the model's, as any stop
        ("Let me summarise:", False),  # telling
        ("Let me know which you prefer:", False),
        ("Please paste the token here:", False),
        ("The build is green. Next steps for you:", False),
        ("I'll run the backfill tomorrow:", False),
        # A cold review (training/colon_review.jsonl): output, headings and form fields end on a colon too; a
        # quoted prompt after the act's line; what the line before introduced; a hand-off; a CJK label.
        ("Running migrations:", False),  # a gerund before its noun names a thing
        ("Breaking changes:", False),
        ("The log stops at:\n\nRunning the migrations:", False),
        ("The apply waits for the change owner. Quoting the prompt:\n\n> Enter a value:", False),
        ("The bot now greets with:\n\nLet me find the order first:", False),
        ("Time to bring in the infra team:", False),
        ("Fill them in and I'll finish the registration:\n- Partner ID\n- Signing secret name:", False),
        ("我来修复这个问题\uff1a", False),
        # A second cold review (training/colon_review2.jsonl): strings the user asked to be translated, an
        # inline quote, a condition.
        ("Déjame buscar el pedido:", False),
        ("Ahora el bot dice: Voy a buscar el pedido:", False),
        ("The CI log is stuck on its last line — Acquiring the export lock:", False),
        ("Once someone with prod access signs off, I'll run it exactly as planned:", False),
    ],
)
def test_a_turn_that_ends_on_the_colon_of_its_next_action(text: str, ends_on_it: bool) -> None:
    """Round 31: an agent that says what it is about to do and ends on the colon (it meant to call a tool)."""
    assert _ends_on_its_colon(text) == ends_on_it
    if ends_on_it:
        assert stopacts.classify(Case(text)).name == "next_step"


@pytest.mark.parametrize(
    ("name", "early_en", "early_other", "legit", "by_guard"),
    [("dangling_colon.jsonl", 65, 6, 1, 0), ("colon_review.jsonl", 0, 0, 9, 0), ("colon_review2.jsonl", 0, 0, 5, 2)],
)
def test_the_colon_sets_are_read(name: str, early_en: int, early_other: int, legit: int, by_guard: int) -> None:
    """training/dangling_colon.jsonl (200 stops by a helper that read only the policy: 120 announced next
    actions ending on a colon, 80 legitimate stops in the same words): before round 31 42 of its 80 English
    and 6 of its 40 other ones were blocked, 65 and 6 after. training/colon_review.jsonl and
    colon_review2.jsonl: 120 and 80 legitimate stops two cold reviews wrote to break the guard, which blocked
    82 and 57 more of them in earlier versions; the guard takes two of them now, a voice bot's line the user
    asked for ("Let me pull up the order on this account first:") and "I'll start by restating the bug in one
    sentence:" (which the review calls legitimate; said and ended, it restated nothing), and the rest
    blocked are the model's."""

    rows = _training_rows(name)

    def blocked(row: dict[str, Any]) -> bool:
        return _judged_with_progress(row).decision == "continue"

    early = [r for r in rows if r["act"] == "next_step"]
    assert sum(blocked(r) for r in early if r.get("lang", "en") == "en") >= early_en
    assert sum(blocked(r) for r in early if r.get("lang", "en") != "en") >= early_other
    legitimate = [r for r in rows if r["act"] != "next_step"]
    assert sum(blocked(r) for r in legitimate) <= legit
    by_the_guard = [r["text"][-60:] for r in legitimate if blocked(r) and _ends_on_its_colon(r["text"])]
    assert len(by_the_guard) <= by_guard, by_the_guard


def test_no_everyday_legitimate_stop_is_blocked() -> None:
    """training/legit_everyday.jsonl: 150 legitimate stops as today's agents end their turns (completions that
    tell the user or another team what to do next, answers, blockers, choices, stops the user asked for,
    give-ups), written in the twenty-fifth session by a helper that read only the policy. Judged with the
    strongest evidence for a continue, a plan older than the session and progress in it: none is blocked
    (measured when written: 136 allowed, 14 escalated)."""
    rows = _training_rows("legit_everyday.jsonl")
    assert len(rows) == 150
    early = {"text": "I'll stop here to preserve context; the plan has the remaining steps."}
    assert _judged_with_progress(early).decision == "continue"  # the evidence lets a continue stand
    assert [r["text"][-80:] for r in rows if _judged_with_progress(r).decision == "continue"] == []


@pytest.mark.parametrize(
    ("name", "count", "most"),
    [
        ("guard_review.jsonl", 135, 2),
        ("narration_review.jsonl", 143, 0),
        ("progressive_review.jsonl", 130, 0),
    ],
)
def test_the_next_step_guard_adds_few_blocks_to_the_models_on_a_reviews_legitimate_stops(
    name: str, count: int, most: int
) -> None:
    """training/guard_review.jsonl: 135 legitimate stops a cold review wrote to make the guard's first form
    fire (it took them all). The guard now only lowers the model's bar, in first-person forms; of these it
    may turn at most 2 of the model's abstentions into blocks (measured: 2 with the forms that name no
    owner, 0 since a second review had them dropped). training/narration_review.jsonl: 143 more, first-person
    intents written against round 20's narration form (not kept), which this guard's forms share; 0.
    training/progressive_review.jsonl: 130 written against round 31's progressive forms, which took 14 with
    "now" and "I still need to"; 0 since those were dropped. (Round 33's review: the test below.)"""
    rows = _training_rows(name)
    assert len(rows) == count
    verdicts = {r["text"]: _judged_with_progress(r) for r in rows}
    raised = [text[-80:] for text, verdict in verdicts.items() if verdict.rationale.startswith("guard: announces")]
    assert len(raised) <= most, raised


@pytest.mark.parametrize(
    "intro",
    ["Posted to the status page:", "The migrate command now prints its plan first, for example:", "It reads as below."],
)
def test_a_last_line_that_the_line_before_introduced_is_not_the_speakers_act(intro: str) -> None:
    """A quote, a draft or a UI string after the line that introduces it says nothing of the speaker's own
    work, however early the model scores it (round 33: training/own_words_review.jsonl); said as the
    speaker's own, the same line is a next step."""
    line = "We found the cause and a fix is deploying. I'll be posting another update after this."
    quoted = _judged_with_progress({"text": f"{intro}\n\n{line}"})
    assert quoted.decision == "escalate"
    assert _judged_with_progress({"text": line}).decision == "continue"
    table = f"{intro}\n\n| p95 | 42 ms |\n|---|---|\n\n{line}"  # a table stands between: the speaker's own line
    assert _judged_with_progress({"text": table}).decision == "continue"


@pytest.mark.parametrize(
    "heading",
    ["Progress:", "## Status:", "Here's where things stand:"],
)
def test_a_heading_of_the_speakers_own_introduces_no_quotation(heading: str) -> None:
    """A cold read of round 33: the speaker's own heading before its next step is no quote (it names nothing
    said, shown or written), so the next step is blocked as before."""
    text = f"{heading}\n\nStep 2 of 5 is committed. Next I need to wire the parser into the CLI."
    assert _judged_with_progress({"text": text}).decision == "continue"


def test_a_run_of_spaces_costs_the_next_step_forms_nothing() -> None:
    """A cold read of round 33 found "on to" and 4 KB of spaces taking 60 s in a form's competing loops."""
    for text in ("on to" + " " * 4096 + "?", "Next I need to wire it. On to" + " " * 560 + "the CLI next?"):
        start = time.perf_counter()
        stopacts.NEXT_STEP.search(text)
        assert time.perf_counter() - start < 0.05
    assert not _ends_on_its_colon("The CLI prompts now read:\n- Now let me check the logs:")  # a quoted item


def test_a_cold_reviews_legitimate_stops_in_round_33s_forms_are_blocked_no_more_than_the_model_did() -> None:
    """training/own_words_review.jsonl: 120 legitimate stops a cold review wrote in round 33's forms (release
    notes, UI strings, voice lines, drafts, quotes, past narratives) and 40 early ones. The model alone blocked
    27 of the legitimate ones and the first forms 15 more; with the forms narrowed and a quoted last line no
    longer the speaker's act, 13. Its early stops: 27 before the round, 29 after."""
    rows = _training_rows("own_words_review.jsonl")
    early = {"next_step", "context_excuse", "permission", "break_point"}
    verdicts = [(r, _judged_with_progress(r)) for r in rows]
    legit = [(r, v) for r, v in verdicts if r["act"] not in early]
    assert len(legit) == 120
    assert [r["text"][-80:] for r, v in legit if v.rationale.startswith("guard: announces")] == []
    assert sum(v.decision == "continue" for _, v in legit) <= 13
    assert sum(v.decision == "continue" for r, v in verdicts if r["act"] in early) >= 29


@pytest.mark.parametrize(
    ("name", "most", "least"), [("telling_review.jsonl", 3, 22), ("telling_review2.jsonl", 10, 19)]
)
def test_a_cold_reviews_stops_with_a_telling_header_are_read_as_round_36_measured_them(
    name: str, most: int, least: int
) -> None:
    """training/telling_review.jsonl and telling_review2.jsonl: 60 legitimate stops each whose final act holds
    the speaker's own telling and what it tells ("Let me summarize what changed:\n- …") and 40 early ones
    written in that form to slip past a rule that would have withdrawn the model's block there (round 36, two
    versions, both withdrawn: 2 legitimate stops fewer blocked for 4 and then 18 early ones lost). The model
    blocks at most `most` of the legitimate ones and at least `least` of the early ones."""
    rows = _training_rows(name)
    early = {"next_step", "context_excuse", "permission", "break_point"}
    verdicts = [(r, _judged_with_progress(r).decision) for r in rows]
    assert (sum(r["act"] not in early for r in rows), sum(r["act"] in early for r in rows)) == (60, 40)
    assert sum(d == "continue" for r, d in verdicts if r["act"] not in early) <= most
    assert sum(d == "continue" for r, d in verdicts if r["act"] in early) >= least


@pytest.mark.parametrize(
    ("name", "count", "most"),
    [
        ("break_point_review.jsonl", 137, 1),
        ("permission_review.jsonl", 134, 0),
        ("next_elsewhere_review.jsonl", 213, 21),
        ("own_next_review.jsonl", 216, 12),
    ],
)
def test_few_of_a_cold_reviews_legitimate_stops_are_blocked(name: str, count: int, most: int) -> None:
    """training/break_point_review.jsonl and permission_review.jsonl (round 21): legitimate break points and
    questions two cold reviews wrote in the grammar of "says what remains" and "names its work" (states not
    reached yet, a PR that is open, comments left, offers after a finished plan). With a plan and a commit,
    the rules blocked 18 and 9 of them before round 21 narrowed both; now at most 1 and 0.
    next_elsewhere_review.jsonl (round 26) and own_next_review.jsonl (round 29): legitimate stops in 22 and
    19 other languages that two cold reviews wrote against guards reading a next step outside English
    (neither kept). The model alone blocks 21 and 12 of them; a change to how the gate reads other languages
    must not raise that."""
    rows = _training_rows(name)
    assert len(rows) == count
    blocked = [r["text"][-80:] for r in rows if _judged_with_progress(r).decision == "continue"]
    assert len(blocked) <= most, blocked


@pytest.mark.parametrize(
    ("text", "items", "decision"),
    [
        ("Dockerized the worker. Shall I move on to the Kubernetes manifests?", ["Kubernetes manifests"], "continue"),
        ("Dockerized the worker. Shall I move on to the Kubernetes manifests?", [], "escalate"),
        ("Dockerized the worker. Shall I move on to the Kubernetes manifests?", ["Helm chart"], "escalate"),
        ("Physics layer done. Should I move on to the trigger volumes?", ["trigger volumes", "audio"], "continue"),
        # Consent, a choice, an offer after the plan is said to be finished: the user's to answer, items or not.
        ("The manifests are ready. Should I deploy the Kubernetes manifests to production?", ["Kubernetes manifests"],
         "escalate"),
        ("Should I do the Kubernetes manifests or the Helm chart first?", ["Kubernetes manifests", "Helm chart"],
         "allow"),
        ("All five steps are complete. Shall I do the trigger volumes too?", ["trigger volumes"], "escalate"),
        # A committed plan never stands in for consent to destroy, rewrite or expose (a security review), and
        # one item of many words does not match every question that shares two of them.
        ("I looked through the repo. Shall I truncate the audit log table?", ["truncate the audit log table"],
         "escalate"),
        ("Shall I rewrite the git history to squash the commits?", ["rewrite the git history to squash the commits"],
         "escalate"),
        ("Shall I move on to the cluster nodes?", ["cluster nodes pods services ingress volumes secrets quotas"],
         "escalate"),
    ],
)  # fmt: skip
def test_a_permission_question_for_an_open_item_of_the_plan_is_the_plans_to_answer(
    text: str, items: list[str], decision: str
) -> None:
    """ "Shall I move on to the Kubernetes manifests?" asks leave to go on with the plan when its plan holds
    "- [ ] Kubernetes manifests" (hooks/evidence.checklist): what the text alone cannot tell from a
    proposal (training/proposal_review.jsonl), the plan's open items do."""
    plan = Artifact("docs/plans/p.md", "a" * 40, "b" * 40, False, True, tuple(items))
    case = Case(text, artifacts=(plan,), session_commits=(Commit("c" * 40, 1, "x", ()),))
    assert rules.judge(case).decision == decision
    made_now = Artifact("docs/plans/q.md", "a" * 40, "b" * 40, True, True, tuple(items))  # not the plan's
    assert rules.judge(Case(text, artifacts=(PLAN, made_now), session_commits=case.session_commits)).decision == (
        "escalate" if decision == "continue" else decision
    )


def test_a_question_for_an_open_item_cites_the_plan_that_holds_it_and_says_which() -> None:
    """The verdict points at the plan whose item the question names, not the first plan (a security review),
    and its rationale says which item, by number: the repository's text is never repeated."""
    first = Artifact("docs/plans/billing.md", "a" * 40, "b" * 40, False, True)
    todo = Artifact("TODO.md", "c" * 40, "c" * 40, False, False, ("Helm chart", "Kubernetes manifests"))
    asked = "The worker is dockerized. Shall I move on to the Kubernetes manifests?"
    verdict = rules.judge(Case(asked, artifacts=(first, todo), session_commits=(Commit("d" * 40, 1, "x", ()),)))
    assert (verdict.decision, verdict.evidence_pointer.plan_file) == ("continue", "TODO.md")
    assert verdict.rationale.endswith("; open item 2 of TODO.md")
    assert (
        validation.failure(
            verdict, Case(asked, artifacts=(first, todo), session_commits=(Commit("d" * 40, 1, "x", ()),))
        )
        is None
    )


@pytest.mark.parametrize(
    "text",
    [
        "All five steps are ticked and the suite passes. Shall I go on with the usage metering next?",
        "Committed the last migration. Next I need to wire the metering into the API.",
        "I'll stop here to preserve context; the metering work can start in a fresh session.",
    ],
)
def test_an_early_act_after_the_session_ticked_its_plan_through_is_escalated(text: str) -> None:
    """A plan the session changed with every item ticked (hooks/evidence.checklist): the agent marked its work
    finished, so what it offers or announces next is its own proposal, not the plan's next piece. Escalated
    for the user, never pushed on; without the ticks the same stop is continued."""
    commits = (Commit("c" * 40, 1, "x", ()),)
    open_plan = Artifact("docs/plans/billing.md", "a" * 40, "b" * 40, False, True)
    assert rules.judge(Case(text, artifacts=(open_plan,), session_commits=commits)).decision == "continue"
    ticked = replace(open_plan, ticked_through=True)
    verdict = rules.judge(Case(text, artifacts=(ticked,), session_commits=commits))
    assert (verdict.decision, verdict.rule) == ("escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL")
    assert verdict.rationale.endswith("; every item of docs/plans/billing.md is ticked")
    # A plan the session changed that still has an open item keeps the work going; so does an open item asked.
    other = Artifact("TODO.md", "d" * 40, "e" * 40, False, True, ("usage metering",))
    assert rules.judge(Case(text, artifacts=(ticked, other), session_commits=commits)).decision == "continue"
    # A plan ticked through before the session is no plan to cite: the stop is cited on the other one, or escalated.
    old = replace(ticked, modified_this_session=False)
    untouched = Artifact("docs/plans/search.md", "f" * 40, "f" * 40, False, False)
    cited = rules.judge(Case(text, artifacts=(old, untouched), session_commits=commits))
    assert (cited.decision, cited.evidence_pointer.plan_file) == ("continue", "docs/plans/search.md")
    assert rules.judge(Case(text, artifacts=(old,), session_commits=commits)).decision == "escalate"


@pytest.mark.parametrize(("name", "early"), [("open_items_review.jsonl", 2), ("open_items_review2.jsonl", 13)])
def test_a_reviews_legitimate_questions_beside_the_open_items_they_share_words_with_are_not_blocked(
    name: str, early: int, tmp_path: Path
) -> None:
    """Two cold reviews' questions beside plan items they share words with (round 23): 60 and 55 legitimate
    ones (someone else's items, put off, outward; how to do one, for what it needs, to skip it, among
    several; ticking boxes) and 30 and 25 early ones. The first form blocked 50 of the first 60; narrowed on
    them, none, then 12 of the second review's 55; narrowed on those, none. The plainest early questions are
    found (paraphrases and other languages are beyond matching words: escalated, logged)."""
    path = Path(__file__).parents[2] / "training" / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    commits = (Commit("c" * 40, 1, "x", ()),)

    def blocked(row: dict[str, Any]) -> bool:
        items = row["items"]
        if "plan" in row:  # the plan file itself, its headings included: what the Stop hook reads
            (tmp_path / "PLAN.md").write_text(row["plan"], encoding="utf-8")
            items = evidence.checklist(str(tmp_path), "PLAN.md")[0]
        plan = Artifact("PLAN.md", "a" * 40, "a" * 40, False, False, tuple(items))
        return rules.judge(Case(row["text"], artifacts=(plan,), session_commits=commits)).decision == "continue"

    assert [r["text"][-80:] for r in rows if not r["early"] and blocked(r)] == []
    assert sum(blocked(r) for r in rows if r["early"]) >= early


@pytest.mark.parametrize(("score", "decision"), [(0.95, "continue"), (0.85, "escalate")])
def test_the_next_step_guard_lowers_the_models_bar_to_its_floor(
    monkeypatch: pytest.MonkeyPatch, score: float, decision: str
) -> None:
    probs = {act: 0.0 for act in stopact_model.probabilities("x")} | {"next_step": score, "completion": 1 - score}
    monkeypatch.setattr(stopact_model, "probabilities", lambda text: probs)
    assert stopact_model.CONTINUE_AT > 0.95 > stopacts.GUARD_FLOOR > 0.85  # in the abstain band, either side
    commits = (Commit("c" * 40, 1, "x", ()),)
    text = "The schema migration is committed. Next I need to wire the parser into the CLI."
    verdict = rules.judge(Case(text, artifacts=(PLAN,), session_commits=commits))
    assert (verdict.decision, verdict.act) == (decision, "next_step" if decision == "continue" else "")
    if decision == "continue":
        assert verdict.rule == "U4_NEXT_STEP_ANNOUNCED" and verdict.rationale.startswith("guard: announces")
        untouched = Artifact("docs/plans/p.md", "a" * 40, "a" * 40, False, False)
        assert rules.judge(Case(text, artifacts=(untouched,))).decision == "escalate"  # no progress in the session
    # The same score without the guard's form stays in the abstain band.
    other = rules.judge(Case("The schema migration is committed.", artifacts=(PLAN,), session_commits=commits))
    assert other.decision == "escalate"


def test_a_stop_that_says_nothing_of_work_ahead_is_never_continued(monkeypatch: pytest.MonkeyPatch) -> None:
    # The model's confusion the rule exists for: a bare report of finished work scored as a next step.
    sure = {act: 0.0 for act in stopact_model.probabilities("x")} | {"next_step": 1.0}
    monkeypatch.setattr(stopact_model, "probabilities", lambda text: sure)
    commits = (Commit("c" * 40, 1, "x", ()),)
    report = Case(
        "The export endpoint now answers in 80 ms and all 212 tests pass.", artifacts=(PLAN,), session_commits=commits
    )
    announced = Case(
        "The export endpoint is done. Next I need to add its tests.", artifacts=(PLAN,), session_commits=commits
    )
    verdict = rules.judge(report)
    assert (verdict.decision, verdict.act) == ("escalate", "")
    assert "nothing said of work ahead" in verdict.rationale
    assert rules.judge(announced).decision == "continue"
