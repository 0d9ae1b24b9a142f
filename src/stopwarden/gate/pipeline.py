"""The decision on one stop, as a pipeline of plain functions (issue 22): the evidence rules, the authority,
validation, the git post-checks, the reminder.

Nothing here keeps state between stops: no threads, caches, counters, clock or store. The service that
runs the pipeline for `POST /v1/evaluate` (gate/service.py: shedding, kill switch and mode, the ceiling,
the cache, rate limits, the breaker, the authority's time budget, recording) and `stopwarden eval`
(gate/evaluation.py, which stops before the post-checks: a labelled case has no repository) both call it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from stopwarden.agents import dialects
from stopwarden.common import signals as signal_detectors
from stopwarden.common.names import PLANS_DIR, STATE_DIR
from stopwarden.gate import authorities, postcheck, reminders, validation
from stopwarden.gate.case import Case, Verdict
from stopwarden.gate.llm import Malformed
from stopwarden.store.redact import redacting_logger

log = redacting_logger("stopwarden.server")

# Files whose change means the session worked on stopwarden itself: its stops are not ours to judge. Each
# agent names what its installer writes in a project (tests/gate/test_self_paths.py holds that to the installers).
SELF_PATHS = (f"{STATE_DIR}/", *(path for dialect in dialects() for path in dialect.PROJECT_FILES))
PLANS = f"{STATE_DIR}/{PLANS_DIR}/"  # the build plans the /build skill commits are the work, not stopwarden

# What asking an authority answers: its validated verdict, or None and the failure kind.
Answer = tuple[Verdict | None, str | None]


@dataclass(frozen=True)
class Outcome:
    decision: str
    rule: str | None = None
    block: bool = False
    reminder: str | None = None
    fail_open: str | None = None
    short_circuit: str | None = None
    evidence_pointer: dict[str, Any] = field(default_factory=dict)
    event_id: int | None = None
    latency_ms: float = 0.0

    def as_response(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "decision": self.decision,
            "rule": self.rule,
            "block": self.block,
            "reminder": self.reminder,
            "fail_open": self.fail_open,
            "short_circuit": self.short_circuit,
            "latency_ms": round(self.latency_ms, 3),
        }


def allow(fail_open: str | None = None, short_circuit: str | None = None, rule: str | None = None) -> Outcome:
    return Outcome("allow", rule=rule, fail_open=fail_open, short_circuit=short_circuit)


def deliver(outcome: Outcome, mode: str) -> Outcome:
    """A continue blocks only in enforce, and only then does its reminder go to the agent."""
    block = outcome.decision == "continue" and mode == "enforce" and bool(outcome.reminder)
    return replace(outcome, block=block, reminder=outcome.reminder if block else None)


def decide(case: Case, root: str, session_start: float | None, ask_authority: Callable[[Case], Answer]) -> Outcome:
    """The whole pipeline on one stop of the project at `root`: what `judge_case` finds, and a valid
    verdict checked against git with its reminder ready. Whether it blocks is the mode's (`deliver`)."""
    if session_start is None:
        return allow(short_circuit="no_session_start")
    outcome, verdict = judge_case(with_setup(case, root, session_start), ask_authority)
    return outcome if verdict is None else conclude(verdict, root)


def judge_case(case: Case, ask_authority: Callable[[Case], Answer]) -> tuple[Outcome, Verdict | None]:
    """The part of the decision that depends only on the case (`stopwarden eval` runs exactly this over
    labelled cases): the evidence rules, then the authority through `ask_authority`, which validates.
    Returns the outcome, and the valid verdict when there is one (`conclude` still checks it against git)."""
    if not case.stop_text.strip():  # nothing to judge: a turn that said nothing, or a client that sent no text
        return allow(short_circuit="no_stop_text"), None
    if not case.pre_session_artifacts:
        return allow(short_circuit="no_evidence"), None
    if self_reference(case):
        return allow(short_circuit="self_reference", rule="U_META_SELF_REFERENCE"), None
    verdict, failure = ask_authority(case)
    if failure or verdict is None:
        return allow(fail_open=failure or "malformed"), None
    return Outcome(verdict.decision, verdict.rule, evidence_pointer=verdict.evidence_pointer.as_dict()), verdict


def conclude(verdict: Verdict, root: str) -> Outcome:
    """A valid verdict, checked against git when it is a continue, with its reminder ready."""
    pointer = verdict.evidence_pointer.as_dict()
    if verdict.decision != "continue":
        return Outcome(verdict.decision, verdict.rule, evidence_pointer=pointer)
    if postcheck.failure(verdict, root):
        return Outcome("allow", verdict.rule, fail_open="invalid_evidence", evidence_pointer=pointer)
    reminder = reminders.reminder(verdict)
    if reminder is None:
        return Outcome("allow", verdict.rule, fail_open="invalid_evidence", evidence_pointer=pointer)
    return Outcome("continue", verdict.rule, reminder=reminder, evidence_pointer=pointer)


def with_setup(case: Case, root: str, session_start: float) -> Case:
    """The case, with the files of our own set-up that this session added (issue 19): after `init`, an
    agent's first `git add -A` commits them, and that is not work on the gate."""
    ours = sorted({f for c in case.session_commits for f in c.files if is_ours(f)})
    if not ours:
        return case
    return replace(case, setup_files=postcheck.added_since(root, ours, session_start))


def self_reference(case: Case) -> bool:
    """Mostly stopwarden's own files changed this session: the agent works on the gate (or its hooks),
    and is never kept at it by the gate. Set-up the session added is not that."""
    files = [f for c in case.session_commits for f in c.files]
    ours = [f for f in files if is_ours(f) and f not in case.setup_files]
    return bool(files) and len(ours) * 2 > len(files)


def is_ours(path: str) -> bool:
    return path.startswith(SELF_PATHS) and not path.startswith(PLANS)


def case_signals(case: Case, now: float | None = None) -> Case:
    """The case with its signals computed here from the text and the session's commits."""
    newest = max((c.time for c in case.session_commits), default=None)
    age = None if newest is None else (time.time() if now is None else now) - newest
    return replace(case, signals=tuple(signal_detectors.detect(case.stop_text, age)))


def ask_in_process(authority: authorities.Authority, case: Case) -> Answer:
    """An authority that is a local computation, called directly and validated."""
    try:
        verdict = authority.judge(case)
    except Exception as e:
        return None, failure_kind(e, authority)
    return checked(verdict, case)


def ask_offline(authority: authorities.Authority, case: Case) -> Answer | None:
    """The verdict an authority finds without asking anyone (a cascade's rules), called directly and
    validated; None when it has no such stage, or must ask its provider."""
    offline: Callable[[Case], Verdict | None] | None = getattr(authority, "offline", None)
    if offline is None:
        return None
    try:
        verdict = offline(case)
    except Exception as e:
        return None, failure_kind(e, authority)
    return None if verdict is None else checked(verdict, case)


def checked(verdict: object, case: Case) -> Answer:
    """The verdict if validation finds nothing wrong with it, else the failure kind."""
    failure = validation.failure(verdict, case)
    return (None, failure) if failure or not isinstance(verdict, Verdict) else (verdict, None)


def failure_kind(error: Exception, authority: authorities.Authority) -> str:
    """`timeout`, `malformed` or `unavailable`, logged with what the provider said."""
    kind = (
        "timeout" if isinstance(error, TimeoutError) else "malformed" if isinstance(error, Malformed) else "unavailable"
    )
    log.warning("the %s authority failed (%s): %s", authority.name, kind, error)
    return kind
