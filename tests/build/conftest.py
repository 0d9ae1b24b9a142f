from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def me(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build commands run as session "me", the owner tests stamp by default (`--owner-session me`):
    a session changes only its own build."""
    monkeypatch.setenv("STOPWARDEN_SESSION_ID", "me")
