"""The stop-gate router in the Stop hook, after the build gate (SPEC §5.1).

In order: a stop that follows a block is let through (one continuation per stop sequence); then the
hot-path state (mode, kill switch) from `.stopwarden/hot-path.json`, or one GET when it is older than
10 s (mode off or no server: let through, with no further I/O); the evidence from git; one POST to
`/v1/evaluate`, for every stop: the server's stop-act classifier decides what a stop is (`forwards`).
Only an answer with `block: true` blocks, with the server's reminder.
Every other way out allows, and `.stopwarden/hook.log` says why.
"""

import posix
import time

from stopwarden.common.names import HOT_PATH_FILE, REMINDER_PREFIX, STATE_DIR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from stopwarden.hooks.payload import HookEvent

HOT_PATH_TTL_S = 10.0
HOT_PATH_TIMEOUT_S = 0.3
EVIDENCE_BUDGET_S = 0.4
DEFAULT_EVALUATE_S = 3.5
# A long stop is sent clipped (its start and, above all, its end, where the stop act is) and judged like
# any other: the server refuses a body over 256 KiB, and a refused stop would leave no event.
MAX_STOP_TEXT = 16 * 1024
MAX_EVALUATE_S = 30.5  # the slowest authority's budget (claude-cli, 20 s) and then some; never more
UNREADABLE = f"{HOT_PATH_FILE} cannot be read (a running server rewrites it within seconds)"


def check(event: "HookEvent", root: str) -> "tuple[str | None, str]":
    """(the reminder to block with, or None to allow; what the log should say)."""
    # Every stop text is forwarded (see forwards): it is read only once the gate wants it, since reading
    # it can mean waiting for the client to write its transcript (Copilot CLI, agents/copilot.py).
    forwarded, why = forwards("", event.stop_hook_active)
    if not forwarded:
        return None, why
    try:  # one stat before any import: in a project whose server never ran, this is the whole cost
        posix.lstat(f"{root}/{STATE_DIR}/{HOT_PATH_FILE}")
    except OSError:
        return None, "gate unavailable: no server has run here"
    state, unavailable = hot_path(root)
    if state is None:
        return None, f"gate unavailable: {unavailable}"
    if state.get("kill_switch"):
        return None, "kill switch on"
    if state.get("mode") not in ("shadow", "enforce"):
        return None, f"mode {state.get('mode')}"
    start = session_start(root, event)
    if start is None:
        return None, "no_session_start: the artifacts cannot be classified"
    from stopwarden.common import http
    from stopwarden.common.clip import clip
    from stopwarden.common.project import checkout_of
    from stopwarden.hooks import evidence, transcript
    from stopwarden.state import files

    found = evidence.collect(checkout_of(event.cwd, root), start, EVIDENCE_BUDGET_S, root)
    body = {
        "session_id": event.session_id,
        "agent": event.agent,
        "evidence": {"artifacts": found["artifacts"], "session_commits": found["session_commits"],
                     "session_start": start},
        "untrusted": {"stop_text": clip(event.stop_text, MAX_STOP_TEXT),
                      "recent_turns": [{"source": "user", "text": clip(t, MAX_STOP_TEXT)}
                                       for t in transcript.recent_user_turns(event.transcript_path, event.agent)]},
    }  # fmt: skip
    try:
        token = files.read_token(root)
        code, answer = http.request(state["port"], "POST", "/v1/evaluate", token, body, state["evaluate_timeout_s"])
    except (OSError, ValueError, TypeError) as e:
        return None, f"gate unavailable: evaluate failed ({e})"
    if code != 200 or not isinstance(answer, dict):
        return None, f"gate unavailable: evaluate answered {code}"
    ruled = answer.get("rule") or answer.get("short_circuit") or answer.get("fail_open")
    summary = f"stop gate {answer.get('decision')} {ruled} in {state.get('mode')} (event {answer.get('event_id')})"
    reminder = answer.get("reminder")
    if answer.get("block") is True and _is_reminder(reminder):
        return reminder, summary
    return None, summary


def forwards(stop_text: str, stop_hook_active: bool) -> "tuple[bool, str]":
    """Whether a stop goes to the server at all, and why not (issue 19).

    Every stop does, once the mode is shadow or enforce (checked next, from the hot-path file): the
    commonest early stop says what comes next and ends the turn, with no word a cheap detector could
    key on, so any filter here would cap what the server can see, and a stop the server never sees is
    a miss no review can find. The one exception is the stop right after a block: one continuation per
    stop sequence. `stopwarden eval` applies this same function.
    """
    if stop_hook_active:
        return False, "stop_hook_active: one continuation per stop sequence"
    return True, ""


def _is_reminder(text: object) -> "bool":
    """Only a template reminder may reach the agent: whatever answers on our port, the hook prints no
    other text (a stale config can point it at another project's server, or at something else)."""
    return isinstance(text, str) and text.startswith(REMINDER_PREFIX) and len(text) < 600 and "\n" not in text


def hot_path(root: str) -> "tuple[dict[str, Any] | None, str]":
    """The gate's mode and kill switch, the server's port and how long to wait for it; or None, and why.

    From `hot-path.json` while it is fresh: the server writes it (and only the server: it holds nothing of
    one session's, issue 18) on every change and every few seconds while it runs. Stale, the server is
    asked, and its answer used for this stop alone. Port and timeout come from the file, never from an
    answer, and every value is clamped: a file or an answer can be wrong, not dangerous.
    """
    from stopwarden.state import files

    cached, mtime = files.read_hot_path(root)
    if cached is None:
        return None, UNREADABLE  # the file is there (checked before), but no JSON object of ours
    try:
        port = int(cached["port"])
        timeout = float(cached.get("evaluate_timeout_s", DEFAULT_EVALUATE_S))
    except (KeyError, ValueError, TypeError):
        return None, UNREADABLE
    if not 0 < port < 65536:
        return None, UNREADABLE
    state = {"port": port, "evaluate_timeout_s": min(max(timeout, 0.5), MAX_EVALUATE_S),
             "mode": cached.get("mode"), "kill_switch": cached.get("kill_switch") is True}  # fmt: skip
    asked_at = time.time()
    if asked_at - mtime < HOT_PATH_TTL_S:
        return state, ""
    answer = _ask(root, port, "/v1/hot-path")
    if answer is None:
        return None, "no server answers"
    rewritten, mtime = files.read_hot_path(root)
    if rewritten is not None and mtime > asked_at:  # the server wrote it while we asked: a setting changed
        answer = rewritten
    return {**state, "mode": answer.get("mode"), "kill_switch": answer.get("kill_switch") is True}, ""


def _ask(root: str, port: int, path: str) -> "dict[str, Any] | None":
    """One signed GET to our server; None when it cannot be had or proven (the caller allows)."""
    from stopwarden.common import http
    from stopwarden.state import files

    try:
        code, answer = http.request(port, "GET", path, files.read_token(root), timeout=HOT_PATH_TIMEOUT_S)
    except (OSError, ValueError):
        return None
    return answer if code == 200 and isinstance(answer, dict) else None


def session_start(root: str, event: "HookEvent") -> "float | None":
    """When the session started (SPEC §5.3): as our SessionStart hook recorded it, else the transcript's
    first timestamp (a lower bound), else unknown. Both are local reads. The server learns a session's
    start from the same SessionStart hook that writes the record, so asking it (one GET, a fifth of a
    stop that is not forwarded) told nothing the record did not, unless the record was lost."""
    from stopwarden.common.timefmt import parse_iso
    from stopwarden.state import files

    record = files.session_record(root, event.session_id)
    if record and isinstance(record.get("started_at"), str):
        started = parse_iso(record["started_at"])
        if started is not None:
            return started
    from stopwarden.hooks import transcript

    return parse_iso(transcript.first_timestamp(event.transcript_path)) if event.transcript_path else None
