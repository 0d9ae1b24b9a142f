"""Throughput and latency of a fleet: N gate servers on one PostgreSQL store, `POST /v1/evaluate` (SPEC §13).

Run it from the repository root with the venv's interpreter (PostgreSQL's server binaries must be installed:
`initdb` and `pg_ctl` on PATH or in /usr/lib/postgresql/<version>/bin):

    .venv/bin/python benchmarks/fleet_load.py                       # 1, 2 and 4 servers, 8 connections each, 5 s
    .venv/bin/python benchmarks/fleet_load.py --servers 1,2,4,8     # other fleet sizes
    .venv/bin/python benchmarks/fleet_load.py --concurrency 4       # connections per server
    .venv/bin/python benchmarks/fleet_load.py --stops-per-hour 10   # the capacity line for busier agents
    .venv/bin/python benchmarks/fleet_load.py --rounds 3 --json     # three timed runs per fleet size, as JSON

There is no throughput target. The check: every request is stored as exactly one event in the one database,
with the project it came from. And from the numbers, a line: how many agents one database can serve.

What is measured. A throwaway PostgreSQL cluster (`tests/postgres.py`: `initdb` in a temp folder, trust on
loopback, fsync off) gets one new database. In a temp folder (its own HOME and CLAUDE_CONFIG_DIR) the script
sets up as many projects as the largest fleet size, `project-1`, `project-2`, ... (the folder name is the
project name, so each server's events are told apart), each exactly as `server_load.py` sets up its one
project: `git init`, `stopwarden init --agent claude-code`, the plan and progress commits, the raised
`[limits]`; and each gets `[store] url` naming the one database appended to its `.stopwarden/config.toml`.
The fleet sizes run smallest first; before each, `stopwarden start` in the projects not yet running, so a fleet
of N has exactly N servers up. `stopwarden stop` in every project and the cluster's removal follow whatever
happens.

For each fleet size: one warm-up of 1 s, then --rounds timed runs (default 1) of --seconds (default 5), each
driving every server at once with `server_load.py`'s closed-loop load: its request mix (continue, legitimate,
ambiguous, repeats), its keep-alive raw-socket connections, --concurrency of them per server (default 8, so
N x 8 in flight in all; a server sheds above 8). Requests/s is the fleet's total: the 200s of all servers over the
run's wall time, from the first server's load starting to the last one's ending. p50 and p99 are client-side,
pooled over every server's requests.

The proof that every request became one event: before the warm-up and after the last run of each fleet size the
script reads the `events` table with psycopg. For each server, the new rows of its project must be exactly the
`event_id`s its 200 responses carried, each once, with the session and decision each named (`server_load.py`'s
check), and all the new rows together must number the requests sent. Events a server could not store wait in
its `.stopwarden/outbox.db`; those left at the end, and the lines of `.stopwarden/server.log` and of
PostgreSQL's log that say WARNING, ERROR, FATAL, PANIC or Traceback, are listed too.

Idle and burst (--idle, default 30 servers; 0 skips it): after the fleet sizes, servers are started up to
--idle, then the script waits for their pools to close every idle connection (the store's PG_POOL_IDLE_S and 2 s
more) and, over --idle-seconds (default 20), counts the connections each server holds to the database
(`pg_stat_activity`: its `stopwarden-listen` connection and its pool's `stopwarden` ones) and the statements the
database ran (`pg_stat_statements`, which the cluster preloads; the script's own reads not counted). Then a burst:
server_load's closed loop on every one of those servers at once for --burst-seconds (default 5), --concurrency
connections each, with the same one-event-each check, while a thread samples `pg_stat_activity` every 50 ms for
the most connections held at once; its p50 and p99 are client-side. Last, the same wait, and the connections held
once the burst is over. The targets (issue 20): at most 1 connection per idle server, 0 statements per second.

Capacity: the lowest total requests/s over the fleet sizes, times 3600, over --stops-per-hour (default 4: an
agent stops a few times an hour), rounded down; and by connections, the idle servers one PostgreSQL with its
default `max_connections` (100, 97 of them for roles that are not superusers) admits at the connections per idle
server measured. Everything runs on one machine: the N servers, their git processes, PostgreSQL and this client
share its cores (2 on the reference machine), so this measures the database path with many servers writing one
log, not what a fleet of machines would do; it is a floor.

This is a measurement, not a gate: the exit code is 0 whatever the numbers (failed checks are listed under the
table), and 2 only when the setup fails.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

# The repository root goes on the path so that `benchmarks` and `tests` import as packages both when this file
# is run as a script and when mypy checks it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import postgres

from benchmarks import harness, server_load
from benchmarks.server_load import Evidence, Run, Sample, Server, StoredEvent
from stopwarden.common.config import approve_store
from stopwarden.install.project_files import free_port
from stopwarden.state import files
from stopwarden.store.store import PG_POOL_IDLE_S

DEFAULT_SERVERS = (1, 2, 4)
DEFAULT_SECONDS = 5.0
DEFAULT_IDLE_SERVERS = 30
DEFAULT_IDLE_SECONDS = 20.0
DEFAULT_BURST_SECONDS = 5.0
POOL_IDLE_MARGIN_S = 2.0  # past the pool's idle time, so that every idle connection is closed
SAMPLE_EVERY_S = 0.05
PG_DEFAULT_MAX_CONNECTIONS = 100 - 3  # PostgreSQL's default max_connections, less superuser_reserved_connections
DEFAULT_STOPS_PER_HOUR = 4.0
# What marks a line worth showing: the server logs "<date> <time> LEVEL logger: message" (and a logger may be
# called uvicorn.error at INFO), PostgreSQL "<time> [pid] LEVEL:  message".
SERVER_LOG_PROBLEMS = (" WARNING ", " ERROR ", " CRITICAL ", "Traceback")
POSTGRES_LOG_PROBLEMS = ("WARNING:", "ERROR:", "FATAL:", "PANIC:")
MAX_SHOWN = 5
CPU_USERS = {
    "servers": "servers",
    "git": "their git processes",
    "postgres": "PostgreSQL",
    "client": "this client",
    "others": "other processes",
}


# --- setup ---------------------------------------------------------------------------------------------------


@dataclass
class Member:
    """One project of the fleet, and its server once started."""

    project: Path
    evidence: Evidence
    server: Server | None = None

    @property
    def name(self) -> str:
        return self.project.name

    def running(self) -> Server:
        if self.server is None:
            raise harness.SetupError(f"the server of {self.name} is not running")
        return self.server


def make_member(workdir: Path, number: int, box: harness.Sandbox, url: str) -> Member:
    """A project set up as server_load.py's, its store the shared database."""
    project = workdir / f"project-{number}"
    harness.init_project(project, box)
    evidence = server_load.make_repository(project, box.env, time.time())
    config = project / ".stopwarden" / "config.toml"
    config.write_text(f'{config.read_text(encoding="utf-8").rstrip()}\n\n[store]\nurl = "{url}"\n', encoding="utf-8")
    approve_store(str(project))  # what `stopwarden store approve` does: the operator's URL, not a clone's
    server_load.raise_limits(project)
    return Member(project, evidence)


def start_cluster() -> tuple[postgres.Cluster, str]:
    """A running throwaway PostgreSQL cluster and the URL of a new database in it."""
    bin_dir = postgres.find_bin_dir()
    if bin_dir is None:
        raise harness.SetupError("PostgreSQL's initdb and pg_ctl are not on PATH nor in /usr/lib/postgresql/*/bin")
    try:
        cluster = postgres.Cluster(bin_dir)
    except (RuntimeError, OSError) as e:
        raise harness.SetupError(f"cannot make a PostgreSQL cluster: {e}") from None
    try:
        cluster.start()
        return cluster, cluster.create_database()
    except (RuntimeError, OSError, psycopg.Error) as e:
        cluster.destroy()
        raise harness.SetupError(f"cannot start PostgreSQL: {e}") from None


def start_server(project: Path, box: harness.Sandbox) -> Server:
    """server_load's `start_server`; once more on a new port when the one `init` chose is taken by now. `init`
    takes a port the system calls free, from the range it also hands out to client sockets, and with dozens of
    projects set up minutes before they start, one of the many connections meanwhile may hold it."""
    try:
        return server_load.start_server(project, box)
    except harness.SetupError as e:
        if "in use" not in str(e):
            raise
    files.write_port(str(project), free_port())
    return server_load.start_server(project, box)


def stop_quietly(project: Path, box: harness.Sandbox) -> str | None:
    """`stopwarden stop` in a project; what went wrong, so that one failure does not leave the others running."""
    try:
        harness.run_tool([str(box.cli), "stop"], project, box.env)
    except harness.SetupError as e:
        return f"{project.name}: {e}"
    return None


def problem_lines(text: str, marks: Sequence[str]) -> list[str]:
    return [line.strip() for line in text.splitlines() if any(mark in line for mark in marks)]


def outbox_pending(project: Path) -> int:
    """Events the server kept because the database did not take them, still waiting at the end."""
    path = project / ".stopwarden" / "outbox.db"
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
        try:
            return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return -1  # unreadable: reported as such rather than as empty


# --- the store -----------------------------------------------------------------------------------------------


def event_counts(url: str) -> tuple[dict[str, int], int]:
    """(events by project, the highest event id) in the shared database."""
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            rows = conn.execute("SELECT project, count(*) FROM events GROUP BY project").fetchall()
            highest = conn.execute("SELECT coalesce(max(event_id), 0) FROM events").fetchone()
    except psycopg.Error as e:
        raise harness.SetupError(f"cannot count the events in the shared database: {e}") from None
    return {str(project): int(count) for project, count in rows}, int(highest[0] if highest else 0)


def events_since(url: str, after_id: int) -> dict[str, dict[int, StoredEvent]]:
    """The events with an id above `after_id`, by project."""
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            rows = conn.execute(
                "SELECT event_id, project, session_id, decision, short_circuit FROM events WHERE event_id > %s",
                (after_id,),
            ).fetchall()
    except psycopg.Error as e:
        raise harness.SetupError(f"cannot read the events in the shared database: {e}") from None
    found: dict[str, dict[int, StoredEvent]] = {}
    for event_id, project, session, decision, short_circuit in rows:
        found.setdefault(str(project), {})[int(event_id)] = StoredEvent(str(session), str(decision), short_circuit)
    return found


# --- the load ------------------------------------------------------------------------------------------------


def postmaster_pid(cluster: postgres.Cluster) -> int:
    try:
        return int((Path(cluster.data) / "postmaster.pid").read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError) as e:
        raise harness.SetupError(f"cannot tell PostgreSQL's process id: {e}") from None


def postgres_cpu_seconds(postmaster: int) -> float:
    """CPU seconds of the cluster: the postmaster, its live backends, and the ones it has reaped."""
    own, reaped = server_load.cpu_seconds(postmaster)
    total = own + reaped
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text(encoding="ascii").rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # it ended meanwhile
        if parent == postmaster:
            total += server_load.cpu_seconds(int(entry.name))[0]
    return total


@dataclass
class Round:
    """One run of the whole fleet: a server_load Run per server, the wall time around all of them, and the CPU
    PostgreSQL used meanwhile."""

    runs: list[Run]
    seconds: float
    postgres_cpu_s: float

    @property
    def samples(self) -> list[Sample]:
        return [s for r in self.runs for s in r.samples]


def drive(members: Sequence[Member], label: str, concurrency: int, seconds: float, postmaster: int) -> Round:
    """server_load's closed loop on every member's server at once."""
    with ThreadPoolExecutor(max_workers=len(members), thread_name_prefix="fleet") as pool:
        postgres_before = postgres_cpu_seconds(postmaster)
        started = time.perf_counter()
        futures = [
            pool.submit(server_load.load, m.running(), m.evidence, f"{label}p{i}", concurrency, seconds, None, 0.0)
            for i, m in enumerate(members, 1)
        ]
        runs = [f.result() for f in futures]
        elapsed = time.perf_counter() - started
        return Round(runs, elapsed, postgres_cpu_seconds(postmaster) - postgres_before)


@dataclass
class Size:
    """One fleet size: its servers' warm-up, timed rounds, and what the store holds before and after."""

    members: list[Member]
    warmup: Round
    rounds: list[Round]
    counts_before: dict[str, int]
    counts_after: dict[str, int]
    stored: dict[str, dict[int, StoredEvent]]

    @property
    def n(self) -> int:
        return len(self.members)


def measure_size(members: list[Member], url: str, postmaster: int, args: argparse.Namespace) -> Size:
    n = len(members)
    before, highest = event_counts(url)
    warmup = drive(members, f"n{n}w", args.concurrency, server_load.WARMUP_S, postmaster)
    rounds = []
    for number in range(1, args.rounds + 1):
        if not args.json and sys.stderr.isatty():
            print(f"\r{n} server{'s' if n > 1 else ''}: run {number}/{args.rounds}   ", end="", file=sys.stderr)
        rounds.append(drive(members, f"n{n}r{number}", args.concurrency, args.seconds, postmaster))
    after, _ = event_counts(url)
    return Size(members, warmup, rounds, before, after, events_since(url, highest))


def held(url: str) -> dict[str, int]:
    """Connections the servers hold to the database now, by application name (`stopwarden-listen`, `stopwarden`)."""
    try:
        found = postgres.connections(url)
    except psycopg.Error as e:
        raise harness.SetupError(f"cannot read pg_stat_activity: {e}") from None
    counts: dict[str, int] = {}
    for name, _ in found:
        if name.startswith("stopwarden"):
            counts[name] = counts.get(name, 0) + 1
    return counts


class Sampler:
    """The most connections the servers held at once, sampled every SAMPLE_EVERY_S on a thread of its own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.peak: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY_S):
            now = held(self.url)
            if sum(now.values()) > sum(self.peak.values()):
                self.peak = now


@dataclass
class Idle:
    """The idle fleet, its burst, and what it held after."""

    servers: int
    seconds: float
    connections: dict[str, int]  # held while idle
    statements: int | None  # run while idle (None: no pg_stat_statements)
    burst: Size
    peak: dict[str, int]
    after: dict[str, int]


def settle(url: str) -> dict[str, int]:
    """Wait until the pools closed what they no longer use; what is held then."""
    time.sleep(PG_POOL_IDLE_S + POOL_IDLE_MARGIN_S)
    return held(url)


def measure_idle(cluster: postgres.Cluster, members: list[Member], url: str, postmaster: int,
                 args: argparse.Namespace) -> Idle:  # fmt: skip
    counting = cluster.counts_statements
    connections = settle(url)
    before = postgres.statements(url) if counting else 0
    time.sleep(args.idle_seconds)
    statements = postgres.statements(url) - before if counting else None
    connections = {k: max(v, connections.get(k, 0)) for k, v in held(url).items()}
    burst_args = argparse.Namespace(**{**vars(args), "rounds": 1, "seconds": args.burst_seconds})
    with Sampler(url) as sampler:
        burst = measure_size(members, url, postmaster, burst_args)
    return Idle(len(members), args.idle_seconds, connections, statements, burst, sampler.peak, settle(url))


@dataclass
class Fleet:
    args: argparse.Namespace
    url: str
    sizes: list[Size]
    idle: Idle | None
    server_logs: dict[str, list[str]]  # the problem lines of each project's server.log
    postgres_log: list[str]
    outbox: dict[str, int]
    stop_problems: list[str] = field(default_factory=list)


def run(workdir: Path, args: argparse.Namespace) -> Fleet:
    box = harness.Sandbox.make(workdir, args.venv, needs=("git",))
    for role in ("AUTHOR", "COMMITTER"):  # the temp HOME has no git identity
        box.env.update({f"GIT_{role}_NAME": "bench", f"GIT_{role}_EMAIL": "bench@example.invalid"})
    cluster, url = start_cluster()
    started: list[Path] = []  # every project `stopwarden start` ran in, even if it then failed: each is stopped
    stop_problems: list[str] = []
    postgres_log = ""
    try:
        postmaster = postmaster_pid(cluster)
        members = [make_member(workdir, i, box, url) for i in range(1, max(*args.servers, args.idle) + 1)]

        def start(fleet: list[Member]) -> list[Member]:
            for member in fleet:
                if member.server is None:
                    started.append(member.project)
                    member.server = start_server(member.project, box)
            return fleet

        sizes = [measure_size(start(members[:n]), url, postmaster, args) for n in args.servers]
        idle = measure_idle(cluster, start(members[: args.idle]), url, postmaster, args) if args.idle else None
        if not args.json and sys.stderr.isatty():
            print(file=sys.stderr)
    finally:
        stop_problems = [p for p in (stop_quietly(project, box) for project in started) if p is not None]
        try:
            postgres_log = cluster.log()
        except OSError:
            pass
        cluster.destroy()
    logs = {}
    for member in members:
        try:
            logs[member.name] = problem_lines(
                (member.project / ".stopwarden" / "server.log").read_text("utf-8"), SERVER_LOG_PROBLEMS
            )
        except OSError as e:
            logs[member.name] = [f"cannot read server.log: {e}"]
    outbox = {m.name: outbox_pending(m.project) for m in members}
    return Fleet(args, url, sizes, idle, logs, problem_lines(postgres_log, POSTGRES_LOG_PROBLEMS), outbox,
                 stop_problems)  # fmt: skip


# --- reporting -----------------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    """A fleet size's numbers, pooled over its servers and timed rounds."""

    result: server_load.Result
    per_server: list[server_load.Result]
    sent: int  # requests sent, warm-up included, answered or not
    answered: int  # of those, 200s
    events_new: int
    problems: list[str]  # what is wrong with "every request one event" (nothing: it holds)
    cpu: dict[str, float]  # CPU seconds over the timed rounds: servers, git, client, others


def cpu_shares(rounds: Sequence[Round]) -> dict[str, float]:
    """CPU seconds of the timed rounds, by whom. Each server's Run counts the whole client process and the whole
    machine over its span, and the spans coincide, so those are taken once (the largest), not summed."""
    servers = sum(r.server_cpu_s for rd in rounds for r in rd.runs)
    git = sum(r.children_cpu_s for rd in rounds for r in rd.runs)
    client = sum(max(r.client_cpu_s for r in rd.runs) for rd in rounds)
    machine = sum(max(r.machine_cpu_s for r in rd.runs) for rd in rounds)
    pg = sum(rd.postgres_cpu_s for rd in rounds)
    return {
        "servers": round(servers, 3),
        "git": round(git, 3),
        "postgres": round(pg, 3),
        "client": round(client, 3),
        "others": round(max(0.0, machine - servers - git - pg - client), 3),
    }


def size_result(size: Size, args: argparse.Namespace) -> SizeResult:
    wall = sum(r.seconds for r in size.rounds)
    name = f"{size.n} server{'s' if size.n > 1 else ''}"
    problems = []
    per_server = []
    for i, member in enumerate(size.members):
        runs = [r.runs[i] for r in size.rounds]
        samples = [*size.warmup.runs[i].samples, *(s for r in runs for s in r.samples)]
        bench = server_load.Bench(
            member.running(),
            member.evidence,
            args,
            size.warmup.runs[i],
            runs,
            size.counts_before.get(member.name, 0),
            size.counts_after.get(member.name, 0),
            size.stored.get(member.name, {}),
        )
        problems += [f"{member.name}: {p}" for p in server_load.check_events(bench, samples)]
        timed = [s for r in runs for s in r.samples]
        per_server.append(server_load.summarise(member.name, timed, sum(r.seconds for r in runs)))
    strangers = sorted(set(size.stored) - {m.name for m in size.members})
    if strangers:
        problems.append(f"events stored under projects not in this fleet: {strangers[:MAX_SHOWN]}")
    everything = [*size.warmup.samples, *(s for r in size.rounds for s in r.samples)]
    events_new = sum(len(stored) for stored in size.stored.values())
    if events_new != len(everything):
        problems.append(f"{events_new} new events for {len(everything)} requests sent")
    return SizeResult(
        result=server_load.summarise(name, [s for r in size.rounds for s in r.samples], wall),
        per_server=per_server,
        sent=len(everything),
        answered=sum(1 for s in everything if s.status == 200),
        events_new=events_new,
        problems=problems,
        cpu=cpu_shares(size.rounds),
    )


def round_down(x: float) -> int:
    """`x` rounded down to two significant digits: a capacity is not known to more."""
    if x < 100:
        return math.floor(x)
    unit = int(10 ** (math.floor(math.log10(x)) - 1))
    return math.floor(x / unit) * unit


def per_server(count: dict[str, int] | int, servers: int) -> str:
    total = count if isinstance(count, int) else sum(count.values())
    return f"{total} ({total / servers:.2f})"


def idle_section(idle: Idle, args: argparse.Namespace) -> tuple[list[str], list[str], dict[str, Any]]:
    """(the markdown lines, what missed the targets, the JSON) of the idle fleet and its burst."""
    burst = size_result(idle.burst, argparse.Namespace(**{**vars(args), "rounds": 1}))
    n = idle.servers
    rate = None if idle.statements is None else idle.statements / idle.seconds
    misses = [f"idle and burst: {p}" for p in burst.problems]
    idle_each = sum(idle.connections.values()) / n
    if idle_each > 1:
        misses.append(f"idle: {idle_each:.2f} connections per server, the target is at most 1")
    if rate:
        misses.append(f"idle: {rate / n:.3f} statements per second per server, the target is 0")
    admitted = math.floor(PG_DEFAULT_MAX_CONNECTIONS / idle_each) if idle_each else None
    lines = [
        "",
        f"Idle and burst: {n} servers, idle {idle.seconds:g} s after their pools' idle time "
        f"({PG_POOL_IDLE_S:g} s + {POOL_IDLE_MARGIN_S:g} s), then a burst of {args.burst_seconds:g} s, "
        f"{args.concurrency} connections per server, closed loop:",
        "",
        *harness.table(
            (
                "servers",
                "connections idle (per server)",
                "statements/s idle (per server)",
                "connections in the burst, most at once (per server)",
                "burst req/s",
                "burst p50 ms",
                "burst p99 ms",
                "connections after (per server)",
                "events stored / sent",
            ),
            "rrrrrrrrr",
            [
                (
                    str(n),
                    per_server(idle.connections, n),
                    "n/a (no pg_stat_statements)" if rate is None else f"{rate:.2f} ({rate / n:.3f})",
                    per_server(idle.peak, n),
                    f"{burst.result.requests_per_s:.0f}",
                    f"{burst.result.median_ms:.2f}",
                    f"{burst.result.p99_ms:.2f}",
                    per_server(idle.after, n),
                    f"{burst.events_new} / {burst.sent}",
                )
            ],
        ),
        "",
        "- connections by kind: idle "
        + _kinds(idle.connections)
        + "; in the burst "
        + _kinds(idle.peak)
        + "; after "
        + _kinds(idle.after),
        f"- capacity by connections: at {idle_each:.2f} connections per idle server, the {PG_DEFAULT_MAX_CONNECTIONS} "
        "connections PostgreSQL's defaults leave for roles that are not superusers admit "
        + (f"{admitted:,} idle servers" if admitted is not None else "any number of idle servers"),
    ]
    data = {
        "servers": n,
        "idle_seconds": idle.seconds,
        "connections_idle": idle.connections,
        "statements_idle": idle.statements,
        "statements_per_s_idle": rate,
        "connections_burst_peak": idle.peak,
        "connections_after": idle.after,
        "burst": harness.records([burst.result])[0],
        "burst_events_stored": burst.events_new,
        "burst_sent": burst.sent,
        "burst_problems": burst.problems,
        "idle_servers_per_default_max_connections": admitted,
    }
    return lines, misses, data


def _kinds(count: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(count.items())) or "none"


def report(fleet: Fleet, info: dict[str, Any]) -> harness.Report:
    args = fleet.args
    results = [size_result(size, args) for size in fleet.sizes]
    idle_lines, idle_misses, idle_json = idle_section(fleet.idle, args) if fleet.idle else ([], [], {})
    lowest = min(results, key=lambda r: r.result.requests_per_s)
    rate = lowest.result.requests_per_s
    agents = round_down(rate * 3600 / args.stops_per_hour)
    cores = info["cpus_usable"] or info["cpu_count"]
    capacity = (
        f"at {args.stops_per_hour:g} stops per agent per hour, {rate:.0f} requests/s sustain ≈ {agents:,} agents "
        f"(the lowest total requests/s of the fleet sizes, {lowest.result.name}; assumed: an agent's stops spread "
        f"evenly over the hour, no bursts; one {cores}-core machine ran the servers, git, PostgreSQL and the client, "
        "so a database serving servers on machines of their own should sustain at least this)"
    )
    errors = [
        s.error for size in fleet.sizes for r in [size.warmup, *size.rounds] for s in r.samples if s.status != 200
    ]
    timed = [s for size in fleet.sizes for r in size.rounds for s in r.samples]
    mix_lines, mix_json, unexpected = server_load.mix_section(timed)
    checks = [
        *(f"{r.result.name}: {p}" for r in results for p in r.problems),
        *([f"{len(errors)} requests without a 200"] if errors else []),
        *(f"{name}: {n} events still in the outbox" for name, n in fleet.outbox.items() if n),
        *(
            f"{name}: server.log has {len(lines)} WARNING/ERROR/Traceback lines"
            for name, lines in fleet.server_logs.items()
            if lines
        ),
        *([f"PostgreSQL's log has {len(fleet.postgres_log)} WARNING/ERROR/FATAL lines"] if fleet.postgres_log else []),
        *fleet.stop_problems,
        *idle_misses,
    ]
    rows = [
        (
            str(size.n),
            str(size.n * args.concurrency),
            str(r.sent),
            str(r.answered),
            f"{r.result.requests_per_s:.0f}",
            f"{r.result.median_ms:.2f}",
            f"{r.result.p99_ms:.2f}",
            str(r.sent - r.answered),
            f"{r.events_new} / {r.sent}",
            "pass" if not r.problems else "FAIL",
        )
        for size, r in zip(fleet.sizes, results, strict=True)
    ]
    server_rows = [
        (
            str(size.n),
            s.name,
            str(member.running().port),
            str(s.runs),
            f"{s.requests_per_s:.0f}",
            f"{s.median_ms:.2f}",
            f"{s.p99_ms:.2f}",
            f"{s.server_p50_ms:.2f} / {s.server_p99_ms:.2f}",
            str(s.errors),
        )
        for size, r in zip(fleet.sizes, results, strict=True)
        for member, s in zip(size.members, r.per_server, strict=True)
    ]
    cpu = [
        f"{r.result.name}: "
        + ", ".join(f"{who} {100 * r.cpu[key] / r.result.seconds:.0f}%" for key, who in CPU_USERS.items())
        for r in results
    ]
    busy = [
        f"other processes used {100 * r.cpu['others'] / r.result.seconds:.0f}% of a core during the runs of "
        f"{r.result.name}: these are not the numbers of a quiet machine"
        for r in results
        if r.cpu["others"] / r.result.seconds > server_load.OTHERS_WARN
    ]
    version = fleet.sizes[0].members[0].running().version
    heading = (
        f"`POST /v1/evaluate` from a fleet on one PostgreSQL database: {', '.join(map(str, args.servers))} "
        f"server{'s' if args.servers != [1] else ''}, "
        f"{args.concurrency} keep-alive connections per server, closed loop, {args.rounds} timed run"
        f"{'s' if args.rounds > 1 else ''} of {args.seconds:g} s per fleet size (+1 warm-up of "
        f"{server_load.WARMUP_S:g} s); check: every request one stored event"
    )
    return harness.Report(
        title="fleet load",
        rule="",
        goals="checks",
        heading=heading,
        min_rounds=1,
        table=harness.table(
            (
                "servers",
                "connections",
                "sent",
                "200s",
                "req/s (total)",
                "p50 ms",
                "p99 ms",
                "errors",
                "events stored / sent",
                "one event each",
            ),
            "rrrrrrrrrl",
            rows,
        ),
        notes=[
            f"capacity: {capacity}",
            f"N servers (up to {max(args.servers)}), their git processes, PostgreSQL and this client share this "
            f"machine's {cores} cores: this measures the database path (N servers writing one log), not a real "
            "fleet's machines",
            f"servers: stopwarden {version}, one per project folder (`project-1` ...), started by `stopwarden start` "
            "as each fleet size needs them, mode shadow, authority rules; `[store] url` the one database; "
            f"rate limits raised: `[limits] {', '.join(f'{k} = {v}' for k, v in server_load.LIMITS.items())}`",
            "PostgreSQL: a throwaway cluster from tests/postgres.py (fsync off: commits cost less than on a durable "
            f"database; trust on loopback), database {fleet.url.rsplit('/', 1)[-1]}",
            "sent and events include the warm-up; req/s, p50 and p99 are of the timed runs' 200s, client-side",
            "CPU used during the timed runs, as a share of one core: " + "; ".join(cpu),
            *(f"warning: {w}" for w in busy),
        ],
        misses=checks,
        json={
            "machine": info,
            "settings": {
                "servers": args.servers,
                "concurrency_per_server": args.concurrency,
                "seconds": args.seconds,
                "warmup_s": server_load.WARMUP_S,
                "stops_per_agent_hour": args.stops_per_hour,
                "limits": server_load.LIMITS,
            },
            "capacity": {
                "stops_per_agent_hour": args.stops_per_hour,
                "lowest_requests_per_s": round(rate, 1),
                "at_servers": lowest.result.name,
                "agents": agents,
            },
            "sizes": [
                {
                    "servers": size.n,
                    "connections": size.n * args.concurrency,
                    "sent": r.sent,
                    "answered_200": r.answered,
                    "events_new": r.events_new,
                    "events_by_project": {name: len(stored) for name, stored in size.stored.items()},
                    "problems": r.problems,
                    "cpu_s": r.cpu,
                    "per_server": harness.records(r.per_server),
                }
                for size, r in zip(fleet.sizes, results, strict=True)
            ],
            "answers": mix_json,
            "unexpected_answers": unexpected,
            "errors": errors[:MAX_SHOWN],
            "busy_machine": busy,
            "outbox_pending": fleet.outbox,
            "server_log_problems": {name: lines[:MAX_SHOWN] for name, lines in fleet.server_logs.items()},
            "postgres_log_problems": fleet.postgres_log[:MAX_SHOWN],
            "results": harness.records(r.result for r in results),
            "idle": idle_json,
        },
        sections=[
            *idle_lines,
            "",
            "By server (timed runs; gate ms: the `latency_ms` the answers report):",
            "",
            *harness.table(
                ("servers", "project", "port", "200s", "req/s", "p50 ms", "p99 ms", "gate p50 / p99 ms", "errors"),
                "rlrrrrrrr",
                server_rows,
            ),
            *mix_lines,
            "",
            f"- answers not as the mix intends: {unexpected} of {len(timed)}",
            *(f"- error: {e}" for e in errors[:MAX_SHOWN]),
            *(
                f"- {name} server.log: {line}"
                for name, lines in fleet.server_logs.items()
                for line in lines[:MAX_SHOWN]
            ),
            *(f"- PostgreSQL log: {line}" for line in fleet.postgres_log[:MAX_SHOWN]),
        ],
    )


def fleet_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("fleet sizes must be at least 1")
    return sizes


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(rounds=1)  # here a round is one timed load run of --seconds per fleet size
    parser.add_argument(
        "--servers",
        type=fleet_sizes,
        default=list(DEFAULT_SERVERS),
        help="fleet sizes to run, smallest first (default: %(default)s)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=server_load.DEFAULT_CONCURRENCY,
        help="connections per server (default: %(default)s)",
    )
    parser.add_argument(
        "--seconds", type=float, default=DEFAULT_SECONDS, help="length of each timed run (default: %(default)s)"
    )
    parser.add_argument(
        "--idle",
        type=int,
        default=DEFAULT_IDLE_SERVERS,
        help="servers for the idle and burst measurement, 0 to skip it (default: %(default)s)",
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=DEFAULT_IDLE_SECONDS, help="idle window (default: %(default)s)"
    )
    parser.add_argument(
        "--burst-seconds", type=float, default=DEFAULT_BURST_SECONDS, help="the burst's length (default: %(default)s)"
    )
    parser.add_argument(
        "--stops-per-hour",
        type=float,
        default=DEFAULT_STOPS_PER_HOUR,
        help="an agent's stops an hour, for the capacity line (default: %(default)s)",
    )


def check_options(args: argparse.Namespace) -> str | None:
    if args.concurrency < 1:
        return "--concurrency must be at least 1"
    if args.seconds <= 0 or args.idle_seconds <= 0 or args.burst_seconds <= 0:
        return "--seconds, --idle-seconds and --burst-seconds must be above 0"
    if args.idle < 0:
        return "--idle must be 0 or more"
    return "--stops-per-hour must be above 0" if args.stops_per_hour <= 0 else None


if __name__ == "__main__":
    sys.exit(
        harness.main("fleet_load", harness.parse_args(sys.argv[1:], __doc__, add_options, check_options), run, report)
    )
