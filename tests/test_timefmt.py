"""Times (issue 21): people read local time with its zone, and every time in a JSON document stopwarden
writes is UTC ISO 8601 to the millisecond, written by `timefmt.iso` alone and read back by `parse_iso`."""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stopwarden.common import timefmt

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@given(st.floats(min_value=timefmt.EARLIEST, max_value=timefmt.LATEST, allow_nan=False))
def test_iso_round_trips_to_the_millisecond(t: float) -> None:
    text = timefmt.iso(t)
    assert ISO.fullmatch(text), text
    back = timefmt.parse_iso(text)
    assert back is not None and abs(back - t) < 0.001, (t, text, back)
    assert timefmt.iso(back) == text  # read back and written again: the same string
    # The calendar is datetime's, independently of parse_iso.
    moment = EPOCH + timedelta(milliseconds=round(t * 1000))
    assert text == f"{moment:%Y}".zfill(4) + f"{moment:-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_milliseconds_are_exact(ms: int) -> None:
    t = ms / 1000
    if timefmt.EARLIEST <= t <= timefmt.LATEST:
        assert timefmt.parse_iso(timefmt.iso(t)) == pytest.approx(t, abs=1e-6)
    else:  # no four-digit year holds it: the nearest time that one does
        assert timefmt.iso(t) in ("0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z")


def test_known_times() -> None:
    assert timefmt.iso(0) == "1970-01-01T00:00:00.000Z"
    assert timefmt.iso(1796289123.123) == "2026-12-03T09:12:03.123Z"
    assert timefmt.iso(951782400) == "2000-02-29T00:00:00.000Z"
    assert timefmt.iso(-0.0004) == "1970-01-01T00:00:00.000Z" and timefmt.iso(-0.0006) == "1969-12-31T23:59:59.999Z"
    assert timefmt.iso(59.9996) == "1970-01-01T00:01:00.000Z"  # to the nearest millisecond, carried over
    assert timefmt.iso(math.inf) == "9999-12-31T23:59:59.999Z" and timefmt.iso(-math.inf) == "0001-01-01T00:00:00.000Z"
    with pytest.raises(ValueError):
        timefmt.iso(math.nan)


def test_now_iso_is_iso_of_now() -> None:
    before = time.time()
    now = timefmt.now_iso()
    after = time.time()
    parsed = timefmt.parse_iso(now)
    assert ISO.fullmatch(now) and parsed is not None and before - 0.001 <= parsed <= after + 0.001


def test_a_person_reads_a_json_time_in_local_time_with_its_zone() -> None:
    t = 1796289123.123
    assert timefmt.local_iso(timefmt.iso(t)) == timefmt.local(t)
    assert timefmt.local_iso(timefmt.iso(t), seconds=False) == timefmt.local(t, seconds=False)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", timefmt.local_iso(timefmt.iso(t)))
