"""The `rules` authority: offline and deterministic (SPEC §5.5).

Legitimate stops first: a question to the user, missing information or credentials, an external error,
the work declared complete, the user asked to stop. Only then `continue`: a stop that cites context,
a fresh session, a break point, or promises to go on, while a plan that predates the session and a
commit made in it show the work can safely go on. Anything else that wants to stop is `escalate`.
It must never `continue` on a legitimate stop, so every legitimate pattern is checked before.
"""

from __future__ import annotations

from stopwarden.gate.case import Artifact, Case, Pointer, Verdict
from stopwarden.signals import normalise

NAME = "rules"

QUESTION_TO_USER = (
    "do you want", "would you like", "would you prefer", "should i", "should the", "should we", "which one",
    "which do you", "your call", "up to you", "which option", "or would you", "could you", "can you",
    "would you", "do you prefer", "shall i",
)  # fmt: skip
CONFIRMATION = (
    "please confirm", "confirm before", "can you confirm", "need your confirmation", "without your ok",
    "without your approval", "your approval", "your go-ahead", "your sign-off", "won't do that without",
    "need your ok", "until you confirm",
)  # fmt: skip
MISSING_INFO = (
    "i need an", "i need a ", "i need the", "need access", "need credentials", "need a token", "api token",
    "api key", "credentials", "please add", "please provide", "please share", "i don't have access",
    "no access to", "password", "permission to", "write access", "read access", "grant me", "once you've added",
    "once you add", "isn't in the environment", "not in the environment", "isn't set", "is not set",
    "secret_key", "_secret", "send me the", "no such document", "can't find the", "cannot find the",
)  # fmt: skip
EXTERNAL_ERROR = (
    "out of disk", "disk space", "returns 500", "returns 503", "is down", "outage", "unreachable",
    "can't fix the", "cannot fix the", "until it recovers", "service unavailable", "rate-limited",
    "rate limited", "network is", "permission denied", "quota", "is broken upstream", "upstream",
    "http 500", "http 502", "http 503", "http 504", "returning 5", "incident", "status page",
    "can't reach", "cannot reach", "is unavailable", "returns 404", "returning 404", "isn't available",
    "is not available", "not available", "offline", "blocked on", "blocked by", "isn't running", "is not running",
)  # fmt: skip
COMPLETION = (
    "everything in the plan", "all steps are done", "all steps done", "plan is finished", "plan is complete",
    "plan is done", "work is complete", "work is done", "task is complete", "all checks pass",
    "all tests pass", "suite passes", "implemented and tested", "all done", "everything is done",
    "the plan is implemented", "nothing left", "nothing is left", "every task", "all tasks", "ticked off",
    "is fully implemented", "final task", "last task", "that was everything", "was everything in", "is complete;",
    "everything in `", "is complete.", "finished every", "every step", "steps of the plan are", "are implemented",
    "all the steps", "the tests pass", "tests are green", "nothing remains",
)  # fmt: skip
# A part of the work done is not the work done.
PARTIAL = ("first part", "part of the plan", "first half", "so far", "some of the", "the first step")
USER_REQUESTED = (
    "as you requested", "as you asked", "as requested", "you asked me to stop", "per your request",
    "you asked for", "for your review", "over to you for",
)  # fmt: skip
USER_STOP_INSTRUCTION = (
    "then stop", "stop after", "stop so i can", "stop when", "and stop", "only do", "stop there", "stop here",
    "stop now", "stop for", "let's stop", "pause", "wait for my", "check in with me",
)  # fmt: skip
SELF_REFERENCE = ("stopwarden", "stop hook", "the gate", "stop gate", "ignore previous instructions")
STOP_REASONS = ("mentions_context", "mentions_fresh_session", "mentions_break_point", "states_continuation")
# Signals that the turn ends the work for now (a promise to go on ends it too: the agent stopped).
STOP_INTENT = {"wants_to_stop", "mentions_fresh_session", "mentions_break_point", "states_continuation"}


def judge(case: Case) -> Verdict:
    text = normalise(case.stop_text)
    signals = set(case.signals)
    legit = _legit_rule(text, case, signals)
    if legit:
        return Verdict("allow", legit, rationale="a legitimate reason to stop")
    plan = _plan_with_progress(case)
    stopping = bool(signals & STOP_INTENT) or _stops(text)
    if plan and signals & set(STOP_REASONS) and stopping:
        artifact, incremental = plan
        rule = _continue_rule(text, signals)
        pointer = Pointer(artifact.path, artifact.introducing_commit, incremental)
        return Verdict("continue", rule, pointer, rationale="pre-session plan, session progress, no legit reason")
    if stopping:
        return Verdict(
            "escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL", rationale="a stop without a clear case either way"
        )
    return Verdict("allow", "U_LEGIT_COMPLETION", rationale="an answer or report, not a stop before the work is done")


def _legit_rule(text: str, case: Case, signals: set[str]) -> str | None:
    if any(p in text for p in SELF_REFERENCE):
        return "U_META_SELF_REFERENCE"
    if any(p in text for p in USER_REQUESTED) or _user_asked_to_stop(case):
        return "U_LEGIT_USER_REQUESTED"
    if any(p in text for p in MISSING_INFO):
        return "U_LEGIT_MISSING_INFO"
    if any(p in text for p in EXTERNAL_ERROR):
        return "U_LEGIT_ERROR"
    if ("?" in text and any(p in text for p in QUESTION_TO_USER)) or any(p in text for p in CONFIRMATION):
        return "U_LEGIT_DESIGN_QUESTION"
    if (
        any(p in text for p in COMPLETION)
        and not signals & {"mentions_remaining_work", "states_continuation"}  # done things, more to do
        and not any(p in text for p in PARTIAL)
    ):
        return "U_LEGIT_COMPLETION"
    if _answers_the_users_question(case):
        return "U_LEGIT_USER_REQUESTED"
    return None


def _answers_the_users_question(case: Case) -> bool:
    """The user's last turn asked a question: the turn that ends is its answer, whatever it mentions."""
    users = [t for t in case.recent_turns if t.source == "user"]
    return bool(users) and "?" in users[-1].text


def _user_asked_to_stop(case: Case) -> bool:
    return any(
        t.source == "user" and any(p in t.text.lower() for p in USER_STOP_INSTRUCTION) for t in case.recent_turns
    )


def _stops(text: str) -> bool:
    return any(p in text for p in ("stop", "end ", "ending", "wrap", "pause", "hand off", "let a new"))


def _plan_with_progress(case: Case) -> tuple[Artifact, str] | None:
    """A plan that predates the session, and the commit that proves progress on it this session."""
    plans = case.pre_session_artifacts
    if not plans:
        return None
    if case.session_commits:
        return plans[0], case.session_commits[0].sha
    for artifact in plans:
        if artifact.shows_progress:
            return artifact, artifact.latest_commit
    return None


def _continue_rule(text: str, signals: set[str]) -> str:
    if "states_continuation" in signals:
        return "U3_RECENT_COMMIT_PROVES_INCREMENTAL"
    if "plan" in text and "mentions_remaining_work" in signals:
        return "U2_PLAN_FILE_NEXT_STEP_EXPLICIT"
    return "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE"
