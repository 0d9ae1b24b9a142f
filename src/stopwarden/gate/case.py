"""What an authority judges (a Case) and what it answers (a Verdict) (SPEC §5.3, §5.4).

A Case holds server-trusted evidence (artifacts, session commits) and untrusted text written by the
agent or the user (the stop text, recent turns). Authorities treat the untrusted part as data only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stopwarden.common.timefmt import parse_iso


@dataclass(frozen=True)
class Artifact:
    path: str
    introducing_commit: str
    latest_commit: str
    created_this_session: bool
    modified_this_session: bool
    # Its unchecked items in the working tree ("- [ ] X"), at most 30: the repository's text, compared with
    # the stop's (stopacts.open_item_asked), never shown to anyone.
    open_items: tuple[str, ...] = ()
    # Every item of its checklist is ticked, but those put out of its scope ("## Later"): it says its work is
    # finished, so it is no evidence that work can go on (rules._finished_plan).
    ticked_through: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Artifact:
        items = data.get("openItems") or ()
        return cls(
            path=str(data["path"]),
            introducing_commit=str(data.get("introducingCommit") or ""),
            latest_commit=str(data.get("latestCommit") or ""),
            created_this_session=bool(data.get("createdThisSession")),
            modified_this_session=bool(data.get("modifiedThisSession")),
            open_items=tuple(item[:300] for item in list(items)[:30] if isinstance(item, str)),
            ticked_through=data.get("tickedThrough") is True,
        )

    @property
    def shows_progress(self) -> bool:
        """Changed this session by a commit of its own: the plan moved on."""
        return self.modified_this_session and bool(self.latest_commit) and self.latest_commit != self.introducing_commit


@dataclass(frozen=True)
class Commit:
    sha: str
    time: float
    subject: str
    files: tuple[str, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Commit:
        """From the hook's evidence (`time` in epoch seconds) or a case of `eval` (`gate export` writes its
        `time` in ISO 8601, as JSON carries times)."""
        when = data.get("time")
        return cls(
            sha=str(data["sha"]),
            time=(parse_iso(when) or 0.0) if isinstance(when, str) else float(when or 0),
            subject=str(data.get("subject") or ""),
            files=tuple(str(f) for f in data.get("files") or ()),
        )


@dataclass(frozen=True)
class Turn:
    source: str  # "user" | "agent"
    text: str


@dataclass(frozen=True)
class Case:
    stop_text: str
    recent_turns: tuple[Turn, ...] = ()
    artifacts: tuple[Artifact, ...] = ()
    session_commits: tuple[Commit, ...] = ()
    signals: tuple[str, ...] = ()
    # Files of stopwarden's own set-up this session added (what `init` writes, committed for the first
    # time): set-up, not work on the gate. Found by the server in git; a case without a repository has none.
    setup_files: frozenset[str] = frozenset()

    @property
    def pre_session_artifacts(self) -> tuple[Artifact, ...]:
        return tuple(a for a in self.artifacts if not a.created_this_session)


@dataclass(frozen=True)
class Pointer:
    plan_file: str | None = None
    plan_commit_sha: str | None = None
    incremental_commit_sha: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "plan_file": self.plan_file,
            "plan_commit_sha": self.plan_commit_sha,
            "incremental_commit_sha": self.incremental_commit_sha,
        }


@dataclass(frozen=True)
class Verdict:
    decision: str
    rule: str
    evidence_pointer: Pointer = field(default_factory=Pointer)
    rationale: str = ""  # never shown to the agent
    act: str = ""  # the stop act judged (names.STOP_ACTS), "" when the authority does not say
