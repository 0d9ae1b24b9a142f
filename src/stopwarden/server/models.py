"""The API's request and response bodies (SPEC §6.2). Their JSON schema is the OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, StrictBool, WithJsonSchema

from stopwarden.common import timefmt
from stopwarden.common.clip import clip
from stopwarden.common.names import SCOPE_PATTERN
from stopwarden.gate.case import Artifact, Case, Commit, Turn

MAX_TEXT = 64 * 1024  # characters of a stop text or a turn that are judged; a longer one is clipped to this


def _clipped(value: object) -> object:
    """A text over MAX_TEXT clipped (its end kept), not refused: a refusal would let the stop through
    unjudged and leave no event. Anything not a string goes on to the str validation, which names it."""
    return clip(value, MAX_TEXT) if isinstance(value, str) else value


# The agent's own words: any length is taken (the body is still capped at 256 KiB), and judged clipped.
ClippedText = Annotated[
    str, BeforeValidator(_clipped), Field(description=f"longer than {MAX_TEXT} characters: clipped, keeping its end")
]


# Every time in an answer: epoch seconds inside (as the store keeps them), UTC ISO 8601 with milliseconds in
# the JSON (timefmt.iso), e.g. "2026-12-03T09:12:03.123Z", which the answers' schema states. For answers only:
# the hooks' requests carry their times as they always have (SessionIn.started_at, Evidence.session_start, and
# CommitIn.time in epoch seconds).
ISO_TIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"
Time = Annotated[
    float,
    PlainSerializer(timefmt.iso, return_type=str),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "pattern": ISO_TIME, "examples": ["2026-12-03T09:12:03.123Z"]},
        mode="serialization",
    ),
]


NO_NUL = r"^[^\x00]*$"  # PostgreSQL's text cannot hold NUL: refused here rather than failing in the store


class Strict(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ArtifactIn(Strict):
    path: str = Field(min_length=1, max_length=1000)
    introducingCommit: str = Field(default="", max_length=64)
    latestCommit: str = Field(default="", max_length=64)
    createdThisSession: bool = False
    modifiedThisSession: bool = False
    # The plan's unchecked items in the working tree (hooks/evidence.checklist): compared, never shown.
    openItems: list[Annotated[str, Field(max_length=300)]] = Field(default_factory=list, max_length=30)
    tickedThrough: bool = False  # every item of its checklist ticked (hooks/evidence.checklist)


class CommitIn(Strict):
    sha: str = Field(min_length=4, max_length=64)
    time: float = 0
    subject: str = Field(default="", max_length=2000)
    files: list[str] = Field(default_factory=list, max_length=1000)


class Evidence(Strict):
    artifacts: list[ArtifactIn] = Field(default_factory=list, max_length=200)
    session_commits: list[CommitIn] = Field(default_factory=list, max_length=200)
    session_start: datetime | None = None


class TurnIn(Strict):
    source: Literal["user", "agent"]
    text: ClippedText


class Untrusted(Strict):
    stop_text: ClippedText = ""
    recent_turns: list[TurnIn] = Field(default_factory=list, max_length=10)


class EvaluateIn(Strict):
    session_id: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    agent: str = Field(default="claude-code", max_length=32)
    evidence: Evidence = Field(default_factory=Evidence)
    untrusted: Untrusted = Field(default_factory=Untrusted)

    def case(self) -> Case:
        return Case(
            stop_text=self.untrusted.stop_text,
            recent_turns=tuple(Turn(t.source, t.text) for t in self.untrusted.recent_turns),
            artifacts=tuple(Artifact.from_json(a.model_dump()) for a in self.evidence.artifacts),
            session_commits=tuple(Commit.from_json(c.model_dump()) for c in self.evidence.session_commits),
        )


class EvaluateOut(BaseModel):
    event_id: int | None
    decision: Literal["continue", "allow", "escalate", "force_allow"]
    rule: str | None
    block: bool
    reminder: str | None
    fail_open: str | None = None
    short_circuit: str | None = None
    latency_ms: float


class SessionIn(Strict):
    session_id: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    agent: str = Field(default="claude-code", max_length=32)
    started_at: datetime
    source: str = Field(default="startup", max_length=32)


class SessionOut(BaseModel):
    recorded: bool
    notice: str | None


class HotPathOut(BaseModel):
    mode: str
    kill_switch: bool
    session_start: Time | None
    api_version: int


class HealthOut(BaseModel):
    status: str  # "ok", or "degraded" while the store is unreachable (the server still answers, failing open)
    version: str
    api_version: int
    mode: str
    kill_switch: bool
    authority: str
    breaker: str
    # Why the breaker is not closed (unset while the store is away): its failures in a row, and the kind of
    # the newest authority failure in the log (`timeout`, `unavailable`, …). Details are for /v1/status.
    breaker_failures: int | None = None
    last_failure_kind: str | None = None


# "*": every project sharing the store; else one project's name (SPEC §13).
Scope = Annotated[str, Field(min_length=1, max_length=200, pattern=SCOPE_PATTERN)]


class ModeIn(Strict):
    mode: Literal["off", "shadow", "enforce"]
    force: str | None = Field(default=None, max_length=1000)
    scope: Scope = "*"


class ModeOut(BaseModel):
    mode: str  # in force for this server's project
    mode_scope: str  # where that mode was set: "*" or the project's own
    forced_reason: str
    readiness: dict[str, object]


class SignInIn(Strict):
    code: str = Field(max_length=200)  # from the link `stopwarden open` made (server/signin.py)


class SignInOut(BaseModel):
    token: str  # the bearer token, for this browser tab


class ModeSourceOut(BaseModel):
    says: str  # where the mode in force comes from, in words
    note: str  # set when the committed config asks for another mode


class FailureOut(BaseModel):
    kind: str  # a fail_open_kind that counts toward the breaker
    ts: Time


class StatusOut(BaseModel):
    """The gate's state as `stopwarden gate status --json` gives it (gate/status.py), but the server's."""

    mode: str
    mode_scope: str
    forced_reason: str
    kill_switch: bool
    kill_switch_scope: str
    kill_switch_reason: str
    mode_source: ModeSourceOut
    authority: str
    breaker: str  # closed, open or half_open
    breaker_failures: int  # in a row
    last_failure: FailureOut | None
    authority_problems: list[str]  # what stops the authority being called from the server's environment
    # What of the committed config this machine has not approved, and what is used meanwhile.
    unapproved: list[str]
    today: dict[str, int]  # decisions since local midnight


class KillSwitchIn(Strict):
    value: StrictBool
    reason: str | None = Field(default=None, max_length=1000)
    scope: Scope = "*"


class KillSwitchOut(BaseModel):
    value: bool  # in force for this server's project
    scope: str  # where it is on ("" when off)
    reason: str


class LatestAnnotation(BaseModel):
    verdict: str
    rationale: str
    operator: str
    dwell_ms: int
    created_at: Time


class EventOut(BaseModel):
    event_id: int
    session_id: str
    agent: str
    ts: Time
    mode: str
    decision: str
    rule: str | None
    fail_open_kind: str | None
    short_circuit: str | None
    signals: list[str]
    evidence_pointer: dict[str, object]
    latency_ms: float
    stop_text_preview: str
    stop_text: str | None = None  # up to 4096 characters, redacted, its end kept (events before v8: none)
    project: str
    host: str
    counts: bool = True  # the authority's verdict decided it: an annotation moves readiness (else it cannot)
    annotation: LatestAnnotation | None = None


class AnnotationIn(Strict):
    verdict: Literal["correct", "incorrect", "unclear"]
    rationale: str = Field(min_length=1, max_length=4000)
    operator: str = Field(min_length=1, max_length=200)
    dwell_ms: int = Field(ge=0, le=7 * 86400 * 1000)


class AnnotationOut(BaseModel):
    annotation_id: int
    event_id: int
    verdict: str
    rationale: str
    operator: str
    dwell_ms: int
    created_at: Time


class ReadinessCheck(BaseModel):
    name: str
    value: float | None  # None: a ratio over nothing (no judged verdict yet), shown as n/a
    threshold: float
    op: Literal[">=", "<="]  # met when `value op threshold`
    met: bool


class Readiness(BaseModel):
    ready: bool
    checks: list[ReadinessCheck]


class DayCounts(BaseModel):
    day: str
    decisions: dict[str, int]
    rules: dict[str, int]
    fail_open: dict[str, int]


class DayFrom(BaseModel):
    start: Time  # one of the `day_starts` asked for
    decisions: dict[str, int]  # from `start` to the next start (the last: to now)


class OperatorEntry(BaseModel):
    ts: Time
    action: str
    detail: str


class ReportOut(BaseModel):
    since: Time
    project: str | None = None  # the one project reported on; None: every project in the store
    days: list[DayCounts]
    fail_open: dict[str, int] = {}  # stops let through because something failed, by kind, over the whole report
    latency_ms: dict[str, float | None]
    annotations: dict[str, float]
    readiness: Readiness
    min_dwell_s: float  # how long an event must be shown before a verdict on it is accepted
    operator_log: list[OperatorEntry]
    days_by_start: list[DayFrom] = []  # per day between the asked `day_starts` (the page's local days)


class BreakerOut(BaseModel):
    authority: str
    breaker: str


class ErrorOut(BaseModel):
    error: str
    detail: str
