"""UTC timestamps as ISO 8601 text and back, without `datetime` or `time.strptime` (which imports `re`):
the hooks write and read them on their paths. And the one way a time is shown to a person (`local`).

The convention everywhere: people see local time with its UTC offset (`gate log`, `build log`, `gate status`,
the review, the report, the review page); JSON and files carry UTC ISO 8601 or epoch seconds."""

import time


def now_iso() -> str:
    """UTC time with millisecond precision, e.g. 2026-11-24T09:12:03.123Z."""
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t * 1000) % 1000:03d}Z"


def local(ts: float, seconds: bool = True) -> str:
    """`ts` for a person: local time with its offset, e.g. "2026-12-03 09:52:20 +0100"."""
    return time.strftime("%Y-%m-%d %H:%M:%S %z" if seconds else "%Y-%m-%d %H:%M %z", time.localtime(ts))


def local_iso(text: object) -> str:
    """A stored UTC ISO time (`now_iso`) for a person (`local`); anything else as it is."""
    ts = parse_iso(text) if isinstance(text, str) else None
    try:
        return str(text) if ts is None else local(ts)
    except (OverflowError, OSError, ValueError):  # a year the platform cannot show (a corrupt audit line)
        return str(text)


def parse_iso(text: str) -> float | None:
    """Seconds since the epoch for "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM)", or None when it is not one."""
    try:
        date, _, rest = text.strip().partition("T")
        year, month, day = (int(x) for x in date.split("-"))
        offset = 0.0
        if rest.endswith("Z"):
            rest = rest[:-1]
        elif len(rest) > 6 and rest[-6] in "+-" and rest[-3] == ":":
            sign = 1 if rest[-6] == "+" else -1
            offset = sign * (int(rest[-5:-3]) * 3600 + int(rest[-2:]) * 60)
            rest = rest[:-6]
        hours, minutes, seconds = rest.split(":")
        clock = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except ValueError:
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31 and 0 <= clock < 86401):
        return None
    return _days_from_civil(year, month, day) * 86400 + clock - offset


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm)."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468
