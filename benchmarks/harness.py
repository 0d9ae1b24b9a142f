"""What the latency benchmarks share: options, a sandbox, timed subjects, the measuring loop and the report.

A benchmark script supplies two functions and hands them to `main`:

    run(workdir, args) -> bench        set up in the temp folder (usually with `Sandbox`), then `measure`
    report(bench, info) -> Report      judge the results (from `timing`) and say what only it has to say

`main` parses the options every benchmark takes (--rounds, --json, --venv, --keep, plus the script's own),
makes and removes the temp folder, turns a `SetupError` into exit code 2, and prints the report as markdown
or JSON with the parts every report has: the heading, the machine, the warnings and the missed goals.
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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ROUNDS = 30
MIN_ROUNDS_FOR_SPEC = 20
SPEC_CPUS = 2
RUN_TIMEOUT_S = 60.0

# Variables of the calling shell that would change what is measured if they leaked into the runs.
DROPPED_PREFIXES = ("PYTHON", "STOPWARDEN_")
DROPPED = ("CLAUDE_PROJECT_DIR", "CLAUDE_CODE_SESSION_ID", "CODEX_THREAD_ID", "CLAUDE_ENV_FILE", "TMUX", "TMUX_PANE")

Check = Callable[[subprocess.CompletedProcess[bytes]], str | None]
BenchT = TypeVar("BenchT")  # what a script's run returns and its report reads


class SetupError(Exception):
    """The benchmark could not set up or a run did not do what its scenario is about."""


@dataclass
class Subject:
    """One command timed once per round."""

    name: str
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    check: Check  # what the run must have done; a problem found fails the benchmark
    stdin: bytes = b""
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


def exits_zero(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    return None if proc.returncode == 0 else f"exit {proc.returncode}: {proc.stderr[:200]!r}"


# --- setup ---------------------------------------------------------------------------------------------------


@dataclass
class Sandbox:
    """The venv's tools and an environment of its own: a temp HOME and CLAUDE_CONFIG_DIR, no agent identity."""

    python: Path
    cli: Path
    home: Path
    config: Path
    env: dict[str, str]

    @classmethod
    def make(cls, workdir: Path, venv: Path, needs: Sequence[str]) -> Sandbox:
        """Check the venv's python and stopwarden and the commands `needs` on PATH; make the folders in workdir."""
        python, cli = venv_python(venv), venv / "bin" / "stopwarden"
        for tool in (python, cli):
            if not os.access(tool, os.X_OK):
                raise SetupError(f"{tool} is not executable; pass --venv with the venv stopwarden is installed in")
        if any(shutil.which(command) is None for command in needs):
            raise SetupError(f"{' and '.join(needs)} must be on PATH")
        home, config = workdir / "home", workdir / "claude-config"
        for folder in (home, config):
            folder.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_PREFIXES) and k not in DROPPED}
        env.update(HOME=str(home), CLAUDE_CONFIG_DIR=str(config), STOPWARDEN_AGENT_PID="", STOPWARDEN_TMUX="")
        return cls(python, cli, home, config, env)


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


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


def init_project(path: Path, box: Sandbox) -> None:
    """A git repository with stopwarden installed for Claude Code, by the real CLI."""
    path.mkdir()
    run_tool(["git", "init", "-q"], path, box.env)
    run_tool([str(box.cli), "init", "--agent", "claude-code"], path, box.env)


# --- measuring -----------------------------------------------------------------------------------------------


def measure(
    subjects: Sequence[Subject], args: argparse.Namespace, between_rounds: Callable[[], None] | None = None
) -> None:
    """One warm-up round, then --rounds rounds; every subject once a round, the order rotated each round.

    `between_rounds` runs after every round, outside every timed region. A progress line goes to stderr when it
    is a terminal and the output is not JSON.
    """
    rounds, progress = args.rounds, not args.json and sys.stderr.isatty()
    for number in range(rounds + 1):
        shift = number % len(subjects)
        for subject in [*subjects[shift:], *subjects[:shift]]:
            elapsed = subject.run()
            if number > 0:
                subject.samples.append(elapsed)
        if between_rounds is not None:
            between_rounds()
        if progress:
            print(f"\rround {number}/{rounds}{' (warm-up)' if number == 0 else ''}   ", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass
class Timing:
    """A subject's samples in milliseconds, summarised; each script's Result adds its verdict to these fields."""

    name: str
    runs: int
    median_ms: float
    p90_ms: float
    min_ms: float
    max_ms: float
    samples_ms: list[float]  # every sample, to the microsecond; last in the JSON, after the verdict


def timing(subject: Subject) -> Timing:
    ms = [ns / 1e6 for ns in subject.samples]
    return Timing(
        subject.name,
        len(ms),
        statistics.median(ms),
        percentile(ms, 0.9),
        min(ms),
        max(ms),
        [round(x, 3) for x in ms],
    )


def records(results: Iterable[Timing]) -> list[dict[str, Any]]:
    """The results for the JSON: each one's fields in order, its samples last."""
    found = []
    for result in results:
        record = dict(vars(result))
        record["samples_ms"] = record.pop("samples_ms")
        found.append(record)
    return found


def load_average() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


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
        "loadavg": load_average(),
    }


# --- reporting -----------------------------------------------------------------------------------------------


@dataclass
class Report:
    """What a script has to say about its results; `render` adds what every report says."""

    title: str  # the heading's start: what is measured
    rule: str  # the heading's end: how a result is judged
    goals: str  # what a result can miss, for the closing lines: "targets", "limits"
    table: list[str]  # the results as markdown lines, from `table`
    notes: list[str]  # the bullets under the table, before the machine's
    misses: list[str]  # a line for each result that missed its goal
    json: dict[str, Any]  # the script's part of the JSON (with "machine" and "results"), after the rounds
    sections: list[str] = field(default_factory=list)  # more markdown after the bullets, before the misses
    heading: str | None = None  # the whole first line, for a benchmark that does not time rounds of processes
    min_rounds: int = MIN_ROUNDS_FOR_SPEC  # fewer rounds than this draw a warning


def table(columns: Sequence[str], align: str, rows: Iterable[Sequence[str]]) -> list[str]:
    """A markdown table; `align` has an "l" or "r" for each column."""
    rules = ["---:" if a == "r" else "---" for a in align]
    return [f"| {' | '.join(columns)} |", f"|{'|'.join(rules)}|", *(f"| {' | '.join(row)} |" for row in rows)]


def warnings(info: dict[str, Any], rounds: int, min_rounds: int = MIN_ROUNDS_FOR_SPEC) -> list[str]:
    found = []
    if info["cpu_count"] != SPEC_CPUS:
        found.append(f"the spec's figures are for a {SPEC_CPUS}-core machine; this one has {info['cpu_count']}")
    if rounds < min_rounds:
        found.append(f"the spec asks for a median of >= {min_rounds} runs; this is {rounds}")
    return found


def render(report: Report, info: dict[str, Any], rounds: int, as_json: bool) -> str:
    warned = warnings(info, rounds, report.min_rounds)
    if as_json:
        fields = {"rounds": rounds, "warmup_rounds": 1, **report.json, "missed": report.misses, "warnings": warned}
        return json.dumps(fields, indent=2)
    lines = [
        report.heading or f"{report.title}: {rounds} rounds (+1 warm-up), whole processes, interleaved; {report.rule}",
        "",
        *report.table,
        "",
        *(f"- {note}" for note in report.notes),
        f"- platform: {info['platform']}; cpus: {info['cpu_count']} (usable {info['cpus_usable']}); "
        f"python measured: {info['python_measured']}; runner: {info['python_runner']}; "
        f"load average before/after: {info['loadavg_before']} / {info['loadavg']}",
        *(f"- warning: {w}" for w in warned),
        *report.sections,
        "",
        f"Missed {report.goals}:" if report.misses else f"All {report.goals} met.",
        *(f"- {m}" for m in report.misses),
    ]
    return "\n".join(lines)


# --- the script ----------------------------------------------------------------------------------------------


def parse_args(
    argv: Sequence[str],
    doc: str | None,
    add_options: Callable[[argparse.ArgumentParser], None] | None = None,
    check_options: Callable[[argparse.Namespace], str | None] | None = None,
) -> argparse.Namespace:
    """The options every benchmark takes, with the script's own (`add_options`, checked by `check_options`)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="timed rounds (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    if add_options is not None:
        add_options(parser)
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
    problem = check_options(args) if check_options is not None else None
    if problem is not None:
        parser.error(problem)
    args.venv = args.venv.absolute()
    return args


def main(
    script: str,
    args: argparse.Namespace,
    run: Callable[[Path, argparse.Namespace], BenchT],
    report: Callable[[BenchT, dict[str, Any]], Report],
) -> int:
    """Run in a fresh temp folder and print the report; the exit code, 2 when the setup or a check failed."""
    workdir = Path(tempfile.mkdtemp(prefix="stopwarden-bench-")).resolve()
    try:
        load_before = load_average()
        bench = run(workdir, args)
    except SetupError as e:
        print(f"{script}: setup failed: {e}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    info = machine_info(venv_python(args.venv)) | {"loadavg_before": load_before}
    print(render(report(bench, info), info, args.rounds, args.json))
    return 0
