"""The times a command's `--since` and the API's query parameters take (gate/since.py): a duration ago, ISO
8601 (as JSON carries times), or epoch seconds (as scripts written before that send)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stopwarden.common import timefmt
from stopwarden.common.errors import StopwardenError
from stopwarden.gate.since import SINCE_PATTERN, TIME_PATTERN, parse_since, parse_time

NOW = 1796289123.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1796289123", 1796289123.0),
        ("1796289123.123", 1796289123.123),
        ("0", 0.0),
        ("2026-12-03T09:12:03.123Z", 1796289123.123),
        ("2026-12-03T10:12:03.123+01:00", 1796289123.123),
        ("2026-12-03T00:12:03.123-09:00", 1796289123.123),
        ("2026-12-03T09:12:03", 1796289120.0 + 3),  # no zone: UTC
        ("2026-12-03", 1796256000.0),  # a date alone: its UTC midnight
        (" 2026-12-03T09:12:03Z ", 1796289123.0),
    ],
)
def test_a_time_is_iso_8601_or_epoch_seconds(text: str, expected: float) -> None:
    assert parse_time(text) == pytest.approx(expected, abs=1e-6)
    assert parse_since(text, NOW) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "-5", "1e9", "2026-13-01", "2026-12-03T25:00:00Z", "2026-12-03T09:12Z", "12/03/2026",
     "2026-02-31", "2026-04-31", "2026-02-29", "1900-02-29", "\u0661\u0662\u0663", "2026-12-03 09:36:23 +0100"],
)  # fmt: skip
def test_anything_else_is_refused(text: str) -> None:
    """Impossible days, not 3 March; digits of other scripts; the CLI's own display form only for the CLI."""
    assert parse_time(text) is None
    with pytest.raises(StopwardenError, match="bad --since"):
        parse_since(text, NOW)


def test_a_duration_is_that_long_ago() -> None:
    assert [parse_since(d, NOW) for d in ("30m", "12h", "7d", "2w")] == [
        NOW - 1800, NOW - 43200, NOW - 7 * 86400, NOW - 14 * 86400
    ]  # fmt: skip


@given(st.from_regex(TIME_PATTERN, fullmatch=True))
def test_every_time_the_schema_admits_parses(text: str) -> None:
    """The API's schema states these patterns: whatever a client (or schemathesis) sends that matches is
    answered, never refused for a time that does not parse."""
    assert parse_time(text) is not None


@given(st.from_regex(SINCE_PATTERN, fullmatch=True))
def test_every_since_the_schema_admits_parses(text: str) -> None:
    parse_since(text, NOW)


@given(st.floats(min_value=0, max_value=timefmt.LATEST, allow_nan=False))
def test_what_json_carries_is_read_back(t: float) -> None:
    assert parse_time(timefmt.iso(t)) == pytest.approx(t, abs=0.001)


@pytest.mark.parametrize("text", ["2024-02-29", "2000-02-29", "2026-04-30", "2026-12-31"])
def test_real_days_at_a_months_end_are_times(text: str) -> None:
    assert parse_time(text) is not None


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield None
    monkeypatch.undo()
    time.tzset()


def test_the_cli_reads_a_time_without_a_zone_as_local_time(new_york: None) -> None:
    """Every readable line of the CLI shows local time; its --since takes local time too (a cold review:
    "--since 2026-12-03" in New York meant 19:00 the day before). The API keeps UTC."""
    midnight = 1796274000.0  # 2026-12-03T00:00:00-05:00
    assert parse_since("2026-12-03", NOW, local=True) == midnight
    assert parse_since("2026-12-03T09:12:03", NOW, local=True) == midnight + 9 * 3600 + 12 * 60 + 3
    assert parse_since("2026-12-03T09:12:03Z", NOW, local=True) == 1796289123.0  # a zone says which
    assert parse_since("2026-12-03", NOW) == 1796256000.0  # the API: UTC
    assert parse_since("2026-07-01", NOW, local=True) == 1782878400.0  # summer: -04:00


def test_the_cli_takes_the_time_it_shows(new_york: None) -> None:
    shown = timefmt.local(1796289123.0)
    assert shown == "2026-12-03 04:12:03 -0500"
    assert parse_since(shown, NOW, local=True) == 1796289123.0
    assert parse_since(timefmt.local(1796289123.0, seconds=False), NOW, local=True) == 1796289120.0
