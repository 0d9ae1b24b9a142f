"""The Stop hook's stop-gate router in whole processes, forwarded or not, as ratios to `python -c pass`.

Run it from the repository root with the venv's interpreter:

    .venv/bin/python benchmarks/stop_gate_latency.py              # 30 rounds, a markdown table
    .venv/bin/python benchmarks/stop_gate_latency.py --rounds 100 # more rounds, steadier medians
    .venv/bin/python benchmarks/stop_gate_latency.py --json       # the same results (and every sample) as JSON
    .venv/bin/python benchmarks/stop_gate_latency.py --imports 0  # skip the -X importtime profile

Since issue 19 the router forwards every stop to the server once the mode is shadow or enforce: no stop word is
needed (`router.forwards`). A stop is let through without asking only right after a block (`stop_hook_active`),
with the kill switch on, in mode off, with no server (none has run here, or the one that ran no longer answers),
and when the session's start cannot be found (no SessionStart record, no transcript timestamp).
This script times the forwarded stop in both modes and each of those ways out, against the baseline in
the same rounds, and times the router's forwarding decision on its own in this process. What the other scripts
measure is left to them: the Stop hook in a project whose server never ran is hook_latency.py's "no build" (its
hook.log says `gate unavailable: no server has run here`), and the forwarded stop at other history sizes, with
the cold evidence cache of a checkout's first stop, is evidence_latency.py's.

Targets (a ratio is judged on the paired ratio, below):

  a forwarded stop, 5,000 commits and 200 plan files   <= 4x `python -c pass` and <= 150 ms  (SPEC §10, issue 20)
  a stop that is not forwarded                          <= 1.1x `python -c pass`             (issue 19)
  the forwarding decision inside the hook               <= 2 ms, timed in process            (issue 19)

The repository. Built once with `git fast-import` in a temp folder (its own HOME and CLAUDE_CONFIG_DIR, no agent
identity leaking in): --commits commits (default 5,000) over the past six weeks, the last one an hour before the
session; --plans plan files (default 200) under docs/plans/, each introduced by a commit of its own and ticked
off by later ones; ten `*spec*.md` files elsewhere (docs/design/, four source packages, the top level); 440
ordinary source and test files, one to three changed per commit. It is copied into five projects, one per gate
state, each set up with the real CLI: `stopwarden init --agent claude-code`; `[limits] per_session_hour` and
`per_project_day` raised in `.stopwarden/config.toml` (the defaults, 10 an hour and 200 a day, would answer
repeated runs with `rate_limited`); `stopwarden start` (mode shadow, authority rules; `stopwarden stop` ends it
whatever happens); then `stopwarden gate mode enforce --force` in one, `stopwarden gate kill-switch on` in
another, `stopwarden gate mode off` in a third. Every session is started with the real SessionStart hook command
(`hooks.SessionStart` in `.claude/settings.local.json`, through `sh -c`, payload on stdin): it records the start
in `.stopwarden/sessions/` and tells the server. Only then are the session's three commits added (fast-import
again, dated after the start): two change source files, one ticks a step off the newest plan. Then the fifth
project's server is stopped with `stopwarden stop`: its hot-path file stays, as after any stop or crash. The
transcript every payload names is a ~1 MB Claude Code transcript (tool calls and results, a few user turns).

What is measured. The installed Stop hook command (`hooks.Stop` in `.claude/settings.local.json`), run the way
the agent runs it: `sh -c <command>` with a Stop payload on stdin. Each run is timed with
`time.perf_counter_ns` around `subprocess.run`, so a sample is the whole process: fork, sh, interpreter start,
imports, the hook's work (git, HTTP to the server, which answers within the sample), exit. Scenarios:

  forwarded, shadow    evidence from git, POST /v1/evaluate, the rules authority says continue, the gate logs
                       it and does not block                                                <= 4x, <= 150 ms
  forwarded, enforce   the same in mode enforce: the hook prints a block with the reminder  <= 4x, <= 150 ms
  after a block        `stop_hook_active` (the shadow project): let through before any I/O  <= 1.1x
  kill switch on       the hot-path file read: no evidence, no evaluate                     <= 1.1x
  mode off             the hot-path file read: let through                                  <= 1.1x
  server down          the hot-path file older than 10 s, so one GET /v1/hot-path, refused  <= 1.1x
  session start        a session no SessionStart hook recorded, its transcript not written: the hot-path file,
    unknown            the session's record and its transcript (the server is not asked)    <= 1.1x

Every stop text is a continue, which the server would judge so: what lets a stop through is the router, not the
text. A stale hot-path file with the server up is not a scenario any more: only the server writes the file (issue
18), every 4 s while it runs, so the router finds it stale only when the server is gone (or hangs). Nor is a
stop whose POST /v1/evaluate fails (a server gone less than 10 s ago): it costs what a forwarded stop does.

The baseline is `sh -c '"<venv python>" -c pass'`, as in hook_latency.py. Every round runs the baseline and
each scenario once, in an order rotated by one place per round; a warm-up round is run first and not counted.
Two ratios are reported: the median over the baseline's median, and the paired ratio, the median of each round's
ratio of a run to that round's baseline, which holds when the machine's load drifts; the targets are judged on the
paired ratio. Outside the timed region, before each run: the stop text gets a unique suffix (` [run N]`) so the
server's idempotency cache (same session, same text, 5 minutes) never answers; the hot-path file's mtime is set
to now where a server runs (it rewrites the file every 4 s anyway), or a minute back where it was stopped; in
enforce, each run is a session of its own (the gate stops blocking a session after 2 blocks, its continue
ceiling), each recorded by the SessionStart hook before the commits.

Every timed run is checked, after it ended: exit 0 and no stderr; the last line of hook.log is for this session
and says `allow: no active build; <why>` (`block:` in enforce). Forwarded: exactly one new row in the `events`
table of `.stopwarden/stopwarden.db`, for this session, in the project's mode, decision `continue`, no short
circuit (not cached, not rate limited), and hook.log's line naming that event and the mode; in enforce a block on
stdout whose reason is the reminder citing the plan the session ticked off, in shadow nothing on stdout. Not
forwarded: nothing on stdout, no new event, and hook.log's reason (`stop_hook_active: one continuation per stop
sequence`, `kill switch on`, `mode off`, `gate unavailable: no server answers`, `no_session_start: the artifacts
cannot be classified`); with the server down, the hot-path file untouched (the hook never writes it).

The forwarding decision. After the rounds, in this process (the stopwarden the venv imports), for each scenario:
`router.check` on that scenario's payload --rounds times, after one uncounted call that makes its imports, with
`evidence.collect` replaced by a stand-in that ends the call. The decision is the time from the call to its
return (not forwarded) or to its call of the evidence (forwarded): the `stop_hook_active` test, the hot-path
file (with the down server's refused GET), the kill switch and the mode, the session's start (its record, else
its transcript). Checked on every call: each forwarded scenario reaches the evidence, each other returns its
reason, and no HTTP request is made but that GET. This is the decision warm; what it costs cold (its
imports, in a fresh process) shows in the whole-process rows of the other ways out over the after-a-block one.

Where the time goes. After that, in this process: `evidence.collect` alone, each of its git processes timed; the
router's whole work (`router.check` on the forwarded shadow payload), its POST /v1/evaluate, the transcript tail
and the evidence timed inside it; and, with --imports N (default 15), `python -X importtime` on the hook command
for the forwarded stop and for the kill-switch one, to show what only forwarding imports.

This is a measurement, not a gate: the exit code is 0 whatever the numbers (missed targets are listed under the
tables), and 2 only when the setup or a run's check fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The repository root goes on the path so that `benchmarks` imports as a package both when this file is run as
# a script and when mypy checks it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness
from benchmarks.cli_latency import ImportRow, parse_importtime
from benchmarks.hook_latency import HOOK_MARKER, quote, stop_hook_command
from benchmarks.server_load import (
    CONTINUE,
    LIMITS,
    OTHERS_WARN,
    STOP_TEXTS,
    Server,
    cpu_seconds,
    event_count,
    machine_busy_seconds,
    raise_limits,
    start_server,
)

# The targets: a forwarded stop (SPEC §10, issue 20), one that is not (issue 19), the decision (issue 19).
FORWARDED_RATIO, FORWARDED_MS = 4.0, 150.0
NOT_FORWARDED_RATIO = 1.1
DECISION_MS = 2.0
SPEC_COMMITS = 5000
SPEC_PLANS = 200
DEFAULT_IMPORTS = 15
IMPORT_RUNS = 5

# The repository.
SESSION_COMMITS = 3
HISTORY_DAYS = 42
HISTORY_END_S = 3600  # the last commit before the session, this long before the setup
PACKAGES, MODULES = 40, 10
SPEC_PATHS = (
    "docs/design/storage-spec.md",
    "docs/design/api-spec.md",
    "docs/design/cli-spec.md",
    "docs/design/sync-spec.md",
    "src/pkg03/SPEC.md",
    "src/pkg11/SPEC.md",
    "src/pkg19/SPEC.md",
    "src/pkg27/SPEC.md",
    "api-spec.md",
    "protocol-spec.md",
)
TOPICS = ("parser", "renderer", "cache", "auth", "search", "export", "import", "billing", "sync", "metrics", "cli")
IDENT = "Bench Author <bench@example.invalid>"
TRANSCRIPT_EXCHANGES = 300  # each a tool call and its ~3 KB result: about 1 MB

# The gate's states, one project each: its server's mode, or its server stopped.
SHADOW, ENFORCE, KILL, OFF, DOWN = "shadow", "enforce", "kill", "off", "down"
STATES = (SHADOW, ENFORCE, KILL, OFF, DOWN)
STALE_AGE_S = 60.0  # how far back the stopped server's hot-path file is dated (the hook's TTL is 10 s)

BASELINE = "baseline (sh + python -c pass)"
FORWARDED_SHADOW = "forwarded, shadow (judged, logged)"
FORWARDED_ENFORCE = "forwarded, enforce (blocked)"
AFTER_BLOCK = "not forwarded: after a block"
KILL_SWITCH = "not forwarded: kill switch on"
MODE_OFF = "not forwarded: mode off"
SERVER_DOWN = "not forwarded: server down"
UNSTARTED = "not forwarded: session start unknown"

# Why the router let a stop through, as hook.log says it (hooks/router.py).
AFTER_BLOCK_WHY = "stop_hook_active: one continuation per stop sequence"
UNSTARTED_WHY = "no_session_start: the artifacts cannot be classified"
WHY = {KILL: "kill switch on", OFF: "mode off", DOWN: "gate unavailable: no server answers"}

RECORD, FIELD = "\x1e", "\x1f"  # what evidence.py's git formats separate records and fields with


# --- the repository ------------------------------------------------------------------------------------------


@dataclass
class Repo:
    """What the fast-import streams put in the repository, for the checks and the report."""

    commits: int
    plans: list[str]
    sources: int
    first_time: int
    last_time: int
    session_plan: str  # the newest plan, which the session ticks off: the reminder must cite it
    session_plan_steps: int
    built_s: float = 0.0


def data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n%s\n" % (len(raw), raw)


def commit(when: int, message: str, files: dict[str, str], parent: str | None = None) -> bytes:
    """One fast-import commit on main; without a parent it follows the branch's last commit of the stream."""
    stamp = f"{when} +0000"
    parts = [f"commit refs/heads/main\nauthor {IDENT} {stamp}\ncommitter {IDENT} {stamp}\n".encode(), data(message)]
    if parent is not None:
        parts.append(f"from {parent}\n".encode())
    for path, text in files.items():
        parts += [f"M 100644 inline {path}\n".encode(), data(text)]
    return b"".join(parts)


def plan_path(k: int) -> str:
    return f"docs/plans/{k + 1:03d}-{TOPICS[k % len(TOPICS)]}.md"


def plan_text(k: int, done: int) -> str:
    steps = "".join(
        f"- [{'x' if n <= done else ' '}] {n}. Step {n} of the {TOPICS[k % len(TOPICS)]} work\n" for n in range(1, 9)
    )
    return f"# Plan {k + 1}: {TOPICS[k % len(TOPICS)]}\n\nEach step is committed on its own.\n\n{steps}"


def source_text(path: str, version: int) -> str:
    body = "".join(f"def step_{n}(value):\n    return value + {version * 10 + n}\n\n\n" for n in range(4))
    return f'"""{path}, revision {version}."""\n\n\n{body}'


def history(commits: int, plans: int, now: float) -> tuple[bytes, Repo]:
    """The fast-import stream of everything before the session, deterministic but for the dates."""
    rng = random.Random(20240601)
    total = commits - SESSION_COMMITS
    first, last = int(now - HISTORY_DAYS * 86400), int(now - HISTORY_END_S)
    sources = [f"src/pkg{p:02d}/mod{m:02d}.py" for p in range(PACKAGES) for m in range(MODULES)]
    sources += [f"tests/test_pkg{p:02d}.py" for p in range(PACKAGES)]
    # What happens at which commit besides source changes: plans introduced and ticked off, specs written.
    events: dict[int, list[tuple[str, int]]] = {}
    for k in range(plans):
        intro = 1 + k * (total - 40) // plans
        events.setdefault(intro, []).append(("plan", k))
        for later in sorted(rng.sample(range(1, 300), 2)):
            if intro + later < total:
                events.setdefault(intro + later, []).append(("plan", k))
    for j in range(len(SPEC_PATHS)):
        intro = (j + 1) * total // (len(SPEC_PATHS) + 1)
        for at in (intro, intro + rng.randint(50, 400)):
            if at < total:
                events.setdefault(at, []).append(("spec", j))
    skeleton = {"README.md": "# bench\n", "pyproject.toml": '[project]\nname = "bench"\nversion = "0.1"\n'}
    skeleton |= {f"src/pkg{p:02d}/__init__.py": "" for p in range(PACKAGES)}
    parts = [commit(first, "Initial skeleton", skeleton)]
    done = [0] * plans
    spec_rev = [0] * len(SPEC_PATHS)
    for i in range(1, total):
        when = first + (last - first) * i // max(1, total - 1)
        files: dict[str, str] = {}
        subjects = []
        for kind, n in events.get(i, []):
            if kind == "plan":
                files[plan_path(n)] = plan_text(n, done[n])
                subjects.append(f"Plan {plan_path(n)}" if done[n] == 0 else f"Tick step {done[n]} of {plan_path(n)}")
                done[n] += 1
            else:
                spec_rev[n] += 1
                files[SPEC_PATHS[n]] = f"# {SPEC_PATHS[n]}\n\nRevision {spec_rev[n]}.\n"
                subjects.append(f"Spec {SPEC_PATHS[n]}")
        for path in rng.sample(sources, rng.randint(1, 3)):
            files[path] = source_text(path, i)
            subjects.append(f"Change {path}")
        parts.append(commit(when, "; ".join(subjects), files))
    newest = max(range(plans), key=lambda k: 1 + k * (total - 40) // plans)
    repo = Repo(total, [plan_path(k) for k in range(plans)], len(sources), first, last, plan_path(newest), done[newest])
    return b"".join(parts), repo


def session_commits(repo: Repo, start: int) -> bytes:
    """The session's commits, dated from `start`: progress on the newest plan, then ticking it off."""
    k = repo.plans.index(repo.session_plan)
    step = repo.session_plan_steps
    return b"".join(
        [
            commit(
                start,
                f"Step {step} of {repo.session_plan}: the parser",
                {
                    "src/pkg05/mod01.py": source_text("src/pkg05/mod01.py", 100_001),
                    "src/pkg05/mod02.py": source_text("src/pkg05/mod02.py", 100_001),
                },
                parent="refs/heads/main^0",
            ),
            commit(
                start + 1,
                f"Tick step {step} of {repo.session_plan}",
                {
                    repo.session_plan: plan_text(k, step),
                    "tests/test_pkg05.py": source_text("tests/test_pkg05.py", 100_002),
                },
            ),
            commit(
                start + 2,
                "Tests for the parser",
                {
                    "tests/test_pkg05.py": source_text("tests/test_pkg05.py", 100_003),
                },
            ),
        ]
    )


def feed(argv: Sequence[str], cwd: Path, env: dict[str, str], stdin: bytes, check: harness.Check) -> float:
    """Run a setup command with `stdin`, checked; its milliseconds."""
    return harness.Subject(shlex.join(argv), list(argv), cwd, env, check, stdin).run() / 1e6


def build_base(path: Path, env: dict[str, str], commits: int, plans: int) -> Repo:
    path.mkdir()
    harness.run_tool(["git", "init", "-q", "-b", "main"], path, env)
    stream, repo = history(commits, plans, time.time())
    started = time.perf_counter()
    feed(["git", "fast-import", "--quiet"], path, env, stream, harness.exits_zero)
    harness.run_tool(["git", "reset", "-q", "--hard"], path, env)
    repo.built_s = time.perf_counter() - started
    return repo


def write_transcript(path: Path, now: float) -> None:
    """A Claude Code transcript: the user's ask, tool calls with their results, a few more user turns."""
    rng = random.Random(7)

    def line(kind: str, content: Any, at: float) -> str:
        stamp = datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        record = {
            "type": kind,
            "message": {"role": kind, "content": content},
            "timestamp": stamp,
            "uuid": f"{rng.getrandbits(64):016x}",
            "isSidechain": False,
        }
        return json.dumps(record) + "\n"

    at = now - 1800
    lines = [line("user", "Implement the newest plan under docs/plans/, one commit per step.", at)]
    for n in range(TRANSCRIPT_EXCHANGES):
        at += 5
        tool = {"type": "tool_use", "id": f"toolu_{n:05d}", "name": "Bash", "input": {"command": "pytest -q"}}
        lines.append(line("assistant", [{"type": "text", "text": f"Running the tests ({n})."}, tool], at))
        output = "".join(f"tests/test_pkg{rng.randrange(PACKAGES):02d}.py::test_{i} PASSED\n" for i in range(70))
        result = {"type": "tool_result", "tool_use_id": f"toolu_{n:05d}", "content": output}
        lines.append(line("user", [result], at + 2))
        if n % 60 == 59:
            lines.append(line("user", [{"type": "text", "text": "Good. Carry on with the next step."}], at + 3))
    path.write_text("".join(lines), encoding="utf-8")


# --- the projects --------------------------------------------------------------------------------------------


@dataclass
class Project:
    """A copy of the repository with stopwarden installed and its server in one gate state (or stopped)."""

    state: str
    path: Path
    server: Server | None = None
    sessions: list[str] = field(default_factory=list)
    starts: dict[str, float] = field(default_factory=dict)  # session id -> start, as the SessionStart hook wrote

    @property
    def db(self) -> Path:
        return self.path / ".stopwarden" / "stopwarden.db"

    @property
    def hot_path(self) -> Path:
        return self.path / ".stopwarden" / "hot-path.json"

    @property
    def hook_log(self) -> Path:
        return self.path / ".stopwarden" / "hook.log"


def hook_command(project: Path, event: str) -> str:
    """The `event` hook command `stopwarden init` registered in the project's Claude Code settings."""
    if event == "Stop":
        return stop_hook_command(project)
    settings = project / ".claude" / "settings.local.json"
    try:
        entries = json.loads(settings.read_text(encoding="utf-8"))["hooks"][event]
        found = [h["command"] for e in entries for h in e.get("hooks", []) if HOOK_MARKER in str(h.get("command"))]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise harness.SetupError(f"no {event} hooks in {settings}: {e}") from None
    if not found:
        raise harness.SetupError(f"no {event} hook command containing {HOOK_MARKER!r} in {settings}")
    return str(found[0])


def payload(event: str, session_id: str, cwd: Path, transcript: Path, **fields: Any) -> bytes:
    """A hook payload as Claude Code sends it."""
    return json.dumps(
        {
            "session_id": session_id,
            "transcript_path": str(transcript),
            "cwd": str(cwd),
            "permission_mode": "default",
            "hook_event_name": event,
            **fields,
        }
    ).encode("utf-8")


def set_up_project(project: Project, box: harness.Sandbox) -> None:
    """init, raised limits, the server, and the gate state this project stands for (a down project's server is
    stopped later, by `stop_server`, once its sessions have started)."""
    cli, env = str(box.cli), box.env
    harness.run_tool([cli, "init", "--agent", "claude-code"], project.path, env)
    raise_limits(project.path)
    project.server = start_server(project.path, box)
    if project.state == ENFORCE:
        harness.run_tool([cli, "gate", "mode", "enforce", "--force", "benchmark"], project.path, env)
    elif project.state == KILL:
        harness.run_tool([cli, "gate", "kill-switch", "on", "--reason", "benchmark"], project.path, env)
    elif project.state == OFF:
        harness.run_tool([cli, "gate", "mode", "off"], project.path, env)
    try:
        hot = json.loads(project.hot_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise harness.SetupError(f"cannot read {project.hot_path}: {e}") from None
    mode = project.state if project.state in (ENFORCE, OFF) else SHADOW
    if hot.get("mode") != mode or bool(hot.get("kill_switch")) != (project.state == KILL):
        raise harness.SetupError(f"{project.hot_path} says {hot}, expected mode {mode}, kill switch {project.state}")


def stop_server(project: Project, box: harness.Sandbox) -> None:
    """`stopwarden stop` in the project, whose server this script started."""
    harness.run_tool([str(box.cli), "stop"], project.path, box.env)
    project.server = None


def start_sessions(project: Project, box: harness.Sandbox, command: str, transcript: Path, env_file: Path) -> float:
    """Run the real SessionStart hook for each of the project's sessions; the median milliseconds."""
    env = {**box.env, "CLAUDE_PROJECT_DIR": str(project.path), "CLAUDE_ENV_FILE": str(env_file)}
    samples = []
    for session_id in project.sessions:
        record = project.path / ".stopwarden" / "sessions" / session_id

        def recorded(
            proc: subprocess.CompletedProcess[bytes], record: Path = record, sid: str = session_id
        ) -> str | None:
            problem = harness.exits_zero(proc)
            if problem is None and not record.is_file():
                problem = f"no {record} after the SessionStart hook"
            if problem is None and f"STOPWARDEN_SESSION_ID={sid}" not in env_file.read_text(encoding="utf-8"):
                problem = f"the SessionStart hook did not export the session id to {env_file}"
            return problem

        stdin = payload("SessionStart", session_id, project.path, transcript, source="startup")
        samples.append(feed(["sh", "-c", command], project.path, env, stdin, recorded))
        try:
            started = json.loads(record.read_text(encoding="utf-8"))["started_at"]
            project.starts[session_id] = datetime.fromisoformat(started).timestamp()
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise harness.SetupError(f"cannot read the session start in {record}: {e}") from None
    return statistics.median(samples)


def check_repo(project: Project, env: dict[str, str], commits: int, plans: int) -> None:
    count = int(harness.run_tool(["git", "rev-list", "--count", "HEAD"], project.path, env).strip())
    planned = len(harness.run_tool(["git", "ls-files", "docs/plans/"], project.path, env).split())
    if (count, planned) != (commits, plans):
        raise harness.SetupError(f"{project.path}: {count} commits and {planned} plan files, not {commits}, {plans}")


# --- the scenarios -------------------------------------------------------------------------------------------


def last_line(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").splitlines()[-1]
    except (OSError, IndexError):
        return ""


@dataclass(frozen=True)
class Event:
    event_id: int
    session_id: str
    mode: str
    decision: str
    short_circuit: str | None
    latency_ms: float


def new_events(db: Path, after_id: int) -> list[Event]:
    """The events stored with an id above `after_id`."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5.0)
        try:
            rows = conn.execute(
                "SELECT event_id, session_id, mode, decision, short_circuit, latency_ms FROM events "
                "WHERE event_id > ? ORDER BY event_id",
                (after_id,),
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise harness.SetupError(f"cannot read the events in {db}: {e}") from None
    return [Event(int(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], float(r[5])) for r in rows]


class Scenario:
    """What one subject's runs send, how the hot-path file is set before each, and what each must have done.

    `forwarded`: the stop reaches POST /v1/evaluate; `after_block`: the payload's `stop_hook_active`;
    `unstarted`: the stops come from a session no SessionStart hook recorded (its transcript, then, should not
    exist). Each run's stop text is one of the continue texts in turn, made unique.
    """

    serial = itertools.count(1)  # numbers the stop texts of every scenario: no two are alike

    def __init__(
        self,
        name: str,
        project: Project,
        forwarded: bool,
        after_block: bool,
        transcript: Path,
        plan: str,
        *,
        unstarted: bool = False,
    ) -> None:
        self.name = name
        self.project = project
        self.plan = plan  # the plan a block's reminder must cite
        self.forwarded = forwarded
        self.after_block = after_block
        self.unstarted = unstarted
        self.transcript = transcript
        self.runs = 0
        self.highest = 0
        self.hot_mtime = 0
        self.session = ""
        self.gate_ms: list[float] = []  # the server's own latency_ms of each forwarded run

    @property
    def why(self) -> str:
        """What hook.log says of a stop the router lets through without asking."""
        if self.after_block:
            return AFTER_BLOCK_WHY
        return UNSTARTED_WHY if self.unstarted else WHY[self.project.state]

    @property
    def mode(self) -> str:
        return self.project.state if self.project.state in (ENFORCE, OFF) else SHADOW

    @property
    def requests(self) -> list[str]:
        """The HTTP requests the router makes before it forwards the stop, or lets it through."""
        if self.after_block or self.project.state != DOWN:
            return []
        return ["GET /v1/hot-path"]

    def first_session(self) -> str:
        return f"bench-unstarted-{self.project.state}" if self.unstarted else self.project.sessions[0]

    def next_session(self) -> str:
        """The first session, or in enforce a fresh one for each run (the continue ceiling)."""
        sessions = self.project.sessions
        if self.unstarted or not (self.forwarded and self.project.state == ENFORCE):
            return self.first_session()
        if self.runs >= len(sessions):
            raise harness.SetupError(f"{self.name}: only {len(sessions)} sessions were started for the runs")
        return sessions[self.runs]

    def stop_text(self, tag: str = "run") -> str:
        texts = STOP_TEXTS[CONTINUE]
        return f"{texts[self.runs % len(texts)]} [{tag} {next(self.serial)}]"

    def date_hot_path(self) -> None:
        """Fresh where a server runs (it rewrites the file every 4 s anyway), stale where it was stopped."""
        now = time.time()
        stamp = now - STALE_AGE_S if self.project.state == DOWN else now
        os.utime(self.project.hot_path, (stamp, stamp))
        self.hot_mtime = self.project.hot_path.stat().st_mtime_ns

    def payload(self, session: str, text: str) -> bytes:
        return payload(
            "Stop",
            session,
            self.project.path,
            self.transcript,
            stop_hook_active=self.after_block,
            last_assistant_message=text,
        )

    def before(self) -> bytes:
        """Outside the timed region: the payload of the next run, and the state to compare with after it."""
        self.date_hot_path()
        _, self.highest = event_count(self.project.db)
        self.session = self.next_session()
        text = self.stop_text()
        self.runs += 1
        return self.payload(self.session, text)

    def check(self, proc: subprocess.CompletedProcess[bytes]) -> str | None:
        problem = harness.exits_zero(proc)
        if problem is not None:
            return problem
        if proc.stderr.strip():
            return f"unexpected stderr {proc.stderr[:200]!r}"
        if self.project.state == DOWN and self.project.hot_path.stat().st_mtime_ns != self.hot_mtime:
            return "the hot-path file was written with no server running (only the server writes it)"
        events = new_events(self.project.db, self.highest)
        log = last_line(self.project.hook_log)
        verdict = "block" if self.forwarded and self.mode == ENFORCE else "allow"
        said = f" stop session={self.session} {verdict}: no active build; "
        if not self.forwarded:
            expected = f"{said}{self.why} (bg="
            if proc.stdout.strip():
                return f"expected no output (an allow), got {proc.stdout[:200]!r}"
            if events:
                return f"{len(events)} events stored, expected none"
            return None if expected in log else f"hook.log says {log!r}, expected {expected!r}"
        if len(events) != 1:
            return f"{len(events)} events stored, expected one"
        event = events[0]
        if (event.session_id, event.mode, event.decision, event.short_circuit) != (
            self.session,
            self.mode,
            "continue",
            None,
        ):
            return f"event {event}, not a continue for {self.session} in {self.mode}"
        self.gate_ms.append(event.latency_ms)
        if f"{said}stop gate continue " not in log or f" in {self.mode} (event {event.event_id}) (bg=" not in log:
            return f"hook.log says {log!r}, expected {verdict}: a continue in {self.mode} naming event {event.event_id}"
        if self.mode == SHADOW:
            return f"expected no output in shadow, got {proc.stdout[:200]!r}" if proc.stdout.strip() else None
        return self.check_block(proc.stdout)

    def check_block(self, stdout: bytes) -> str | None:
        try:
            decision = json.loads(stdout)
        except ValueError:
            return f"stdout is not a JSON decision: {stdout[:200]!r}"
        reason = str(decision.get("reason", "")) if isinstance(decision, dict) else ""
        if not isinstance(decision, dict) or decision.get("decision") != "block":
            return f"not a block: {stdout[:200]!r}"
        if not reason.startswith("stopwarden: Continue") or self.plan not in reason:
            return f"the block's reason is not the reminder citing {self.plan}: {reason[:200]!r}"
        return None


@dataclass
class StopSubject(harness.Subject):
    """A Stop hook run whose payload and surroundings its scenario prepares before the timer starts."""

    scenario: Scenario | None = None

    def run(self) -> int:
        if self.scenario is not None:
            self.stdin = self.scenario.before()
        return super().run()


# --- the benchmark -------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One call of a function timed in this process (`result`: what it returned, or the exception it raised)."""

    label: str
    ms: float
    args: tuple[Any, ...]
    result: Any
    started_ns: int = 0


@dataclass
class Decision:
    """The router's forwarding decision for one scenario, timed in this process."""

    name: str
    forwarded: bool
    ms: list[float]
    requests: list[str]  # the HTTP requests made inside the decision (each run's alike; checked)
    http_ms: list[float]  # how long they took, in each run


@dataclass
class InProcess:
    """`evidence.collect` and `router.check` timed in this process, with the calls inside them."""

    module: str  # where the stopwarden this process imported lives
    collect_ms: list[float]
    git: list[Call]  # evidence's git processes, in the collect runs
    artifacts: int
    session_commits: int
    partial: int  # collect runs cut short by the deadline
    router_ms: list[float]
    spans: list[Call]  # evidence, the transcript tail and the HTTP requests, in the router runs


@dataclass
class Imports:
    """`-X importtime` of the hook command, median of IMPORT_RUNS runs each: forwarded, and kill switch on."""

    forwarded_ms: float  # self time of every import, summed
    kill_ms: float
    top: list[ImportRow]  # the forwarded stop's imports by cumulative time
    extra: list[ImportRow]  # the imports the kill-switch path does not make, by cumulative time
    extra_self_ms: float


@dataclass
class Bench:
    repo: Repo
    projects: list[Project]
    scenarios: list[Scenario]
    subjects: list[harness.Subject]
    box: harness.Sandbox
    transcript: Path
    stop_command: str
    session_command: str
    baseline_command: str
    session_start_ms: float
    decisions: list[Decision] = field(default_factory=list)
    in_process: InProcess | None = None
    imports: Imports | None = None
    others: float = 0.0  # the share of a core the rest of the machine used during the rounds

    def scenario(self, name: str) -> Scenario:
        return next(s for s in self.scenarios if s.name == name)


def set_up(workdir: Path, args: argparse.Namespace, box: harness.Sandbox, projects: list[Project]) -> Bench:
    env = box.env
    repo = build_base(workdir / "base", env, args.commits, args.plans)
    transcript = workdir / "transcript.jsonl"
    write_transcript(transcript, time.time())
    for project in projects:
        shutil.copytree(workdir / "base", project.path, symlinks=True)
        set_up_project(project, box)
    shadow, enforce, kill, off, down = projects
    for project in (shadow, kill, off, down):
        project.sessions = [f"bench-{project.state}"]
    enforce.sessions = [f"bench-enforce-{n:03d}" for n in range(args.rounds + 1)]

    stop_command, session_command = hook_command(shadow.path, "Stop"), hook_command(shadow.path, "SessionStart")
    for project in projects:
        if (hook_command(project.path, "Stop"), hook_command(project.path, "SessionStart")) != (
            stop_command,
            session_command,
        ):
            raise harness.SetupError("init registered different hook commands in two projects")
    timings = [start_sessions(p, box, session_command, transcript, workdir / f"env-{p.state}") for p in projects]

    # The session's commits, dated after every session's start, added to each copy alike.
    first = math.ceil(max(s for p in projects for s in p.starts.values())) + 1
    stream = session_commits(repo, first)
    for project in projects:
        feed(["git", "fast-import", "--quiet"], project.path, env, stream, harness.exits_zero)
        harness.run_tool(["git", "reset", "-q", "--hard"], project.path, env)
        check_repo(project, env, args.commits, args.plans)
    stop_server(down, box)
    if not down.hot_path.is_file():
        raise harness.SetupError(f"`stopwarden stop` removed {down.hot_path}: that is hook_latency.py's no-server path")
    while time.time() < first + SESSION_COMMITS:
        time.sleep(0.1)  # the session's last commit is in the past before the first stop

    def stop(scenario: Scenario) -> StopSubject:
        path = scenario.project.path
        run_env = {**env, "CLAUDE_PROJECT_DIR": str(path)}
        return StopSubject(scenario.name, ["sh", "-c", stop_command], path, run_env, scenario.check, b"", [], scenario)

    plan = repo.session_plan
    scenarios = [
        Scenario(FORWARDED_SHADOW, shadow, True, False, transcript, plan),
        Scenario(FORWARDED_ENFORCE, enforce, True, False, transcript, plan),
        Scenario(AFTER_BLOCK, shadow, False, True, transcript, plan),
        Scenario(KILL_SWITCH, kill, False, False, transcript, plan),
        Scenario(MODE_OFF, off, False, False, transcript, plan),
        Scenario(SERVER_DOWN, down, False, False, transcript, plan),
        Scenario(UNSTARTED, shadow, False, False, workdir / "unwritten.jsonl", plan, unstarted=True),
    ]
    baseline_command = f"{quote(str(box.python))} -c pass"
    baseline = harness.Subject(
        BASELINE,
        ["sh", "-c", baseline_command],
        shadow.path,
        {**env, "CLAUDE_PROJECT_DIR": str(shadow.path)},
        harness.exits_zero,
    )
    subjects: list[harness.Subject] = [baseline, *(stop(s) for s in scenarios)]
    return Bench(
        repo,
        projects,
        scenarios,
        subjects,
        box,
        transcript,
        stop_command,
        session_command,
        baseline_command,
        statistics.median(timings),
    )


def stop_servers(projects: Sequence[Project], box: harness.Sandbox) -> list[str]:
    """`stopwarden stop` in every project whose server this script started and did not stop; what failed."""
    failed = []
    for project in projects:
        if project.server is None:
            continue
        try:
            stop_server(project, box)
        except harness.SetupError as e:
            failed.append(str(e))
    return failed


def busy_elsewhere(projects: Sequence[Project]) -> float:
    """CPU seconds the machine has been busy, less those of this process, its children and the servers."""
    ours = sum(cpu_seconds(os.getpid()))
    servers = sum(sum(cpu_seconds(p.server.pid)) for p in projects if p.server is not None)
    return machine_busy_seconds() - ours - servers


def run(workdir: Path, args: argparse.Namespace) -> Bench:
    box = harness.Sandbox.make(workdir, args.venv, needs=("git", "sh"))
    projects = [Project(state, workdir / f"project-{state}") for state in STATES]
    try:
        bench = set_up(workdir, args, box, projects)
        before, started = busy_elsewhere(projects), time.monotonic()
        harness.measure(bench.subjects, args)
        bench.others = max(0.0, busy_elsewhere(projects) - before) / (time.monotonic() - started)
        bench.decisions = [time_decision(bench, s, args.rounds) for s in bench.scenarios]
        bench.in_process = profile_in_process(bench, args.rounds)
        if args.imports:
            bench.imports = profile_imports(bench, args.imports)
    finally:
        failed = stop_servers(projects, box)
    if failed:
        raise harness.SetupError("; ".join(failed))
    return bench


# --- the decision, and where the time goes -------------------------------------------------------------------


@contextmanager
def replaced(module: object, name: str, value: Any) -> Iterator[None]:
    """`module.name` is `value` inside the block."""
    original = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, original)


@contextmanager
def timed_calls(module: object, name: str, calls: list[Call], label: Callable[..., str]) -> Iterator[None]:
    """Replace `module.name` with a wrapper that records each call's label, milliseconds and outcome."""
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter_ns()
        outcome: Any = None
        try:
            outcome = original(*args, **kwargs)
            return outcome
        except BaseException as e:
            outcome = e
            raise
        finally:
            ms = (time.perf_counter_ns() - started) / 1e6
            calls.append(Call(label(*args, **kwargs), ms, args, outcome, started))

    with replaced(module, name, wrapper):
        yield


def git_label(root: str, args: list[str], *rest: Any) -> str:
    if "log" in args and any(a.startswith("--since") for a in args):
        return "git log --since (the session's commits)"
    if "log" in args:
        return "git log (the plans' history: the commits since the cached HEAD, or all of them)"
    return f"git {args[0]}"


def http_label(port: int, method: str, path: str, *args: Any, **kwargs: Any) -> str:
    return f"{method} {path.partition('=')[0]}"


class Forwarded(Exception):
    """Raised by the stand-in for `evidence.collect`: the router has decided to forward the stop."""

    def __init__(self) -> None:
        super().__init__("forwarded")
        self.at_ns = time.perf_counter_ns()


def forward_no_further(*args: Any, **kwargs: Any) -> Any:
    raise Forwarded


def time_decision(bench: Bench, scenario: Scenario, runs: int) -> Decision:
    """`router.check` on the scenario's payload, `runs` times after one uncounted call, up to its answer or
    its call of the evidence; each call checked (see the module's docstring)."""
    from stopwarden.common import http
    from stopwarden.hooks import evidence, router
    from stopwarden.hooks import payload as hook_payload

    root, session = str(scenario.project.path), scenario.first_session()
    env = {**bench.box.env, "CLAUDE_PROJECT_DIR": root}
    expected = scenario.requests
    calls: list[Call] = []
    ms: list[float] = []
    http_ms: list[float] = []
    with replaced(evidence, "collect", forward_no_further), timed_calls(http, "request", calls, http_label):
        for n in range(runs + 1):
            scenario.date_hot_path()
            raw = scenario.payload(session, scenario.stop_text("decision"))
            event = hook_payload.parse(raw, "claude-code", "stop", env)
            calls.clear()
            started = time.perf_counter_ns()
            try:
                _, why = router.check(event, root)
                ended, forwarded = time.perf_counter_ns(), False
            except Forwarded as reached:
                ended, forwarded, why = reached.at_ns, True, ""
            if forwarded != scenario.forwarded or (not forwarded and why != scenario.why):
                said = "forwarded it" if forwarded else f"let it through: {why!r}"
                raise harness.SetupError(f"{scenario.name}: router.check in this process {said}")
            if [c.label for c in calls] != expected:
                raise harness.SetupError(f"{scenario.name}: the decision asked {[c.label for c in calls]}")
            if n:
                ms.append((ended - started) / 1e6)
                http_ms.append(sum(c.ms for c in calls))
    return Decision(scenario.name, scenario.forwarded, ms, expected, http_ms)


def profile_in_process(bench: Bench, runs: int) -> InProcess:
    """`evidence.collect`, then `router.check`, `runs` times each on the forwarded shadow stop's project and
    session."""
    from stopwarden.common import git, http
    from stopwarden.hooks import evidence, router, transcript
    from stopwarden.hooks import payload as hook_payload

    scenario = bench.scenario(FORWARDED_SHADOW)
    project = scenario.project
    root, session = str(project.path), project.sessions[0]
    start = project.starts[session]
    collect_ms: list[float] = []
    git_calls: list[Call] = []
    found: dict[str, Any] = {}
    partial = 0
    with timed_calls(git, "run", git_calls, git_label):
        for _ in range(runs):
            started = time.perf_counter_ns()
            found = evidence.collect(root, start, router.EVIDENCE_BUDGET_S, root)
            collect_ms.append((time.perf_counter_ns() - started) / 1e6)
            partial += bool(found["partial"])
    if not found["artifacts"] or not found["session_commits"]:
        raise harness.SetupError(
            f"evidence.collect found {len(found['artifacts'])} artifacts and "
            f"{len(found['session_commits'])} session commits"
        )

    env = {**bench.box.env, "CLAUDE_PROJECT_DIR": root}
    router_ms: list[float] = []
    spans: list[Call] = []
    with (
        timed_calls(evidence, "collect", spans, lambda *a, **k: "evidence.collect"),
        timed_calls(transcript, "recent_user_turns", spans, lambda *a, **k: "transcript tail (last user turns)"),
        timed_calls(http, "request", spans, http_label),
    ):
        for _ in range(runs):
            scenario.date_hot_path()
            raw = scenario.payload(session, scenario.stop_text("in-process"))
            event = hook_payload.parse(raw, "claude-code", "stop", env)
            started = time.perf_counter_ns()
            _, why = router.check(event, root)
            router_ms.append((time.perf_counter_ns() - started) / 1e6)
            if not why.startswith("stop gate continue"):
                raise harness.SetupError(f"router.check in this process: {why}")
    module = str(Path(evidence.__file__).parent.parent)
    return InProcess(
        module, collect_ms, git_calls, len(found["artifacts"]), len(found["session_commits"]), partial, router_ms, spans
    )


def profile_imports(bench: Bench, top: int) -> Imports:
    """`-X importtime` on the hook command (no sh), for the forwarded shadow stop and the kill-switch one."""
    argv = shlex.split(bench.stop_command)
    argv[1:1] = ["-X", "importtime"]
    profiles: dict[str, list[dict[str, ImportRow]]] = {FORWARDED_SHADOW: [], KILL_SWITCH: []}
    for _ in range(IMPORT_RUNS):
        for name, runs in profiles.items():
            scenario = bench.scenario(name)
            project = scenario.project
            env = {**bench.box.env, "CLAUDE_PROJECT_DIR": str(project.path)}
            stdin = scenario.payload(project.sessions[0], scenario.stop_text("importtime"))
            kept: list[str] = []

            def keep(proc: subprocess.CompletedProcess[bytes], kept: list[str] = kept) -> str | None:
                kept.append(proc.stderr.decode("utf-8", "replace"))
                return harness.exits_zero(proc)

            scenario.date_hot_path()
            feed(argv, project.path, env, stdin, keep)
            runs.append(parse_importtime(kept[0]))
    forwarded_rows, kill_rows = merge(profiles[FORWARDED_SHADOW]), merge(profiles[KILL_SWITCH])
    extra = [r for r in forwarded_rows if r.module not in {k.module for k in kill_rows}]
    return Imports(
        round(sum(r.self_ms for r in forwarded_rows), 3),
        round(sum(r.self_ms for r in kill_rows), 3),
        sorted(forwarded_rows, key=lambda r: -r.cumulative_ms)[:top],
        sorted(extra, key=lambda r: -r.cumulative_ms)[:top],
        round(sum(r.self_ms for r in extra), 3),
    )


def merge(runs: list[dict[str, ImportRow]]) -> list[ImportRow]:
    """Each module seen in any run, with its median self and cumulative times over the runs that imported it."""
    modules = {module: row.depth for run in runs for module, row in run.items()}
    merged = []
    for module, depth in modules.items():
        seen = [run[module] for run in runs if module in run]
        self_ms = statistics.median(r.self_ms for r in seen)
        merged.append(
            ImportRow(module, depth, round(self_ms, 3), round(statistics.median(r.cumulative_ms for r in seen), 3))
        )
    return merged


# --- reporting -----------------------------------------------------------------------------------------------


@dataclass
class Result(harness.Timing):
    over_baseline_ms: float  # median minus the baseline's median
    ratio: float  # median over the baseline's median
    paired_ratio: float  # median of each round's ratio to that round's baseline: what the targets judge
    gate_ms: float | None  # the server's own latency_ms (median), for the forwarded scenarios
    target: str
    status: str


@dataclass
class DecisionResult:
    name: str
    forwarded: bool
    runs: int
    median_ms: float
    p90_ms: float
    max_ms: float
    requests: list[str]
    http_median_ms: float | None  # of the decision's time, its HTTP requests'
    status: str


def paired_ratio(samples: Sequence[int], baseline: Sequence[int]) -> float:
    return statistics.median(a / b for a, b in zip(samples, baseline, strict=True))


def describe_target(scenario: Scenario) -> str:
    if scenario.forwarded:
        return f"<= {FORWARDED_RATIO:.0f}x, <= {FORWARDED_MS:.0f} ms"
    return f"<= {NOT_FORWARDED_RATIO:.1f}x"


def judge(bench: Bench) -> list[Result]:
    baseline = bench.subjects[0]
    base_ms = harness.timing(baseline).median_ms
    by_name = {s.name: s for s in bench.scenarios}
    results = []
    for subject in bench.subjects:
        t = harness.timing(subject)
        paired = paired_ratio(subject.samples, baseline.samples)
        scenario = by_name.get(subject.name)
        if scenario is None:
            target, status = "", "reference"
        else:
            target = describe_target(scenario)
            limit = FORWARDED_RATIO if scenario.forwarded else NOT_FORWARDED_RATIO
            over = paired > limit or (scenario.forwarded and t.median_ms > FORWARDED_MS)
            status = "FAIL" if over else "pass"
        results.append(
            Result(
                **vars(t),
                over_baseline_ms=t.median_ms - base_ms,
                ratio=t.median_ms / base_ms,
                paired_ratio=paired,
                gate_ms=statistics.median(scenario.gate_ms) if scenario is not None and scenario.gate_ms else None,
                target=target,
                status=status,
            )
        )
    return results


def judge_decisions(decisions: Sequence[Decision]) -> list[DecisionResult]:
    results = []
    for d in decisions:
        median, p90 = statistics.median(d.ms), harness.percentile(d.ms, 0.9)
        status = "FAIL" if median > DECISION_MS else "pass" if p90 <= DECISION_MS else "pass (p90 over)"
        http = statistics.median(d.http_ms) if d.requests else None
        results.append(DecisionResult(d.name, d.forwarded, len(d.ms), median, p90, max(d.ms), d.requests, http, status))
    return results


def median_by_label(calls: Sequence[Call]) -> dict[str, float]:
    labels: dict[str, list[float]] = {}
    for call in calls:
        labels.setdefault(call.label, []).append(call.ms)
    return {label: statistics.median(ms) for label, ms in labels.items()}


def gate_latency(calls: Sequence[Call]) -> float | None:
    """The server's own latency_ms, median, from the answers to POST /v1/evaluate."""
    found = [
        float(c.result[1]["latency_ms"])
        for c in calls
        if c.label == "POST /v1/evaluate" and isinstance(c.result, tuple) and isinstance(c.result[1], dict)
    ]
    return statistics.median(found) if found else None


def breakdown(
    bench: Bench, results: Sequence[Result], decisions: Sequence[DecisionResult]
) -> list[tuple[str, float | None, str]]:
    """(part, median ms, how it was measured) of the forwarded shadow stop's time."""
    by_name = {r.name: r.median_ms for r in results}
    base, after, kill, main = (by_name[n] for n in (BASELINE, AFTER_BLOCK, KILL_SWITCH, FORWARDED_SHADOW))
    rows: list[tuple[str, float | None, str]] = [
        ("sh and the interpreter (`python -c pass`)", base, "baseline"),
        (
            "hook up to the router's first way out (-I -S starts faster than the baseline)",
            after - base,
            "after a block - baseline",
        ),
        ("hot-path file read, kill-switch exit (cold: with its imports)", kill - after, "kill switch - after a block"),
    ]
    accounted, parts = kill, ["kill switch"]
    if bench.imports is not None:
        rows.append(
            (
                "imports only the forwarded path makes",
                bench.imports.extra_self_ms,
                "-X importtime, their self times summed",
            )
        )
        accounted += bench.imports.extra_self_ms
        parts.append("those imports")
    if bench.in_process is not None:
        work = bench.in_process
        spans = median_by_label(work.spans)
        router = statistics.median(work.router_ms)
        decision = next(d.median_ms for d in decisions if d.name == FORWARDED_SHADOW)
        rows.append(
            ("the forwarding decision, warm (hot path, session start)", decision, "in process, up to the evidence")
        )
        rows.append(
            ("evidence.collect (its git processes, their parsing)", spans.get("evidence.collect", 0.0), "in process")
        )
        rows += [
            (f"of it: {label}", ms, "in process, evidence.collect alone")
            for label, ms in median_by_label(work.git).items()
        ]
        gate = gate_latency(work.spans)
        for label, ms in spans.items():
            if label.startswith(("POST", "GET")):
                note = f"; the server's own latency_ms {gate:.2f}" if gate is not None and "POST" in label else ""
                rows.append((f"{label} round trip", ms, f"in process{note}"))
            elif label != "evidence.collect":
                rows.append((label, ms, "in process"))
        rows.append(
            (
                "rest of router.check (request body, token)",
                router - decision - sum(spans.values()),
                "in process: router.check - the rows above it",
            )
        )
        rows.append(("router.check in all", router, "in process"))
        accounted += router - decision
        parts.append("router.check after the decision")
    rows.append(
        (
            "unaccounted (process effects: cold caches, page faults, exit)",
            main - accounted,
            f"forwarded, shadow - ({' + '.join(parts)})",
        )
    )
    return rows


def git_commands(work: InProcess) -> dict[str, dict[str, Any]]:
    """Each of evidence's git commands (from its first run): its arguments, and what it printed."""
    found: dict[str, dict[str, Any]] = {}
    for call in work.git:
        if call.label not in found:
            out = call.result[0].decode("utf-8", "replace") if isinstance(call.result, tuple) else ""
            args = list(call.args[1])
            records = out.count(RECORD) if "log" in args else out.count("\0") if "-z" in args else len(out.split())
            found[call.label] = {"args": args, "output_bytes": len(out), "records": records}
    return found


def visible(command: str) -> str:
    """A command line with evidence's separators written as git's format escapes."""
    return command.replace(RECORD, "%x1e").replace(FIELD, "%x1f")


def in_process_json(work: InProcess | None) -> dict[str, Any] | None:
    if work is None:
        return None
    return {
        "module": work.module,
        "runs": len(work.collect_ms),
        "collect_median_ms": round(statistics.median(work.collect_ms), 3),
        "collect_p90_ms": round(harness.percentile(work.collect_ms, 0.9), 3),
        "git_median_ms": {k: round(v, 3) for k, v in median_by_label(work.git).items()},
        "artifacts": work.artifacts,
        "session_commits": work.session_commits,
        "partial_runs": work.partial,
        "router_check_median_ms": round(statistics.median(work.router_ms), 3),
        "router_spans_median_ms": {k: round(v, 3) for k, v in median_by_label(work.spans).items()},
        "gate_evaluate_median_ms": gate_latency(work.spans),
        "git_commands": git_commands(work),
        "collect_ms": [round(x, 3) for x in work.collect_ms],
        "router_check_ms": [round(x, 3) for x in work.router_ms],
    }


def imports_section(imports: Imports | None) -> list[str]:
    if imports is None:
        return []

    def rows(found: Sequence[ImportRow]) -> list[str]:
        return harness.table(
            ("module", "nesting", "self ms", "cumulative ms"),
            "lrrr",
            ((f"`{r.module}`", str(r.depth), f"{r.self_ms:.2f}", f"{r.cumulative_ms:.2f}") for r in found),
        )

    return [
        "",
        f"Imports of the hook (`python -X importtime`, median of {IMPORT_RUNS} runs): {imports.forwarded_ms:.1f} ms "
        f"of import time for the forwarded stop, {imports.kill_ms:.1f} ms with the kill switch on. Those the "
        f"kill-switch path does not make ({imports.extra_self_ms:.1f} ms self time in all), by cumulative time:",
        "",
        *rows(imports.extra),
    ]


def decision_section(decisions: Sequence[DecisionResult]) -> list[str]:
    return [
        "",
        f"The forwarding decision in this process (`router.check` up to its answer, or to the evidence when it "
        f"forwards; {decisions[0].runs} calls each after one uncounted; target <= {DECISION_MS:.0f} ms, issue 19):",
        "",
        *harness.table(
            ("scenario", "forwards", "median ms", "p90 ms", "max ms", "HTTP inside", "of it HTTP ms", "pass/fail"),
            "llrrrlrl",
            (
                (
                    d.name,
                    "yes" if d.forwarded else "no",
                    f"{d.median_ms:.3f}",
                    f"{d.p90_ms:.3f}",
                    f"{d.max_ms:.3f}",
                    ", ".join(d.requests) or "none",
                    "-" if d.http_median_ms is None else f"{d.http_median_ms:.3f}",
                    d.status,
                )
                for d in decisions
            ),
        ),
    ]


def report(bench: Bench, info: dict[str, Any]) -> harness.Report:
    results = judge(bench)
    decisions = judge_decisions(bench.decisions)
    by_name = {r.name: r for r in results}
    repo, work = bench.repo, bench.in_process
    parts = breakdown(bench, results, decisions)
    total = repo.commits + SESSION_COMMITS
    spec_repo = total == SPEC_COMMITS and len(repo.plans) == SPEC_PLANS
    days = (repo.last_time - repo.first_time) / 86400
    after = by_name[AFTER_BLOCK].median_ms
    notes = [
        f"repository: {total:,} commits built by `git fast-import` in {repo.built_s:.1f} s ({repo.commits:,} over "
        f"{days:.0f} days up to an hour before the session, {SESSION_COMMITS} in it), {len(repo.plans)} plan files "
        f"under docs/plans/, {len(SPEC_PATHS)} `*spec*.md` elsewhere, {repo.sources} source and test files; "
        f"the session ticks off {repo.session_plan}",
        "servers: `stopwarden start` in each of five copies (mode shadow; enforce by `gate mode enforce --force`; "
        "kill switch by `gate kill-switch on`; off by `gate mode off`; the fifth stopped by `stopwarden stop` "
        "before the rounds, its hot-path file dated a minute back before each run), authority rules, `[limits] "
        + ", ".join(f"{k} = {v}" for k, v in LIMITS.items())
        + "` raised before the start",
        "targets judged on the paired ratio (median of each round's ratio to that round's baseline); the ratio "
        "column is the medians' ratio",
        "every stop text a continue, ending in a unique ` [run N]`: the forwarded ones stored exactly one event "
        "each, `continue` with no short circuit; the others none, with hook.log's reason (all checked)",
        f"sessions started by the real SessionStart hook (median {bench.session_start_ms:.1f} ms with the server "
        f"up); enforce used a fresh session for each run (the gate's continue ceiling is 2 blocks a session)",
        "the decision cold, in a whole process (its imports and the hot-path file), over the after-a-block run: "
        + ", ".join(
            f"{n} {by_name[n].median_ms - after:+.2f} ms" for n in (KILL_SWITCH, MODE_OFF, SERVER_DOWN, UNSTARTED)
        ),
        "gate ms: the server's own `latency_ms` of the stored events (inside `Gate.evaluate`), median",
        f"hook command: `sh -c {shlex.quote(bench.stop_command)}`",
        f"baseline command: `sh -c {shlex.quote(bench.baseline_command)}`",
        f"other processes used {100 * bench.others:.0f}% of a core during the rounds",
    ]
    if bench.others > OTHERS_WARN:
        notes.append("warning: these are not the numbers of a quiet machine (other processes were busy)")
    if not spec_repo:
        notes.append(
            f"warning: the targets are for {SPEC_COMMITS:,} commits and {SPEC_PLANS} plan files; "
            f"this repository has {total:,} and {len(repo.plans)}"
        )
    if work is not None:
        hook = shlex.split(bench.stop_command)[-2]
        if not hook.startswith(work.module + "/"):
            notes.append(
                f"warning: the in-process profile imported stopwarden from {work.module}; the hook runs {hook}"
            )
        if work.partial:
            notes.append(
                f"warning: evidence.collect was cut short by its deadline in {work.partial} of "
                f"{len(work.collect_ms)} runs in process"
            )
    sections = [
        *decision_section(decisions),
        "",
        f"Where the time of the forwarded shadow stop ({by_name[FORWARDED_SHADOW].median_ms:.1f} ms) goes, medians:",
        "",
        *harness.table(
            ("part", "ms", "measured as"),
            "lrl",
            ((part, "-" if ms is None else f"{ms:.2f}", how) for part, ms, how in parts),
        ),
    ]
    if work is not None:
        sections += [
            "",
            f"- in process: `evidence.collect` median {statistics.median(work.collect_ms):.2f} ms, p90 "
            f"{harness.percentile(work.collect_ms, 0.9):.2f} ms over {len(work.collect_ms)} runs ({work.artifacts} "
            f"artifacts, {work.session_commits} session commits, {work.partial} cut short); `router.check` median "
            f"{statistics.median(work.router_ms):.2f} ms; stopwarden imported from {work.module}",
            *(
                f"- `git {visible(shlex.join(c['args']))}` printed {c['output_bytes'] / 1024:.0f} KiB, "
                f"{c['records']:,} records"
                for c in git_commands(work).values()
            ),
        ]
    sections += imports_section(bench.imports)
    misses = [
        f"{r.name}: paired {r.paired_ratio:.2f}x, median {r.median_ms:.2f} ms, against {r.target}"
        for r in results
        if r.status == "FAIL"
    ]
    misses += [
        f"the decision, {d.name}: median {d.median_ms:.3f} ms, p90 {d.p90_ms:.3f} ms, against <= {DECISION_MS:.0f} ms"
        for d in decisions
        if d.status != "pass"
    ]
    return harness.Report(
        title="Stop hook with the stop gate",
        rule=f"targets on the paired ratio: forwarded <= {FORWARDED_RATIO:.0f}x (and <= {FORWARDED_MS:.0f} ms), "
        f"not forwarded <= {NOT_FORWARDED_RATIO:.1f}x; the decision <= {DECISION_MS:.0f} ms in process",
        goals="targets",
        table=harness.table(
            (
                "scenario",
                "median ms",
                "p90 ms",
                "over baseline ms",
                "ratio",
                "paired ratio",
                "gate ms",
                "target",
                "pass/fail",
            ),
            "lrrrrrrll",
            (
                (
                    r.name,
                    f"{r.median_ms:.2f}",
                    f"{r.p90_ms:.2f}",
                    f"{r.over_baseline_ms:+.2f}",
                    f"{r.ratio:.2f}x",
                    f"{r.paired_ratio:.2f}x",
                    "-" if r.gate_ms is None else f"{r.gate_ms:.2f}",
                    r.target or "-",
                    r.status,
                )
                for r in results
            ),
        ),
        notes=notes,
        misses=misses,
        json={
            "targets": {
                "forwarded_ratio": FORWARDED_RATIO,
                "forwarded_ms": FORWARDED_MS,
                "not_forwarded_ratio": NOT_FORWARDED_RATIO,
                "decision_ms": DECISION_MS,
            },
            "machine": info,
            "repository": {
                "commits": total,
                "session_commits": SESSION_COMMITS,
                "plan_files": len(repo.plans),
                "spec_files": list(SPEC_PATHS),
                "source_files": repo.sources,
                "history_days": round(days, 1),
                "built_s": round(repo.built_s, 3),
                "session_plan": repo.session_plan,
                "as_in_the_targets": spec_repo,
            },
            "limits": LIMITS,
            "hook_command": bench.stop_command,
            "session_start_command": bench.session_command,
            "baseline_command": bench.baseline_command,
            "session_start_median_ms": round(bench.session_start_ms, 3),
            "others_core_share": round(bench.others, 3),
            "stale_hot_path_age_s": STALE_AGE_S,
            "decisions": [
                {**vars(d), "ms": [round(x, 4) for x in source.ms], "http_ms": [round(x, 4) for x in source.http_ms]}
                for d, source in zip(decisions, bench.decisions, strict=True)
            ],
            "breakdown": [
                {"part": p.strip(), "ms": None if ms is None else round(ms, 3), "measured_as": how}
                for p, ms, how in parts
            ],
            "in_process": in_process_json(work),
            "imports": None
            if bench.imports is None
            else {
                "forwarded_ms": bench.imports.forwarded_ms,
                "kill_switch_ms": bench.imports.kill_ms,
                "extra_self_ms": bench.imports.extra_self_ms,
                "extra": [vars(r) for r in bench.imports.extra],
                "top": [vars(r) for r in bench.imports.top],
            },
            "results": harness.records(results),
        },
        sections=sections,
    )


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--commits", type=int, default=SPEC_COMMITS, help="commits in the repository (default: %(default)s)"
    )
    parser.add_argument(
        "--plans", type=int, default=SPEC_PLANS, help="plan files in docs/plans/ (default: %(default)s)"
    )
    parser.add_argument(
        "--imports",
        type=int,
        default=DEFAULT_IMPORTS,
        metavar="N",
        help="list the N slowest imports of the hook (0: skip the -X importtime profile; default: %(default)s)",
    )


def check_options(args: argparse.Namespace) -> str | None:
    if args.commits < 100:
        return "--commits must be at least 100"
    if not 1 <= args.plans <= args.commits // 2:
        return "--plans must be between 1 and half of --commits"
    return "--imports must be 0 or more" if args.imports < 0 else None


if __name__ == "__main__":
    sys.exit(
        harness.main(
            "stop_gate_latency", harness.parse_args(sys.argv[1:], __doc__, add_options, check_options), run, report
        )
    )
