"""The commands answered without click: `stopwarden --version`, `build status [--json]` and `gate log` (from
the running server, or else from a SQLite store read with `sqlite3` alone).

Agents run `build status` after most steps of a build, and importing click alone costs about four
interpreter starts, more than any of these answers (issue 20). So these argument lists, in their plain
spelling (each option once, `--opt VALUE`), are answered here from the standard library. Only a success
is: any other arguments, and any error or a server that does not answer, return None and go to the click
path (cli/group.py), which parses, works and reports as it does for every command, so a mistyped option,
a missing build or a stopped server reads the same either way. The commands of the click path print with
these same functions, and tests/cli compare both paths to the byte.
"""

from __future__ import annotations

import os
import sys

from stopwarden import __version__
from stopwarden.common import termsafe, timefmt
from stopwarden.common.names import DECISIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def answer(args: list[str]) -> str | None:
    """What to print for `args`, or None when the click path must handle them."""
    if args[:1] == ["--no-color"]:
        termsafe.no_colour()
        args = args[1:]
    if args == ["--version"]:
        return version()
    try:
        if args[:2] == ["build", "status"] and args[2:] in ([], ["--json"]):
            return build_status(args[2:] == ["--json"])
        options = gate_log_options(args[2:]) if args[:2] == ["gate", "log"] else None
        if options is not None:
            events = log_events(options["tail"], options["decision"], options["project"], options["host"], None,
                                options["session"])  # fmt: skip
            filtered = any(options[k] for k in ("decision", "project", "host", "session"))
            return None if events is None else log_text(events, options["json"], termsafe.colour(sys.stdout), filtered)
    except Exception:  # no project, no build, a corrupt state: the click path says it
        return None
    return None


def version() -> str:
    """What click's `version_option` prints."""
    return f"stopwarden, version {__version__}"


def build_status(as_json: bool, build_id: str | None = None) -> str:
    """`build status`: where the build this session acts on stands, as lines or as its state in JSON."""
    from stopwarden.build import manager, owner
    from stopwarden.common.project import require_root

    root, caller = require_root(os.getcwd()), owner.caller_from_env(os.environ)
    state = manager.load(root, manager.select(root, caller, build_id))
    if as_json:
        return termsafe.dumps(state)
    return termsafe.block(termsafe.lines(describe(state, owner.match(state["owner"], caller))))


def protection(state: dict[str, Any]) -> str:
    p = state["protection"]
    return f"{state['size']}, {p['label']} protection: {p['reinforcements']} blocks"


def describe(state: dict[str, Any], how: str) -> list[str]:
    """A build's status, one row a line; `how` says how the caller was matched as its owner (empty: not)."""
    from stopwarden.build.manager import describe_owner
    from stopwarden.build.reason import at_next_stop

    lines = [
        f"build {state['id']}: {state['task']}",
        f"phase: {state['phase']}  ({protection(state)})",
        f"gate: {at_next_stop(state)}",
        f"owner: {describe_owner(state['owner'])}" + (f"  (you, by {how})" if how else ""),
        f"steps: {len(state['steps'])}, tests: {state['total_tests']}, "
        f"{'all passing' if state['all_passing'] else 'some failing'}",
    ]
    lines += [f"  {s['n']}. {s['description']} [{s['passing']}/{s['tests']}]" for s in state["steps"]]
    if state["worktree"]:
        lines.append(f"worktree: {state['worktree']['path']} ({state['worktree']['branch']})")
    if state["phase"] == "escalated":
        lines.append(
            f"next: once the user has answered, `stopwarden build resume` goes back to {state.get('escalated_from')}"
        )
    return lines


# --- gate log ----------------------------------------------------------------------------------------------

# The fields of an event in the decision log, in the order the API gives them (server/models.py EventOut and
# LatestAnnotation; a test keeps them equal), so `gate log --json` prints the same from the server or the store.
EVENT_FIELDS = (
    "event_id", "session_id", "agent", "ts", "mode", "decision", "rule", "fail_open_kind", "short_circuit",
    "signals", "evidence_pointer", "latency_ms", "stop_text_preview", "stop_text", "project", "host", "counts",
)  # fmt: skip
ANNOTATION_FIELDS = ("verdict", "rationale", "operator", "dwell_ms", "created_at")
SERVED_EVENTS = 1000  # the most /v1/events gives at once; a longer tail is read from the store in one query
SERVED_TIMEOUT_S = 2.0  # ours answers in milliseconds; whatever else listens there must not hold a read
DEFAULT_TAIL = 20


def gate_log_options(args: list[str]) -> dict[str, Any] | None:
    """`gate log`'s options as click would read them, from their plain spelling only; None for anything else
    (`--tail=5`, `--tail 05`, an option twice, a value that starts with a dash, an unknown word)."""
    options: dict[str, Any] = {"tail": DEFAULT_TAIL, "decision": None, "project": None, "host": None, "session": None,
                               "json": False}  # fmt: skip
    seen: set[str] = set()
    rest = list(args)
    while rest:
        word = rest.pop(0)
        name = word[2:]
        if not word.startswith("--") or name not in options or name in seen:
            return None
        seen.add(name)
        if name == "json":
            options["json"] = True
            continue
        if not rest or not rest[0] or rest[0].startswith("-"):
            return None
        value = rest.pop(0)
        if name == "tail":
            if not (value.isascii() and value.isdigit() and value[0] != "0"):
                return None
            options["tail"] = int(value)
        elif name == "decision" and value not in DECISIONS:
            return None
        elif (kept := filter_value(value)) is None:
            return None  # click's path says what is wrong with it
        else:
            options[name] = kept
    return options


def filter_value(value: str) -> str | None:
    """A `--project`, `--host` or `--session` filter as the review page takes it, without the spaces around it
    (a pasted id), a byte-order mark too, as the page's `trim()` takes it; None for one that is blank or not UTF-8,
    which no store holds."""
    trimmed = value.strip().strip("\ufeff").strip()
    return trimmed if trimmed and is_utf8(value) else None


def is_utf8(text: str) -> bool:
    """Whether an argument was UTF-8: Python reads other bytes as lone surrogates, which no store holds."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def log_events(
    tail: int,
    decision: str | None,
    project: str | None,
    host: str | None,
    since: float | None = None,
    session: str | None = None,
) -> list[Any] | None:
    """The decision log in the API's fields, from the running server or else from a SQLite store read with
    `sqlite3`; None when neither answers and the store must be opened (the click path does that)."""
    from stopwarden.common.project import require_root

    root = require_root(os.getcwd())
    asked = {"decision": decision, "project": project, "host": host, "since": since, "session": session}
    served = _served_events(root, tail, asked)
    return served if served is not None else _stored_events(root, tail, asked)


def _served_events(root: str, tail: int, asked: dict[str, Any]) -> list[Any] | None:
    """The decision log from the running server (a signed GET /v1/events); None when no server of ours
    answers it, or for a tail longer than one answer holds.

    The port comes from the port file: the config, with its TOML parser, is the store path's (and the
    port of an install older than the port file)."""
    from stopwarden.state import files

    port = files.read_port(root)
    if port is None or tail > SERVED_EVENTS:
        return None
    from stopwarden.common import http  # its socket import is for a server that may answer

    since = asked["since"]
    path = "/v1/events?" + http.query({"limit": tail, **asked, "since": None if since is None else timefmt.iso(since)})
    try:
        code, answer = http.request(port, "GET", path, files.read_token(root), timeout=SERVED_TIMEOUT_S)
    except OSError:
        return None
    if code != 200 or not isinstance(answer, list) or not all(isinstance(e, dict) for e in answer):
        return None
    return [event_fields(e) for e in answer]


def _stored_events(root: str, tail: int, asked: dict[str, Any]) -> list[Any] | None:
    """The decision log from the project's SQLite store with the standard library alone; None when the store
    is PostgreSQL or this reader cannot answer (store/sqlite_read.py)."""
    from stopwarden.common import config as config_module
    from stopwarden.store import sqlite_read

    config = config_module.load(root)
    if config.store_url:  # PostgreSQL
        return None
    found = sqlite_read.events(config.store_location, tail, **asked)
    return None if found is None else [event_fields(e) for e in found]


def event_fields(found: dict[str, Any]) -> dict[str, Any]:
    """An event as the API shows it, whether from the server or the store (which holds a few more columns, and
    its times in epoch seconds): the event of every JSON document the CLI prints, its times in UTC ISO 8601."""
    note = found.get("annotation")
    annotation = {k: note.get(k) for k in ANNOTATION_FIELDS} if isinstance(note, dict) else None
    if annotation is not None:
        annotation["created_at"] = _json_time(annotation["created_at"])
    event = {k: found.get(k) for k in EVENT_FIELDS}
    return {**event, "ts": _json_time(event["ts"]), "annotation": annotation}


def _json_time(value: Any) -> Any:
    """A time as JSON carries it: the store's epoch seconds as `timefmt.iso` writes them; the server's answer,
    already in that form, as it is."""
    return timefmt.iso(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def log_text(events: list[dict[str, Any]], as_json: bool, colour: bool = False, filtered: bool = False) -> str:
    """`gate log`: one row per decision, newest first (the project and host too when they differ), or JSON;
    with `colour`, each decision's name in its colour. `filtered`: a filter was given, so none may match
    where decisions there are."""
    if as_json:
        return termsafe.dumps(events)
    if not events:
        return "no decision matches" if filtered else "no decisions yet"
    fleet = any(e["project"] != events[0]["project"] or e["host"] != events[0]["host"] for e in events)
    return "\n".join(log_row(e, fleet, colour) for e in events)


WHY_WIDTH = 37  # the longest rule id (U1_DURABLE_ARTIFACT_CONTINUATION_SAFE): the columns after it line up
DECISION_WIDTH = max(map(len, DECISIONS))


def log_row(event: dict[str, Any], fleet: bool, colour: bool = False) -> str:
    """One decision on one line, every field we did not write escaped (a store a fleet shares, or a server,
    may hold anything); colour, when asked, only around a decision's name that is one of ours."""
    line = termsafe.line
    when = line(timefmt.local_iso(event["ts"]))
    decision = line(event["decision"])
    painted = termsafe.paint(decision, decision, colour and decision in DECISIONS)
    return (
        f"{when} #{line(event['event_id']):<5} {line(event['mode']):<7} "
        + (f"{line(event['project'])}@{line(event['host'])} " if fleet else "")
        + painted
        + " " * (DECISION_WIDTH - len(decision))
        + f' {line(_why(event)):<{WHY_WIDTH}} session={line(event["session_id"])} "{line(_preview(event))}"'
    )


PREVIEW_CHARS = 60


def _why(event: dict[str, Any]) -> str:
    """The rule, or the short circuit that decided instead, and how it failed open if it did."""
    why = event["rule"] or event["short_circuit"] or "-"
    return f"{why} ({event['fail_open_kind']})" if event["fail_open_kind"] else why


def _preview(event: dict[str, Any]) -> str:
    """The start of the stop text on one line, in double quotes (not Python's repr): newlines and tabs are
    shown by termsafe.lines, like every other character that could drive the terminal."""
    text = str(event["stop_text_preview"])
    return text[:PREVIEW_CHARS] + ("…" if len(text) > PREVIEW_CHARS else "")
