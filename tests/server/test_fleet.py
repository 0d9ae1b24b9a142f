"""Two stopwarden servers, two projects, one PostgreSQL store (SPEC §13): real background servers
(`stopwarden start`) against the suite's throwaway PostgreSQL.

A kill switch set through one server reaches the other project's hooks (its hot-path file) within a
second; both servers' events land in one log with their project and host; and concurrent evaluations of
one session through both servers grant no more continues than the ceiling."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stopwarden.common import http
from stopwarden.server.control import read_token
from stopwarden.server.process import HOT_PATH_REFRESH_S
from stopwarden.store.store import PG_POOL_IDLE_S
from tests import postgres
from tests.conftest import git
from tests.server.conftest import PlanRepo, evaluate_body

CLI = str(Path(sys.executable).parent / "stopwarden")


@dataclass
class Member:
    """One project of the fleet, with its running server."""

    root: Path
    store_url: str

    def cli(self, *args: str) -> str:
        done = subprocess.run([CLI, *args], cwd=self.root, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        port = json.loads((self.root / ".stopwarden" / "hot-path.json").read_text())["port"]
        return http.request(port, method, path, read_token(str(self.root)), body, timeout=10)

    def hot_path(self) -> dict[str, Any]:
        return dict(json.loads((self.root / ".stopwarden" / "hot-path.json").read_text()))


@pytest.fixture
def fleet(plan_repo: PlanRepo, installed: Path, postgres_cluster: postgres.Cluster) -> Iterator[list[Member]]:
    """The installed project and a clone of it (the same commits, so each server's checks pass), both
    with `[store] url` naming one new PostgreSQL database, both servers running."""
    url = postgres_cluster.create_database()
    clone = installed.parent / "billing-service"
    git(installed.parent, "clone", "-q", str(installed), str(clone))
    members = [Member(installed, url), Member(clone, url)]
    members[1].cli("init", "--agent", "claude-code")
    for member in members:
        config = member.root / ".stopwarden" / "config.toml"
        config.write_text(config.read_text() + f'\n[store]\nurl = "{url}"\n')
        member.cli("store", "approve")  # each machine's operator, once
    try:
        for member in members:
            member.cli("start")
        yield members
    finally:
        for member in members:
            subprocess.run([CLI, "stop"], cwd=member.root, capture_output=True, timeout=60)


def wait_for(condition: Any, timeout: float) -> float:
    """Seconds until `condition()` held; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"not within {timeout} s"
        time.sleep(0.01)
    return time.monotonic() - started


def test_a_kill_switch_set_through_one_server_reaches_the_others_hooks_within_a_second(fleet: list[Member]) -> None:
    one, other = fleet
    assert other.hot_path()["kill_switch"] is False
    started = time.monotonic()
    assert one.call("PUT", "/v1/kill-switch", {"value": True, "reason": "fleet drill"})[0] == 200
    wait_for(lambda: other.hot_path()["kill_switch"] is True, timeout=1.0)
    assert time.monotonic() - started < 1.0  # from the request that set it (polling alone takes up to 2 s)
    code, health = other.call("GET", "/health")
    assert code == 200 and health["kill_switch"] is True
    assert one.call("PUT", "/v1/kill-switch", {"value": False})[0] == 200
    wait_for(lambda: other.hot_path()["kill_switch"] is False, timeout=1.0)


def test_a_projects_own_mode_wins_over_the_fleets(fleet: list[Member]) -> None:
    one, other = fleet
    assert one.call("PUT", "/v1/mode", {"mode": "off", "scope": "billing-service"})[0] == 200
    wait_for(lambda: other.hot_path()["mode"] == "off", timeout=1.0)
    assert one.hot_path()["mode"] == "shadow"  # the fleet's, unchanged
    code, answer = other.call("GET", "/v1/mode")
    assert code == 200 and (answer["mode"], answer["mode_scope"]) == ("off", "billing-service")
    # A kill switch at * beats every project's own settings.
    assert other.call("PUT", "/v1/kill-switch", {"value": True, "reason": "all stop"})[0] == 200
    wait_for(lambda: one.hot_path()["kill_switch"] is True, timeout=1.0)
    assert "kill switch: ON" in one.cli("gate", "kill-switch", "off", "--scope", "project")  # still on at *


def test_one_log_and_one_ceiling_across_both_servers(fleet: list[Member], plan_repo: PlanRepo) -> None:
    one, other = fleet
    assert one.call("PUT", "/v1/mode", {"mode": "enforce", "force": "fleet test"})[0] == 200
    wait_for(lambda: other.hot_path()["mode"] == "enforce", timeout=1.0)

    def evaluate(i: int) -> dict[str, Any]:
        body = evaluate_body(plan_repo, session="fleet-s1", stop_text=f"I'll stop here to preserve context ({i}).")
        code, answer = fleet[i % 2].call("POST", "/v1/evaluate", body)
        assert code == 200, answer
        return dict(answer)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(evaluate, range(20)))
    assert sum(a["block"] for a in answers) == 2, answers
    events = json.loads(one.cli("gate", "log", "--json", "--tail", "100"))
    assert len(events) == 20  # every request is one event, whichever server took it
    assert sum(e["decision"] == "continue" for e in events) == 2
    assert {(e["project"], e["host"]) for e in events} == {
        ("project", socket.gethostname()),
        ("billing-service", socket.gethostname()),
    }
    assert os.path.exists(one.root / ".stopwarden" / "stopwarden.db") is False  # the store is PostgreSQL

    # The operator's view of the fleet, narrowed to one project or one host.
    theirs = json.loads(one.cli("gate", "log", "--json", "--project", "billing-service"))
    assert theirs and {e["project"] for e in theirs} == {"billing-service"} and len(theirs) == 10
    assert json.loads(one.cli("gate", "log", "--json", "--host", "elsewhere")) == []
    code, listed = other.call("GET", "/v1/events?project=project&limit=100")
    assert code == 200 and len(listed) == 10 and {e["project"] for e in listed} == {"project"}
    mine = json.loads(one.cli("gate", "report", "--format", "json", "--project", "project"))
    everyone = json.loads(one.cli("gate", "report", "--format", "json"))
    assert mine["project"] == "project" and everyone["project"] is None
    assert sum(sum(d["decisions"].values()) for d in mine["days"]) == 10
    assert sum(sum(d["decisions"].values()) for d in everyone["days"]) == 20
    assert "for project project" in one.cli("gate", "report", "--project", "project")


def test_an_idle_server_holds_only_its_listen_connection_and_runs_no_statement(
    fleet: list[Member], postgres_cluster: postgres.Cluster
) -> None:
    """Once its pool has idled out, each server holds the one connection it LISTENs on, and runs no
    statement at all, though it keeps its hooks' hot-path file fresh; a change still reaches it."""
    if not postgres_cluster.counts_statements:
        pytest.skip("no pg_stat_statements in this PostgreSQL")
    url = fleet[0].store_url
    wait_for(lambda: sorted(a for a, _ in postgres.connections(url)) == ["stopwarden-listen"] * 2,
             timeout=PG_POOL_IDLE_S + 5)  # fmt: skip
    before, written = postgres.statements(url), [m.hot_path()["written_at"] for m in fleet]
    time.sleep(HOT_PATH_REFRESH_S + 1)
    assert postgres.statements(url) == before
    assert all(m.hot_path()["written_at"] > w for m, w in zip(fleet, written, strict=True))  # still refreshed
    assert len(postgres.connections(url)) == 2
    assert fleet[0].call("PUT", "/v1/kill-switch", {"value": True, "reason": "idle drill"})[0] == 200
    wait_for(lambda: fleet[1].hot_path()["kill_switch"] is True, timeout=1.0)
