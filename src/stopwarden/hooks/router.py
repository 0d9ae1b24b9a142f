"""The stop-gate router in the Stop hook, after the build gate (SPEC §5.1).

In order: a stop that follows a block is let through (one continuation per stop sequence); no signal
in the stop text lets it through with no further I/O (the common path); then the hot-path state (mode,
kill switch) from `.stopwarden/hot-path.json`, or one GET when it is older than 10 s; the evidence from
git; one POST to `/v1/evaluate`. Only an answer with `block: true` blocks, with the server's reminder.
Every other way out allows, and `.stopwarden/hook.log` says why.
"""

import posix
import time

from stopwarden import fastjson, signals
from stopwarden.names import HOT_PATH_FILE, REMINDER_PREFIX
from stopwarden.project import checkout_of
from stopwarden.state import files
from stopwarden.timefmt import parse_iso

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from stopwarden.hooks.payload import HookEvent

HOT_PATH_TTL_S = 10.0
HOT_PATH_TIMEOUT_S = 0.3
EVIDENCE_BUDGET_S = 0.4


def check(event: "HookEvent", root: str) -> "tuple[str | None, str]":
    """(the reminder to block with, or None to allow; what the log should say)."""
    if event.stop_hook_active:
        return None, "stop_hook_active: one continuation per stop sequence"
    fired = signals.detect(event.stop_text, _last_commit_age(root, event.stop_text))
    if not fired:
        return None, "no signal"
    state = hot_path(root, event.session_id)
    if state is None:
        return None, "gate unavailable: no server answers"
    if state.get("kill_switch"):
        return None, "kill switch on"
    if state.get("mode") not in ("shadow", "enforce"):
        return None, f"mode {state.get('mode')}"
    start = session_start(root, event, state)
    if start is None:
        return None, "no_session_start: the artifacts cannot be classified"
    from stopwarden.hooks import evidence, http, transcript

    found = evidence.collect(checkout_of(event.cwd, root), start, EVIDENCE_BUDGET_S)
    body = {
        "session_id": event.session_id,
        "agent": event.agent,
        "evidence": {"artifacts": found["artifacts"], "session_commits": found["session_commits"],
                     "session_start": start},
        "untrusted": {"stop_text": event.stop_text,
                      "recent_turns": [{"source": "user", "text": t} for t in transcript.recent_user_turns(
                          event.transcript_path, event.agent)]},
    }  # fmt: skip
    try:
        code, answer = http.request(
            int(state["port"]), "POST", "/v1/evaluate", _token(root), body, float(state.get("evaluate_timeout_s", 3.5))
        )
    except (OSError, KeyError, ValueError, TypeError) as e:
        return None, f"gate unavailable: evaluate failed ({e})"
    if code != 200 or not isinstance(answer, dict):
        return None, f"gate unavailable: evaluate answered {code}"
    why = answer.get("rule") or answer.get("short_circuit") or answer.get("fail_open")
    summary = f"stop gate {answer.get('decision')} {why} in {state.get('mode')} (event {answer.get('event_id')})"
    reminder = answer.get("reminder")
    if answer.get("block") is True and _is_reminder(reminder):
        return reminder, summary
    return None, summary


def _is_reminder(text: object) -> "bool":
    """Only a template reminder may reach the agent: whatever answers on our port, the hook prints no
    other text (a stale config can point it at another project's server, or at something else)."""
    return isinstance(text, str) and text.startswith(REMINDER_PREFIX) and len(text) < 600 and "\n" not in text


def hot_path(root: str, session_id: str) -> "dict[str, Any] | None":
    """The gate's mode and kill switch: from the file when fresh, else from the server (refreshing the file)."""
    cached, mtime = files.read_hot_path(root)
    if cached is None or "port" not in cached:
        return None  # no server has ever run here
    fresh = time.time() - mtime < HOT_PATH_TTL_S
    path = files.state_dir(root) + "/" + HOT_PATH_FILE
    if fresh:
        return cached
    from stopwarden.hooks import http

    asked_at = time.time()
    try:
        code, answer = http.request(
            int(cached["port"]), "GET", f"/v1/hot-path?session={_query(session_id)}", _token(root),
            timeout=HOT_PATH_TIMEOUT_S,
        )  # fmt: skip
    except (OSError, ValueError, TypeError):
        return None
    if code != 200 or not isinstance(answer, dict):
        return None
    try:
        rewritten = posix.stat(path).st_mtime > asked_at
    except OSError:
        rewritten = False
    if rewritten:  # the server wrote the file while we asked (a setting changed): its copy is the newer
        return files.read_hot_path(root)[0]
    state = {**cached, **answer, "written_at": time.time()}
    _write_json(path, state)
    return state


def session_start(root: str, event: "HookEvent", state: "dict[str, Any]") -> "float | None":
    """When the session started: as our SessionStart hook recorded it, else as the server knows it, else
    the transcript's first timestamp (a lower bound), else unknown."""
    record = files.session_record(root, event.session_id)
    if record and isinstance(record.get("started_at"), str):
        started = parse_iso(record["started_at"])
        if started is not None:
            return started
    if isinstance(state.get("session_start"), (int, float)):
        return float(state["session_start"])
    from stopwarden.hooks import transcript

    return parse_iso(transcript.first_timestamp(event.transcript_path)) if event.transcript_path else None


def _last_commit_age(root: str, stop_text: str) -> "float | None":
    """Seconds since HEAD last moved (the reflog's mtime), only asked for very short stop texts."""
    if len(stop_text.strip()) > signals.QUIET_CHARS:
        return None
    try:
        return time.time() - posix.stat(f"{root}/.git/logs/HEAD").st_mtime
    except OSError:
        return None


def _query(value: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else f"%{ord(c):02X}" for c in value[:200] if ord(c) < 128)


def _token(root: str) -> str:
    try:
        return files.read_token(root)
    except OSError:
        return ""


def _write_json(path: str, value: object) -> None:
    from stopwarden.atomic import write_atomic

    try:
        write_atomic(path, (fastjson.dumps(value) + "\n").encode("utf-8"), 0o600)
    except OSError:
        pass  # a read-only folder: the next hook asks the server again
