"""UTC timestamps as ISO 8601 text and back, without `datetime` or `time.strptime` (which imports `re`):
the hooks write and read them on their paths. And the one way a time is shown to a person (`local`).

The convention everywhere: people see local time with its UTC offset (`gate log`, `build log`, `gate status`,
the review, the report, the review page); every time in a JSON document stopwarden writes for others to read
(the API's answers, every `--json` output, `gate export`, the build records and the audit log under
`.stopwarden/`) is UTC ISO 8601 with milliseconds, `2026-12-03T08:52:20.123Z`, written by `iso` alone. Epoch
seconds stay where only stopwarden reads them: the store's columns, the hook's requests to its own server,
`hot-path.json`. An API query parameter or a `--since` that takes a time accepts either (gate/since.py)."""

import time

# The times `iso` can write: a four-digit year, 0001 to 9999 (datetime's range too).
EARLIEST = -62135596800.0  # 0001-01-01T00:00:00.000Z
LATEST = 253402300799.999  # 9999-12-31T23:59:59.999Z


def iso(ts: float) -> str:
    """`ts` (seconds since the epoch) as JSON carries every time: UTC ISO 8601 to the nearest millisecond,
    e.g. 2026-12-03T09:12:03.123Z. A time outside the years 1 to 9999, which no such string holds, is written
    as the nearest one that does; NaN is refused (ValueError)."""
    ms = round(min(max(ts, EARLIEST), LATEST) * 1000)
    days, ms = divmod(ms, 86_400_000)
    year, month, day = _civil_from_days(days)
    seconds, ms = divmod(ms, 1000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{year:04d}-{month:02d}-{day:02d}T{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}Z"


def now_iso() -> str:
    """The time now, as `iso` writes it."""
    return iso(time.time())


def local(ts: float, seconds: bool = True) -> str:
    """`ts` for a person: local time with its offset, e.g. "2026-12-03 09:52:20 +0100"."""
    return time.strftime("%Y-%m-%d %H:%M:%S %z" if seconds else "%Y-%m-%d %H:%M %z", time.localtime(ts))


def local_iso(text: object, seconds: bool = True) -> str:
    """A UTC ISO time (`iso`: a file's, or a JSON document's) for a person (`local`); anything else as it is."""
    ts = parse_iso(text) if isinstance(text, str) else None
    try:
        return str(text) if ts is None else local(ts, seconds)
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


def _civil_from_days(days: int) -> tuple[int, int, int]:
    """(year, month, day) of the proleptic Gregorian date `days` after 1970-01-01 (Hinnant's algorithm)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, doy - (153 * mp + 2) // 5 + 1
