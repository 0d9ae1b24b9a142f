"""What the stop gate reads from the agent's transcript (SPEC §3.1, §5.3, §12): the last real user turns,
and the first timestamp as a lower bound of the session start.

Every agent writes JSON Lines, each in its own shape: which lines are real user turns is the agent
module's `user_turns` (stopwarden/agents/). None of these files is a stable interface: every line is read
defensively, and garbage is skipped.
"""

import posix

from stopwarden.agents import dialect
from stopwarden.common import fastjson

TAIL_BYTES = 256 * 1024
MAX_TURNS = 3
MAX_CHARS = 2000
# Where a transcript's first line says when it started: Claude Code and Codex stamp every line, Gemini's
# chat file opens with a metadata line holding `startTime`.
TIMESTAMP_FIELDS = ("timestamp", "startTime")


def recent_user_turns(path: str | None, agent: str = "claude-code") -> list[str]:
    """The last ≤ 3 real user turns, oldest first, each clamped to 2000 characters."""
    return [turn[:MAX_CHARS] for turn in dialect(agent).user_turns(tail_lines(path), MAX_TURNS)]


def first_timestamp(path: str | None) -> str:
    """The timestamp of the first line that has one (ISO 8601), or "" when there is none."""
    if not path:
        return ""
    try:
        fd = posix.open(path, posix.O_RDONLY)
    except OSError:
        return ""
    try:
        head = posix.read(fd, 64 * 1024).decode("utf-8", "replace")
    finally:
        posix.close(fd)
    for line in head.splitlines()[:20]:
        record = fastjson.object_or_none(line)
        for field in TIMESTAMP_FIELDS:
            if record and isinstance(record.get(field), str):
                return str(record[field])
    return ""


def tail_lines(path: str | None, follow: bool = True) -> list[str]:
    """The whole lines in the last TAIL_BYTES of the file; [] when it cannot be read. Without `follow`, a
    link at its last component is not followed (nor is a FIFO waited on): the file must be the agent's."""
    if not path:
        return []
    flags = posix.O_RDONLY if follow else posix.O_RDONLY | posix.O_NOFOLLOW | posix.O_NONBLOCK
    try:
        fd = posix.open(path, flags)
    except OSError:
        return []
    try:
        info = posix.fstat(fd)
        if info.st_mode & 0o170000 != 0o100000:  # not a regular file (a folder, a FIFO): nothing to read
            return []
        size = info.st_size
        start = max(0, size - TAIL_BYTES)
        posix.lseek(fd, start, 0)
        data = b""
        while len(data) < size - start:
            chunk = posix.read(fd, size - start - len(data))
            if not chunk:
                break
            data += chunk
    finally:
        posix.close(fd)
    lines = data.decode("utf-8", "replace").splitlines()
    return lines[1:] if start and lines else lines  # the first line of a tail is usually cut
