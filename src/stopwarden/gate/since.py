"""How far back a command or the API looks, and the times a query parameter takes: `--since 7d` (`gate
report`, `gate log`, `GET /v1/report`), `GET /v1/events?since=`, `GET /v1/report?day_starts=`. Its own module
so that `gate log` can read it without the report's store and settings imports.

A time is ISO 8601, as JSON carries every time (common/timefmt.py), or epoch seconds, which scripts written
before that convention send."""

from __future__ import annotations

import re

from stopwarden.common.errors import StopwardenError
from stopwarden.common.timefmt import parse_iso

UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# ISO 8601 as timefmt.parse_iso reads it: a date, then a time (seconds required, a fraction optional) and a
# zone (Z or ±HH:MM; none: UTC); a date alone is its UTC midnight. Only real months, days, hours and minutes
# match, so a time the pattern (and so the OpenAPI schema) admits always parses.
_DATE = r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_CLOCK = r"([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?"
_ZONE = r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?"
TIME = rf"(\d{{1,12}}(\.\d{{1,6}})?|{_DATE}(T{_CLOCK}{_ZONE})?)"  # epoch seconds, or ISO 8601
TIME_PATTERN = rf"^{TIME}$"
SINCE_PATTERN = rf"^(\d{{1,9}}[mhdw]|{TIME})$"  # a duration ago, or a time


def parse_time(text: str) -> float | None:
    """Seconds since the epoch of epoch seconds ("1764750723.5") or of an ISO 8601 time
    ("2026-12-03T08:32:03.500Z", "2026-12-03T09:32:03+01:00", "2026-12-03"); None for anything else."""
    text = text.strip()
    if not re.fullmatch(TIME, text):
        return None
    if "-" not in text:
        return float(text)
    return parse_iso(text if "T" in text else text + "T00:00:00Z")


def parse_since(text: str, now: float) -> float:
    """ "7d", "12h", "30m", "2w" (ago), or a time (`parse_time`); a clear error otherwise."""
    text = text.strip()
    if re.fullmatch(r"\d{1,9}[mhdw]", text):
        return now - int(text[:-1]) * UNITS[text[-1]]
    start = parse_time(text)
    if start is None:
        raise StopwardenError(
            f"bad --since {text!r}", hint="use a duration such as 7d, 12h or 30m, or a time (ISO 8601 or epoch seconds)"
        )
    return start
