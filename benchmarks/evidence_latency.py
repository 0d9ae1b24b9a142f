"""A forwarded Stop hook at three history sizes, as ratios to `python -c pass` in the same run (issue 20).

Run it from the repository root with the venv's interpreter:

    .venv/bin/python benchmarks/evidence_latency.py                        # 100, 5,000 and 20,000 commits
    .venv/bin/python benchmarks/evidence_latency.py --sizes 100,5000 --rounds 10
    .venv/bin/python benchmarks/evidence_latency.py --json

Targets: at 5,000 commits <= 4x `python -c pass`; at 20,000 commits within 1.2x of the 100-commit figure.

The repositories are stop_gate_latency.py's (built with `git fast-import`: source changes, --plans plan files
under docs/plans/ introduced and ticked off over six weeks, ten `*spec*.md` files), one per size, each its
own project set up with the real CLI (`stopwarden init`, limits raised, `stopwarden start` in shadow mode).
One session is started with the real SessionStart hook, then the session's three commits are added. What is
timed is the installed Stop hook command, `sh -c <command>` with a payload whose stop text is a continue
(unique each run), exactly as stop_gate_latency.py's forwarded shadow scenario: evidence from git, POST /v1/evaluate,
the rules authority says continue, one event stored (every run is checked for it and for hook.log's line).

The evidence cache is warm: the warm-up round's stop builds it, as the first stop in a checkout does. After
the rounds, for each size: `evidence.collect` in this process must come back whole (not cut short by a
deadline) and equal to a walk of the whole history without the cache; then the cache is removed and one
stop timed cold (the first stop of a checkout, or the first after a rewritten history).

This is a measurement, not a gate: the exit code is 0 whatever the numbers, 2 when the setup or a check fails.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness
from benchmarks.hook_latency import quote
from benchmarks.stop_gate_latency import (
    BASELINE,
    SESSION_COMMITS,
    SHADOW,
    Project,
    Repo,
    Scenario,
    StopSubject,
    build_base,
    check_repo,
    feed,
    hook_command,
    session_commits,
    set_up_project,
    start_sessions,
    stop_servers,
    write_transcript,
)

SIZES = (100, 5000, 20000)
PLANS = 200
RATIO_AT_5000 = 4.0
FLAT = 1.2  # the largest size over the smallest, at most


@dataclass
class Size:
    commits: int
    repo: Repo
    project: Project
    scenario: Scenario
    subject: StopSubject
    cold_ms: float = 0.0
    whole: bool = False  # evidence came back whole and equal to the uncached walk


@dataclass
class Bench:
    baseline: harness.Subject
    sizes: list[Size]
    stop_command: str


def name(commits: int) -> str:
    return f"forwarded, shadow, {commits:,} commits"


def set_up(workdir: Path, args: argparse.Namespace, box: harness.Sandbox, projects: list[Project]) -> Bench:
    env = box.env
    transcript = workdir / "transcript.jsonl"
    write_transcript(transcript, time.time())
    built: list[tuple[int, Repo, Project]] = []
    for commits in args.sizes:
        repo = build_base(workdir / f"repo-{commits}", env, commits, args.plans)
        project = Project(SHADOW, workdir / f"repo-{commits}", sessions=[f"bench-{commits}"])
        projects.append(project)
        set_up_project(project, box)
        built.append((commits, repo, project))
    stop_command, session_command = (
        hook_command(projects[0].path, "Stop"),
        hook_command(projects[0].path, "SessionStart"),
    )
    for project in projects:
        start_sessions(project, box, session_command, transcript, workdir / f"env-{project.path.name}")
    first = math.ceil(max(s for p in projects for s in p.starts.values())) + 1
    for commits, repo, project in built:
        feed(["git", "fast-import", "--quiet"], project.path, env, session_commits(repo, first), harness.exits_zero)
        harness.run_tool(["git", "reset", "-q", "--hard"], project.path, env)
        check_repo(project, env, commits, args.plans)
    while time.time() < first + SESSION_COMMITS:
        time.sleep(0.1)  # the session's last commit is in the past before the first stop
    sizes = []
    for commits, repo, project in built:
        scenario = Scenario(name(commits), project, True, False, transcript, repo.session_plan)
        run_env = {**env, "CLAUDE_PROJECT_DIR": str(project.path)}
        subject = StopSubject(scenario.name, ["sh", "-c", stop_command], project.path, run_env, scenario.check)
        subject.scenario = scenario
        sizes.append(Size(commits, repo, project, scenario, subject))
    baseline = harness.Subject(
        BASELINE, ["sh", "-c", f"{quote(str(box.python))} -c pass"], projects[0].path, env, harness.exits_zero
    )
    return Bench(baseline, sizes, stop_command)


def check_evidence(size: Size) -> None:
    """In this process: the cached evidence is whole and the same as a walk of the whole history."""
    from stopwarden.hooks import evidence, router

    root = str(size.project.path)
    start = size.project.starts[size.project.sessions[0]]
    cached = evidence.collect(root, start, router.EVIDENCE_BUDGET_S, root)
    uncached = evidence.collect(root, start, 60.0)
    if cached["partial"] or cached != uncached or not cached["artifacts"] or not cached["session_commits"]:
        raise harness.SetupError(f"{size.commits} commits: the cached evidence is partial or differs from a full walk")
    size.whole = True


def run(workdir: Path, args: argparse.Namespace) -> Bench:
    box = harness.Sandbox.make(workdir, args.venv, needs=("git", "sh"))
    projects: list[Project] = []
    try:
        bench = set_up(workdir, args, box, projects)
        harness.measure([bench.baseline, *(s.subject for s in bench.sizes)], args)
        for size in bench.sizes:
            check_evidence(size)
            shutil.rmtree(size.project.path / ".stopwarden" / "evidence")
            size.cold_ms = size.subject.run() / 1e6
            size.subject.samples.pop()  # the cold run is reported on its own
    finally:
        failed = stop_servers(projects, box)
    if failed:
        raise harness.SetupError("; ".join(failed))
    return bench


def report(bench: Bench, info: dict[str, Any]) -> harness.Report:
    base = harness.timing(bench.baseline)
    timings = {s.commits: harness.timing(s.subject) for s in bench.sizes}
    smallest, largest = min(timings), max(timings)
    misses = []
    rows = [[BASELINE, f"{base.median_ms:.1f}", f"{base.p90_ms:.1f}", "1.00x", "", ""]]
    for size in bench.sizes:
        t = timings[size.commits]
        ratio = t.median_ms / base.median_ms
        goal = ""
        if size.commits == 5000:
            goal = f"<= {RATIO_AT_5000:.0f}x"
            if ratio > RATIO_AT_5000:
                misses.append(f"{name(5000)}: {ratio:.2f}x the baseline, over {RATIO_AT_5000:.0f}x")
        row = [
            name(size.commits),
            f"{t.median_ms:.1f}",
            f"{t.p90_ms:.1f}",
            f"{ratio:.2f}x",
            goal,
            f"{size.cold_ms:.0f}",
        ]
        rows.append(row)
    flat = timings[largest].median_ms / timings[smallest].median_ms
    if largest > smallest and flat > FLAT:
        misses.append(f"{largest:,} commits over {smallest:,}: {flat:.2f}x, over {FLAT}x")
    notes = [
        f"{largest:,} commits over {smallest:,} commits: {flat:.2f}x (target <= {FLAT}x)",
        f"{len(bench.sizes[0].repo.plans)} plan files in docs/plans/ and ten spec files at every size; "
        "the evidence cache warm (built by the warm-up round); every timed stop judged by the server "
        "(one event each, checked)",
        "cold: one stop right after the cache was removed (the first stop in a checkout, or after a rewrite)",
        "after the rounds, evidence.collect at each size came back whole and equal to a walk of the whole history",
    ]
    return harness.Report(
        title="A forwarded Stop hook by history size",
        rule=f"<= {RATIO_AT_5000:.0f}x `python -c pass` at 5,000 commits, the largest within {FLAT}x of the smallest",
        goals="targets",
        table=harness.table(["Stop hook", "median ms", "p90 ms", "ratio", "target", "cold ms"], "lrrrlr", rows),
        notes=notes,
        misses=misses,
        json={
            "machine": info,
            "stop_command": bench.stop_command,
            "baseline": harness.records([base])[0],
            "largest_over_smallest": round(flat, 3),
            "results": [
                {
                    "commits": s.commits,
                    "plans": len(s.repo.plans),
                    "ratio": round(timings[s.commits].median_ms / base.median_ms, 3),
                    "cold_ms": round(s.cold_ms, 3),
                    "evidence_whole": s.whole,
                    **harness.records([timings[s.commits]])[0],
                }
                for s in bench.sizes
            ],
        },
    )


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=list(SIZES),
        help="commits in each repository, comma-separated (default: 100,5000,20000)",
    )
    parser.add_argument("--plans", type=int, default=PLANS, help="plan files at every size (default: %(default)s)")


def check_options(args: argparse.Namespace) -> str | None:
    if not args.sizes or min(args.sizes) < 100:
        return "--sizes must each be at least 100"
    return "--plans must be at least 1" if args.plans < 1 else None


if __name__ == "__main__":
    sys.exit(
        harness.main(
            "evidence_latency", harness.parse_args(sys.argv[1:], __doc__, add_options, check_options), run, report
        )
    )
