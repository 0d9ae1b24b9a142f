"""Throughput and latency of the gate server's `POST /v1/evaluate` under load, on loopback (SPEC §10).

Run it from the repository root with the venv's interpreter:

    .venv/bin/python benchmarks/server_load.py                     # 8 connections for 10 s, a markdown table
    .venv/bin/python benchmarks/server_load.py --concurrency 16    # more connections (over 8 in flight: shedding)
    .venv/bin/python benchmarks/server_load.py --requests 5000     # a fixed number of requests instead of 10 s
    .venv/bin/python benchmarks/server_load.py --rate 500          # open loop: 500 requests/s on a fixed schedule
    .venv/bin/python benchmarks/server_load.py --rounds 3 --json   # three timed runs, the results as JSON

The targets: the server sustains >= 500 requests/s on loopback with a p99 <= 50 ms, and every request is stored
as exactly one event.

What is measured. In a temp folder (its own HOME and CLAUDE_CONFIG_DIR, no agent identity leaking in) the script
sets a project up with the real CLI (`git init`, `stopwarden init --agent claude-code`), commits a plan file
(`docs/plans/load-plan.md`, two hours ago) and a commit of progress on it (half an hour ago), raises the
project's rate limits in `.stopwarden/config.toml` (`[limits] per_session_hour`, `per_project_day`: the
defaults, 10 and 200, would answer nearly every request with `rate_limited`), and starts the real background
server with `stopwarden start`; `stopwarden stop` ends it whatever happens. The gate runs as `init` left it: mode
shadow, authority `rules`.

Each request is what the Stop hook sends: the plan as a pre-session artifact, the progress commit as the
session's commit, a session start one hour ago, and a stop text. The stop texts cycle through a fixed mix, each
made unique by a suffix, with five stops per session id, so neither the idempotency cache nor the rate limits
answer them:

  continue     cites context, a fresh session or a break point: the `rules` authority says `continue`, which
               the gate checks against git (two git processes) before it answers        5 in 10
  legitimate   a question to the user, missing credentials, an outside failure, done work: `allow`   3 in 10
  ambiguous    wants to stop, gives no reason: `escalate`                                            2 in 10

and every 17th request repeats the one before it word for word, which the cache answers (`cached`).

The load: --concurrency threads (default 8), each with one keep-alive HTTP/1.1 connection over a raw socket.
Closed loop by default: a connection sends its next request as soon as the answer to the last one is in, for
--seconds (default 10) or until --requests have been sent; requests/s is then the server's capacity with that
many requests in flight. With --rate R it is an open loop: request k is due at k/R s and goes out on connection
k mod N, and its latency counts from when it was due, so waiting behind a slow answer is counted too. A latency is
taken client-side with `time.perf_counter_ns` from sending the request (or its due time) to the last byte of the
answer. One warm-up run of 1 s comes first and is not timed; --rounds runs (default 1) are timed and pooled.
A closed loop measures capacity, and its latencies are those of a saturated server (p50 is about N over the
requests/s); `--rate 500` asks the spec's question directly: are 500 requests/s answered, with what p99.

The proof that every request became one event: before the warm-up and after the last run the script reads the
`events` table of `.stopwarden/stopwarden.db` with sqlite3. The new rows must be exactly the `event_id`s the 200
responses carried, each once, with the decision and session each response named.

This is a measurement, not a gate: the exit code is 0 whatever the numbers (missed targets are listed under the
table), and 2 only when the setup fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import sqlite3
import statistics
import sys
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The repository root goes on the path so that `benchmarks` imports as a package both when this file is run as
# a script and when mypy checks it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness

TARGET_RPS = 500.0
TARGET_P99_MS = 50.0
DEFAULT_CONCURRENCY = 8
DEFAULT_SECONDS = 10.0
DEFAULT_ROUNDS = 1
WARMUP_S = 1.0
REQUEST_TIMEOUT_S = 10.0
MAX_ERRORS_SHOWN = 5
OTHERS_WARN = 0.25  # a warning when the rest of the machine used more than this share of a core during a run

# What the project's [limits] are raised to, so that the rate limits let (nearly) every request through.
LIMITS = {"per_session_hour": 1_000_000, "per_project_day": 1_000_000}  # the config allows at most 1,000,000

PLAN_FILE = "docs/plans/load-plan.md"
PROGRESS_FILE = "src/parser.py"
PLAN_AGE_S = 7200  # the plan was committed two hours before the run
SESSION_AGE_S = 3600  # the sessions started one hour before it
PROGRESS_AGE_S = 1800  # and made their commit half an hour before it

STOPS_PER_SESSION = 5
REPEAT_EVERY = 17  # every 17th request of a connection repeats the one before it (any kind): the cache answers

CONTINUE, LEGITIMATE, AMBIGUOUS, REPEAT = "continue", "legitimate", "ambiguous", "repeat"
STOP_TEXTS: dict[str, tuple[str, ...]] = {
    CONTINUE: (
        "My context window is nearly full, so I'll stop here and pick this up in a fresh session.",
        "This is a good place to stop: the parser is committed. The next step in the plan is the renderer, "
        "and I'll continue with it in a new session.",
        "Checkpoint: the plan still has remaining steps, so I'm wrapping up this session and a fresh one can "
        "take the rest.",
    ),
    LEGITIMATE: (
        "Should I store the cache in PostgreSQL or in SQLite? I'll stop here until you decide.",
        "I need an API token for the staging service to go on; please provide one.",
        "The package index returns 503 and I cannot fix that from here, so I'll pause until it recovers.",
        "All steps are done and all tests pass: the work is complete.",
    ),
    AMBIGUOUS: (
        "I'll stop here for now.",
        "Pausing here; the refactor of the parser touched a lot of files.",
    ),
}
MIX = (CONTINUE, LEGITIMATE, CONTINUE, AMBIGUOUS, CONTINUE, LEGITIMATE, CONTINUE, AMBIGUOUS, CONTINUE, LEGITIMATE)
KINDS = (CONTINUE, LEGITIMATE, AMBIGUOUS, REPEAT)


def expected(kind: str, answer: dict[str, Any]) -> bool:
    """Whether the gate answered a request of `kind` as the mix intends."""
    if kind == REPEAT:
        return answer.get("short_circuit") == "cached"
    clean = answer.get("short_circuit") is None and answer.get("fail_open") is None
    rule = str(answer.get("rule") or "")
    if kind == CONTINUE:
        return clean and answer.get("decision") == "continue"
    if kind == LEGITIMATE:
        return clean and answer.get("decision") == "allow" and rule.startswith("U_LEGIT_")
    return clean and answer.get("decision") == "escalate"


# --- setup ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """The background server `stopwarden start` left running, and what a request needs to reach it."""

    project: Path
    port: int
    pid: int
    token: str
    version: str
    mode: str
    authority: str

    @property
    def db(self) -> Path:
        return self.project / ".stopwarden" / "stopwarden.db"


@dataclass(frozen=True)
class Evidence:
    """The repository facts every request carries, as the Stop hook reports them."""

    plan_sha: str
    progress_sha: str
    progress_time: int
    session_start: str  # ISO 8601


def make_repository(project: Path, env: dict[str, str], now: float) -> Evidence:
    """Commit the plan (before the sessions started) and a commit of progress on it (after)."""

    def commit(path: str, text: str, message: str, at: float) -> str:
        file = project / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
        stamp = f"{int(at)} +0000"
        dated = {**env, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        harness.run_tool(["git", "add", "--", path], project, dated)
        harness.run_tool(["git", "commit", "-q", "-m", message], project, dated)
        return harness.run_tool(["git", "rev-parse", "HEAD"], project, dated).strip()

    plan = "# Load plan\n\n1. Parse the input.\n2. Render the output.\n3. Document both.\n"
    plan_sha = commit(PLAN_FILE, plan, "Plan the parser and renderer", now - PLAN_AGE_S)
    progress_sha = commit(PROGRESS_FILE, "def parse(text):\n    return text.split()\n", "Parse", now - PROGRESS_AGE_S)
    start = datetime.fromtimestamp(now - SESSION_AGE_S, UTC).isoformat()
    return Evidence(plan_sha, progress_sha, int(now - PROGRESS_AGE_S), start)


def raise_limits(project: Path) -> None:
    """Append a [limits] table to the project's config.toml; the file must not have one yet."""
    path = project / ".stopwarden" / "config.toml"
    try:
        text = path.read_text(encoding="utf-8")
        if "limits" in tomllib.loads(text):
            raise harness.SetupError(f"{path} already has a [limits] table; this script adds its own")
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise harness.SetupError(f"cannot read {path}: {e}") from None
    table = "".join(f"{key} = {value}\n" for key, value in LIMITS.items())
    path.write_text(f"{text.rstrip()}\n\n[limits]\n# raised by benchmarks/server_load.py\n{table}", encoding="utf-8")
    if tomllib.loads(path.read_text(encoding="utf-8")).get("limits") != LIMITS:
        raise harness.SetupError(f"{path} does not hold the raised [limits] after writing them")


def start_server(project: Path, box: harness.Sandbox) -> Server:
    out = harness.run_tool([str(box.cli), "start", "--json"], project, box.env)
    try:
        data = json.loads(out)
        health = data["health"]
        server = Server(
            project,
            int(data["port"]),
            int(data["pid"]),
            (project / ".stopwarden" / "token").read_text(encoding="utf-8").strip(),
            str(health["version"]),
            str(health["mode"]),
            str(health["authority"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise harness.SetupError(f"`stopwarden start --json` printed no running server ({e}): {out[:300]!r}") from None
    if not data.get("started"):
        raise harness.SetupError(f"a server was already running for {project}, not the one this script started")
    if server.authority != "rules":
        raise harness.SetupError(f"the server's authority is {server.authority!r}, not rules")
    return server


# --- the store -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredEvent:
    session_id: str
    decision: str
    short_circuit: str | None


def events_since(db: Path, after_id: int) -> dict[int, StoredEvent]:
    """The events with an id above `after_id`, read from the SQLite file (read-only) while the server runs."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5.0)
        try:
            rows = conn.execute(
                "SELECT event_id, session_id, decision, short_circuit FROM events WHERE event_id > ? ORDER BY event_id",
                (after_id,),
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise harness.SetupError(f"cannot read the events in {db}: {e}") from None
    return {int(r[0]): StoredEvent(str(r[1]), str(r[2]), r[3]) for r in rows}


def event_count(db: Path) -> tuple[int, int]:
    """(how many events, the highest event id)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5.0)
        try:
            count, highest = conn.execute("SELECT count(*), coalesce(max(event_id), 0) FROM events").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise harness.SetupError(f"cannot count the events in {db}: {e}") from None
    return int(count), int(highest)


# --- the load ------------------------------------------------------------------------------------------------


@dataclass
class Sample:
    """One request: what was sent, and what came back (status 0: no answer)."""

    kind: str
    session_id: str
    status: int
    latency_ns: int
    done_s: float  # when the answer was in, in seconds since the run started
    answer: dict[str, Any] = field(default_factory=dict)
    error: str = ""


class Connection:
    """One keep-alive HTTP/1.1 connection to the server over a raw socket; reopened after a failure."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.opened = 0

    def post(self, request: bytes) -> tuple[int, bytes]:
        """(status, body) of one request. Raises OSError (and closes) when the exchange fails."""
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=REQUEST_TIMEOUT_S)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.opened += 1
        try:
            self.sock.sendall(request)
            status, body, keep = read_response(self.sock)
        except (OSError, ValueError) as e:
            self.close()
            raise OSError(str(e) or type(e).__name__) from None
        if not keep:
            self.close()
        return status, body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def read_response(sock: socket.socket) -> tuple[int, bytes, bool]:
    """(status, body, whether the connection stays open) of one answer with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise OSError("the server closed the connection")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (h.partition(":") for h in lines[1:])}
    if "content-length" not in headers:
        raise OSError(f"an answer without Content-Length: {head[:200]!r}")
    length = int(headers["content-length"])
    while len(body) < length:
        chunk = sock.recv(max(65536, length - len(body)))
        if not chunk:
            raise OSError("the server closed the connection mid-answer")
        body += chunk
    if len(body) > length:
        raise OSError("more bytes than the answer's Content-Length (a pipelining mix-up)")
    return status, body, headers.get("connection", "").lower() != "close"


class Requests:
    """The requests of one run: the mix, unique stop texts, fresh session ids, as ready-to-send bytes."""

    def __init__(self, server: Server, evidence: Evidence, label: str) -> None:
        self.label = label
        self.evidence = {
            "artifacts": [
                {
                    "path": PLAN_FILE,
                    "introducingCommit": evidence.plan_sha,
                    "latestCommit": evidence.plan_sha,
                    "createdThisSession": False,
                    "modifiedThisSession": False,
                }
            ],
            "session_commits": [
                {"sha": evidence.progress_sha, "time": evidence.progress_time, "subject": "Parse",
                 "files": [PROGRESS_FILE]}
            ],
            "session_start": evidence.session_start,
        }  # fmt: skip
        self.head = (
            f"POST /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAuthorization: Bearer {server.token}\r\n"
            "Content-Type: application/json\r\nAccept: application/json\r\n"
        )

    def build(self, connection: int, n: int) -> tuple[str, str, bytes]:
        """(kind, session id, the request) of the `n`th request on a connection."""
        kind = MIX[n % len(MIX)]
        texts = STOP_TEXTS[kind]
        session = f"load-{self.label}-c{connection}-s{n // STOPS_PER_SESSION}"
        text = f"{texts[(n // len(MIX)) % len(texts)]} [#{self.label}.{connection}.{n}]"
        body = json.dumps(
            {"session_id": session, "agent": "claude-code", "evidence": self.evidence, "untrusted": {"stop_text": text}}
        ).encode("utf-8")
        return kind, session, f"{self.head}Content-Length: {len(body)}\r\n\r\n".encode("latin-1") + body


@dataclass
class Run:
    """One load run: its samples, wall time, and the CPU the server (and its git children) and the client used."""

    label: str
    samples: list[Sample]
    seconds: float
    connections_opened: int
    server_cpu_s: float
    children_cpu_s: float
    client_cpu_s: float
    machine_cpu_s: float  # every process on the machine: what the others used shows how quiet it was


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, not idle or waiting on I/O), from /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            ticks = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(the process's own user+system CPU, that of its waited-for children) in seconds, from /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rpartition(")")[2].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def load(
    server: Server, evidence: Evidence, label: str, concurrency: int, seconds: float, requests: int | None, rate: float
) -> Run:
    """Run the load with `concurrency` connections: for `seconds`, or until `requests` were sent."""
    made = Requests(server, evidence, label)
    budget = itertools.count()  # next() on it is atomic: the shared request count for --requests
    results: list[list[Sample]] = [[] for _ in range(concurrency)]
    connections = [Connection(server.port) for _ in range(concurrency)]
    ready = threading.Barrier(concurrency + 1)
    started = [0]  # perf_counter_ns when the load began, set once every thread is ready

    def worker(index: int) -> None:
        conn, out = connections[index], results[index]
        ready.wait()
        t0 = started[0]
        deadline = t0 + int(seconds * 1e9)
        previous: tuple[str, str, bytes] | None = None
        due = 0
        for n in itertools.count():
            if requests is not None and next(budget) >= requests:
                break
            if rate:  # open loop: the request's due time, on this connection's share of the schedule
                due = t0 + int((n * concurrency + index) * 1e9 / rate)
                if requests is None and due >= deadline:
                    break
                delay = due - time.perf_counter_ns()
                if delay > 0:
                    time.sleep(delay / 1e9)
            elif requests is None and time.perf_counter_ns() >= deadline:
                break
            if previous is not None and n % REPEAT_EVERY == REPEAT_EVERY - 1:
                kind, session, request = REPEAT, previous[1], previous[2]
            else:
                kind, session, request = made.build(index, n)
            previous = (kind, session, request)
            sent = due if rate else time.perf_counter_ns()
            answer: dict[str, Any] = {}
            try:
                status, body = conn.post(request)
                parsed, error = json.loads(body), ""
            except (OSError, ValueError) as e:
                status, parsed, error = 0, None, str(e)
            done = time.perf_counter_ns()
            if isinstance(parsed, dict):
                answer = parsed
            elif status == 200:
                status, error = 0, f"a 200 without a JSON object: {body[:200]!r}"
            if status != 200 and not error:
                error = f"HTTP {status}: {body[:200]!r}"
            out.append(Sample(kind, session, status, done - sent, (done - t0) / 1e9, answer, error))
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,), name=f"load-{i}") for i in range(concurrency)]
    for thread in threads:
        thread.start()
    server_before, children_before = cpu_seconds(server.pid)
    client_before = sum(os.times()[:2])
    machine_before = machine_busy_seconds()
    started[0] = time.perf_counter_ns()
    ready.wait()
    for thread in threads:
        thread.join()
    elapsed = (time.perf_counter_ns() - started[0]) / 1e9
    server_after, children_after = cpu_seconds(server.pid)
    client_after = sum(os.times()[:2])
    machine_after = machine_busy_seconds()
    samples = sorted((s for out in results for s in out), key=lambda s: s.done_s)
    return Run(
        label,
        samples,
        elapsed,
        sum(c.opened for c in connections),
        server_after - server_before,
        children_after - children_before,
        client_after - client_before,
        machine_after - machine_before,
    )


@dataclass
class Bench:
    server: Server
    evidence: Evidence
    args: argparse.Namespace
    warmup: Run
    runs: list[Run]
    events_before: int
    events_after: int
    stored: dict[int, StoredEvent]


def make_project(workdir: Path, args: argparse.Namespace) -> tuple[harness.Sandbox, Path, Evidence]:
    """The sandbox, and a project with its plan, its progress and its limits raised, ready to start."""
    box = harness.Sandbox.make(workdir, args.venv, needs=("git",))
    project = workdir / "project"
    harness.init_project(project, box)
    for role in ("AUTHOR", "COMMITTER"):  # the temp HOME has no git identity
        box.env.update({f"GIT_{role}_NAME": "bench", f"GIT_{role}_EMAIL": "bench@example.invalid"})
    evidence = make_repository(project, box.env, time.time())
    raise_limits(project)
    return box, project, evidence


def start_judging_server(project: Path, box: harness.Sandbox) -> Server:
    """`start_server`, checked to judge every request (mode shadow or enforce)."""
    server = start_server(project, box)
    if server.mode not in ("shadow", "enforce"):
        raise harness.SetupError(f"the gate's mode is {server.mode}: no request would reach the authority")
    return server


def run(workdir: Path, args: argparse.Namespace) -> Bench:
    box, project, evidence = make_project(workdir, args)
    progress = not args.json and sys.stderr.isatty()
    try:
        server = start_judging_server(project, box)
        before, highest = event_count(server.db)
        warmup = load(server, evidence, "w", args.concurrency, WARMUP_S, None, args.rate)
        runs = []
        for number in range(1, args.rounds + 1):
            if progress:
                print(f"\rrun {number}/{args.rounds}   ", end="", file=sys.stderr)
            runs.append(load(server, evidence, f"r{number}", args.concurrency, args.seconds, args.requests, args.rate))
        if progress:
            print(file=sys.stderr)
        after, _ = event_count(server.db)
        stored = events_since(server.db, highest)
    finally:
        harness.run_tool([str(box.cli), "stop"], project, box.env)
    return Bench(server, evidence, args, warmup, runs, before, after, stored)


# --- reporting -----------------------------------------------------------------------------------------------


@dataclass
class Result(harness.Timing):
    """A run's answered requests (200s) summarised; `runs` is how many."""

    seconds: float
    requests_per_s: float
    p99_ms: float
    errors: int
    server_p50_ms: float  # the gate's own latency_ms, as the answers report it
    server_p99_ms: float


def summarise(name: str, samples: Sequence[Sample], seconds: float) -> Result:
    ok = [s for s in samples if s.status == 200]
    ms = [s.latency_ns / 1e6 for s in ok] or [0.0]
    gate = [float(s.answer.get("latency_ms") or 0.0) for s in ok] or [0.0]
    return Result(
        name=name,
        runs=len(ok),
        median_ms=statistics.median(ms),
        p90_ms=harness.percentile(ms, 0.9),
        min_ms=min(ms),
        max_ms=max(ms),
        samples_ms=[round(x, 3) for x in ms],
        seconds=round(seconds, 3),
        requests_per_s=len(ok) / seconds if seconds else 0.0,
        p99_ms=harness.percentile(ms, 0.99),
        errors=len(samples) - len(ok),
        server_p50_ms=statistics.median(gate),
        server_p99_ms=harness.percentile(gate, 0.99),
    )


def outcome(answer: dict[str, Any]) -> str:
    """How the gate answered, in a word or two: `continue U1_...`, `allow cached`, `allow rate_limited`."""
    why = answer.get("short_circuit") or answer.get("fail_open") or answer.get("rule") or "-"
    return f"{answer.get('decision')} {why}"


def check_events(bench: Bench, samples: Sequence[Sample]) -> list[str]:
    """What is wrong with the claim that every 200 became exactly one stored event (nothing: it holds)."""
    ok = [s for s in samples if s.status == 200]
    problems = []
    if bench.events_after - bench.events_before != len(ok):
        problems.append(
            f"the events table grew by {bench.events_after - bench.events_before} rows for {len(ok)} 200 responses"
        )
    ids = [s.answer.get("event_id") for s in ok]
    missing = sum(1 for i in ids if not isinstance(i, int))
    if missing:
        problems.append(f"{missing} 200 responses carried no event_id")
    counted = Counter(i for i in ids if isinstance(i, int))
    repeated = {i: n for i, n in counted.items() if n > 1}
    if repeated:
        problems.append(f"{len(repeated)} event_ids came back more than once, e.g. {sorted(repeated)[:5]}")
    unstored = sorted(set(counted) - set(bench.stored))
    if unstored:
        problems.append(f"{len(unstored)} event_ids answered are not in the store, e.g. {unstored[:5]}")
    unanswered = sorted(set(bench.stored) - set(counted))
    if unanswered:
        problems.append(f"{len(unanswered)} events stored that no response named, e.g. {unanswered[:5]}")
    wrong = [
        s
        for s in ok
        if isinstance(s.answer.get("event_id"), int)
        and (row := bench.stored.get(s.answer["event_id"])) is not None
        and (row.session_id, row.decision, row.short_circuit)
        != (s.session_id, s.answer.get("decision"), s.answer.get("short_circuit"))
    ]
    if wrong:
        problems.append(f"{len(wrong)} stored events differ from their response (session, decision, short circuit)")
    return problems


def mix_section(samples: Sequence[Sample]) -> tuple[list[str], dict[str, dict[str, int]], int]:
    """The outcomes by kind of request (markdown, JSON) and how many were not what the mix intends."""
    by_outcome: dict[str, Counter[str]] = {}
    unexpected = 0
    for s in samples:
        key = outcome(s.answer) if s.status == 200 else f"error ({s.status or 'no answer'})"
        by_outcome.setdefault(key, Counter())[s.kind] += 1
        unexpected += s.status == 200 and not expected(s.kind, s.answer)
    rows = sorted(by_outcome.items(), key=lambda kv: -sum(kv[1].values()))
    sent = Counter(s.kind for s in samples)
    lines = [
        "",
        "What the gate answered (timed runs), by kind of stop sent:",
        "",
        *harness.table(
            ("answer", *(f"{k} ({sent[k]})" for k in KINDS), "total"),
            "l" + "r" * (len(KINDS) + 1),
            ((f"`{name}`", *(str(c[k]) for k in KINDS), str(sum(c.values()))) for name, c in rows),
        ),
    ]
    return lines, {name: dict(c) for name, c in rows}, unexpected


def per_second(samples: Sequence[Sample]) -> list[tuple[int, float]]:
    """(answers, p99 ms) for each whole second of a run."""
    buckets: dict[int, list[float]] = {}
    for s in samples:
        if s.status == 200:
            buckets.setdefault(int(s.done_s), []).append(s.latency_ns / 1e6)
    last = max(buckets, default=-1)
    return [(len(buckets.get(i, [])), harness.percentile(buckets.get(i) or [0.0], 0.99)) for i in range(last)]


def loop_description(args: argparse.Namespace) -> str:
    amount = f"{args.requests} requests" if args.requests is not None else f"{args.seconds:g} s"
    if args.rate:
        return f"open loop at {args.rate:g} requests/s (latency from each request's due time), {amount} a run"
    return f"closed loop (next request when the last answer is in), {amount} a run"


def others(run: Run) -> float:
    """CPU seconds the rest of the machine used during a run."""
    return max(0.0, run.machine_cpu_s - run.server_cpu_s - run.children_cpu_s - run.client_cpu_s)


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def report(bench: Bench, info: dict[str, Any]) -> harness.Report:
    args, server = bench.args, bench.server
    timed = [s for r in bench.runs for s in r.samples]
    total_s = sum(r.seconds for r in bench.runs)
    results = [summarise(f"run {i}", r.samples, r.seconds) for i, r in enumerate(bench.runs, 1)]
    pooled = summarise("all runs", timed, total_s) if len(results) > 1 else results[0]
    warm = summarise("warm-up", bench.warmup.samples, bench.warmup.seconds)
    every = [*bench.warmup.samples, *timed]
    problems = check_events(bench, every)
    answered = sum(1 for s in every if s.status == 200)
    mix_lines, mix_json, unexpected = mix_section(timed)
    errors = [s.error for s in every if s.status != 200]

    targets = [
        ("requests/s", f"{pooled.requests_per_s:.0f}", f">= {TARGET_RPS:.0f}", pooled.requests_per_s >= TARGET_RPS),
        ("p99 latency", f"{pooled.p99_ms:.2f} ms", f"<= {TARGET_P99_MS:.0f} ms", pooled.p99_ms <= TARGET_P99_MS),
        ("errors (no 200)", str(len(errors)), "0", not errors),
        (
            "one stored event per 200",
            f"{bench.events_after - bench.events_before} new events, {answered} 200s",
            "equal, ids distinct, rows match",
            not problems,
        ),
    ]
    latency_rows = [
        (
            r.name,
            str(r.runs),
            f"{r.seconds:.2f}",
            f"{r.requests_per_s:.0f}",
            f"{r.median_ms:.2f}",
            f"{r.p90_ms:.2f}",
            f"{r.p99_ms:.2f}",
            f"{r.max_ms:.2f}",
            str(r.errors),
            f"{r.server_p50_ms:.2f} / {r.server_p99_ms:.2f}",
        )
        for r in [warm, *results, *([pooled] if len(results) > 1 else [])]
    ]
    cpu = [
        f"{r.label}: server {100 * r.server_cpu_s / r.seconds:.0f}%, its git processes "
        f"{100 * r.children_cpu_s / r.seconds:.0f}%, this client {100 * r.client_cpu_s / r.seconds:.0f}%, "
        f"other processes {100 * others(r) / r.seconds:.0f}%"
        for r in bench.runs
    ]
    busy = [
        f"other processes used {100 * others(r) / r.seconds:.0f}% of a core during run {i}: "
        "these are not the numbers of a quiet machine"
        for i, r in enumerate(bench.runs, 1)
        if others(r) / r.seconds > OTHERS_WARN
    ]
    seconds = [per_second(r.samples) for r in bench.runs]
    limits = ", ".join(f"{k} = {v}" for k, v in LIMITS.items())
    sections = [
        "",
        "Latency by run (client-side, 200s only; gate ms: the `latency_ms` the answers report, the time inside "
        "`Gate.evaluate` before its event is written):",
        "",
        *harness.table(
            ("run", "200s", "s", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "gate p50 / p99 ms"),
            "lrrrrrrrrr",
            latency_rows,
        ),
        *mix_lines,
        "",
        f"- answers not as the mix intends: {unexpected} of {len(timed)}",
        *(
            f"- run {i} by second (200s, p99 ms): " + ", ".join(f"{n} ({p:.0f})" for n, p in secs)
            for i, secs in enumerate(seconds, 1)
        ),
        *(f"- event check: {p}" for p in problems),
        *(f"- warning: {w}" for w in busy),
        *(f"- error: {e}" for e in errors[:MAX_ERRORS_SHOWN]),
    ]
    heading = (
        f"`POST /v1/evaluate` under load: {args.rounds} timed run{'s' if args.rounds > 1 else ''} "
        f"(+1 warm-up of {WARMUP_S:g} s), {args.concurrency} keep-alive connections, {loop_description(args)}; "
        f"pass = >= {TARGET_RPS:.0f} requests/s with p99 <= {TARGET_P99_MS:.0f} ms, every request one stored event"
    )
    return harness.Report(
        title="server load",
        rule="",
        goals="targets",
        heading=heading,
        min_rounds=1,
        table=harness.table(
            ("target", "measured", "goal", "pass/fail"),
            "lrll",
            ((name, value, goal, verdict(ok)) for name, value, goal, ok in targets),
        ),
        notes=[
            f"server: stopwarden {server.version} started by `stopwarden start` on 127.0.0.1:{server.port} "
            f"(pid {server.pid}), mode {server.mode}, authority {server.authority}; stopped by `stopwarden stop`",
            f"rate limits raised in `.stopwarden/config.toml` before the start: `[limits] {limits}`",
            f"evidence: plan `{PLAN_FILE}` at {bench.evidence.plan_sha[:12]} (2 h ago), progress commit "
            f"{bench.evidence.progress_sha[:12]} (30 min ago), session start 1 h ago; {STOPS_PER_SESSION} stops a "
            f"session id, every {REPEAT_EVERY}th request a repeat",
            f"events: {bench.events_before} before the warm-up, {bench.events_after} after the last run; "
            f"{answered} answers with 200 (warm-up included)",
            "CPU used during each run, as a share of one core: " + "; ".join(cpu),
            f"connections opened: {sum(r.connections_opened for r in bench.runs)} for {args.concurrency} "
            "(more means the server closed some)",
        ],
        misses=[f"{name}: {value} against {goal}" for name, value, goal, ok in targets if not ok],
        json={
            "machine": info,
            "settings": {
                "concurrency": args.concurrency,
                "seconds": None if args.requests is not None else args.seconds,
                "requests": args.requests,
                "rate": args.rate or None,
                "loop": "open" if args.rate else "closed",
                "warmup_s": WARMUP_S,
                "limits": LIMITS,
            },
            "targets": {"requests_per_s": TARGET_RPS, "p99_ms": TARGET_P99_MS},
            "server": {
                "version": server.version,
                "port": server.port,
                "pid": server.pid,
                "mode": server.mode,
                "authority": server.authority,
            },
            "passed": {name: ok for name, _, _, ok in targets},
            "events": {
                "before": bench.events_before,
                "after": bench.events_after,
                "answered_200": answered,
                "problems": problems,
            },
            "answers": mix_json,
            "unexpected_answers": unexpected,
            "cpu_s": [
                {
                    "run": r.label,
                    "seconds": r.seconds,
                    "server": r.server_cpu_s,
                    "git": r.children_cpu_s,
                    "client": r.client_cpu_s,
                    "others": round(others(r), 3),
                }
                for r in bench.runs
            ],
            "per_second": [[{"answers": n, "p99_ms": round(p, 3)} for n, p in secs] for secs in seconds],
            "errors": errors[:MAX_ERRORS_SHOWN],
            "busy_machine": busy,
            "results": harness.records([warm, *results, *([pooled] if len(results) > 1 else [])]),
        },
        sections=sections,
    )


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(rounds=DEFAULT_ROUNDS)  # here a round is one timed load run of --seconds
    parser.add_argument(
        "--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="connections (default: %(default)s)"
    )
    parser.add_argument(
        "--seconds", type=float, default=DEFAULT_SECONDS, help="length of each timed run (default: %(default)s)"
    )
    parser.add_argument("--requests", type=int, help="send this many requests a run instead of running for --seconds")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="open loop at this many requests/s (default: closed loop)"
    )


def check_options(args: argparse.Namespace) -> str | None:
    if args.concurrency < 1:
        return "--concurrency must be at least 1"
    if args.seconds <= 0:
        return "--seconds must be above 0"
    if args.requests is not None and args.requests < 1:
        return "--requests must be at least 1"
    return "--rate must be 0 (closed loop) or above" if args.rate < 0 else None


if __name__ == "__main__":
    sys.exit(
        harness.main("server_load", harness.parse_args(sys.argv[1:], __doc__, add_options, check_options), run, report)
    )
