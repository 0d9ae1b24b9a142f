"""`stopwarden store migrate | check` through the real CLI, on both backends, and the store's place in
the config (`[store] url`, `$STOPWARDEN_STORE_URL`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stopwarden.common import config as config_module
from stopwarden.store import schema
from tests import postgres


@pytest.fixture
def on_backend(installed: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The installed project, its store on the test's backend; returns how `store check` names it."""
    if store_url.startswith("postgresql://"):
        monkeypatch.setenv("STOPWARDEN_STORE_URL", store_url)
        config_module.approve_store(str(installed))  # the operator's own variable, approved once per machine
        return store_url
    return str(installed / ".stopwarden" / "stopwarden.db")  # no URL: the project's own SQLite file


def test_check_then_migrate_then_check(on_backend: str, cli: Any) -> None:
    before = cli("store", "check")
    if on_backend.startswith("postgresql://"):  # a shared database: migrating it is the operators' decision
        assert before.code == 1 and f"needs {schema.LATEST}: run `stopwarden store migrate`" in before.out
    else:  # the project's own new file: its server creates the tables at its first start (an operator review)
        assert before.code == 0 and "empty: the server creates its tables at its first start" in before.out
    migrated = cli("store", "migrate", "--json")
    assert migrated.code == 0, migrated.err
    assert json.loads(migrated.out) | {"applied": []} == {"store": on_backend, "from": 0, "to": schema.LATEST,
                                                          "applied": []}  # fmt: skip
    assert "already at schema version" in cli("store", "migrate").out
    after = json.loads(cli("store", "check", "--json").out)
    assert after["ok"] and after["schema_version"] == schema.LATEST and after["round_trip_ms"] < 1000


def test_an_unreachable_database_fails_the_check_quickly(
    installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOPWARDEN_STORE_URL", f"postgresql://gate:s3cret@127.0.0.1:{postgres.free_port()}/db")
    approved = cli("store", "approve")
    assert approved.code == 0 and "$STOPWARDEN_STORE_URL = postgresql://gate:***@127.0.0.1:" in approved.out
    assert "s3cret" not in approved.out
    assert "no server runs in this checkout: it uses them when it starts" in approved.out  # no restart asked
    result = cli("store", "check")
    assert result.code == 1 and result.out.startswith("FAIL postgresql://gate:***@127.0.0.1:")
    assert "s3cret" not in result.out + result.err
    status = cli("gate", "status")  # what the gate does meanwhile, in the hint (an operator review: nothing)
    assert status.code == 1 and "the database is unreachable" in status.err
    assert "hint: meanwhile the gate lets every stop through" in status.err


def test_the_committed_config_never_holds_a_password(installed: Path, cli: Any) -> None:
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + '\n[store]\nurl = "postgresql://gate:s3cret@db.internal/stopwarden"\n')
    result = cli("store", "check")
    assert result.code == 1 and "[store] url holds a password" in result.err and "~/.pgpass" in result.err
    config.write_text(config.read_text().replace("gate:s3cret@", "gate@").replace('stopwarden"', 'sw?password=s3cret"'))
    assert "[store] url holds a password" in cli("store", "check").err
    config.write_text(config.read_text().replace("?password=s3cret", "").replace("postgresql://", "postgresql:/"))
    refused = cli("store", "check")
    assert "must be a postgresql:// URL" in refused.err and "gate@" not in refused.err  # never echoed
    # The URL a server LISTENs on (a pooling proxy's fleet) is held to the same rule.
    config.write_text(config.read_text().replace("postgresql:/", "postgresql://")
                      + 'listen_url = "postgresql://gate:s3cret@db.internal/stopwarden"\n')  # fmt: skip
    assert "[store] listen_url holds a password" in cli("store", "check").err
