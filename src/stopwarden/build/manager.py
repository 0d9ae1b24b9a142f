"""What the `stopwarden build …` commands do to build state (SPEC §4). Each function is one unit of work:
it takes the build's lock, reads, checks, writes atomically and appends to the audit log, or raises
StopwardenError and changes nothing.
"""

from __future__ import annotations

import os
import re

from stopwarden.build import owner, phases, state
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import (
    BUILD_COMPLETED,
    BUILD_ESCALATED,
    BUILD_RESUMED,
    BUILD_STARTED,
    COMPLETE,
    ENDED_PHASES,
    ESCALATED,
    FAILED,
    FIXING,
    IDLE,
    MAX_FIX_ITERATIONS,
    PHASE_CHANGED,
    PHASES,
    SIZES,
    STEP_COMPLETED,
    TERMINAL_PHASES,
    VERIFYING,
)
from stopwarden.common.timefmt import now_iso

# `build status` runs this module without click (cli/quick.py), where importing `typing` is a cost to avoid.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    State = dict[str, Any]


class Actor:
    """Who runs a command that changes a build: the calling session, and why it may act on a build that
    is not its own (`--force REASON`; empty: only its own, or one nobody owns)."""

    __slots__ = ("caller", "force_reason")

    def __init__(self, caller: owner.Caller, force_reason: str = "") -> None:
        self.caller = caller
        self.force_reason = force_reason

    def record(self) -> dict[str, Any]:
        """For the audit log: the session, its agent and the process that ran the command."""
        by: dict[str, Any] = {"session_id": self.caller.session_id, "agent_pid": self.caller.agent()[0]}
        by["pid"] = os.getppid()  # the shell the agent (or the user) ran the command from
        if self.force_reason:
            by["forced"] = self.force_reason
        return by


def check_may_act(build: State, actor: Actor | None) -> None:
    """Raise unless `actor` may change `build`: its owner; anyone, for a build nobody owns; the user, from a
    shell no agent runs (no session, agent or pane to tell it by); another session only with `--override`.

    `None` is stopwarden's own code (demo, doctor's probe) acting on a build it just started."""
    if actor is None or actor.force_reason:
        return
    who = build.get("owner") or {}
    if not owner.has_identity(who) or owner.match(who, actor.caller):
        return
    if not owner.has_identity(actor.caller.as_owner()):
        return  # the user at a terminal: the builds are theirs
    raise StopwardenError(
        f"build {build['id']} belongs to another session ({describe_owner(who)}); it was left as it was",
        hint=f"take it over with `stopwarden build resume --adopt --build {build['id']}`, or act on it once "
        f'with `--build {build["id"]} --override "<why>"`',
    )


def describe_owner(who: dict[str, Any]) -> str:
    parts = []
    if who.get("session_id"):
        parts.append(f"session {who['session_id']}")
    if who.get("agent_pid"):
        parts.append(f"agent pid {who['agent_pid']}")
    if who.get("tmux"):
        parts.append(f"tmux {who['tmux']}")
    return ", ".join(parts) or "none (never gated)"


def start(root: str, task: str, size: str, caller: owner.Caller, cwd: str) -> State:
    """Start a build owned by `caller`, in phase idle."""
    task = task.strip()
    if not task:
        raise StopwardenError("the task is empty", hint='name it: stopwarden build start "add a login page"')
    try:
        task.encode("utf-8")  # a shell can pass bytes that are not text; fail before anything is written
    except UnicodeEncodeError:
        raise StopwardenError("the task is not valid UTF-8 text", hint="retype it") from None
    size = size.upper()
    if size not in SIZES:
        raise StopwardenError(f"unknown size {size!r}", hint=f"use one of {', '.join(SIZES)}")
    stamped = caller.as_owner()
    if owner.has_identity(stamped):
        mine = [b for b in _active(root) if owner.match(b.get("owner") or {}, caller)]
        if mine:
            raise StopwardenError(
                f"this session already owns the active build {mine[0]['id']}",
                hint="finish it (`stopwarden build complete`) or abandon it first "
                '(`stopwarden build abandon --reason "<why>"`)',
            )
    now = now_iso()
    reinforcements, label = SIZES[size]
    build: State = {
        "id": _new_id(task),
        "task": task,
        "size": size,
        "phase": IDLE,
        "protection": {"reinforcements": reinforcements, "label": label},
        "reinforcements_used": 0,
        "owner": {**stamped, "cwd": cwd, "stamped_at": now},
        "started_at": now,
        "completed_at": None,
        "steps": [],
        "total_tests": 0,
        "all_passing": True,
        "fix_iterations": 0,
        "max_fix_iterations": MAX_FIX_ITERATIONS,
        "verify_iterations": 0,
        "worktree": None,
    }
    os.makedirs(state.builds_dir(root), mode=0o700, exist_ok=True)
    state.mark_active(root, build["id"])
    try:
        with state.lock(root, build["id"]):
            state.save(root, build)
    except BaseException:
        state.unmark_active(root, build["id"])  # no marker without a build behind it
        raise
    state.append_audit(root, build["id"], BUILD_STARTED, task=task, size=size, owner=build["owner"])
    return build


def _new_id(task: str) -> str:
    import secrets  # pulls in hmac and OpenSSL: only `build start` needs it

    slug = re.sub(r"[^a-z0-9]+", "-", task.lower()).strip("-")[:32].rstrip("-") or "build"
    return f"{slug}-{secrets.token_hex(3)}"


def load(root: str, build_id: str) -> State:
    """One build's state, with a clear error when it is missing or corrupt."""
    if not build_id or "/" in build_id or build_id.startswith("."):
        raise StopwardenError(f"no build {build_id!r}", hint="list the builds with `stopwarden build list`")
    try:
        return state.load(root, build_id)
    except FileNotFoundError:
        raise StopwardenError(f"no build {build_id!r}", hint="list the builds with `stopwarden build list`") from None
    except state.StateError as e:
        raise StopwardenError(str(e), hint=UNREADABLE_HINT) from None


UNREADABLE_HINT = "repair it, or move it out of .stopwarden/builds/ to set it aside"


def all_builds(root: str, unreadable: list[StopwardenError] | None = None) -> list[State]:
    """Every readable build, newest first. A corrupt one is left out, and said in `unreadable` (its path
    and what is wrong) when the caller passes a list: listing it as "no build" would hide it."""
    builds = []
    for build_id in state.all_ids(root):
        try:
            builds.append(state.load(root, build_id))
        except (OSError, state.StateError) as e:
            if unreadable is not None:
                problem = str(e) if isinstance(e, state.StateError) else f"build state {build_id}: {e.strerror or e}"
                unreadable.append(StopwardenError(problem, hint=UNREADABLE_HINT))
    return sorted(builds, key=lambda b: str(b.get("started_at", "")), reverse=True)


def _active(root: str) -> list[State]:
    return [b for b in all_builds(root) if b["phase"] not in TERMINAL_PHASES]


def select(root: str, caller: owner.Caller, build_id: str | None = None) -> str:
    """The build a command acts on: the one named, else the active one this session owns, else the only
    active one, else (for reading) the most recent one. When a build cannot be read, only the one named
    or this session's own is chosen: the unreadable one may be the build meant, so it is reported."""
    if build_id:
        return str(load(root, build_id)["id"])
    unreadable: list[StopwardenError] = []
    builds = all_builds(root, unreadable)
    active = [b for b in builds if b["phase"] not in TERMINAL_PHASES]
    mine = [b for b in active if owner.match(b.get("owner") or {}, caller)]
    if len(mine) == 1:
        return str(mine[0]["id"])
    if unreadable:
        found = unreadable[0]
        raise StopwardenError(found.message, hint=f"{found.hint}; or name a build with --build ID")
    if len(active) == 1 and not mine:
        return str(active[0]["id"])
    candidates = mine or active
    if len(candidates) > 1:
        raise StopwardenError(
            f"{len(candidates)} active builds: {', '.join(b['id'] for b in candidates)}",
            hint="name one with --build ID",
        )
    if not builds:
        raise StopwardenError("no build in this project", hint='start one: stopwarden build start "<task>"')
    return str(builds[0]["id"])


def set_phase(root: str, build_id: str, target: str, evidence: str = "", actor: Actor | None = None) -> State:
    """Move a build to `target`. Entering fixing a 4th time escalates it; complete needs a step, all
    passing, and leaving executing or fixing for verifying or complete needs steps 1 to N; escalating and
    failing need a reason (`evidence`)."""
    target = target.lower()
    if target not in PHASES:
        raise StopwardenError(f"unknown phase {target!r}", hint=f"phases: {', '.join(PHASES)}")
    if target in (ESCALATED, FAILED) and not evidence.strip():
        # `build abandon` asks for its --reason itself: only `build phase` gets here without one.
        raise StopwardenError(f"say why the build is {target}", hint='add --evidence "<why>" (the user reads it)')
    with state.lock(root, build_id):
        build = load(root, build_id)
        check_may_act(build, actor)
        current = build["phase"]
        if not phases.is_legal(current, target):
            allowed = ", ".join(phases.allowed_next(current)) or (
                "none: it waits for the user; `stopwarden build resume` takes it up again"
                if current == ESCALATED
                else "none, it is finished"
            )
            raise StopwardenError(
                f"illegal transition {current} -> {target} for build {build_id}", hint=f"from {current}: {allowed}"
            )
        if target == COMPLETE and not build["steps"]:
            raise StopwardenError(
                f"build {build_id} cannot complete: no step is recorded",
                hint='record what was done first: stopwarden build step 1 "<what>" --tests N --passing N',
            )
        if target == COMPLETE:
            failing = [s["n"] for s in build["steps"] if not _passing(s)]
            if failing:
                raise StopwardenError(
                    f"build {build_id} cannot complete: {_steps(failing)} not passing",
                    hint="fix them and re-record each with `stopwarden build step N …`",
                )
        # A number skipped is a step of the plan nobody said was done, or not needed. Asked on leaving the
        # phases that record steps, where the agent can still record it (never in hardening, which cannot).
        missing, count = _missing_steps(build["steps"]) if current in phases.STEP_PHASES else ([], 0)
        if missing and target in (VERIFYING, COMPLETE):
            more = f" ({count} in all)" if count > len(missing) else ""
            raise StopwardenError(
                f"build {build_id} cannot leave {current}: {_steps(missing)} not recorded{more}",
                hint=f"record it, or say why it was not needed: stopwarden build step {missing[0]} "
                '"not needed: <why>" --tests 0 --passing 0',
            )
        escalated = target == FIXING and build["fix_iterations"] >= build["max_fix_iterations"]
        if escalated:
            target = ESCALATED
        elif target == FIXING:
            build["fix_iterations"] += 1
        if target == VERIFYING:
            build["verify_iterations"] += 1
        if target == ESCALATED:  # for `build resume` once the user has answered, and for `status`
            build["escalated_from"] = current
            build["escalation"] = evidence.strip() or f"fixing entered a {build['max_fix_iterations'] + 1}th time"
        build["phase"] = target
        if target in TERMINAL_PHASES:
            build["completed_at"] = now_iso()
        state.save(root, build)
    details: dict[str, Any] = {"from": current, "to": target}
    if evidence:
        details["evidence"] = evidence
    by: dict[str, Any] = {} if actor is None else {"by": actor.record()}  # who acted, on every record of it
    state.append_audit(root, build_id, PHASE_CHANGED, **details, **by)
    if escalated:
        reason = f"fixing entered a {build['max_fix_iterations'] + 1}th time"
        state.append_audit(root, build_id, BUILD_ESCALATED, reason=reason, **by)
    elif target == ESCALATED:
        state.append_audit(root, build_id, BUILD_ESCALATED, reason=evidence, **by)
    if target == COMPLETE:
        state.append_audit(root, build_id, BUILD_COMPLETED, steps=len(build["steps"]), tests=build["total_tests"], **by)
    return build


def _passing(step: dict[str, Any]) -> bool:
    """A step with no tests (`--tests 0`) passes: a step of docs or configuration may have none."""
    return bool(step["passing"] == step["tests"])


def _steps(numbers: list[int]) -> str:
    """For a message: `step 2 is`, or `steps 2, 4 are`."""
    return f"step {numbers[0]} is" if len(numbers) == 1 else f"steps {', '.join(map(str, numbers))} are"


def _missing_steps(steps: list[dict[str, Any]]) -> tuple[list[int], int]:
    """The first few numbers below the highest recorded step that have no step of their own, and how many
    there are: counted gap by gap, never listed, as a state file may hold any number."""
    first: list[int] = []
    count, expected = 0, 1
    numbers = {int(s["n"]) for s in steps}
    for n in sorted(n for n in numbers if n >= 1):  # a state file edited by hand may hold 0 or less
        if n > expected:
            count += n - expected
            first += range(expected, n)[: max(0, MISSING_SHOWN - len(first))]
        expected = n + 1
    return first, count


MISSING_SHOWN = 10  # the missing step numbers a refused `complete` names
MAX_SKIP = 10  # how far past the highest step recorded a new one may be numbered


def record_step(
    root: str, build_id: str, n: int, description: str, tests: int, passing: int, actor: Actor | None = None
) -> State:
    """Record step `n` (again, to replace it): how many tests it has and how many pass. Its number is the
    plan's; one more than MAX_SKIP past the highest recorded (a date or a ticket number typed as N) is
    refused, as `complete` would then ask for every number between."""
    if n < 1:
        raise StopwardenError(f"step number {n} is not positive", hint="steps count from 1")
    if tests < 0 or passing < 0 or passing > tests:
        raise StopwardenError(f"--passing {passing} and --tests {tests} do not fit", hint="0 <= passing <= tests")
    if not description.strip():
        raise StopwardenError("the step's description is empty", hint="say what the step did")
    with state.lock(root, build_id):
        build = load(root, build_id)
        check_may_act(build, actor)
        if build["phase"] not in phases.STEP_PHASES:
            raise StopwardenError(
                f"build {build_id} is in phase {build['phase']}; steps are recorded while "
                + " or ".join(phases.STEP_PHASES),
                hint=_way_to_steps(build["phase"]),
            )
        highest = max((int(s["n"]) for s in build["steps"]), default=0)
        if n > highest + MAX_SKIP:
            raise StopwardenError(
                f"step {n} is more than {MAX_SKIP} past the highest step recorded ({highest})",
                hint=f"number steps as the plan does: record step {highest + 1} next",
            )
        step = {"n": n, "description": description.strip(), "tests": tests, "passing": passing, "at": now_iso()}
        build["steps"] = sorted([s for s in build["steps"] if s["n"] != n] + [step], key=lambda s: int(s["n"]))
        build["total_tests"] = sum(int(s["tests"]) for s in build["steps"])
        build["all_passing"] = all(_passing(s) for s in build["steps"])
        state.save(root, build)
    by = {"by": actor.record()} if actor is not None else {}
    state.append_audit(
        root, build_id, STEP_COMPLETED, n=n, description=step["description"], tests=tests, passing=passing, **by
    )
    return build


def _way_to_steps(phase: str) -> str:
    """How a build in `phase` gets to where steps are recorded, by legal moves only (never a move the
    next command would refuse)."""
    route = phases.route(phase, phases.STEP_PHASES)
    if route:
        return "move it there: " + ", then ".join(f"`stopwarden build phase {p}`" for p in route)
    if phase == ESCALATED:
        return "once the user has answered, `stopwarden build resume` takes it back to the phase it left"
    if phase in TERMINAL_PHASES:
        return f'it is {phase}: start a new build with `stopwarden build start "<task>"`'
    return f"steps are recorded before {phase}; from {phase}: {', '.join(phases.allowed_next(phase))}"


def abandon(root: str, build_id: str, reason: str, actor: Actor | None = None) -> State:
    """End a build as failed; the reason (required) goes into the audit log."""
    if not reason.strip():  # said here, with abandon's own option: set_phase's hint names `build phase`'s
        raise StopwardenError("say why the build is abandoned", hint='add --reason "<why>" (the user reads it)')
    return set_phase(root, build_id, FAILED, evidence=reason, actor=actor)


def resume(root: str, build_id: str, caller: owner.Caller, adopt: bool) -> dict[str, Any]:
    """Can the calling session resume this build, and how. With `adopt`, the caller takes it over.

    An escalated build waits for the user; its owner (or, with `adopt`, another session) resumes it in the
    phase it left, with a fresh count of fix rounds: the user's answer is what the escalation asked for.
    The Stop hook never adopts a build; taking one over is always this explicit command.
    """
    old: dict[str, Any] = {}
    with state.lock(root, build_id):
        build = load(root, build_id)
        how = owner.match(build.get("owner") or {}, caller)
        adopted = reopened = False
        if adopt and not how and build["phase"] not in ENDED_PHASES:
            old = build["owner"]
            build["owner"] = {**caller.as_owner(), "cwd": old.get("cwd", ""), "stamped_at": now_iso()}
            adopted = True
        if build["phase"] == ESCALATED and (how or adopted) and build.get("escalated_from"):
            build["phase"] = build.pop("escalated_from")
            build["completed_at"] = None
            build["fix_iterations"] = 0
            reopened = True
        if reopened:
            state.mark_active(root, build_id)  # unfinished again: the Stop hook looks for the marker
        if adopted or reopened:
            state.save(root, build)
    if adopted:
        state.audit_reconciled(root, build_id, old.get("session_id", ""), caller.session_id, "adopt")
        how = "adopt"
    if reopened:
        state.append_audit(root, build_id, BUILD_RESUMED, to=build["phase"], escalation=build.get("escalation", ""),
                           by=Actor(caller).record())  # fmt: skip
    terminal = build["phase"] in TERMINAL_PHASES
    if terminal:
        advice = f"the build is {build['phase']}; start a new one to continue the work"
        if build["phase"] == ESCALATED:
            advice = "it is escalated and waits for the user; its owner resumes it (or take it over with --adopt)"
    elif reopened:
        advice = f"resumed after the escalation ({build.get('escalation', '')}); carry on in phase {build['phase']}"
    elif how:
        advice = f"you own it (proven by {how}); carry on in phase {build['phase']}"
    else:
        advice = "another session owns it; its stops are gated, yours are not. Take it over with --adopt"
    return {
        "build_id": build_id,
        "phase": build["phase"],
        "owner": build["owner"],
        "is_owner": bool(how),
        "proven_by": how,
        "resumed": reopened,
        "can_resume": bool(how) and not terminal,
        "advice": advice,
    }
