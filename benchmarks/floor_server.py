"""The gate server against its floor: `POST /v1/evaluate` on the real server and on the least a server of the
same design can do, side by side in one run (issue 20).

Run it from the repository root with the venv's interpreter:

    .venv/bin/python benchmarks/floor_server.py                 # 3 pairs of 5 s runs, a markdown table
    .venv/bin/python benchmarks/floor_server.py --rounds 5 --json

The floor is a FastAPI app served by uvicorn exactly as `stopwarden serve` runs it (`server/process.py`'s
settings: uvloop, httptools, no access log), whose `POST /v1/evaluate` takes the JSON body, hands the request to
a worker thread (a plain `def` route, as FastAPI runs one), and there stores one row with one raw `sqlite3`
INSERT and COMMIT in WAL mode with `synchronous=NORMAL`, as the store does; it answers the row's id. It judges
nothing, checks no token and validates nothing: whatever the real server does beyond that is the price of the
gate itself.

Both get the same requests (server_load.py's mix of continue, legitimate, ambiguous and repeated stops, over
keep-alive connections in a closed loop) from the same client, in pairs of runs, the floor first and then ours,
so that both see the same machine. The real server is set up as server_load.py does (`stopwarden init`, a plan
and a progress commit, the rate limits raised, `stopwarden start`); the floor is this file run with `--serve`.

Reported: requests/s, p50 and p99 of each, pooled over the rounds; the ratio of ours to the floor; and that every
answered request of ours is exactly one stored event (server_load.py's check), and every one of the floor's one
row. The baseline beside them is `python -c pass`, timed in the same run. Targets: ours >= 0.6 of the floor's
requests/s, our p99 <= 2x our p50, no lost event. The exit code is 0 whatever the numbers, 2 when the setup fails.
"""

from __future__ import annotations

import argparse
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness, server_load

TARGET_RATIO = 0.6
TARGET_TAIL = 2.0  # p99 at most this many times p50
DEFAULT_ROUNDS = 3
DEFAULT_SECONDS = 5.0
BASELINE_RUNS = 10


# --- the floor server --------------------------------------------------------------------------------------


def serve_floor(port: int, db: str) -> None:
    """Serve the floor until terminated."""
    import threading

    import uvicorn
    from fastapi import FastAPI

    from stopwarden.server.process import UVICORN

    conn = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, session_id TEXT, body TEXT, ts REAL)")
    lock = threading.Lock()
    app = FastAPI()

    @app.post("/v1/evaluate")
    def evaluate(body: dict[str, Any]) -> dict[str, Any]:
        with lock:
            cursor = conn.execute("BEGIN IMMEDIATE")
            cursor.execute(
                "INSERT INTO events (session_id, body, ts) VALUES (?, ?, ?)",
                (str(body.get("session_id")), str(body.get("untrusted")), time.time()),
            )
            event_id = cursor.lastrowid
            conn.execute("COMMIT")
        return {"event_id": event_id, "decision": "allow"}

    uvicorn.Server(uvicorn.Config(app, port=port, **UVICORN)).run()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_floor(box: harness.Sandbox, workdir: Path) -> tuple[subprocess.Popen[bytes], server_load.Server, Path]:
    port, db = free_port(), workdir / "floor.db"
    proc = subprocess.Popen(
        [str(box.python), __file__, "--serve", str(port), str(db)],
        env=box.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise harness.SetupError(f"the floor server exited: {proc.stderr.read()[-500:] if proc.stderr else ''!r}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, server_load.Server(workdir, port, proc.pid, "", "floor", "-", "-"), db
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise harness.SetupError("the floor server did not listen within 20 s")


def floor_rows(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5.0)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


# --- the run -----------------------------------------------------------------------------------------------


@dataclass
class Bench:
    ours: server_load.Bench
    floor: list[server_load.Run]
    floor_warmup: server_load.Run
    floor_rows: int
    baseline_ms: list[float]


def python_pass_ms(box: harness.Sandbox) -> list[float]:
    times = []
    for _ in range(BASELINE_RUNS):
        started = time.perf_counter_ns()
        subprocess.run([str(box.python), "-c", "pass"], env=box.env, check=True)
        times.append((time.perf_counter_ns() - started) / 1e6)
    return times


def run(workdir: Path, args: argparse.Namespace) -> Bench:
    box, project, evidence = server_load.make_project(workdir, args)
    floor_proc = None
    try:
        server = server_load.start_judging_server(project, box)
        floor_proc, floor, floor_db = start_floor(box, workdir)
        before, highest = server_load.event_count(server.db)

        def both(label: str, seconds: float) -> tuple[server_load.Run, server_load.Run]:
            return (
                server_load.load(floor, evidence, f"f{label}", args.concurrency, seconds, None, 0.0),
                server_load.load(server, evidence, label, args.concurrency, seconds, None, 0.0),
            )

        floor_warmup, warmup = both("w", server_load.WARMUP_S)
        pairs = [both(f"r{n}", args.seconds) for n in range(1, args.rounds + 1)]
        baseline = python_pass_ms(box)
        after, _ = server_load.event_count(server.db)
        ours = server_load.Bench(
            server, evidence, args, warmup, [p[1] for p in pairs], before, after,
            server_load.events_since(server.db, highest),
        )  # fmt: skip
        return Bench(ours, [p[0] for p in pairs], floor_warmup, floor_rows(floor_db), baseline)
    finally:
        if floor_proc is not None:
            floor_proc.terminate()
            floor_proc.wait(10)
        harness.run_tool([str(box.cli), "stop"], project, box.env)


# --- reporting ---------------------------------------------------------------------------------------------


def report(bench: Bench, info: dict[str, Any]) -> harness.Report:
    ours_runs, floor_runs = bench.ours.runs, bench.floor
    ours = server_load.summarise("stopwarden", [s for r in ours_runs for s in r.samples], _seconds(ours_runs))
    floor = server_load.summarise("floor", [s for r in floor_runs for s in r.samples], _seconds(floor_runs))
    ratio = ours.requests_per_s / floor.requests_per_s if floor.requests_per_s else 0.0
    tail = ours.p99_ms / ours.median_ms if ours.median_ms else 0.0
    every = [*bench.ours.warmup.samples, *(s for r in ours_runs for s in r.samples)]
    problems = server_load.check_events(bench.ours, every)
    floor_answered = sum(s.status == 200 for r in [bench.floor_warmup, *floor_runs] for s in r.samples)
    floor_lost = floor_answered - bench.floor_rows
    baseline = sorted(bench.baseline_ms)[len(bench.baseline_ms) // 2]
    pairs = [
        (f.requests_per_s, o.requests_per_s)
        for f, o in (
            (server_load.summarise("", fr.samples, fr.seconds), server_load.summarise("", orun.samples, orun.seconds))
            for fr, orun in zip(floor_runs, ours_runs, strict=True)
        )
        if f.requests_per_s
    ]
    per_pair = [f"{f:.0f} / {o:.0f} ({o / f:.2f})" for f, o in pairs]
    cpu = {r.label: {"server": r.server_cpu_s / r.seconds, "others": server_load.others(r) / r.seconds}
           for r in [*floor_runs, *ours_runs]}  # fmt: skip
    targets = [
        ("requests/s, ours / floor", f"{ratio:.2f}", f">= {TARGET_RATIO}", ratio >= TARGET_RATIO),
        ("our p99 / our p50", f"{tail:.2f}", f"<= {TARGET_TAIL:g}", 0 < tail <= TARGET_TAIL),
        ("our answers stored once each", "; ".join(problems) or "yes", "yes", not problems),
        ("errors (no 200), ours", str(ours.errors), "0", ours.errors == 0),
    ]
    rows = [
        (r.name, f"{r.runs}", f"{r.requests_per_s:.0f}", f"{r.median_ms:.2f}", f"{r.p99_ms:.2f}",
         f"{r.p99_ms / r.median_ms:.2f}" if r.median_ms else "-")
        for r in (floor, ours)
    ]  # fmt: skip
    return harness.Report(
        title="server against its floor",
        rule="",
        goals="targets",
        heading=(
            f"`POST /v1/evaluate`, stopwarden against the floor server: {args_text(bench.ours.args)}; pass = ours >= "
            f"{TARGET_RATIO} of the floor's requests/s, our p99 <= {TARGET_TAIL:g}x our p50, every answer one event"
        ),
        min_rounds=1,
        table=[
            *harness.table(("server", "200s", "req/s", "p50 ms", "p99 ms", "p99/p50"), "lrrrrr", rows),
            "",
            *harness.table(
                ("target", "measured", "goal", "pass/fail"),
                "lrll",
                ((name, value, goal, server_load.verdict(ok)) for name, value, goal, ok in targets),
            ),
        ],
        notes=[
            f"baseline: `python -c pass` {baseline:.1f} ms (median of {BASELINE_RUNS}, this run)",
            "requests/s by pair, floor / ours (ratio): " + ", ".join(per_pair),
            f"floor: {floor_answered} answers, {bench.floor_rows} rows stored"
            + (f" ({floor_lost} lost)" if floor_lost else ""),
            "CPU, share of one core (server, other processes): "
            + "; ".join(f"{label} {c['server']:.0%}, {c['others']:.0%}" for label, c in cpu.items()),
        ],
        misses=[f"{name}: {value} against {goal}" for name, value, goal, ok in targets if not ok],
        json={
            "machine": info,
            "baseline_python_pass_ms": baseline,
            "ratio": ratio,
            "tail": tail,
            "passed": {name: ok for name, _, _, ok in targets},
            "event_problems": problems,
            "floor_rows": bench.floor_rows,
            "floor_answered": floor_answered,
            "pairs": [{"floor": f, "ours": o, "ratio": o / f} for f, o in pairs],
            "cpu_cores": cpu,
            "results": harness.records([floor, ours]),
        },
    )


def _seconds(runs: list[server_load.Run]) -> float:
    return sum(r.seconds for r in runs)


def args_text(args: argparse.Namespace) -> str:
    return (
        f"{args.rounds} pairs of {args.seconds:g} s runs (+1 warm-up pair), {args.concurrency} keep-alive connections"
    )


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(rounds=DEFAULT_ROUNDS)
    parser.add_argument("--concurrency", type=int, default=server_load.DEFAULT_CONCURRENCY, help="connections")
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS, help="length of each timed run")


def check_options(args: argparse.Namespace) -> str | None:
    if args.concurrency < 1:
        return "--concurrency must be at least 1"
    return "--seconds must be above 0" if args.seconds <= 0 else None


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve_floor(int(sys.argv[2]), sys.argv[3])
        sys.exit(0)
    sys.exit(
        harness.main("floor_server", harness.parse_args(sys.argv[1:], __doc__, add_options, check_options), run, report)
    )
