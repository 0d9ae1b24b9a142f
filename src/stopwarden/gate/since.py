"""How far back a command or the API looks: `--since 7d` (`gate report`, `gate log`, `GET /v1/report`).
Its own module so that `gate log` can read it without the report's store and settings imports."""

from __future__ import annotations

import re

from stopwarden.common.errors import StopwardenError

UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
SINCE_PATTERN = r"^(\d{1,9}[mhdw]|\d{1,12}(\.\d{1,6})?)$"  # a duration ago, or an epoch time


def parse_since(text: str, now: float) -> float:
    """ "7d", "12h", "30m", "2w" (ago), or an epoch number; a clear error otherwise."""
    text = text.strip()
    if not re.fullmatch(SINCE_PATTERN, text):
        raise StopwardenError(f"bad --since {text!r}", hint="use a duration such as 7d, 12h or 30m")
    if text[-1] in UNITS:
        return now - int(text[:-1]) * UNITS[text[-1]]
    return float(text)
