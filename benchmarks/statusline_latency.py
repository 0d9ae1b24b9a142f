"""Whole-process latency of the installed status line command, as a ratio to a bare interpreter start.

Run it from the repository root with the venv's interpreter:

    .venv/bin/python benchmarks/statusline_latency.py              # 30 rounds, a markdown table
    .venv/bin/python benchmarks/statusline_latency.py --rounds 60  # more rounds, steadier medians
    .venv/bin/python benchmarks/statusline_latency.py --json       # the same results (and every sample) as JSON

Claude Code runs its `statusLine` command on every refresh of the screen (at most every 300 ms while the
conversation changes), so it must cost about what starting an interpreter costs: the target is <= 1.5x.

What is measured. In a temp folder (its own HOME and CLAUDE_CONFIG_DIR, no agent identity leaking in) the
script sets two projects up with the real CLI (`git init`, `stopwarden init --agent claude-code`, then
`stopwarden init --statusline`), starts each project's gate server (`stopwarden start`; `stopwarden stop`
ends them whatever happens), reads the exact `statusLine.command` that init wrote to
`.claude/settings.local.json`, and runs it the way Claude Code does: `sh -c <command>` in the session's
folder with a status payload on stdin (the fields Claude Code 2.1.330 sends: session, cwd, model, workspace,
cost, context window). Each run is timed with `time.perf_counter_ns` around `subprocess.run`, so a sample is
the whole process: fork, sh, interpreter start, imports, the status line's reads, exit. Scenarios:

  no build                project initialised, no active build, server up, `.stopwarden/hot-path.json`
                          five minutes old (as it is between mode changes): active-build listing, the
                          hot-path file, the server's pid file and /proc/<pid>/cmdline     target <= 1.5x
  owner                   the payload's session owns a build in phase executing: the same, plus reading
                          the build's state and matching its owner                        target <= 1.5x
  outside a project       payload cwd with no .stopwarden above it: prints nothing        target <= 1.5x

The baseline is `sh -c '"<venv python>" -c pass'`, so it pays the same sh cost; `<venv python> -c pass`
without sh is timed too, for information. Every round runs the baseline, the bare baseline and each
scenario once, in an order rotated by one place per round; a warm-up round is run first and not counted.
A ratio is the scenario's median over the baseline's median. Between rounds, outside the timed region, the
hot-path files are set back to five minutes old. Every timed run is checked: exit 0, no stderr, and exactly
the line the scenario must print (`⛨ gate shadow`, `⛨ build bench executing · blocks left 10 of 10 · gate
shadow`, nothing);
the owner's build state must be unchanged by the runs (the status line only reads).

This is a measurement, not a gate: the exit code is 0 whatever the numbers (missed targets are listed
under the table), and 2 only when the setup or a run's check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The repository root goes on the path so that `benchmarks` imports as a package both when this file is run as
# a script and when mypy checks it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness
from benchmarks.hook_latency import quote, stopwarden_above

MARKER = "/stopwarden/hooks/run.py"
TARGET = 1.5
STALE_S = 300.0

BASELINE = "baseline (sh + python -c pass)"
BARE = "python -c pass (no sh)"
NO_BUILD = "no build"
OWNER = "owner"
OUTSIDE = "outside a project"
SCENARIOS = (NO_BUILD, OWNER, OUTSIDE)


@dataclass
class Result(harness.Timing):
    ratio: float  # median over the baseline's median
    paired_ratio: float  # median of the per-round ratios to that round's baseline, a check on drift
    target: float | None
    status: str


# --- setup ---------------------------------------------------------------------------------------------------


def statusline_command(project: Path) -> str:
    """The status line command `stopwarden init --statusline` registered in the project's Claude Code settings."""
    settings = project / ".claude" / "settings.local.json"
    try:
        command = json.loads(settings.read_text(encoding="utf-8"))["statusLine"]["command"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise harness.SetupError(f"no statusLine command in {settings}: {e}") from None
    if not isinstance(command, str) or MARKER not in command or not command.endswith(" statusline"):
        raise harness.SetupError(f"the statusLine command in {settings} is not ours: {command!r}")
    return command


def status_payload(session_id: str, cwd: Path, config: Path) -> bytes:
    """A status payload as Claude Code 2.1.330 sends it."""
    slug = str(cwd).replace("/", "-")
    return json.dumps(
        {
            "session_id": session_id,
            "transcript_path": str(config / "projects" / slug / f"{session_id}.jsonl"),
            "cwd": str(cwd),
            "model": {"id": "claude-opus-4-5", "display_name": "Opus 4.5"},
            "workspace": {"current_dir": str(cwd), "project_dir": str(cwd), "added_dirs": []},
            "version": "2.1.330",
            "output_style": {"name": "default"},
            "cost": {
                "total_cost_usd": 0.42,
                "total_duration_ms": 600000,
                "total_api_duration_ms": 90000,
                "total_lines_added": 120,
                "total_lines_removed": 30,
            },
            "context_window": {
                "total_input_tokens": 42000,
                "total_output_tokens": 900,
                "context_window_size": 200000,
                "current_usage": {
                    "input_tokens": 2000,
                    "output_tokens": 900,
                    "cache_creation_input_tokens": 1000,
                    "cache_read_input_tokens": 39000,
                },
                "used_percentage": 21,
                "remaining_percentage": 79,
            },
            "exceeds_200k_tokens": False,
            "fast_mode": False,
            "thinking": {"enabled": True},
        }
    ).encode("utf-8")


def prints(expected: str) -> harness.Check:
    """Exit 0, no stderr, and exactly `expected` on stdout."""

    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        if proc.returncode != 0:
            return f"exit {proc.returncode}"
        if proc.stderr.strip():
            return f"unexpected stderr {proc.stderr[:200]!r}"
        out = proc.stdout.decode("utf-8", "replace")
        return None if out == expected else f"printed {out!r}, expected {expected!r}"

    return check


def unchanged(path: Path, check: harness.Check) -> harness.Check:
    """`check`, and the file at `path` is as it was before the first run."""
    before = path.read_bytes()

    def both(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        problem = check(proc)
        if problem is None and path.read_bytes() != before:
            return f"{path} was changed by the status line"
        return problem

    return both


@dataclass
class Bench:
    subjects: list[harness.Subject]
    command: str
    baseline_command: str
    hot_paths: list[Path]

    def age_hot_paths(self) -> None:
        """Between rounds: the hot-path files five minutes old, as they are between changes of mode."""
        old = time.time() - STALE_S
        for path in self.hot_paths:
            os.utime(path, (old, old))


def set_up(workdir: Path, box: harness.Sandbox, servers: list[Path]) -> Bench:
    bare = workdir / "no-project"
    bare.mkdir()
    found = stopwarden_above(workdir)
    if found is not None:
        raise harness.SetupError(f"{found} holds a .stopwarden folder, so no temp folder here is outside every project")

    idle, owner = workdir / "idle-project", workdir / "owner-project"
    for project in (idle, owner):
        harness.init_project(project, box)
        harness.run_tool([str(box.cli), "init", "--statusline"], project, box.env)
        servers.append(project)
        harness.run_tool([str(box.cli), "start"], project, box.env)
    command = statusline_command(idle)
    if statusline_command(owner) != command:
        raise harness.SetupError("init registered different status line commands in two projects")
    interpreter = shlex.split(command)[0]
    if os.path.realpath(interpreter) != os.path.realpath(box.python):
        print(f"note: the status line runs {interpreter}, the baseline {box.python}", file=sys.stderr)

    out = harness.run_tool(
        [str(box.cli), "build", "start", "bench", "--size", "LARGE", "--owner-session", "bench-owner", "--json"],
        owner,
        box.env,
    )
    try:
        build_id = str(json.loads(out)["id"])
    except (ValueError, KeyError, TypeError) as e:
        raise harness.SetupError(f"`stopwarden build start --json` printed no build: {e}") from None
    harness.run_tool([str(box.cli), "build", "phase", "executing", "--build", build_id], owner, box.env)
    state = owner / ".stopwarden" / "builds" / f"{build_id}.json"

    def status(name: str, argv: list[str], folder: Path, session_id: str, check: harness.Check) -> harness.Subject:
        """A run the way Claude Code makes it: in `folder`, with the session's status payload on stdin."""
        env = {**box.env, "CLAUDE_PROJECT_DIR": str(folder)}
        return harness.Subject(name, argv, folder, env, check, status_payload(session_id, folder, box.config))

    baseline_command = f"{quote(str(box.python))} -c pass"
    run = ["sh", "-c", command]
    subjects = [
        status(BASELINE, ["sh", "-c", baseline_command], idle, "bench-idle", harness.exits_zero),
        status(BARE, [str(box.python), "-c", "pass"], idle, "bench-idle", harness.exits_zero),
        status(NO_BUILD, run, idle, "bench-idle", prints("\u26e8 gate shadow\n")),
        status(OWNER, run, owner, "bench-owner", unchanged(state, prints(owner_line()))),
        status(OUTSIDE, run, bare, "bench-outside", prints("")),
    ]
    hot_paths = [project / ".stopwarden" / "hot-path.json" for project in (idle, owner)]
    bench = Bench(subjects, command, baseline_command, hot_paths)
    try:
        bench.age_hot_paths()
    except OSError as e:
        raise harness.SetupError(f"the servers wrote no hot-path file: {e}") from None
    return bench


def owner_line() -> str:
    return "\u26e8 build bench executing \u00b7 blocks left 10 of 10 \u00b7 gate shadow\n"


def run(workdir: Path, args: argparse.Namespace) -> Bench:
    box = harness.Sandbox.make(workdir, args.venv, needs=("git", "sh"))
    servers: list[Path] = []
    try:
        bench = set_up(workdir, box, servers)
        harness.measure(bench.subjects, args, between_rounds=bench.age_hot_paths)
    finally:
        for project in servers:
            subprocess.run(
                [str(box.cli), "stop"], cwd=project, env=box.env, capture_output=True, timeout=60, check=False
            )
    return bench


# --- reporting -----------------------------------------------------------------------------------------------


def judge(subjects: list[harness.Subject]) -> list[Result]:
    baseline = next(s for s in subjects if s.name == BASELINE)
    base_median = statistics.median(baseline.samples)
    results = []
    for s in subjects:
        ratio = statistics.median(s.samples) / base_median
        paired = statistics.median(a / b for a, b in zip(s.samples, baseline.samples, strict=True))
        target = TARGET if s.name in SCENARIOS else None
        if target is None:
            status = "reference" if s.name == BASELINE else "info"
        else:
            status = "pass" if ratio <= target else "FAIL"
        results.append(
            Result(**vars(harness.timing(s)), ratio=ratio, paired_ratio=paired, target=target, status=status)
        )
    return results


def report(bench: Bench, info: dict[str, Any]) -> harness.Report:
    results = judge(bench.subjects)
    by_name = {r.name: r for r in results}
    base, bare = by_name[BASELINE], by_name[BARE]
    scenarios = [r for r in results if r.target is not None]
    return harness.Report(
        title="Status line latency",
        rule="ratio = median / baseline median",
        goals="targets",
        table=harness.table(
            ("scenario", "median ms", "p90 ms", "ratio to baseline", "target", "pass/fail"),
            "lrrrll",
            (
                (
                    r.name,
                    f"{r.median_ms:.2f}",
                    f"{r.p90_ms:.2f}",
                    f"{r.ratio:.2f}x",
                    "-" if r.target is None else f"<= {r.target:.1f}x",
                    r.status,
                )
                for r in results
            ),
        ),
        notes=[
            f"sh costs about {base.median_ms - bare.median_ms:.2f} ms (baseline with sh minus without).",
            "over the baseline, in ms (median): "
            + ", ".join(f"{r.name} {r.median_ms - base.median_ms:+.2f}" for r in scenarios),
            "paired ratio (median of per-round ratios): "
            + ", ".join(f"{r.name} {r.paired_ratio:.2f}x" for r in scenarios),
            f"status line command: `sh -c {shlex.quote(bench.command)}`",
            f"baseline command: `sh -c {shlex.quote(bench.baseline_command)}`",
        ],
        misses=[
            f"{r.name}: {r.ratio:.2f}x against <= {r.target:.1f}x (median {r.median_ms:.2f} ms)"
            for r in results
            if r.status == "FAIL" and r.target is not None
        ],
        json={
            "machine": info,
            "statusline_command": bench.command,
            "baseline_command": bench.baseline_command,
            "results": harness.records(results),
        },
    )


if __name__ == "__main__":
    sys.exit(harness.main("statusline_latency", harness.parse_args(sys.argv[1:], __doc__), run, report))
