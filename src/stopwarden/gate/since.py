"""How far back a command or the API looks, and the times a query parameter takes: `--since 7d` (`gate
report`, `gate log`, `GET /v1/report`), `GET /v1/events?since=`, `GET /v1/report?day_starts=`. Its own module
so that `gate log` can read it without the report's store and settings imports.

A time is ISO 8601, as JSON carries every time (common/timefmt.py), or epoch seconds, which scripts written
before that convention send. A time without a zone (or a date alone) is UTC for the API, where clients of
any zone meet, and local time for the CLI, whose every readable line shows local time; the CLI also takes
the form those lines print ("2026-12-03 09:36:23 +0100")."""

from __future__ import annotations

import re
import time

from stopwarden.common.errors import StopwardenError
from stopwarden.common.timefmt import parse_iso

UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# ISO 8601 as timefmt.parse_iso reads it: a date, then a time (a fraction of seconds optional) and a zone
# (Z or ±HH:MM; none: UTC, or local time for the CLI); a date alone is its midnight. Only real dates (each
# month's days, 29 February in leap years), hours and minutes match, in ASCII digits, so a time the pattern
# (and so the OpenAPI schema) admits always parses, and "2026-02-31" is refused, not read as 3 March.
_YEAR = "[0-9]{4}"
_LEAP_YEAR = "([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)"
_DATE = (
    f"({_YEAR}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|{_YEAR}-(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    f"|{_YEAR}-02-(0[1-9]|1[0-9]|2[0-8])|{_LEAP_YEAR}-02-29)"
)
_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?"
_ZONE = "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?"
TIME = rf"([0-9]{{1,12}}(\.[0-9]{{1,6}})?|{_DATE}(T{_CLOCK}{_ZONE})?)"  # epoch seconds, or ISO 8601
TIME_PATTERN = rf"^{TIME}$"
SINCE_PATTERN = rf"^([0-9]{{1,9}}[mhdw]|{TIME})$"  # a duration ago, or a time
# What the CLI's readable lines print (timefmt.local): "2026-12-03 09:36:23 +0100", seconds optional.
_SHOWN = re.compile(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d)(:\d\d)? ([+-]\d\d)(\d\d)", re.ASCII)


def parse_time(text: str, local: bool = False) -> float | None:
    """Seconds since the epoch of epoch seconds ("1764750723.5") or of an ISO 8601 time
    ("2026-12-03T08:32:03.500Z", "2026-12-03T09:32:03+01:00", "2026-12-03"); None for anything else. With
    `local` (the CLI), a time without a zone and a date alone are local time, and a time as the CLI shows it
    ("2026-12-03 09:36:23 +0100") is taken too."""
    text = text.strip()
    shown = _SHOWN.fullmatch(text) if local else None
    if shown:
        date, clock, seconds, hours, minutes = shown.groups()
        text = f"{date}T{clock}{seconds or ':00'}{hours}:{minutes}"
    if not re.fullmatch(TIME, text):
        return None
    if "-" not in text:
        return float(text)
    date, _, clock = text.partition("T")
    zoned = clock.endswith("Z") or "+" in clock or "-" in clock
    if local and not zoned:
        year, month, day = (int(x) for x in date.split("-"))
        hours, minutes, seconds = (clock or "00:00:00").split(":")
        whole = int(float(seconds))
        fields = (year, month, day, int(hours), int(minutes), whole, 0, 0, -1)  # -1: the zone's own DST rule
        return time.mktime(fields) + float(seconds) - whole
    return parse_iso(text if clock else text + "T00:00:00Z")


# What `--since` and the API's `since` take, in words: the CLI's hint and the API's 400 say the same.
FORMS = "a duration ago such as 7d, 12h or 30m, or a time (ISO 8601 or epoch seconds)"


def parse_since(text: str, now: float, local: bool = False) -> float:
    """ "7d", "12h", "30m", "2w" (ago), or a time (`parse_time`, `local` for the CLI); a clear error otherwise."""
    text = text.strip()
    if re.fullmatch("[0-9]{1,9}[mhdw]", text):
        return now - int(text[:-1]) * UNITS[text[-1]]
    start = parse_time(text, local)
    if start is None:
        raise StopwardenError(f"bad --since {text!r}", hint=f"use {FORMS}")
    return start
