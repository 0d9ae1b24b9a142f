"""Whole-process latency of the commands agents and their hooks run often: `stopwarden build status`,
`--version`, the SessionStart hook, `gate log` (issue 20), each as a ratio to `python -c pass` in the same run.

Run it from the repository root with the venv's interpreter:

    .venv/bin/python benchmarks/cli_latency.py              # 30 rounds, a markdown table
    .venv/bin/python benchmarks/cli_latency.py --rounds 60  # more rounds, steadier medians
    .venv/bin/python benchmarks/cli_latency.py --json       # the same results (and every sample) as JSON
    .venv/bin/python benchmarks/cli_latency.py --imports 0  # skip the -X importtime profile

The requirements: `stopwarden build status` takes <= 150 ms (SPEC: the CLI), and issue 20's targets, as ratios
to the baseline's median in the same run: `build status` and `--version` <= 2.5x, the SessionStart hook
<= 1.5x, `gate log` <= 5x. Heavy libraries must be imported lazily: `--version`, `build status` and, while the
server runs, `gate log` import no click at all (cli/quick.py); without a server `gate log` reads a SQLite store
with `sqlite3` alone (store/sqlite_read.py), so neither click nor SQLAlchemy.

What is measured. In a temp folder (its own HOME and CLAUDE_CONFIG_DIR, no agent identity leaking in, the
session id set to `bench` through STOPWARDEN_SESSION_ID) the script sets two projects up with the real CLI
(`git init`, `stopwarden init --agent claude-code`):

- `project`: a build owned by that session (`build start "bench" --owner-session bench`, `build phase
  executing`, steps 1 and 2 recorded) and its gate server running (`stopwarden start`), with 20 decisions
  in its log (20 signed `POST /v1/evaluate`, one session each).
- `idle`: the same 20 decisions (its server was started for them and stopped), `autostart = false`: the
  commands that would ask the server find none and read the store; the SessionStart hook finds nobody on
  the port and reads the config to learn it must not start one.

Then it times the installed console script, run directly (no sh), as the agent runs it, and the SessionStart
hook as `init` wrote it in `.claude/settings.local.json` (its argv, run directly: the baseline is not run
through sh either), with a payload of a new session each round and CLAUDE_ENV_FILE set, as Claude Code does.
Each run is timed with `time.perf_counter_ns` around `subprocess.run`, so a sample is the whole process:
fork, interpreter start, imports, the command's work (for the hook and `gate log`: an HTTP round trip to
the server, which answers within the sample), exit. Commands:

  python -c pass                     the venv's interpreter doing nothing: the baseline of every ratio
  --version                          answered without click                  <= 2.5x
  build status                       the human summary, without click        <= 150 ms, <= 2.5x
  build status --json                the state object, as agents read it     <= 150 ms, <= 2.5x
  build step 3 "x" ...               a write through click: lock, read, write, audit     <= 150 ms
  --help                             click's help, every command listed, none imported   for information
  SessionStart hook, server up       record, export, POST /v1/sessions        <= 1.5x
  SessionStart hook, no server       the same, then the config read                      for information
  gate log, server up                without click: GET /v1/events            <= 5x
  gate log, no server                the config, then the SQLite file (sqlite3)  <= 5x

Every round runs each command once, in an order rotated by one place per round; a warm-up round is run first
and not counted. A command passes when its median is within its limits (p90 over a millisecond limit is
flagged). Every timed run is checked: it exits 0, `--version` prints the version, `status` names the build,
`status --json` prints the build's state, the step run rewrites step 3 in the build's state file, `--help`
prints a usage line, the hook records the session, `gate log` lists the 20 decisions.

With --imports N (default 15) the script also runs `python -X importtime <console script> build status` a few
times and lists the N imports with the highest median cumulative time, and the self time by top-level package.

This is a measurement, not a gate: the exit code is 0 whatever the numbers (missed limits are listed under
the table), and 2 only when the setup or a run's check fails.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The repository root goes on the path so that `benchmarks` imports as a package both when this file is run as
# a script and when mypy checks it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness
from benchmarks.server_load import start_server

LIMIT_MS = 150.0
SESSION_ID = "bench"
DEFAULT_IMPORTS = 15
IMPORT_RUNS = 5
EVENTS = 20  # decisions in each project's log, each from a session of its own

BASELINE = "python -c pass (baseline)"
VERSION = "--version"
STATUS = "build status"
STATUS_JSON = "build status --json"
STEP = 'build step 3 "x" --tests 1 --passing 1'
HELP = "--help"
SESSION_START = "SessionStart hook, server up"
SESSION_START_IDLE = "SessionStart hook, no server"
GATE_LOG = "gate log, server up"
GATE_LOG_IDLE = "gate log, no server"

LIMITS = dict.fromkeys((STATUS, STATUS_JSON, STEP), LIMIT_MS)
# Issue 20's targets: the median as a multiple of the baseline's median in the same run.
RATIOS = {VERSION: 2.5, STATUS: 2.5, STATUS_JSON: 2.5, SESSION_START: 1.5, GATE_LOG: 5.0, GATE_LOG_IDLE: 5.0}

# Run by the venv's interpreter in a project: EVENTS signed evaluations, one session each, so the log has them.
POST_EVENTS = """
import sys
from stopwarden.common import http
from stopwarden.state import files
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    body = {"session_id": f"logged-{i}", "untrusted": {"stop_text": f"Stopping here for now ({i})."}}
    code, answer = http.request(files.read_port(root), "POST", "/v1/evaluate", files.read_token(root), body, 10)
    if code != 200:
        sys.exit(f"POST /v1/evaluate answered {code}: {answer}")
"""


@dataclass
class Result(harness.Timing):
    over_baseline_ms: float  # median minus the baseline's median
    ratio: float  # median over the baseline's median
    limit_ms: float | None
    target_ratio: float | None
    status: str


@dataclass
class ImportRow:
    module: str
    depth: int  # nesting in the import tree, 0 for an import made by the script itself
    self_ms: float
    cumulative_ms: float


@dataclass
class Bench:
    subjects: list[harness.Subject]
    build_id: str
    project: Path
    box: harness.Sandbox
    sessions: list[SessionStarts]
    imports: list[ImportRow] = field(default_factory=list)
    package_self_ms: dict[str, float] = field(default_factory=dict)

    def next_sessions(self) -> None:
        for hook in self.sessions:
            hook.next()


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
            raise harness.SetupError(f"cannot read {self.path}: {e}") from None
        if not isinstance(state, dict):
            raise harness.SetupError(f"{self.path} holds no JSON object")
        return state

    def check_status(self, proc: subprocess.CompletedProcess[bytes]) -> str | None:
        problem = harness.exits_zero(proc)
        if problem is None and self.build_id.encode() not in proc.stdout:
            problem = f"the build {self.build_id} is not named in {proc.stdout[:200]!r}"
        return problem

    def check_status_json(self, proc: subprocess.CompletedProcess[bytes]) -> str | None:
        problem = harness.exits_zero(proc)
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
        problem = harness.exits_zero(proc)
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
    problem = harness.exits_zero(proc)
    return problem if problem is not None or b"Usage:" in proc.stdout else f"no usage line: {proc.stdout[:200]!r}"


def prints_version(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    problem = harness.exits_zero(proc)
    ok = problem is not None or proc.stdout.startswith(b"stopwarden, version ")
    return problem if ok else f"no version: {proc.stdout[:200]!r}"


def lists_the_log(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    problem = harness.exits_zero(proc)
    if problem is None and len(proc.stdout.splitlines()) != EVENTS:
        problem = f"not the {EVENTS} decisions logged: {proc.stdout[:300]!r}"
    return problem


class SessionStarts:
    """The SessionStart hook of one project, fed a new session each round (the payload is its stdin)."""

    def __init__(self, name: str, project: Path, env: dict[str, str], env_file: Path) -> None:
        settings = json.loads((project / ".claude" / "settings.local.json").read_text(encoding="utf-8"))
        commands = [h["command"] for group in settings["hooks"]["SessionStart"] for h in group["hooks"]]
        if len(commands) != 1:
            raise harness.SetupError(f"not one SessionStart hook in {project}/.claude: {commands}")
        self.project = project
        self.session_id = ""
        self.runs = 0
        self.subject = harness.Subject(
            name, shlex.split(commands[0]), project, {**env, "CLAUDE_ENV_FILE": str(env_file)}, self.check
        )
        self.next()

    def next(self) -> None:
        """A new session for the next run (outside the timed region)."""
        self.runs += 1
        self.session_id = f"{self.project.name}-session-{self.runs}"
        payload = {"session_id": self.session_id, "cwd": str(self.project), "hook_event_name": "SessionStart",
                   "source": "startup"}  # fmt: skip
        self.subject.stdin = json.dumps(payload).encode()

    def check(self, proc: subprocess.CompletedProcess[bytes]) -> str | None:
        problem = harness.exits_zero(proc)
        if problem is None and not (self.project / ".stopwarden" / "sessions" / self.session_id).is_file():
            problem = f"session {self.session_id} was not recorded; stderr {proc.stderr[:200]!r}"
        return problem


def log_decisions(project: Path, box: harness.Sandbox) -> None:
    """EVENTS decisions in the project's log, through its running server."""
    harness.run_tool([str(box.python), "-c", POST_EVENTS, str(project), str(EVENTS)], project, box.env)


def set_up_idle(workdir: Path, box: harness.Sandbox) -> Path:
    """A project with a log and no server: started for the decisions, stopped, and not to be autostarted."""
    idle = workdir / "idle"
    harness.init_project(idle, box)
    start_server(idle, box)
    try:
        log_decisions(idle, box)
    finally:
        harness.run_tool([str(box.cli), "stop"], idle, box.env)
    config = idle / ".stopwarden" / "config.toml"
    text = config.read_text(encoding="utf-8")
    if "autostart = true" not in text:
        raise harness.SetupError(f"no `autostart = true` in {config} to turn off")
    config.write_text(text.replace("autostart = true", "autostart = false"), encoding="utf-8")
    return idle


def set_up(workdir: Path, venv: Path) -> Bench:
    """The projects and the subjects; the caller stops `project`'s server (`stop_server`) whatever happens."""
    box = harness.Sandbox.make(workdir, venv, needs=("git",))
    box.env["STOPWARDEN_SESSION_ID"] = SESSION_ID
    cli, env = str(box.cli), box.env

    idle = set_up_idle(workdir, box)
    project = workdir / "project"
    harness.init_project(project, box)
    out = harness.run_tool([cli, "build", "start", "bench", "--owner-session", SESSION_ID, "--json"], project, env)
    try:
        build_id = str(json.loads(out)["id"])
    except (ValueError, KeyError, TypeError) as e:
        raise harness.SetupError(f"`stopwarden build start --json` printed no build: {e}") from None
    harness.run_tool([cli, "build", "phase", "executing"], project, env)
    for n, description, tests, passing in (("1", "parse", "2", "2"), ("2", "render", "1", "0")):
        harness.run_tool([cli, "build", "step", n, description, "--tests", tests, "--passing", passing], project, env)
    state = BuildState(project, build_id)
    if state.read().get("phase") != "executing":
        raise harness.SetupError(f"build {build_id} is not in phase executing after setup")

    start_server(project, box)
    try:
        log_decisions(project, box)
        sessions = [
            SessionStarts(SESSION_START, project, env, workdir / "claude-env"),
            SessionStarts(SESSION_START_IDLE, idle, env, workdir / "claude-env-idle"),
        ]
    except BaseException:
        stop_server(project, box)
        raise
    subjects = [
        harness.Subject(BASELINE, [str(box.python), "-c", "pass"], project, env, harness.exits_zero),
        harness.Subject(VERSION, [cli, "--version"], project, env, prints_version),
        harness.Subject(STATUS, [cli, "build", "status"], project, env, state.check_status),
        harness.Subject(STATUS_JSON, [cli, "build", "status", "--json"], project, env, state.check_status_json),
        harness.Subject(
            STEP, [cli, "build", "step", "3", "x", "--tests", "1", "--passing", "1"], project, env, state.check_step
        ),
        harness.Subject(HELP, [cli, "--help"], project, env, prints_usage),
        *(s.subject for s in sessions),
        harness.Subject(GATE_LOG, [cli, "gate", "log"], project, env, lists_the_log),
        harness.Subject(GATE_LOG_IDLE, [cli, "gate", "log"], idle, env, lists_the_log),
    ]
    return Bench(subjects, build_id, project, box, sessions)


def stop_server(project: Path, box: harness.Sandbox) -> None:
    """`stopwarden stop`, quietly: nothing is running after a setup that failed before the start."""
    subprocess.run([str(box.cli), "stop"], cwd=project, env=box.env, capture_output=True, check=False)


def run(workdir: Path, args: argparse.Namespace) -> Bench:
    bench = set_up(workdir, args.venv)
    try:
        harness.measure(bench.subjects, args, bench.next_sessions)
        if args.imports:
            profile_imports(bench, args.imports)
    finally:
        stop_server(bench.project, bench.box)
    return bench


# --- the import profile --------------------------------------------------------------------------------------


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
    argv = [str(bench.box.python), "-X", "importtime", str(bench.box.cli), "build", "status"]
    runs = []
    for _ in range(IMPORT_RUNS):
        try:
            proc = subprocess.run(
                argv,
                cwd=bench.project,
                env=bench.box.env,
                capture_output=True,
                text=True,
                check=False,
                timeout=harness.RUN_TIMEOUT_S,
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise harness.SetupError(f"-X importtime: could not run: {e}") from None
        if proc.returncode != 0:
            raise harness.SetupError(f"-X importtime: exit {proc.returncode}: {proc.stderr[-400:]!r}")
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


# --- reporting -----------------------------------------------------------------------------------------------


def judge(subjects: list[harness.Subject]) -> list[Result]:
    baseline = next(s for s in subjects if s.name == BASELINE)
    base_median = statistics.median(baseline.samples) / 1e6
    results = []
    for s in subjects:
        t = harness.timing(s)
        limit, target = LIMITS.get(s.name), RATIOS.get(s.name)
        ratio = t.median_ms / base_median
        if limit is None and target is None:
            status = "reference" if s.name == BASELINE else "info"
        elif (limit is not None and t.median_ms > limit) or (target is not None and ratio > target):
            status = "FAIL"
        else:
            status = "pass" if limit is None or t.p90_ms <= limit else "pass (p90 over)"
        over = t.median_ms - base_median
        results.append(Result(**vars(t), over_baseline_ms=over, ratio=ratio, limit_ms=limit, target_ratio=target,
                              status=status))  # fmt: skip
    return results


def goal(r: Result) -> str:
    goals = ([f"<= {r.limit_ms:.0f} ms"] if r.limit_ms is not None else []) + (
        [f"<= {r.target_ratio:g}x"] if r.target_ratio is not None else []
    )
    return ", ".join(goals) or "-"


def imports_section(bench: Bench) -> list[str]:
    if not bench.imports:
        return []
    total = sum(bench.package_self_ms.values())
    return [
        "",
        f"Imports of `stopwarden build status` (`python -X importtime`, median of {IMPORT_RUNS} runs; "
        f"{total:.1f} ms of import time in all), by cumulative time:",
        "",
        *harness.table(
            ("module", "nesting", "self ms", "cumulative ms"),
            "lrrr",
            ((f"`{r.module}`", str(r.depth), f"{r.self_ms:.2f}", f"{r.cumulative_ms:.2f}") for r in bench.imports),
        ),
        "",
        "- self time by top-level package: "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in list(bench.package_self_ms.items())[:10]),
    ]


def report(bench: Bench, info: dict[str, Any]) -> harness.Report:
    results = judge(bench.subjects)
    return harness.Report(
        title="CLI latency",
        rule="pass = median within the limit and the ratio to the baseline",
        goals="limits",
        table=harness.table(
            ("command", "median ms", "ratio", "p90 ms", "min ms", "over baseline ms", "limit", "pass/fail"),
            "lrrrrrll",
            (
                (
                    f"`{r.name}`",
                    f"{r.median_ms:.2f}",
                    f"{r.ratio:.2f}x",
                    f"{r.p90_ms:.2f}",
                    f"{r.min_ms:.2f}",
                    f"{r.over_baseline_ms:+.2f}",
                    goal(r),
                    r.status,
                )
                for r in results
            ),
        ),
        notes=[
            f"console script: `{bench.box.cli}`, run directly in the project (cwd), session `{SESSION_ID}`, "
            f"build `{bench.build_id}` in phase executing; the server up: `stopwarden start` in the project",
            f"SessionStart hook: `{shlex.join(bench.sessions[0].subject.argv)}`, run directly, a new session each run",
        ],
        misses=[
            f"{r.name}: median {r.median_ms:.2f} ms ({r.ratio:.2f}x), p90 {r.p90_ms:.2f} ms against {goal(r)}"
            for r in results
            if (r.limit_ms is not None or r.target_ratio is not None) and r.status != "pass"
        ],
        json={
            "limit_ms": LIMIT_MS,
            "target_ratios": RATIOS,
            "machine": info,
            "commands": {s.name: s.argv for s in bench.subjects},
            "results": harness.records(results),
            "imports": [row.__dict__ for row in bench.imports],
            "import_self_ms_by_package": bench.package_self_ms,
        },
        sections=imports_section(bench),
    )


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--imports",
        type=int,
        default=DEFAULT_IMPORTS,
        metavar="N",
        help="list the N slowest imports of `build status` (0: skip the profile; default: %(default)s)",
    )


def check_options(args: argparse.Namespace) -> str | None:
    return "--imports must be 0 or more" if args.imports < 0 else None


if __name__ == "__main__":
    sys.exit(
        harness.main("cli_latency", harness.parse_args(sys.argv[1:], __doc__, add_options, check_options), run, report)
    )
