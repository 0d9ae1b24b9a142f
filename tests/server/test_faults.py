"""Faults the server must survive: every request still answers within its budget, lets the agent stop,
and names what went wrong (SPEC §9)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine

from stopwarden.common import config as config_module
from stopwarden.gate import settings
from stopwarden.store.store import Store
from tests.server.conftest import PlanRepo, evaluate_body, run_server

BUDGET_S = 3.0  # the authority's budget; the hook waits slightly longer than this

HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(30)
"""


def test_a_database_locked_by_another_process(installed: Path, plan_repo: PlanRepo) -> None:
    for server in run_server(installed):
        db = installed / ".stopwarden" / "stopwarden.db"
        holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db)], stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
            began = time.monotonic()
            code, body = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))
            elapsed = time.monotonic() - began
        finally:
            holder.kill()
            holder.wait()
        assert code == 200 and elapsed < BUDGET_S
        assert (body["decision"], body["block"], body["fail_open"]) == ("allow", False, "store_unavailable")
        # and once the lock is gone, it works again
        assert server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, session="s2"))[1]["fail_open"] is None


def test_a_read_only_disk(installed: Path, plan_repo: PlanRepo) -> None:
    db = installed / ".stopwarden" / "stopwarden.db"
    writable = Store.open(str(db))
    settings.first_start(writable, config_module.load(str(installed)), healthy=True)
    settings.set_mode(writable, config_module.load(str(installed)), "enforce", force="test")
    writable.close()
    read_only = Store(create_engine(f"sqlite:///file:{db}?mode=ro&uri=true"))
    for server in run_server(installed, store=read_only):
        began = time.monotonic()
        code, body = server.call("POST", "/v1/evaluate", evaluate_body(plan_repo))
        assert code == 200 and time.monotonic() - began < BUDGET_S
        assert (body["decision"], body["block"], body["fail_open"]) == ("allow", False, "store_unavailable")
        assert server.call("GET", "/health")[0] == 200
