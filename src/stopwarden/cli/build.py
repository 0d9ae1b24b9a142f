"""`stopwarden build …`: track a multi-phase build so the Stop hook can keep its owner at work (SPEC §4.5).

Each command is a thin wrapper over one function of `stopwarden.build.manager` or `.worktree`.
"""

from __future__ import annotations

import json
import os
from typing import Any

import click

from stopwarden.build import history, manager, owner
from stopwarden.cli import quick
from stopwarden.cli.output import build_option, emit, json_option, warn
from stopwarden.common import termsafe, timefmt
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import AUDIT_EVENTS, DEFAULT_SIZE, SIZES
from stopwarden.common.project import require_root


def _here() -> tuple[str, owner.Caller]:
    return require_root(os.getcwd()), owner.caller_from_env(os.environ)


def override_option(f: Any) -> Any:
    """`--override REASON`: act on a build another session owns, once, with a reason for the audit log."""
    return click.option(
        "--override",
        metavar="REASON",
        help="Act on a build another session owns (needs --build ID); the reason goes into the audit log.",
    )(f)


def _changing(build_id: str | None, override: str | None) -> tuple[str, str, manager.Actor]:
    """The project, the build a changing command acts on, and who acts: a session changes only its own
    build (or one nobody owns) unless it names another with --build and says why with --override."""
    root, caller = _here()
    if override is not None and (not build_id or not override.strip()):
        raise click.UsageError('--override needs --build ID and a reason: --build ID --override "<why>"')
    return root, manager.select(root, caller, build_id), manager.Actor(caller, (override or "").strip())


@click.group()
def build() -> None:
    """Track a multi-phase build (clarify, plan, execute, verify, harden).

    While the build is unfinished, the Stop hook blocks the stops of the session that started it, and
    only that session, within a budget of 3, 5 or 10 blocks by size.
    """


@build.command()
@click.argument("task")
@click.option(
    "--size",
    type=click.Choice(list(SIZES), case_sensitive=False),
    default=DEFAULT_SIZE,
    show_default=True,
    help="SMALL: 3 blocks, STANDARD: 5, LARGE: 10.",
)
@click.option("--owner-session", metavar="ID", help="The owning session's id (default: from the environment).")
@json_option
def start(task: str, size: str, owner_session: str | None, as_json: bool) -> None:
    """Start a build owned by the calling session.

    \b
    Example:
      stopwarden build start "add a login page" --size STANDARD
    """
    root = require_root(os.getcwd())
    caller = owner.caller_from_env(os.environ, owner_session)
    state = manager.start(root, task, size, caller, os.getcwd())
    if not owner.has_identity(state["owner"]):
        warn(
            "no owner identity is visible here (no session id, agent process or tmux pane), so the build gate "
            "will never block for this build; pass --owner-session ID"
        )
    emit(
        as_json,
        state,
        termsafe.lines([
            f"started build {state['id']}: {state['task']} ({quick.protection(state)})",
            f"owner: {manager.describe_owner(state['owner'])}",
            "next: stopwarden build phase planning (or clarify, or executing)",
        ]),
    )  # fmt: skip


@build.command()
@build_option
@json_option
def status(build_id: str | None, as_json: bool) -> None:
    """Show where a build stands. `--json` prints the state object.

    \b
    Example:
      stopwarden build status --json
    """
    click.echo(quick.build_status(as_json, build_id))  # the text `stopwarden build status` gets without click


@build.command(name="list")
@json_option
def list_(as_json: bool) -> None:
    """List every build in this checkout, newest first.

    \b
    Example:
      stopwarden build list
    """
    root, caller = _here()
    unreadable: list[StopwardenError] = []
    builds = manager.all_builds(root, unreadable)
    rows = [
        f"{'*' if owner.match(b['owner'], caller) else ' '} {b['id']:<42} {b['phase']:<10} {b['task']}" for b in builds
    ]
    text = termsafe.lines(rows) + "\n(* = owned by this session)" if rows else "no builds yet"
    if builds or not unreadable:
        emit(as_json, builds, text)
    if unreadable:  # the readable ones are listed; stderr and the exit status say what could not be read
        raise StopwardenError("; ".join(e.message for e in unreadable), hint=manager.UNREADABLE_HINT)


@build.command()
@click.argument("phase")
@click.option("--evidence", default="", help="Why the build may move on (recorded in the audit log).")
@build_option
@override_option
@json_option
def phase(phase: str, evidence: str, build_id: str | None, override: str | None, as_json: bool) -> None:
    """Move a build to PHASE (idle, clarify, planning, executing, verifying, fixing, hardening, complete,
    failed, escalated).

    \b
    Example:
      stopwarden build phase verifying --evidence "all 4 steps done"
    """
    root, selected, actor = _changing(build_id, override)
    state = manager.set_phase(root, selected, phase, evidence, actor)
    note = " (fixing was entered too often)" if state["phase"] == "escalated" and phase.lower() == "fixing" else ""
    emit(as_json, state, termsafe.line(f"build {state['id']} is now in phase {state['phase']}{note}"))


@build.command()
@click.argument("n", type=int)
@click.argument("description")
@click.option("--tests", type=int, required=True, help="How many tests cover this step.")
@click.option("--passing", type=int, required=True, help="How many of them pass.")
@build_option
@override_option
@json_option
def step(
    n: int, description: str, tests: int, passing: int, build_id: str | None, override: str | None, as_json: bool
) -> None:
    """Record step N of the plan (again, to replace it), with its test counts.

    \b
    Example:
      stopwarden build step 1 "parse the config" --tests 6 --passing 6
    """
    root, selected, actor = _changing(build_id, override)
    state = manager.record_step(root, selected, n, description, tests, passing, actor)
    emit(
        as_json,
        state,
        termsafe.line(
            f"step {n} recorded: {passing}/{tests} passing; {len(state['steps'])} steps, "
            f"{state['total_tests']} tests in all"
        ),
    )


@build.command()
@click.option("--event", type=click.Choice(AUDIT_EVENTS), help="Only this event.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="The last N records.")
@build_option
@json_option
def log(event: str | None, limit: int, build_id: str | None, as_json: bool) -> None:
    """Show the audit log of every build (or of one, with --build).

    \b
    Example:
      stopwarden build log --event gate.blocked --limit 5
    """
    root = require_root(os.getcwd())
    records = history.read_log(root, build_id, event, limit)
    lines = [f"{timefmt.local_iso(r.get('at'))} {r.get('build_id')} {r.get('event')} {_details(r)}" for r in records]
    emit(as_json, records, termsafe.lines(lines) or "no records")


@build.command()
@build_option
@json_option
def report(build_id: str | None, as_json: bool) -> None:
    """Summarise a build: phases taken, steps, tests, and what the gate did.

    \b
    Example:
      stopwarden build report
    """
    root, caller = _here()
    data = history.report(root, manager.select(root, caller, build_id))
    timeline = ", ".join(f"{p['to']}" for p in data["phases"]) or "none"
    text = termsafe.lines([
        f"{data['id']}: {data['task']} [{data['size']}] {data['phase']}",
        f"steps {data['steps']}, tests {data['total_tests']} ({'all passing' if data['all_passing'] else 'failing'})",
        f"blocks {data['reinforcements_used']}/{data['reinforcements']}, fix rounds {data['fix_iterations']}, "
        f"verify rounds {data['verify_iterations']}",
        f"phases: {timeline}",
        f"events: {', '.join(f'{k} x{v}' for k, v in data['events'].items())}",
    ])  # fmt: skip
    emit(as_json, data, text)


@build.command()
@build_option
@override_option
@json_option
def complete(build_id: str | None, override: str | None, as_json: bool) -> None:
    """Mark a build complete (steps recorded, every one passing).

    \b
    Example:
      stopwarden build complete
    """
    root, selected, actor = _changing(build_id, override)
    state = manager.set_phase(root, selected, "complete", actor=actor)
    untested = "" if state["total_tests"] else " (no step recorded a test)"
    emit(as_json, state, termsafe.line(f"build {state['id']} is complete{untested}"))


@build.command()
@click.option("--reason", required=True, help="Why the build is abandoned (recorded in the audit log).")
@build_option
@override_option
@json_option
def abandon(reason: str, build_id: str | None, override: str | None, as_json: bool) -> None:
    """End a build as failed. Say why with --reason.

    \b
    Example:
      stopwarden build abandon --reason "the user cancelled the feature"
    """
    root, selected, actor = _changing(build_id, override)
    state = manager.abandon(root, selected, reason, actor)
    emit(as_json, state, termsafe.line(f"build {state['id']} is abandoned (failed)"))


@build.command()
@click.option("--adopt", is_flag=True, help="Take the build over: this session becomes its owner.")
@build_option
@json_option
def resume(adopt: bool, build_id: str | None, as_json: bool) -> int:
    """Say whether this session can resume a build, and how; resume an escalated one once the user answered.

    An escalated build goes back to the phase it left (its owner, or another session with --adopt).
    Exits 1 when this session cannot resume it (another session owns it, or it is finished), after saying
    why, so a script can tell.

    \b
    Example:
      stopwarden build resume --adopt
    """
    root, caller = _here()
    data = manager.resume(root, manager.select(root, caller, build_id), caller, adopt)
    emit(as_json, data, termsafe.line(f"{data['build_id']} ({data['phase']}): {data['advice']}"))
    return 0 if data["can_resume"] else 1


@build.group()
def worktree() -> None:
    """Give a build its own git worktree and branch."""


@worktree.command(name="create")
@click.option("--branch", help="The new branch (default stopwarden/<build id>).")
@build_option
@override_option
@json_option
def worktree_create(branch: str | None, build_id: str | None, override: str | None, as_json: bool) -> None:
    """Create the build's worktree under .stopwarden/worktrees/.

    \b
    Example:
      stopwarden build worktree create --branch feature/login
    """
    from stopwarden.build import worktree as trees

    root, selected, actor = _changing(build_id, override)
    manager.check_may_act(manager.load(root, selected), actor)
    data = trees.create(root, selected, branch)
    text = f"worktree {data['path']} on branch {data['branch']} (from {data['source_branch']})"
    emit(as_json, data, termsafe.line(text))


@worktree.command(name="merge")
@build_option
@override_option
@json_option
def worktree_merge(build_id: str | None, override: str | None, as_json: bool) -> None:
    """Merge the worktree's branch into the branch it came from.

    \b
    Example:
      stopwarden build worktree merge
    """
    from stopwarden.build import worktree as trees

    root, selected, actor = _changing(build_id, override)
    manager.check_may_act(manager.load(root, selected), actor)
    data = trees.merge(root, selected)
    emit(as_json, data, termsafe.line(f"merged {data['branch']} into {data['source_branch']} ({data['commit'][:12]})"))


@worktree.command(name="remove")
@click.option("--force", is_flag=True, help="Remove it even with uncommitted changes.")
@build_option
@override_option
@json_option
def worktree_remove(force: bool, build_id: str | None, override: str | None, as_json: bool) -> None:
    """Remove the build's worktree (its branch is kept).

    \b
    Example:
      stopwarden build worktree remove
    """
    from stopwarden.build import worktree as trees

    root, selected, actor = _changing(build_id, override)
    manager.check_may_act(manager.load(root, selected), actor)
    data = trees.remove(root, selected, force)
    emit(as_json, data, termsafe.line(f"removed {data['path']}; branch {data['branch']} is kept"))


def _details(record: dict[str, Any]) -> str:
    skip = {"at", "build_id", "event"}
    return " ".join(f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in record.items() if k not in skip)
