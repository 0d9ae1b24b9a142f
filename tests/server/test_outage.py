"""The database goes away in the middle of a load, then comes back (SPEC §13): a real background server on
a PostgreSQL cluster of its own, which the test stops and starts again while requests keep coming.

Two kinds of outage: the database stopped (connections refused) and the database frozen (connections
accepted, nothing answered: queries in flight hang). Either way every request is answered within the
hook's budget, and afterwards the database holds every event exactly once: those decided while it was
away waited in the server's outbox, and a decision that hung and finished late is not stored twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from stopwarden.common import http
from stopwarden.server.control import read_token
from tests import postgres
from tests.server.conftest import PlanRepo, evaluate_body

CLI = str(Path(sys.executable).parent / "stopwarden")
REQUESTS = 240  # about 3 s of load: the database comes back while requests still arrive


@pytest.fixture
def cluster(postgres_cluster: postgres.Cluster) -> Iterator[postgres.Cluster]:
    """A cluster of this test's own: stopping it must not disturb the suite's."""
    own = postgres.Cluster(postgres_cluster.bin_dir)
    own.start()
    yield own
    own.destroy()


@pytest.fixture
def served(installed: Path, plan_repo: PlanRepo, cluster: postgres.Cluster) -> Iterator[str]:
    """The installed project's server running on the cluster; yields the database URL."""
    url = cluster.create_database()
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + f'\n[store]\nurl = "{url}"\n')
    subprocess.run([CLI, "store", "approve"], cwd=installed, check=True, capture_output=True, timeout=60)
    subprocess.run([CLI, "start"], cwd=installed, check=True, capture_output=True, timeout=60)
    try:
        yield url
    finally:
        subprocess.run([CLI, "stop"], cwd=installed, capture_output=True, timeout=60)


def stopped(cluster: postgres.Cluster) -> None:
    """The database refuses connections for 1.5 s (its server stopped, then started again)."""
    time.sleep(0.4)
    cluster.stop()
    time.sleep(1.5)
    cluster.start()


def frozen(cluster: postgres.Cluster) -> None:
    """The database accepts connections but answers nothing for 5 s (a frozen host): every process of the
    cluster stopped with SIGSTOP, then let go. Queries in flight hang rather than fail."""
    time.sleep(0.4)
    data = Path(cluster.data)
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
    processes = [postmaster, *map(int, children)]
    for pid in processes:
        os.kill(pid, signal.SIGSTOP)
    try:
        time.sleep(5.0)  # longer than the server's deadline: decisions in flight are answered without
    finally:
        for pid in processes:
            os.kill(pid, signal.SIGCONT)


@pytest.mark.parametrize("outage", [stopped, frozen])
def test_every_request_is_answered_in_budget_and_every_event_stored_once(
    installed: Path, plan_repo: PlanRepo, cluster: postgres.Cluster, served: str, outage: Any
) -> None:
    hot_path = json.loads((installed / ".stopwarden" / "hot-path.json").read_text())
    budget_s = hot_path["evaluate_timeout_s"]  # how long the hook waits before letting the agent stop
    token = read_token(str(installed))

    def evaluate(i: int) -> tuple[int, float, Any]:
        body = evaluate_body(plan_repo, session=f"outage-{i}")
        started = time.monotonic()
        code, answer = http.request(hot_path["port"], "POST", "/v1/evaluate", token, body, timeout=budget_s)
        time.sleep(0.05)  # a bounded load: about 80 requests a second from four clients
        return code, time.monotonic() - started - 0.05, answer

    down = threading.Thread(target=outage, args=(cluster,))
    down.start()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(evaluate, range(REQUESTS)))
    down.join()

    assert [code for code, _, _ in results] == [200] * REQUESTS
    slowest = max(seconds for _, seconds, _ in results)
    assert slowest < budget_s, f"a request took {slowest:.2f} s, over the {budget_s} s budget"
    unavailable = sum(answer["fail_open"] in ("store_unavailable", "timeout") for _, _, answer in results)
    assert unavailable > 0, "the outage never showed: the test proved nothing"

    engine = create_engine("postgresql+psycopg://" + served.split("://", 1)[1])
    deadline = time.monotonic() + 15
    while True:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT session_id, mode FROM events")).all()
        sessions = [session for session, _ in rows]
        if len(sessions) >= REQUESTS or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    engine.dispose()
    # Each request had a session of its own: every one stored, none twice.
    assert sorted(sessions) == sorted(f"outage-{i}" for i in range(REQUESTS))
    # The events decided while the database was away carry the mode the server was in, not `?`.
    assert {mode for _, mode in rows} == {hot_path["mode"]}


def test_a_server_whose_database_is_away_says_degraded_not_down(
    installed: Path, cluster: postgres.Cluster, served: str
) -> None:
    hot_path = json.loads((installed / ".stopwarden" / "hot-path.json").read_text())
    cluster.stop()
    try:
        code, health = http.request(hot_path["port"], "GET", "/health", "", None, timeout=5)
        assert code == 200 and health["status"] == "degraded" and health["mode"] == hot_path["mode"]
        status = subprocess.run([CLI, "status"], cwd=installed, capture_output=True, text=True, timeout=30)
        assert "running" in status.stdout and "not running" not in status.stdout, status.stdout
        assert "DATABASE UNREACHABLE" in status.stdout
    finally:
        cluster.start()
    deadline = time.monotonic() + 10
    while http.request(hot_path["port"], "GET", "/health", "", None, timeout=5)[1]["status"] != "ok":
        assert time.monotonic() < deadline, "the server never saw its database come back"
        time.sleep(0.1)


def test_a_server_that_starts_while_its_database_is_away_serves_and_catches_up(
    installed: Path, plan_repo: PlanRepo, cluster: postgres.Cluster, served: str
) -> None:
    """A machine booting during the outage still gets a server: it fails open, keeps the events, and
    stores them once the database answers."""
    subprocess.run([CLI, "stop"], cwd=installed, check=True, capture_output=True, timeout=60)
    cluster.stop()
    try:
        started = subprocess.run([CLI, "start"], cwd=installed, capture_output=True, text=True, timeout=60)
        assert started.returncode == 0, started.stderr
        hot_path = json.loads((installed / ".stopwarden" / "hot-path.json").read_text())
        body = evaluate_body(plan_repo, session="while-away")
        code, answer = http.request(hot_path["port"], "POST", "/v1/evaluate", read_token(str(installed)), body)
        assert code == 200 and answer["fail_open"] == "store_unavailable"
    finally:
        cluster.start()
    engine = create_engine("postgresql+psycopg://" + served.split("://", 1)[1])
    deadline = time.monotonic() + 15
    while True:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM events WHERE session_id = 'while-away'")).scalar()
        if stored or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    engine.dispose()
    assert stored == 1
