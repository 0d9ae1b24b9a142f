"""A committed config is the repository's: it may choose off or shadow, never enforce on its own, and
every number in it is bounded (issue 18, items 6 and 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stopwarden.common import config as config_module
from stopwarden.common.errors import StopwardenError
from stopwarden.gate import settings
from stopwarden.store.store import Store


def test_a_committed_enforce_starts_in_shadow_and_says_why(installed: Path) -> None:
    config_text = (installed / ".stopwarden" / "config.toml").read_text().replace('mode = "shadow"', 'mode = "enforce"')
    (installed / ".stopwarden" / "config.toml").write_text(config_text)
    config = config_module.load(str(installed))
    store = Store.open(str(installed / ".stopwarden" / "stopwarden.db"))
    try:
        current = settings.first_start(store, config, healthy=True)
        assert current.mode == "shadow"
        logged = [r["detail"] for r in store.operator_log(0)]
        assert any("config asks for enforce, not ready" in d for d in logged), logged
    finally:
        store.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[gate]\nretention_days = 0\n", "retention_days must be from 1"),
        ("[gate]\nretention_days = -5\n", "retention_days must be from 1"),
        ("[limits]\nper_session_hour = 0\n", "must be at least 1"),
        ("[limits]\nin_flight = 100000000\n", "must be at most"),
        ("[review]\nmin_dwell_s = -1\n", "min_dwell_s must be from 0"),
        ("[server]\nidle_exit_minutes = -1\n", "idle_exit_minutes must be from 0"),
        ("[server]\nidle_exit_minutes = 1e9\n", "idle_exit_minutes must be from 0"),
        ("[gate]\nauthority_timeout_s = 100000\n", "must be a number in"),
    ],
)
def test_every_number_is_bounded(installed: Path, text: str, message: str) -> None:
    body = (installed / ".stopwarden" / "config.toml").read_text()
    section = text.split("\n", 1)[0]
    if section in body:  # add the key to the existing table
        body = body.replace(section + "\n", text, 1)
    else:
        body += "\n" + text
    (installed / ".stopwarden" / "config.toml").write_text(body)
    with pytest.raises(StopwardenError, match=message):
        config_module.load(str(installed))
