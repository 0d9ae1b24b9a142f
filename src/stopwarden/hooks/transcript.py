"""What the stop gate reads from the agent's transcript (SPEC §3.1, §5.3, §12.1): the last real user turns,
and the first timestamp as a lower bound of the session start.

Claude Code writes JSON Lines; a user turn is a `user` line that is not `isMeta` (a Stop-hook block is
recorded as an `isMeta` user line, "Stop hook feedback: …") and whose content is not a tool result.
Codex's rollout file is JSON Lines of `{timestamp, type, payload}`; a user turn is a `response_item`
message of role `user` with `input_text`, not its `<environment_context>` or a `<hook_prompt …>` block.
Neither file is a stable interface: every line is read defensively, and garbage is skipped.
"""

import posix

from stopwarden import fastjson

TAIL_BYTES = 256 * 1024
MAX_TURNS = 3
MAX_CHARS = 2000


def recent_user_turns(path: str | None, agent: str = "claude-code") -> list[str]:
    """The last ≤ 3 real user turns, oldest first, each clamped to 2000 characters."""
    reader = _codex_user_text if agent == "codex" else _user_text
    turns: list[str] = []
    for line in reversed(_tail_lines(path)):
        text = reader(line)
        if text:
            turns.append(text[:MAX_CHARS])
            if len(turns) == MAX_TURNS:
                break
    return turns[::-1]


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
        record = _parse(line)
        if record and isinstance(record.get("timestamp"), str):
            return str(record["timestamp"])
    return ""


def _tail_lines(path: str | None) -> list[str]:
    if not path:
        return []
    try:
        fd = posix.open(path, posix.O_RDONLY)
    except OSError:
        return []
    try:
        size = posix.fstat(fd).st_size
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


def _parse(line: str) -> "dict[str, object] | None":
    try:
        record = fastjson.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _user_text(line: str) -> str:
    if '"user"' not in line:  # most lines are not user turns: skip them before parsing
        return ""
    record = _parse(line)
    if not record or record.get("type") != "user" or record.get("isMeta"):
        return ""
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        text = content
    elif isinstance(content, list):
        if any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
            return ""
        text = "\n".join(str(b.get("text", "")) for b in content if isinstance(b, dict) and b.get("type") == "text")
    else:
        return ""
    if text.startswith(("Stop hook feedback:", "<command-", "<local-command")):
        return ""
    return text.strip()


CODEX_WRAPPERS = ("<environment_context>", "<hook_prompt", "<user_instructions>", "<turn_aborted>")


def _codex_user_text(line: str) -> str:
    if '"user"' not in line:
        return ""
    record = _parse(line)
    payload = record.get("payload") if record and record.get("type") == "response_item" else None
    if not isinstance(payload, dict) or payload.get("type") != "message" or payload.get("role") != "user":
        return ""
    content = payload.get("content")
    parts = content if isinstance(content, list) else []
    text = "\n".join(
        str(p.get("text", "")) for p in parts if isinstance(p, dict) and p.get("type") == "input_text"
    ).strip()
    return "" if text.startswith(CODEX_WRAPPERS) else text
