"""The review page's files are served with `Cache-Control: no-cache`: after an upgrade a browser asks again
and never runs an old app.js against the new API (the JSON times changed shape in
issue 21; a cold review found the page could keep the old script by a browser's heuristic caching)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.conftest import Server, run_server


@pytest.fixture
def server(installed: Path) -> Iterator[Server]:
    yield from run_server(installed)


@pytest.mark.parametrize("path", ["/", "/static/app.js"])
def test_the_page_and_its_script_are_never_used_from_cache_unasked(server: Server, path: str) -> None:
    answer = httpx.get(f"http://127.0.0.1:{server.port}{path}", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-cache"
