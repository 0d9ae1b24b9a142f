"""Whole-process latency of the `stopwarden build` commands agents call often, against 150 ms (SPEC: the CLI).

Run it from the repository root with the venv's interpreter:

    .venv/bin/python benchmarks/cli_latency.py              # 30 rounds, a markdown table
    .venv/bin/python benchmarks/cli_latency.py --rounds 60  # more rounds, steadier medians
    .venv/bin/python benchmarks/cli_latency.py --json       # the same results (and every sample) as JSON
    .venv/bin/python benchmarks/cli_latency.py --imports 0  # skip the -X importtime profile

The requirement: `stopwarden build status` takes <= 150 ms, because agents call it often, so heavy libraries
must be imported lazily.

What is measured. In a temp folder (its own HOME and CLAUDE_CONFIG_DIR, no agent identity leaking in, the
session id set to `bench` through STOPWARDEN_SESSION_ID) the script sets a project up with the real CLI
(`git init`, `stopwarden init --agent claude-code`), starts a build owned by that session
(`build start "bench" --owner-session bench`, `build phase executing`, steps 1 and 2 recorded) and then
times the installed console script, run directly (no sh), as the agent runs it. Each run is timed with
`time.perf_counter_ns` around `subprocess.run`, so a sample is the whole process: fork, interpreter start,
imports, the command's work, exit. Commands:

  build status                  the human summary                      limit 150 ms
  build status --json           the state object, as agents read it     limit 150 ms
  build step 3 "x" ...          a write: lock, read, write, audit       limit 150 ms
  --help                        click's help, for information
  python -c pass                the venv's interpreter doing nothing, for information

Every round runs each command once, in an order rotated by one place per round; a warm-up round is run first
and not counted. A command passes when its median is within the limit (p90 over the limit is flagged).
Every timed run is checked: it exits 0, `status` names the build, `status --json` prints the build's state,
the step run rewrites step 3 in the build's state file, `--help` prints a usage line.

With --imports N (default 15) the script also runs `python -X importtime <console script> build status` a few
times and lists the N imports with the highest median cumulative time, and the self time by top-level package.

This is a measurement, not a gate: the exit code is 0 whatever the numbers (missed limits are listed under
the table), and 2 only when the setup or a run's check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The shared helpers live in the sibling hook_latency.py; the repository root goes on the path so that
# `benchmarks` imports as a package both when this file is run as a script and when mypy checks it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.hook_latency import (
    DEFAULT_ROUNDS,
    REPO,
    RUN_TIMEOUT_S,
    Check,
    SetupError,
    Subject,
    clean_env,
    exits_zero,
    init_project,
    machine_info,
    percentile,
    run_tool,
    warnings,
)

LIMIT_MS = 150.0
SESSION_ID = "bench"
DEFAULT_IMPORTS = 15
IMPORT_RUNS = 5

BASELINE = "python -c pass (baseline)"
STATUS = "build status"
STATUS_JSON = "build status --json"
STEP = 'build step 3 "x" --tests 1 --passing 1'
HELP = "--help"


@dataclass
class Result:
    name: str
    runs: int
    median_ms: float
    p90_ms: float
    min_ms: float
    max_ms: float
    over_baseline_ms: float  # median minus the baseline's median
    limit_ms: float | None
    status: str
    samples_ms: list[float]


@dataclass
class ImportRow:
    module: str
    depth: int  # nesting in the import tree, 0 for an import made by the script itself
    self_ms: float
    cumulative_ms: float


@dataclass
class Bench:
    subjects: list[Subject]
    limits: dict[str, float]
    build_id: str
    project: Path
    env: dict[str, str]
    python: Path
    cli: Path
    imports: list[ImportRow] = field(default_factory=list)
    package_self_ms: dict[str, float] = field(default_factory=dict)


# --- setup ---------------------------------------------------------------------------------------------------


class BuildState:
    """Reads the build's state file, for the checks; remembers when step 3 was last written."""

    def __init__(self, project: Path, build_id: str) -> None:
        self.path = project / ".stopwarden" / "builds" / f"{build_id}.json"
        self.build_id = build_id
        self.step_at: str | None = None

    def read(self) -> dict[str, Any]:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise SetupError(f"cannot read {self.path}: {e}") from None
        if not isinstance(state, dict):
            raise SetupError(f"{self.path} holds no JSON object")
        return state

    def check_status(self, proc: subprocess.CompletedProcess[bytes]) -> str | None:
        problem = exits_zero(proc)
        if problem is None and self.build_id.encode() not in proc.stdout:
            problem = f"the build {self.build_id} is not named in {proc.stdout[:200]!r}"
        return problem

    def check_status_json(self, proc: subprocess.CompletedProcess[bytes]) -> str | None:
        problem = exits_zero(proc)
        if problem is not None:
            return problem
        try:
            state = json.loads(proc.stdout)
        except ValueError:
            return f"stdout is not JSON: {proc.stdout[:200]!r}"
        if not isinstance(state, dict) or state.get("id") != self.build_id or state.get("phase") != "executing":
            return f"not the state of {self.build_id} in phase executing: {proc.stdout[:200]!r}"
        return None

    def check_step(self, proc: subprocess.CompletedProcess[bytes]) -> str | None:
        """The run recorded step 3 anew: its timestamp in the state file moved on."""
        problem = exits_zero(proc)
        if problem is not None:
            return problem
        steps = self.read().get("steps")
        step = next((s for s in steps or [] if isinstance(s, dict) and s.get("n") == 3), None)
        if step is None:
            return f"no step 3 in {self.path}"
        at = str(step.get("at"))
        if at == self.step_at:
            return f"step 3 was not rewritten (still recorded at {at})"
        self.step_at = at
        return None


def prints_usage(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    problem = exits_zero(proc)
    return problem if problem is not None or b"Usage:" in proc.stdout else f"no usage line: {proc.stdout[:200]!r}"


def set_up(workdir: Path, venv: Path) -> Bench:
    python = venv / "bin" / "python"
    cli = venv / "bin" / "stopwarden"
    for tool in (python, cli):
        if not os.access(tool, os.X_OK):
            raise SetupError(f"{tool} is not executable; pass --venv with the venv stopwarden is installed in")
    if shutil.which("git") is None:
        raise SetupError("git must be on PATH")
    home, config = workdir / "home", workdir / "claude-config"
    for folder in (home, config):
        folder.mkdir()
    env = clean_env(home, config) | {"STOPWARDEN_SESSION_ID": SESSION_ID}

    project = workdir / "project"
    init_project(project, cli, env)
    out = run_tool([str(cli), "build", "start", "bench", "--owner-session", SESSION_ID, "--json"], project, env)
    try:
        build_id = str(json.loads(out)["id"])
    except (ValueError, KeyError, TypeError) as e:
        raise SetupError(f"`stopwarden build start --json` printed no build: {e}") from None
    run_tool([str(cli), "build", "phase", "executing"], project, env)
    for n, description, tests, passing in (("1", "parse", "2", "2"), ("2", "render", "1", "0")):
        run_tool([str(cli), "build", "step", n, description, "--tests", tests, "--passing", passing], project, env)
    state = BuildState(project, build_id)
    if state.read().get("phase") != "executing":
        raise SetupError(f"build {build_id} is not in phase executing after setup")

    def subject(name: str, argv: list[str], check: Check) -> Subject:
        return Subject(name, argv, project, env, b"", check)

    subjects = [
        subject(BASELINE, [str(python), "-c", "pass"], exits_zero),
        subject(STATUS, [str(cli), "build", "status"], state.check_status),
        subject(STATUS_JSON, [str(cli), "build", "status", "--json"], state.check_status_json),
        subject(STEP, [str(cli), "build", "step", "3", "x", "--tests", "1", "--passing", "1"], state.check_step),
        subject(HELP, [str(cli), "--help"], prints_usage),
    ]
    limits = dict.fromkeys((STATUS, STATUS_JSON, STEP), LIMIT_MS)
    return Bench(subjects, limits, build_id, project, env, python, cli)


# --- measuring -----------------------------------------------------------------------------------------------


def measure(bench: Bench, rounds: int, progress: bool) -> None:
    """One warm-up round, then `rounds` rounds; every command once a round, the order rotated each round."""
    subjects = bench.subjects
    for number in range(rounds + 1):
        shift = number % len(subjects)
        for subject in subjects[shift:] + subjects[:shift]:
            elapsed = subject.run()
            if number > 0:
                subject.samples.append(elapsed)
        if progress:
            print(f"\rround {number}/{rounds}{' (warm-up)' if number == 0 else ''}   ", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)


def parse_importtime(stderr: str) -> dict[str, ImportRow]:
    """The `-X importtime` lines: `import time: <self us> | <cumulative us> | <indent><module>`."""
    rows = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue  # the header line
        name = parts[2].rstrip()
        module = name.strip()
        depth = max(0, (len(name) - len(module) - 1) // 2)
        rows[module] = ImportRow(module, depth, int(parts[0]) / 1000, int(parts[1]) / 1000)
    return rows


def profile_imports(bench: Bench, top: int) -> None:
    """Median self and cumulative times of each import of `build status`, over IMPORT_RUNS runs."""
    argv = [str(bench.python), "-X", "importtime", str(bench.cli), "build", "status"]
    runs = []
    for _ in range(IMPORT_RUNS):
        try:
            proc = subprocess.run(
                argv,
                cwd=bench.project,
                env=bench.env,
                capture_output=True,
                text=True,
                check=False,
                timeout=RUN_TIMEOUT_S,
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise SetupError(f"-X importtime: could not run: {e}") from None
        if proc.returncode != 0:
            raise SetupError(f"-X importtime: exit {proc.returncode}: {proc.stderr[-400:]!r}")
        runs.append(parse_importtime(proc.stderr))
    merged = []
    for module, first in runs[0].items():
        seen = [run[module] for run in runs if module in run]
        merged.append(
            ImportRow(
                module,
                first.depth,
                round(statistics.median(r.self_ms for r in seen), 3),
                round(statistics.median(r.cumulative_ms for r in seen), 3),
            )
        )
    packages: dict[str, float] = {}
    for row in merged:
        package = row.module.split(".")[0]
        packages[package] = packages.get(package, 0.0) + row.self_ms
    bench.package_self_ms = {k: round(v, 3) for k, v in sorted(packages.items(), key=lambda kv: -kv[1])}
    bench.imports = sorted(merged, key=lambda r: -r.cumulative_ms)[:top]


def summarise(bench: Bench) -> list[Result]:
    baseline = next(s for s in bench.subjects if s.name == BASELINE)
    base_median = statistics.median(baseline.samples) / 1e6
    results = []
    for s in bench.subjects:
        ms = [ns / 1e6 for ns in s.samples]
        median, p90 = statistics.median(ms), percentile(ms, 0.9)
        limit = bench.limits.get(s.name)
        if limit is None:
            status = "reference" if s.name == BASELINE else "info"
        elif median > limit:
            status = "FAIL"
        else:
            status = "pass" if p90 <= limit else "pass (p90 over)"
        results.append(
            Result(
                name=s.name,
                runs=len(ms),
                median_ms=median,
                p90_ms=p90,
                min_ms=min(ms),
                max_ms=max(ms),
                over_baseline_ms=median - base_median,
                limit_ms=limit,
                status=status,
                samples_ms=[round(x, 3) for x in ms],
            )
        )
    return results


def missed(results: Sequence[Result]) -> list[str]:
    return [
        f"{r.name}: median {r.median_ms:.2f} ms, p90 {r.p90_ms:.2f} ms against <= {r.limit_ms:.0f} ms"
        for r in results
        if r.limit_ms is not None and r.status != "pass"
    ]


# --- reporting -----------------------------------------------------------------------------------------------


def markdown(bench: Bench, results: Sequence[Result], info: dict[str, Any], rounds: int) -> str:
    lines = [
        f"CLI latency: {rounds} rounds (+1 warm-up), whole processes, interleaved; pass = median within the limit",
        "",
        "| command | median ms | p90 ms | min ms | over baseline ms | limit | pass/fail |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        limit = "-" if r.limit_ms is None else f"<= {r.limit_ms:.0f} ms"
        lines.append(
            f"| `{r.name}` | {r.median_ms:.2f} | {r.p90_ms:.2f} | {r.min_ms:.2f} | {r.over_baseline_ms:+.2f} "
            f"| {limit} | {r.status} |"
        )
    lines += [
        "",
        f"- console script: `{bench.cli}`, run directly in the project (cwd), session `{SESSION_ID}`, "
        f"build `{bench.build_id}` in phase executing",
        f"- platform: {info['platform']}; cpus: {info['cpu_count']} (usable {info['cpus_usable']}); "
        f"python measured: {info['python_measured']}; runner: {info['python_runner']}; "
        f"load average before/after: {info['loadavg_before']} / {info['loadavg']}",
    ]
    lines += [f"- warning: {w}" for w in warnings(info, rounds)]
    if bench.imports:
        total = sum(bench.package_self_ms.values())
        lines += [
            "",
            f"Imports of `stopwarden build status` (`python -X importtime`, median of {IMPORT_RUNS} runs; "
            f"{total:.1f} ms of import time in all), by cumulative time:",
            "",
            "| module | nesting | self ms | cumulative ms |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| `{row.module}` | {row.depth} | {row.self_ms:.2f} | {row.cumulative_ms:.2f} |" for row in bench.imports
        ]
        lines += [
            "",
            "- self time by top-level package: "
            + ", ".join(f"{k} {v:.1f} ms" for k, v in list(bench.package_self_ms.items())[:10]),
        ]
    misses = missed(results)
    lines += ["", "Missed limits:" if misses else "All limits met."]
    lines += [f"- {m}" for m in misses]
    return "\n".join(lines)


def as_json(bench: Bench, results: Sequence[Result], info: dict[str, Any], rounds: int) -> str:
    return json.dumps(
        {
            "rounds": rounds,
            "warmup_rounds": 1,
            "limit_ms": LIMIT_MS,
            "machine": info,
            "commands": {s.name: s.argv for s in bench.subjects},
            "results": [r.__dict__ for r in results],
            "imports": [row.__dict__ for row in bench.imports],
            "import_self_ms_by_package": bench.package_self_ms,
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
        "--imports",
        type=int,
        default=DEFAULT_IMPORTS,
        metavar="N",
        help="list the N slowest imports of `build status` (0: skip the profile; default: %(default)s)",
    )
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
    if args.imports < 0:
        parser.error("--imports must be 0 or more")
    return args


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="stopwarden-bench-")).resolve()
    try:
        load_before = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
        bench = set_up(workdir, args.venv.absolute())
        measure(bench, args.rounds, progress=not args.json and sys.stderr.isatty())
        if args.imports:
            profile_imports(bench, args.imports)
    except SetupError as e:
        print(f"cli_latency: setup failed: {e}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    results = summarise(bench)
    info = machine_info(bench.python) | {"loadavg_before": load_before}
    print(as_json(bench, results, info, args.rounds) if args.json else markdown(bench, results, info, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
