"""Each location goes to one backend of the registry: a PostgreSQL URL to PostgreSQL, anything else to a
SQLite file (store/backends.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stopwarden.common.names import STORE_URL_SCHEMES
from stopwarden.store import backends
from stopwarden.store.store import Store


@pytest.mark.parametrize("scheme", STORE_URL_SCHEMES)
def test_a_url_of_each_scheme_is_postgresql(scheme: str) -> None:
    assert backends.for_location(f"{scheme}user@db.example/stopwarden").name == "postgresql"


@pytest.mark.parametrize("path", ["/srv/store.db", "relative/store.db", "postgres.db", "./postgresql:/x"])
def test_any_other_location_is_a_sqlite_file(path: str) -> None:
    assert backends.for_location(path).name == "sqlite"


def test_the_sqlite_fallback_is_asked_last() -> None:
    assert backends.BACKENDS[-1].name == "sqlite"
    assert all(backend.name != "sqlite" for backend in backends.BACKENDS[:-1])


def test_a_store_reports_the_backend_that_opened_it(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "s.db"))
    try:
        assert store.backend == backends.for_location(str(tmp_path / "s.db")).name
    finally:
        store.close()
