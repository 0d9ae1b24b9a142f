"""A real gate server for route tests: uvicorn on a free loopback port, in a thread of the test process,
over the project's real SQLite store. Requests go over real HTTP with the hook's own client."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from stopwarden.common import config as config_module
from stopwarden.common import http
from stopwarden.gate import settings
from stopwarden.gate.service import Gate
from stopwarden.server.app import create_app
from stopwarden.server.control import read_token
from stopwarden.store.store import Store
from tests.conftest import git


@dataclass
class Server:
    root: Path
    port: int
    token: str
    store: Store
    gate: Gate

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        return http.request(self.port, method, path, self.token if token is None else token, body, timeout=10)


def run_server(root: Path, gate_factory: Any = Gate, store: Store | None = None) -> Iterator[Server]:
    config = config_module.load(str(root))
    if store is None:
        store = Store.open(str(root / ".stopwarden" / "stopwarden.db"))
        settings.first_start(store, config, healthy=True)
    gate = gate_factory(config, store)
    app = create_app(config, store, gate, read_token(str(root)))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=config.port, log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield Server(root, config.port, read_token(str(root)), store, gate)
    finally:
        server.should_exit = True
        thread.join(10)
        gate.close()
        store.close()


@pytest.fixture
def server(installed: Path) -> Iterator[Server]:
    yield from run_server(installed)


@dataclass
class PlanRepo:
    plan: str
    plan_commit: str
    progress_commit: str
    session_start: float


def make_plan_repo(installed: Path) -> PlanRepo:
    """A plan committed before the session, and a commit made in it that moves the plan on."""
    plans = installed / "docs" / "plans"
    plans.mkdir(parents=True)
    (plans / "billing.md").write_text("# Billing\n1. schema\n2. API\n3. UI\n")
    git(installed, "add", "docs")
    git(installed, "commit", "-qm", "plan")
    plan_commit = git(installed, "rev-parse", "HEAD").strip()
    session_start = time.time()
    (plans / "billing.md").write_text("# Billing\n1. schema (done)\n2. API\n3. UI\n")
    git(installed, "commit", "-qam", "step 1")
    return PlanRepo("docs/plans/billing.md", plan_commit, git(installed, "rev-parse", "HEAD").strip(), session_start)


CONTEXT_STOP = "Step 1 is committed. To preserve context I'll stop here; a fresh session can do the rest."


def evaluate_body(repo: PlanRepo, session: str = "s1", stop_text: str = "", **overrides: Any) -> dict[str, Any]:
    artifact = {"path": repo.plan, "introducingCommit": repo.plan_commit, "latestCommit": repo.progress_commit,
                "createdThisSession": False, "modifiedThisSession": True}  # fmt: skip
    body = {
        "session_id": session,
        "agent": "claude-code",
        "evidence": {"artifacts": [artifact], "session_start": repo.session_start},
        "untrusted": {
            "stop_text": stop_text or CONTEXT_STOP,
            "recent_turns": [{"source": "user", "text": "Implement the plan end to end."}],
        },
    }
    body.update(overrides)
    return body
