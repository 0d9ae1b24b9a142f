"""Whole-process latency of the Stop hook when a signal fires and the stop gate is asked (SPEC §10: <= 150 ms).

Run it from the repository root with the venv's interpreter:

    .venv/bin/python benchmarks/stop_gate_latency.py              # 30 rounds, a markdown table
    .venv/bin/python benchmarks/stop_gate_latency.py --rounds 60  # more rounds, steadier medians
    .venv/bin/python benchmarks/stop_gate_latency.py --json       # the same results (and every sample) as JSON
    .venv/bin/python benchmarks/stop_gate_latency.py --imports 0  # skip the -X importtime profile

The target (SPEC §10): "Stop hook, signal fired, evidence from a repo with 5,000 commits and 200 plan files,
server on loopback with the rules authority: <= 150 ms".

The repository. Built once with `git fast-import` in a temp folder (its own HOME and CLAUDE_CONFIG_DIR, no agent
identity leaking in): --commits commits (default 5,000) over the past six weeks, the last one an hour before the
session; --plans plan files (default 200) under docs/plans/, each introduced by a commit of its own and ticked
off by later ones; ten `*spec*.md` files elsewhere (docs/design/, four source packages, the top level); 440
ordinary source and test files, one to three changed per commit. It is copied into three projects, one per gate
state, each set up with the real CLI: `stopwarden init --agent claude-code`; `[limits] per_session_hour` and
`per_project_day` raised in `.stopwarden/config.toml` (the defaults, 10 an hour and 200 a day, would answer
repeated runs with `rate_limited`); `stopwarden start` (mode shadow, authority rules; `stopwarden stop` ends it
whatever happens); then `stopwarden gate mode enforce --force` in one and `stopwarden gate kill-switch on` in
another. Every session is started with the real SessionStart hook command (`hooks.SessionStart` in
`.claude/settings.local.json`, through `sh -c`, payload on stdin): it records the start in
`.stopwarden/sessions/` and tells the server. Only then are the session's three commits added (fast-import
again, dated after the start): two change source files, one ticks a step off the newest plan. The transcript
every payload names is a ~1 MB Claude Code transcript (tool calls and results, a few user turns).

What is measured. The installed Stop hook command (`hooks.Stop` in `.claude/settings.local.json`), run the way
the agent runs it: `sh -c <command>` with a Stop payload on stdin. Each run is timed with
`time.perf_counter_ns` around `subprocess.run`, so a sample is the whole process: fork, sh, interpreter start,
imports, the hook's work (git, HTTP to the server, which answers within the sample), exit. Scenarios:

  signal, shadow          the main target: hot-path file fresh, evidence from git, POST /v1/evaluate,
                          the rules authority says continue, the gate logs it and does not block    <= 150 ms
  signal, shadow, stale   the same with `.stopwarden/hot-path.json` older than 10 s, so the hook also
    hot-path file         asks GET /v1/hot-path and rewrites the file, as at most real stops        <= 150 ms
  signal, enforce         the same path in mode enforce: the hook prints a block with the reminder  <= 150 ms
  signal, kill switch on  the hot-path file says the kill switch is on: no evidence, no evaluate   (reference)
  no signal               the common path: no server, no git                                       (reference)

The baseline is `sh -c '"<venv python>" -c pass'`, as in hook_latency.py. Every round runs the baseline and
each scenario once, in an order rotated by one place per round; a warm-up round is run first and not counted.
Outside the timed region, before each run: the stop text gets a unique suffix (` [run N]`) so the server's
idempotency cache (same session, same text, 5 minutes) never answers; the hot-path file's mtime is set to now
(fresh) or a minute back (stale); in enforce, each run is a session of its own (the gate stops blocking a
session after 2 blocks, its continue ceiling), each recorded by the SessionStart hook before the commits.

Every timed run is checked, after it ended: exit 0 and no stderr; for the three evaluated scenarios exactly one
new row in the `events` table of `.stopwarden/stopwarden.db`, for this session, decision `continue`, no short
circuit (not cached, not rate limited), and the hook.log line naming that event and the mode; in enforce a
block on stdout whose reason is the reminder citing the plan the session ticked off, elsewhere nothing on
stdout; no new event for the kill switch and no-signal runs, with hook.log saying why; and the hot-path file
rewritten by the stale runs (the GET was made; the server's own rewrite every 4 s may touch it in any run).

Where the time goes. After the rounds, in this process (the stopwarden the venv imports): `evidence.collect`
alone, each of its git processes timed; the router's whole work (`router.check` on the same payload), its
POST /v1/evaluate, the transcript tail and the evidence timed inside it; and, with --imports N (default 15),
`python -X importtime` on the hook command for the main scenario and for the no-signal one, to show what the
signal path imports.

This is a measurement, not a gate: the exit code is 0 whatever the numbers (missed targets are listed under the
table), and 2 only when the setup or a run's check fails.
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

TARGET_MS = 150.0
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

# The gate's states, one project each.
SHADOW, ENFORCE, KILL = "shadow", "enforce", "kill"
STALE_AGE_S = 60.0  # how far back a stale hot-path file is dated (the hook's TTL is 10 s)

BASELINE = "baseline (sh + python -c pass)"
SIGNAL_SHADOW = "signal, shadow (main target)"
SIGNAL_STALE = "signal, shadow, stale hot-path file"
SIGNAL_ENFORCE = "signal, enforce (block)"
SIGNAL_KILL = "signal, kill switch on"
NO_SIGNAL = "no signal (common path)"
TARGETS = dict.fromkeys((SIGNAL_SHADOW, SIGNAL_STALE, SIGNAL_ENFORCE), TARGET_MS)

RECORD, FIELD = "\x1e", "\x1f"  # what evidence.py's git formats separate records and fields with
NO_SIGNAL_TEXT = "Done: the change is in place and the tests pass."


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
    """A copy of the repository with stopwarden installed and its server running in one gate state."""

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
    """init, raised limits, the server, and the gate state this project stands for."""
    cli, env = str(box.cli), box.env
    harness.run_tool([cli, "init", "--agent", "claude-code"], project.path, env)
    raise_limits(project.path)
    project.server = start_server(project.path, box)
    if project.state == ENFORCE:
        harness.run_tool([cli, "gate", "mode", "enforce", "--force", "benchmark"], project.path, env)
    elif project.state == KILL:
        harness.run_tool([cli, "gate", "kill-switch", "on", "--reason", "benchmark"], project.path, env)
    try:
        hot = json.loads(project.hot_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise harness.SetupError(f"cannot read {project.hot_path}: {e}") from None
    mode = ENFORCE if project.state == ENFORCE else SHADOW
    if hot.get("mode") != mode or bool(hot.get("kill_switch")) != (project.state == KILL):
        raise harness.SetupError(f"{project.hot_path} says {hot}, expected mode {mode}, kill switch {project.state}")


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


def new_events(db: Path, after_id: int) -> list[tuple[int, str, str, str | None, float]]:
    """(event_id, session_id, decision, short_circuit, latency_ms) of the events above `after_id`."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5.0)
        try:
            rows = conn.execute(
                "SELECT event_id, session_id, decision, short_circuit, latency_ms FROM events WHERE event_id > ? "
                "ORDER BY event_id",
                (after_id,),
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise harness.SetupError(f"cannot read the events in {db}: {e}") from None
    return [(int(r[0]), str(r[1]), str(r[2]), r[3], float(r[4])) for r in rows]


class Scenario:
    """What one subject's runs send, how the hot-path file is set before each, and what each must have done."""

    serial = itertools.count(1)  # numbers the stop texts of every scenario: no two are alike

    def __init__(
        self, name: str, project: Project, evaluated: bool, stale: bool, text: str | None, transcript: Path, plan: str
    ) -> None:
        self.name = name
        self.project = project
        self.plan = plan  # the plan a block's reminder must cite
        self.evaluated = evaluated  # the stop reaches POST /v1/evaluate
        self.stale = stale
        self.text = text  # None: the continue texts in turn, each made unique
        self.transcript = transcript
        self.runs = 0
        self.highest = 0
        self.hot_mtime = 0
        self.session = ""
        self.gate_ms: list[float] = []  # the server's own latency_ms of each evaluated run

    def next_session(self) -> str:
        sessions = self.project.sessions
        if self.project.state != ENFORCE:
            return sessions[0]
        if self.runs >= len(sessions):
            raise harness.SetupError(f"{self.name}: only {len(sessions)} sessions were started for the runs")
        return sessions[self.runs]

    def stop_text(self) -> str:
        if self.text is not None:
            return self.text
        texts = STOP_TEXTS[CONTINUE]
        return f"{texts[self.runs % len(texts)]} [run {next(self.serial)}]"

    def before(self) -> bytes:
        """Outside the timed region: the payload of the next run, and the state to compare with after it."""
        now = time.time()
        stamp = now - STALE_AGE_S if self.stale else now
        os.utime(self.project.hot_path, (stamp, stamp))
        self.hot_mtime = self.project.hot_path.stat().st_mtime_ns
        _, self.highest = event_count(self.project.db)
        self.session = self.next_session()
        text = self.stop_text()
        self.runs += 1
        return payload(
            "Stop",
            self.session,
            self.project.path,
            self.transcript,
            stop_hook_active=False,
            last_assistant_message=text,
        )

    def check(self, proc: subprocess.CompletedProcess[bytes]) -> str | None:
        problem = harness.exits_zero(proc)
        if problem is not None:
            return problem
        if proc.stderr.strip():
            return f"unexpected stderr {proc.stderr[:200]!r}"
        # A stale file must have been refreshed (the GET was made). A fresh one may be rewritten too: the
        # server rewrites it every 4 s (server/process.py), so a run can overlap with that.
        if self.stale and self.project.hot_path.stat().st_mtime_ns == self.hot_mtime:
            return "the hot-path file was not refreshed"
        events = new_events(self.project.db, self.highest)
        log = last_line(self.project.hook_log)
        if not self.evaluated:
            expected = "; kill switch on" if self.project.state == KILL else "; no signal"
            if proc.stdout.strip():
                return f"expected no output (an allow), got {proc.stdout[:200]!r}"
            if events:
                return f"{len(events)} events stored, expected none"
            return None if expected in log else f"hook.log says {log!r}, expected {expected!r}"
        if len(events) != 1:
            return f"{len(events)} events stored, expected one"
        event_id, session_id, decision, short_circuit, latency_ms = events[0]
        if (session_id, decision, short_circuit) != (self.session, "continue", None):
            return f"event {event_id} is {session_id} {decision} {short_circuit}, not {self.session} continue"
        self.gate_ms.append(latency_ms)
        mode = self.project.state if self.project.state == ENFORCE else SHADOW
        if "stop gate continue" not in log or f"in {mode} (event {event_id})" not in log:
            return f"hook.log says {log!r}, expected a continue in {mode} naming event {event_id}"
        if mode == SHADOW:
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
    """One call of a function timed in this process."""

    label: str
    ms: float
    args: tuple[Any, ...]
    result: Any


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
    """`-X importtime` of the hook command, median of IMPORT_RUNS runs each: the main scenario and no signal."""

    signal_ms: float  # self time of every import, summed
    no_signal_ms: float
    top: list[ImportRow]  # the main scenario's imports by cumulative time
    extra: list[ImportRow]  # the imports the no-signal path does not make, by cumulative time
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
    in_process: InProcess | None = None
    imports: Imports | None = None
    others: float = 0.0  # the share of a core the rest of the machine used during the rounds


def set_up(workdir: Path, args: argparse.Namespace, box: harness.Sandbox, projects: list[Project]) -> Bench:
    env = box.env
    repo = build_base(workdir / "base", env, args.commits, args.plans)
    transcript = workdir / "transcript.jsonl"
    write_transcript(transcript, time.time())
    for project in projects:
        shutil.copytree(workdir / "base", project.path, symlinks=True)
        set_up_project(project, box)
    shadow, enforce, kill = projects
    shadow.sessions, kill.sessions = ["bench-shadow"], ["bench-kill"]
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
    while time.time() < first + SESSION_COMMITS:
        time.sleep(0.1)  # the session's last commit is in the past before the first stop

    def stop(scenario: Scenario) -> StopSubject:
        path = scenario.project.path
        run_env = {**env, "CLAUDE_PROJECT_DIR": str(path)}
        return StopSubject(scenario.name, ["sh", "-c", stop_command], path, run_env, scenario.check, b"", [], scenario)

    plan = repo.session_plan
    scenarios = [
        Scenario(SIGNAL_SHADOW, shadow, True, False, None, transcript, plan),
        Scenario(SIGNAL_STALE, shadow, True, True, None, transcript, plan),
        Scenario(SIGNAL_ENFORCE, enforce, True, False, None, transcript, plan),
        Scenario(SIGNAL_KILL, kill, False, False, None, transcript, plan),
        Scenario(NO_SIGNAL, shadow, False, False, NO_SIGNAL_TEXT, transcript, plan),
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
    """`stopwarden stop` in every project whose server this script started; what failed."""
    failed = []
    for project in projects:
        if project.server is None:
            continue
        try:
            harness.run_tool([str(box.cli), "stop"], project.path, box.env)
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
    projects = [Project(state, workdir / f"project-{state}") for state in (SHADOW, ENFORCE, KILL)]
    try:
        bench = set_up(workdir, args, box, projects)
        before, started = busy_elsewhere(projects), time.monotonic()
        harness.measure(bench.subjects, args)
        bench.others = max(0.0, busy_elsewhere(projects) - before) / (time.monotonic() - started)
        bench.in_process = profile_in_process(bench, args.rounds)
        if args.imports:
            bench.imports = profile_imports(bench, args.imports)
    finally:
        failed = stop_servers(projects, box)
    if failed:
        raise harness.SetupError("; ".join(failed))
    return bench


# --- where the time goes -------------------------------------------------------------------------------------


@contextmanager
def timed_calls(module: object, name: str, calls: list[Call], label: Callable[..., str]) -> Iterator[None]:
    """Replace `module.name` with a wrapper that records each call's label, milliseconds and result."""
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter_ns()
        result = original(*args, **kwargs)
        calls.append(Call(label(*args, **kwargs), (time.perf_counter_ns() - started) / 1e6, args, result))
        return result

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


def git_label(root: str, args: list[str], *rest: Any) -> str:
    if "log" in args and any(a.startswith("--since") for a in args):
        return "git log --since (the session's commits)"
    if "log" in args:
        return "git log (the plans' history: the commits since the cached HEAD, or all of them)"
    return f"git {args[0]}"


def http_label(port: int, method: str, path: str, *args: Any, **kwargs: Any) -> str:
    return f"{method} {path.partition('?')[0]}"


def profile_in_process(bench: Bench, runs: int) -> InProcess:
    """`evidence.collect`, then `router.check`, `runs` times each on the main scenario's project and session."""
    from stopwarden.common import git, http
    from stopwarden.hooks import evidence, router, transcript
    from stopwarden.hooks import payload as hook_payload

    project = bench.projects[0]
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
    texts = STOP_TEXTS[CONTINUE]
    router_ms: list[float] = []
    spans: list[Call] = []
    with (
        timed_calls(evidence, "collect", spans, lambda *a, **k: "evidence.collect"),
        timed_calls(transcript, "recent_user_turns", spans, lambda *a, **k: "transcript tail (last user turns)"),
        timed_calls(http, "request", spans, http_label),
    ):
        for n in range(runs):
            os.utime(project.hot_path)  # fresh, as in the main scenario
            text = f"{texts[n % len(texts)]} [in-process {n}]"
            raw = payload("Stop", session, project.path, bench.transcript, last_assistant_message=text)
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
    """`-X importtime` on the hook command (no sh), for the main scenario's payload and a no-signal one."""
    project = bench.projects[0]
    argv = shlex.split(bench.stop_command)
    argv[1:1] = ["-X", "importtime"]
    env = {**bench.box.env, "CLAUDE_PROJECT_DIR": str(project.path)}
    texts = STOP_TEXTS[CONTINUE]
    profiles: dict[bool, list[dict[str, ImportRow]]] = {True: [], False: []}
    for n in range(IMPORT_RUNS):
        for signal in (True, False):
            text = f"{texts[n % len(texts)]} [importtime {n}]" if signal else NO_SIGNAL_TEXT
            stdin = payload("Stop", project.sessions[0], project.path, bench.transcript, last_assistant_message=text)
            kept: list[str] = []

            def keep(proc: subprocess.CompletedProcess[bytes], kept: list[str] = kept) -> str | None:
                kept.append(proc.stderr.decode("utf-8", "replace"))
                return harness.exits_zero(proc)

            os.utime(project.hot_path)
            feed(argv, project.path, env, stdin, keep)
            profiles[signal].append(parse_importtime(kept[0]))
    signal_rows, quiet_rows = merge(profiles[True]), merge(profiles[False])
    extra = [r for r in signal_rows if r.module not in {q.module for q in quiet_rows}]
    return Imports(
        round(sum(r.self_ms for r in signal_rows), 3),
        round(sum(r.self_ms for r in quiet_rows), 3),
        sorted(signal_rows, key=lambda r: -r.cumulative_ms)[:top],
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
    gate_ms: float | None  # the server's own latency_ms (median), for the evaluated scenarios
    target_ms: float | None
    status: str


def judge(bench: Bench) -> list[Result]:
    baseline = harness.timing(bench.subjects[0]).median_ms
    gate = {s.name: statistics.median(s.gate_ms) for s in bench.scenarios if s.gate_ms}
    results = []
    for subject in bench.subjects:
        t = harness.timing(subject)
        target = TARGETS.get(subject.name)
        if target is None:
            status = "reference" if subject.name == BASELINE else "info"
        elif t.median_ms > target:
            status = "FAIL"
        else:
            status = "pass" if t.p90_ms <= target else "pass (p90 over)"
        results.append(
            Result(
                **vars(t),
                over_baseline_ms=t.median_ms - baseline,
                ratio=t.median_ms / baseline,
                gate_ms=gate.get(subject.name),
                target_ms=target,
                status=status,
            )
        )
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


def breakdown(bench: Bench, results: Sequence[Result]) -> list[tuple[str, float | None, str]]:
    """(part, median ms, how it was measured) of the main scenario's time."""
    by_name = {r.name: r for r in results}
    base, quiet, kill, main = (by_name[n].median_ms for n in (BASELINE, NO_SIGNAL, SIGNAL_KILL, SIGNAL_SHADOW))
    rows: list[tuple[str, float | None, str]] = [
        ("sh and the interpreter (`python -c pass`)", base, "baseline"),
        (
            "hook up to the router's no-signal exit (-I -S starts faster than the baseline)",
            quiet - base,
            "no signal - baseline",
        ),
        ("hot-path file read, kill-switch exit", kill - quiet, "kill switch - no signal"),
    ]
    accounted, parts = kill, ["kill switch"]
    if bench.imports is not None:
        rows.append(
            (
                "imports only the signal path makes",
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
                "rest of router.check (hot path, session start, request body)",
                router - sum(spans.values()),
                "in process: router.check - the rows above it",
            )
        )
        rows.append(("router.check in all", router, "in process"))
        accounted += router
        parts.append("router.check")
    rows.append(
        (
            "unaccounted (process effects: cold caches, page faults, exit)",
            main - accounted,
            f"main scenario - ({' + '.join(parts)})",
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
            records = out.count(RECORD) if "log" in args else out.count("\0")
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
        f"Imports of the hook (`python -X importtime`, median of {IMPORT_RUNS} runs): {imports.signal_ms:.1f} ms of "
        f"import time in the main scenario, {imports.no_signal_ms:.1f} ms with no signal. Those the no-signal path "
        f"does not make ({imports.extra_self_ms:.1f} ms self time in all), by cumulative time:",
        "",
        *rows(imports.extra),
    ]


def report(bench: Bench, info: dict[str, Any]) -> harness.Report:
    results = judge(bench)
    by_name = {r.name: r for r in results}
    repo, work = bench.repo, bench.in_process
    parts = breakdown(bench, results)
    total = repo.commits + SESSION_COMMITS
    spec_repo = total == SPEC_COMMITS and len(repo.plans) == SPEC_PLANS
    days = (repo.last_time - repo.first_time) / 86400
    stale = next(s for s in bench.scenarios if s.name == SIGNAL_STALE)
    notes = [
        f"repository: {total:,} commits built by `git fast-import` in {repo.built_s:.1f} s ({repo.commits:,} over "
        f"{days:.0f} days up to an hour before the session, {SESSION_COMMITS} in it), {len(repo.plans)} plan files "
        f"under docs/plans/, {len(SPEC_PATHS)} `*spec*.md` elsewhere, {repo.sources} source and test files; "
        f"the session ticks off {repo.session_plan}",
        "server: `stopwarden start` in each of three copies (mode shadow; enforce by `gate mode enforce --force`; "
        "kill switch by `gate kill-switch on`), authority rules, `[limits] "
        + ", ".join(f"{k} = {v}" for k, v in LIMITS.items())
        + "` raised before the start; `stopwarden stop` after",
        "each evaluated run's stop text ends in a unique ` [run N]`, so the idempotency cache never answered; "
        "every one stored exactly one event, `continue` with no short circuit (checked in the events table)",
        f"sessions started by the real SessionStart hook (median {bench.session_start_ms:.1f} ms with the server "
        f"up); enforce used a fresh session for each run (the gate's continue ceiling is 2 blocks a session)",
        "hot-path file: its mtime set to now before each run (fresh: no GET, checked), or "
        f"{STALE_AGE_S:.0f} s back for the stale scenario (checked: the hook made the GET and rewrote the file; "
        f"{stale.runs} times). Real stops are usually more than 10 s apart, so the stale case is the usual one",
        "gate ms: the server's own `latency_ms` of the stored events (inside `Gate.evaluate`), median: "
        + ", ".join(f"{r.name} {r.gate_ms:.2f}" for r in results if r.gate_ms is not None),
        f"hook command: `sh -c {shlex.quote(bench.stop_command)}`",
        f"baseline command: `sh -c {shlex.quote(bench.baseline_command)}`",
    ]
    notes.append(f"other processes used {100 * bench.others:.0f}% of a core during the rounds")
    if bench.others > OTHERS_WARN:
        notes.append("warning: these are not the numbers of a quiet machine (other processes were busy)")
    if not spec_repo:
        notes.append(
            f"warning: the spec's target is for {SPEC_COMMITS:,} commits and {SPEC_PLANS} plan files; "
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
        "",
        f"Where the time of the main scenario ({by_name[SIGNAL_SHADOW].median_ms:.1f} ms) goes, medians:",
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
    return harness.Report(
        title="Stop hook with the stop gate",
        rule=f"target: median <= {TARGET_MS:.0f} ms (SPEC §10) for a fired signal",
        goals="targets",
        table=harness.table(
            (
                "scenario",
                "median ms",
                "p90 ms",
                "min ms",
                "over baseline ms",
                "ratio",
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
                    f"{r.min_ms:.2f}",
                    f"{r.over_baseline_ms:+.2f}",
                    f"{r.ratio:.2f}x",
                    "-" if r.gate_ms is None else f"{r.gate_ms:.2f}",
                    "-" if r.target_ms is None else f"<= {r.target_ms:.0f} ms",
                    r.status,
                )
                for r in results
            ),
        ),
        notes=notes,
        misses=[
            f"{r.name}: median {r.median_ms:.2f} ms, p90 {r.p90_ms:.2f} ms against <= {r.target_ms:.0f} ms"
            for r in results
            if r.target_ms is not None and r.status != "pass"
        ],
        json={
            "target_ms": TARGET_MS,
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
                "as_in_the_spec": spec_repo,
            },
            "limits": LIMITS,
            "hook_command": bench.stop_command,
            "session_start_command": bench.session_command,
            "baseline_command": bench.baseline_command,
            "session_start_median_ms": round(bench.session_start_ms, 3),
            "others_core_share": round(bench.others, 3),
            "stale_hot_path_age_s": STALE_AGE_S,
            "breakdown": [
                {"part": p.strip(), "ms": None if ms is None else round(ms, 3), "measured_as": how}
                for p, ms, how in parts
            ],
            "in_process": in_process_json(work),
            "imports": None
            if bench.imports is None
            else {
                "signal_ms": bench.imports.signal_ms,
                "no_signal_ms": bench.imports.no_signal_ms,
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
