"""Phases and the legal transitions between them (SPEC §4.2). Stdlib-only: the hook imports it."""

from __future__ import annotations

from stopwarden.common.names import (
    CLARIFY,
    COMPLETE,
    ESCALATED,
    EXECUTING,
    FAILED,
    FIXING,
    HARDENING,
    IDLE,
    PHASES,
    PLANNING,
    TERMINAL_PHASES,
    VERIFYING,
)

# Besides these, `failed` and `escalated` are reachable from every non-terminal phase.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    IDLE: (CLARIFY, PLANNING, EXECUTING),
    CLARIFY: (PLANNING,),
    PLANNING: (EXECUTING,),
    EXECUTING: (VERIFYING, COMPLETE),
    VERIFYING: (COMPLETE, FIXING, HARDENING),
    FIXING: (VERIFYING,),
    HARDENING: (COMPLETE,),
}

# Phases in which `build step` may record a step: steps are done while executing, and re-recorded
# while fixing (a failing step that a fix makes pass must be recordable, or `complete` is unreachable).
STEP_PHASES = (EXECUTING, FIXING)


def allowed_next(phase: str) -> tuple[str, ...]:
    """Every phase `phase` may move to, in a stable order."""
    if phase in TERMINAL_PHASES:
        return ()
    return (*TRANSITIONS.get(phase, ()), FAILED, ESCALATED)


def is_legal(current: str, target: str) -> bool:
    return target in PHASES and target in allowed_next(current)


def route(current: str, targets: tuple[str, ...]) -> list[str]:
    """The shortest run of legal moves from `current` into one of `targets` ([] when there is none, or when
    `current` is one already): what a hint may tell the user to do."""
    paths: dict[str, list[str]] = {current: []}
    frontier = [current]
    while frontier and current not in targets:
        nxt = []
        for phase in frontier:
            for step in allowed_next(phase):
                if step in paths:
                    continue
                paths[step] = [*paths[phase], step]
                if step in targets:
                    return paths[step]
                nxt.append(step)
        frontier = nxt
    return []
