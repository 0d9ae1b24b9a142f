"""Whole-process latency of the installed Stop hook, as a ratio to a bare interpreter start (SPEC §10).

Run it from the repository root with the venv's interpreter:

    .venv/bin/python benchmarks/hook_latency.py              # 30 rounds, a markdown table
    .venv/bin/python benchmarks/hook_latency.py --rounds 60  # more rounds, steadier medians
    .venv/bin/python benchmarks/hook_latency.py --json       # the same results (and every sample) as JSON

What is measured. In a temp folder (its own HOME and CLAUDE_CONFIG_DIR, no agent identity leaking in) the
script sets projects up with the real CLI (`git init`, `stopwarden init --agent claude-code`), reads the
exact Stop hook command that init wrote to `.claude/settings.local.json`, and runs it the way the agent
does: `sh -c <command>` with a Stop payload on stdin. Each run is timed with `time.perf_counter_ns` around
`subprocess.run`, so a sample is the whole process: fork, sh, interpreter start, imports, the hook's work,
exit. Scenarios:

  no build                project initialised, no active build          target <= 1.0x, never > 1.5x
  owner                   the payload's session owns a build in phase   target <= 2.0x
                          executing: lock, read, write, audit, block
  user scope, no project  payload cwd with no .stopwarden above it      target <= 1.0x

The baseline is `sh -c '"<venv python>" -c pass'`, so it pays the same sh cost; `<venv python> -c pass`
without sh is timed too, for information. Every round runs the baseline, the bare baseline and each
scenario once, in an order rotated by one place per round; a warm-up round is run first and not counted.
A ratio is the scenario's median over the baseline's median. The owner's build is LARGE (10 blocks); when
its budget is spent it is abandoned and a fresh one started with the CLI, between rounds, outside the
timed region. Every timed run is checked: the owner run must print a block and spend exactly one block,
the others must print nothing (and the no-build run must log "allow: no active build").

This is a measurement, not a gate: the exit code is 0 whatever the numbers (missed targets are listed
under the table), and 2 only when the setup or a run's check fails.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HOOK_MARKER = "/stopwarden/hooks/run.py"
DEFAULT_ROUNDS = 30
MIN_ROUNDS_FOR_SPEC = 20
SPEC_CPUS = 2
RUN_TIMEOUT_S = 60.0

BASELINE = "baseline (sh + python -c pass)"
BARE = "python -c pass (no sh)"
NO_BUILD = "no build"
OWNER = "owner"
USER_SCOPE = "user scope, no project"

# Variables of the calling shell that would change what is measured if they leaked into the runs.
DROPPED_PREFIXES = ("PYTHON", "STOPWARDEN_")
DROPPED = ("CLAUDE_PROJECT_DIR", "CLAUDE_CODE_SESSION_ID", "CODEX_THREAD_ID", "CLAUDE_ENV_FILE", "TMUX", "TMUX_PANE")

Check = Callable[[subprocess.CompletedProcess[bytes]], str | None]


class SetupError(Exception):
    """The benchmark could not set up or a run did not do what its scenario is about."""


@dataclass
class Subject:
    """One command timed once per round."""

    name: str
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    stdin: bytes
    check: Check
    target: float | None = None  # the highest ratio to the baseline that passes
    ceiling: float | None = None  # a ratio it must never exceed
    samples: list[int] = field(default_factory=list)  # nanoseconds

    def run(self) -> int:
        """Run once; the elapsed nanoseconds. Raises SetupError when the check fails."""
        start = time.perf_counter_ns()
        try:
            proc = subprocess.run(
                self.argv,
                input=self.stdin,
                cwd=self.cwd,
                env=self.env,
                capture_output=True,
                check=False,
                timeout=RUN_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            raise SetupError(f"{self.name}: no exit within {RUN_TIMEOUT_S:.0f} s") from None
        except OSError as e:
            raise SetupError(f"{self.name}: could not run: {e}") from None
        elapsed = time.perf_counter_ns() - start
        problem = self.check(proc)
        if problem is not None:
            raise SetupError(f"{self.name}: {problem}")
        return elapsed


@dataclass
class Result:
    name: str
    runs: int
    median_ms: float
    p90_ms: float
    min_ms: float
    max_ms: float
    ratio: float  # median over the baseline's median
    paired_ratio: float  # median of the per-round ratios to that round's baseline, a check on drift
    target: float | None
    ceiling: float | None
    status: str
    samples_ms: list[float]


# --- setup ---------------------------------------------------------------------------------------------------


def clean_env(home: Path, config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_PREFIXES) and k not in DROPPED}
    env.update(HOME=str(home), CLAUDE_CONFIG_DIR=str(config), STOPWARDEN_AGENT_PID="", STOPWARDEN_TMUX="")
    return env


def run_tool(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> str:
    """Run a setup command; its stdout, or SetupError with what it said."""
    try:
        proc = subprocess.run(
            list(argv), cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=RUN_TIMEOUT_S
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SetupError(f"`{shlex.join(argv)}` could not run: {e}") from None
    if proc.returncode != 0:
        raise SetupError(f"`{shlex.join(argv)}` exited {proc.returncode}: {(proc.stderr or proc.stdout).strip()}")
    return proc.stdout


def init_project(path: Path, cli: Path, env: dict[str, str]) -> str:
    """A git repository with stopwarden installed; the Stop hook command init registered."""
    path.mkdir()
    run_tool(["git", "init", "-q"], path, env)
    run_tool([str(cli), "init", "--agent", "claude-code"], path, env)
    settings = path / ".claude" / "settings.local.json"
    try:
        data = json.loads(settings.read_text(encoding="utf-8"))
        entries = data["hooks"]["Stop"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SetupError(f"no Stop hooks in {settings}: {e}") from None
    for entry in entries:
        for hook in entry.get("hooks", []) if isinstance(entry, dict) else []:
            command = hook.get("command") if isinstance(hook, dict) else None
            if isinstance(command, str) and HOOK_MARKER in command:
                return command
    raise SetupError(f"no Stop hook command containing {HOOK_MARKER!r} in {settings}")


def stopwarden_above(path: Path) -> Path | None:
    for folder in (path, *path.parents):
        if (folder / ".stopwarden").exists():
            return folder
    return None


def stop_payload(session_id: str, cwd: Path, config: Path) -> bytes:
    """A Stop payload as Claude Code sends it."""
    slug = str(cwd).replace("/", "-")
    return json.dumps(
        {
            "session_id": session_id,
            "transcript_path": str(config / "projects" / slug / f"{session_id}.jsonl"),
            "cwd": str(cwd),
            "permission_mode": "default",
            "hook_event_name": "Stop",
            "stop_hook_active": False,
            "last_assistant_message": "Done: the change is in place and the tests pass.",
        }
    ).encode("utf-8")


def quote(path: str) -> str:
    """Quote an interpreter path the way the hook command does, so both sh -c lines parse alike."""
    return shlex.quote(path) if any(c in path for c in '"$`\\!') else f'"{path}"'


class OwnedBuild:
    """The owner scenario's build, kept in phase executing with budget left, renewed with the real CLI."""

    def __init__(self, project: Path, cli: Path, env: dict[str, str], session_id: str) -> None:
        self.project = project
        self.cli = cli
        self.env = env
        self.session_id = session_id
        self.build_id = ""
        self.budget = 0
        self.used = 0
        self.renewals = 0

    def start(self) -> None:
        out = run_tool(
            [str(self.cli), "build", "start", "bench", "--size", "LARGE", "--owner-session", self.session_id, "--json"],
            self.project,
            self.env,
        )
        try:
            state = json.loads(out)
            self.build_id = str(state["id"])
            self.budget = int(state["protection"]["reinforcements"])
        except (ValueError, KeyError, TypeError) as e:
            raise SetupError(f"`stopwarden build start --json` printed no build: {e}") from None
        run_tool([str(self.cli), "build", "phase", "executing", "--build", self.build_id], self.project, self.env)
        self.used = self.state_used()
        if self.used != 0 or self.budget < 1:
            raise SetupError(f"new build {self.build_id} has {self.used} of {self.budget} blocks used")

    def renew_if_spent(self) -> None:
        """Between rounds: abandon a build whose budget is spent and start a fresh one."""
        if self.used < self.budget:
            return
        run_tool(
            [str(self.cli), "build", "abandon", "--reason", "benchmark: budget spent", "--build", self.build_id],
            self.project,
            self.env,
        )
        self.start()
        self.renewals += 1

    def state_used(self) -> int:
        path = self.project / ".stopwarden" / "builds" / f"{self.build_id}.json"
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            return int(state.get("reinforcements_used") or 0)
        except (OSError, ValueError, TypeError, AttributeError) as e:
            raise SetupError(f"cannot read {path}: {e}") from None

    def check(self, proc: subprocess.CompletedProcess[bytes]) -> str | None:
        """The run blocked, with a reason, and spent exactly one block of the build (read from its state)."""
        if proc.returncode != 0:
            return f"exit {proc.returncode}"
        try:
            decision = json.loads(proc.stdout)
        except ValueError:
            return f"stdout is not a JSON decision: {proc.stdout[:200]!r}"
        if not isinstance(decision, dict) or decision.get("decision") != "block":
            return f"not a block: {proc.stdout[:200]!r}"
        if not str(decision.get("reason", "")).startswith("stopwarden:"):
            return f"block without a stopwarden reason: {proc.stdout[:200]!r}"
        used = self.state_used()
        if used != self.used + 1:
            return f"the build's blocks used went from {self.used} to {used}, not by one"
        self.used = used
        return None


def allows_silently(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    if proc.returncode != 0:
        return f"exit {proc.returncode}"
    if proc.stdout.strip():
        return f"expected no output (an allow), got {proc.stdout[:200]!r}"
    if proc.stderr.strip():
        return f"unexpected stderr {proc.stderr[:200]!r}"
    return None


def allows_with_log(log: Path, expected: str) -> Check:
    """Allows silently and logs `expected` as the last line of hook.log: the path measured is the one meant."""

    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        problem = allows_silently(proc)
        if problem is not None:
            return problem
        try:
            last = log.read_text(encoding="utf-8").splitlines()[-1]
        except (OSError, IndexError):
            return f"nothing logged in {log}"
        return None if expected in last else f"hook.log says {last!r}, expected {expected!r}"

    return check


def exits_zero(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    return None if proc.returncode == 0 else f"exit {proc.returncode}: {proc.stderr[:200]!r}"


@dataclass
class Bench:
    subjects: list[Subject]
    owned: OwnedBuild
    hook_command: str
    baseline_command: str
    python: Path
    workdir: Path


def set_up(workdir: Path, venv: Path) -> Bench:
    python = venv / "bin" / "python"
    cli = venv / "bin" / "stopwarden"
    for tool in (python, cli):
        if not os.access(tool, os.X_OK):
            raise SetupError(f"{tool} is not executable; pass --venv with the venv stopwarden is installed in")
    if shutil.which("git") is None or shutil.which("sh") is None:
        raise SetupError("git and sh must be on PATH")
    home, config, bare = workdir / "home", workdir / "claude-config", workdir / "no-project"
    for folder in (home, config, bare):
        folder.mkdir()
    found = stopwarden_above(workdir)
    if found is not None:
        raise SetupError(f"{found} holds a .stopwarden folder, so no temp folder here is outside every project")
    env = clean_env(home, config)

    idle, owner = workdir / "idle-project", workdir / "owner-project"
    command = init_project(idle, cli, env)
    if init_project(owner, cli, env) != command:
        raise SetupError("init registered different Stop hook commands in two projects")
    interpreter = shlex.split(command)[0]
    if os.path.realpath(interpreter) != os.path.realpath(python):
        print(f"note: the hook runs {interpreter}, the baseline {python}", file=sys.stderr)

    owned = OwnedBuild(owner, cli, env, "bench-session-owner")
    owned.start()

    def hook_env(project_dir: Path) -> dict[str, str]:
        return {**env, "CLAUDE_PROJECT_DIR": str(project_dir)}

    idle_payload = stop_payload("bench-session-idle", idle, config)
    baseline_command = f"{quote(str(python))} -c pass"
    hook = ["sh", "-c", command]
    subjects = [
        Subject(BASELINE, ["sh", "-c", baseline_command], idle, hook_env(idle), idle_payload, exits_zero),
        Subject(BARE, [str(python), "-c", "pass"], idle, hook_env(idle), idle_payload, exits_zero),
        Subject(
            NO_BUILD,
            hook,
            idle,
            hook_env(idle),
            idle_payload,
            allows_with_log(idle / ".stopwarden" / "hook.log", "allow: no active build"),
            target=1.0,
            ceiling=1.5,
        ),
        Subject(
            OWNER,
            hook,
            owner,
            hook_env(owner),
            stop_payload(owned.session_id, owner, config),
            owned.check,
            target=2.0,
        ),
        Subject(
            USER_SCOPE,
            hook,
            bare,
            hook_env(bare),
            stop_payload("bench-session-user", bare, config),
            allows_silently,
            target=1.0,
        ),
    ]
    return Bench(subjects, owned, command, baseline_command, python, workdir)


# --- measuring -----------------------------------------------------------------------------------------------


def measure(bench: Bench, rounds: int, progress: bool) -> None:
    """One warm-up round, then `rounds` rounds; every subject once a round, the order rotated each round."""
    subjects = bench.subjects
    for number in range(rounds + 1):
        shift = number % len(subjects)
        for subject in subjects[shift:] + subjects[:shift]:
            elapsed = subject.run()
            if number > 0:
                subject.samples.append(elapsed)
        bench.owned.renew_if_spent()  # outside every timed region
        if progress:
            print(f"\rround {number}/{rounds}{' (warm-up)' if number == 0 else ''}   ", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summarise(subjects: Sequence[Subject]) -> list[Result]:
    baseline = next(s for s in subjects if s.name == BASELINE)
    base_median = statistics.median(baseline.samples)
    results = []
    for s in subjects:
        ms = [ns / 1e6 for ns in s.samples]
        ratio = statistics.median(s.samples) / base_median
        paired = statistics.median(a / b for a, b in zip(s.samples, baseline.samples, strict=True))
        if s.target is None:
            status = "reference" if s.name == BASELINE else "info"
        elif s.ceiling is not None and ratio > s.ceiling:
            status = "FAIL (above the ceiling)"
        elif ratio > s.target:
            status = "FAIL"
        else:
            status = "pass"
        results.append(
            Result(
                name=s.name,
                runs=len(ms),
                median_ms=statistics.median(ms),
                p90_ms=percentile(ms, 0.9),
                min_ms=min(ms),
                max_ms=max(ms),
                ratio=ratio,
                paired_ratio=paired,
                target=s.target,
                ceiling=s.ceiling,
                status=status,
                samples_ms=[round(x, 3) for x in ms],
            )
        )
    return results


def describe_target(r: Result) -> str:
    if r.target is None:
        return "-"
    text = f"<= {r.target:.1f}x"
    return text + (f" (never > {r.ceiling:.1f}x)" if r.ceiling is not None else "")


def missed(results: Sequence[Result]) -> list[str]:
    return [
        f"{r.name}: {r.ratio:.2f}x against {describe_target(r)} (median {r.median_ms:.2f} ms)"
        for r in results
        if r.status.startswith("FAIL")
    ]


def machine_info(python: Path) -> dict[str, Any]:
    try:
        measured = subprocess.run(
            [str(python), "-c", "import sys; print(sys.version.split()[0], sys.implementation.name)"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        measured = "?"
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": affinity,
        "python_measured": f"{measured} ({python})",
        "python_runner": platform.python_version(),
        "loadavg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


# --- reporting -----------------------------------------------------------------------------------------------


def warnings(info: dict[str, Any], rounds: int) -> list[str]:
    found = []
    if info["cpu_count"] != SPEC_CPUS:
        found.append(f"the spec's figures are for a {SPEC_CPUS}-core machine; this one has {info['cpu_count']}")
    if rounds < MIN_ROUNDS_FOR_SPEC:
        found.append(f"the spec asks for a median of >= {MIN_ROUNDS_FOR_SPEC} runs; this is {rounds}")
    return found


def markdown(bench: Bench, results: Sequence[Result], info: dict[str, Any], rounds: int) -> str:
    lines = [
        f"Stop hook latency: {rounds} rounds (+1 warm-up), whole processes, interleaved; "
        "ratio = median / baseline median",
        "",
        "| scenario | median ms | p90 ms | ratio to baseline | target | pass/fail |",
        "|---|---:|---:|---:|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.median_ms:.2f} | {r.p90_ms:.2f} | {r.ratio:.2f}x | {describe_target(r)} | {r.status} |"
        )
    by_name = {r.name: r for r in results}
    base, bare = by_name[BASELINE], by_name[BARE]
    lines += [
        "",
        f"- sh costs about {base.median_ms - bare.median_ms:.2f} ms (baseline with sh minus without).",
        "- over the baseline, in ms (median): "
        + ", ".join(f"{r.name} {r.median_ms - base.median_ms:+.2f}" for r in results if r.target is not None),
        "- paired ratio (median of per-round ratios): "
        + ", ".join(f"{r.name} {r.paired_ratio:.2f}x" for r in results if r.target is not None),
        f"- owner build renewed {bench.owned.renewals} times (LARGE, abandoned when its budget was spent)",
        f"- hook command: `sh -c {shlex.quote(bench.hook_command)}`",
        f"- baseline command: `sh -c {shlex.quote(bench.baseline_command)}`",
        f"- platform: {info['platform']}; cpus: {info['cpu_count']} (usable {info['cpus_usable']}); "
        f"python measured: {info['python_measured']}; runner: {info['python_runner']}; "
        f"load average before/after: {info['loadavg_before']} / {info['loadavg']}",
    ]
    lines += [f"- warning: {w}" for w in warnings(info, rounds)]
    misses = missed(results)
    lines += ["", "Missed targets:" if misses else "All targets met."]
    lines += [f"- {m}" for m in misses]
    return "\n".join(lines)


def as_json(bench: Bench, results: Sequence[Result], info: dict[str, Any], rounds: int) -> str:
    return json.dumps(
        {
            "rounds": rounds,
            "warmup_rounds": 1,
            "machine": info,
            "hook_command": bench.hook_command,
            "baseline_command": bench.baseline_command,
            "owner_build_renewals": bench.owned.renewals,
            "results": [r.__dict__ for r in results],
            "missed": missed(results),
            "warnings": warnings(info, rounds),
        },
        indent=2,
    )


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="timed rounds (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument(
        "--venv",
        type=Path,
        default=REPO / ".venv" if (REPO / ".venv").is_dir() else Path(sys.prefix),
        help="the venv stopwarden is installed in (default: %(default)s)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder and print where it is")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="stopwarden-bench-")).resolve()
    try:
        load_before = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
        bench = set_up(workdir, args.venv.absolute())
        measure(bench, args.rounds, progress=not args.json and sys.stderr.isatty())
    except SetupError as e:
        print(f"hook_latency: setup failed: {e}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    results = summarise(bench.subjects)
    info = machine_info(bench.python) | {"loadavg_before": load_before}
    print(as_json(bench, results, info, args.rounds) if args.json else markdown(bench, results, info, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
