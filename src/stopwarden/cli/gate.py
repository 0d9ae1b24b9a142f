"""`stopwarden gate …`: watch and steer the stop gate (SPEC §7.2).

Changes go through the server when it runs (it owns the hot-path file and its caches), and straight to
the store when it does not, through the same functions; reads come from the store, so they work with
the server down. `gate log` asks the running server first (cli/quick.py, where it is answered without
click): the store's layer (SQLAlchemy) costs many times the answer, and the server has it loaded.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from stopwarden.cli import quick
from stopwarden.cli.output import colour, emit, emit_escaped, json_option, warn, warning_row
from stopwarden.common import termsafe, timefmt
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import AUTHORITIES, DECISIONS
from stopwarden.common.project import require_root


@contextmanager
def _local() -> Iterator[tuple[Any, Any]]:
    """The project's config and an open store, for commands that work without the server."""
    from stopwarden.common import config as config_module
    from stopwarden.store import schema
    from stopwarden.store.store import Store

    root = require_root(os.getcwd())
    config = config_module.load(root)
    # Migrations are the server's business at start: a command migrates only a database that is behind
    # (a write lock, taken only then), never one a running server already brought up to date.
    store = Store.open(config.store_location, migrate=False)
    if store.schema_version() < schema.LATEST:  # a new project, or one whose server has not run since
        if store.backend == "postgresql":  # shared: upgrading it is a decision for `store migrate`, not a read
            store.close()
            raise StopwardenError(
                "the shared database's schema is older than this stopwarden's",
                hint="run `stopwarden store migrate` once every server sharing it runs this version",
            )
        store.migrate()
    try:
        yield config, store
    finally:
        store.close()


def _api(method: str, path: str, body: Any = None, refusal_ok: bool = False) -> Any | None:
    """The server's answer, or None when it is not running. A refusal becomes a StopwardenError, or None
    with `refusal_ok` (for the commands that make the gate safer, which then write the store directly)."""
    from stopwarden.common import config as config_module
    from stopwarden.common import http
    from stopwarden.server.process import read_token

    root = require_root(os.getcwd())
    port = config_module.load(root).port
    try:
        code, answer = http.request(port, method, path, read_token(root), body, timeout=5)
    except OSError:
        return None
    if code >= 400 and refusal_ok:
        warn(f"the server on port {port} refused ({code}); writing the setting to the store directly")
        return None
    if code >= 400:
        detail = answer.get("detail", "") if isinstance(answer, dict) else ""
        raise StopwardenError(detail or f"the server answered {code}", hint="see `stopwarden gate status`")
    return answer


@click.group()
def gate() -> None:
    """Watch and steer the stop gate: mode, kill switch, decision log, breaker."""


@gate.command()
@json_option
def status(as_json: bool) -> None:
    """Mode, kill switch, authority, breaker, whether the server runs, and today's decisions.

    \b
    Example:
      stopwarden gate status
    """
    from stopwarden.gate.status import gate_status

    running = _api("GET", "/health") is not None
    with _local() as (config, store):
        data = gate_status(store, config, os.environ, time.time())
    data["server"] = {"running": running, "port": config.port}
    today = ", ".join(f"{k} {v}" for k, v in sorted(data["today"].items())) or "none"
    kill = f"ON ({data['kill_switch_reason']}){_in_force(data, 'kill_switch_scope')}" if data["kill_switch"] else "off"
    if data["kill_switch"] and not data["kill_switch_reason"]:
        kill = f"ON{_in_force(data, 'kill_switch_scope')}"
    source = data["mode_source"]
    lines = [
        f"mode: {data['mode']}{' (forced: ' + data['forced_reason'] + ')' if data['forced_reason'] else ''}"
        f"{_in_force(data, 'mode_scope')} ({source['says']})",
        *([f"note: {source['note']}"] if source["note"] else []),
        f"kill switch: {kill}",
        f"authority: {data['authority']} (breaker {_breaker_text(data)})",
    ]
    painted = colour()
    rows = [termsafe.line(row) for row in lines]
    rows += [warning_row(problem, painted) for problem in data["authority_problems"]]
    rows += [termsafe.line(f"server: {'running' if running else 'not running'} on 127.0.0.1:{config.port}"),
             termsafe.line(f"decisions today: {today}")]  # fmt: skip
    emit_escaped(as_json, data, "\n".join(rows))


def _breaker_text(data: dict[str, Any]) -> str:
    """The breaker's state, and when it is not closed why: its failures in a row and the last one's kind."""
    text = str(data["breaker"])
    last = data["last_failure"]
    if data["breaker"] != "closed":
        text += f": {data['breaker_failures']} failures in a row"
    if last and (data["breaker"] != "closed" or data["authority_problems"]):
        when = timefmt.local(last["ts"])
        text += f"; last failure {last['kind']} at {when}"
    return text


def scope_option(f: Any) -> Any:
    return click.option(
        "--scope",
        default="*",
        show_default=True,
        help="Where the change applies: * (every project sharing the store; with SQLite, this project) or "
        "one project's name, whose own mode wins over *'s.",
    )(f)


def _in_force(answer: dict[str, Any], scope_key: str) -> str:
    """Where the setting in force here comes from, when that is not plainly `*`."""
    scope = answer.get(scope_key) or ""
    return f" (set for project {scope})" if scope not in ("", "*") else ""


@gate.command()
@click.argument("mode", type=click.Choice(["off", "shadow", "enforce"]), required=False)
@click.option("--force", metavar="REASON", help="Switch to enforce although readiness is not met (logged).")
@scope_option
@json_option
def mode(mode: str | None, force: str | None, scope: str, as_json: bool) -> None:
    """Set the gate's mode: off, shadow (judge and log, never block) or enforce; without MODE, show it.

    enforce is refused until the readiness thresholds are met, unless --force REASON. It prints the mode
    in force for this project afterwards, which a project's own mode can hold apart from the fleet's.

    \b
    Example:
      stopwarden gate mode shadow
      stopwarden gate mode enforce --scope billing-service
    """
    from stopwarden.gate import settings

    if mode is None:
        with _local() as (config, store):
            current = settings.read(store, config.project).as_dict()
            source = settings.mode_source(store, config)
        shown = {"mode": current["mode"], "mode_scope": current["mode_scope"], "mode_source": source}
        text = [f"mode: {current['mode']}{_in_force(current, 'mode_scope')} ({source['says']})"]
        emit(as_json, shown, termsafe.lines(text + ([f"note: {source['note']}"] if source["note"] else [])))
        return
    body = {"mode": mode, "force": force, "scope": scope}
    answer = _api("PUT", "/v1/mode", body, refusal_ok=mode == "off")
    if answer is None:
        with _local() as (config, store):
            answer = settings.set_mode(store, config, mode, force or "", scope).as_dict()
    note = f" (forced: {force})" if force and mode == "enforce" else ""
    emit(as_json, answer, termsafe.line(f"mode: {answer['mode']}{note}{_in_force(answer, 'mode_scope')}"))


@gate.command(name="kill-switch")
@click.argument("state", type=click.Choice(["on", "off"]), required=False)
@click.option("--reason", default="", help="Why (shown by `gate status`).")
@scope_option
@json_option
def kill_switch(state: str | None, reason: str, scope: str, as_json: bool) -> None:
    """Turn the kill switch on (no gate blocks, no authority is called) or off; without STATE, show it.

    On at * it stops every gate sharing the store (with PostgreSQL, on every machine within a second).

    \b
    Example:
      stopwarden gate kill-switch on --reason "investigating a false block"
    """
    from stopwarden.gate import settings

    if state is None:
        with _local() as (config, store):
            current = settings.read(store, config.project)
        shown = {"value": current.kill_switch, "scope": current.kill_switch_scope, "reason": current.kill_switch_reason}
        why = f" ({current.kill_switch_reason})" if current.kill_switch_reason else ""
        emit(as_json, shown, termsafe.line(f"kill switch: {'ON' + why if current.kill_switch else 'off'}"))
        return
    on = state == "on"
    answer = _api("PUT", "/v1/kill-switch", {"value": on, "reason": reason, "scope": scope}, refusal_ok=on)
    if answer is None:
        with _local() as (config, store):
            current = settings.set_kill_switch(store, config, on, reason, scope)
            answer = {"value": current.kill_switch, "scope": current.kill_switch_scope,
                      "reason": current.kill_switch_reason}  # fmt: skip
    still = f" (still on: set at scope {answer['scope']})" if answer["value"] and not on else ""
    emit(as_json, answer, termsafe.line(f"kill switch: {'ON' if answer['value'] else 'off'}{still}"))


@gate.command()
@click.option(
    "--tail", type=click.IntRange(min=1), default=quick.DEFAULT_TAIL, show_default=True, help="The last N decisions."
)
@click.option("--decision", type=click.Choice(DECISIONS))
@click.option("--project", help="Only this project's decisions (a store a fleet shares holds them all).")
@click.option("--host", help="Only the decisions of the server on this machine name.")
@click.option("--since", help="Only decisions this recent: 30m, 12h, 7d, 2w (or an epoch time).")
@click.option(
    "--follow", "-f", is_flag=True, help="Keep printing new decisions as they arrive, oldest first (Ctrl-C stops)."
)
@json_option
def log(tail: int, decision: str | None, project: str | None, host: str | None, since: str | None,
        follow: bool, as_json: bool) -> None:  # fmt: skip
    """The decision log, newest first (from the running server, else from the store: works with it down).

    With --follow, the last --tail decisions oldest first, then each new one as it arrives (the server, or
    else the store, is asked every second), the same filters applied; with --json, one JSON object a line.

    \b
    Example:
      stopwarden gate log --tail 5 --decision continue
      stopwarden gate log --project billing-service --host build-07
      stopwarden gate log --since 2h --decision escalate
      stopwarden gate log --follow --decision continue
    """
    from stopwarden.gate.since import parse_since

    start = None if since is None else parse_since(since, time.time())
    if follow:
        _follow(tail, decision, project, host, start, as_json)
        return
    events = quick.log_events(tail, decision, project, host, start)
    if events is None:  # no server of ours answers, and the store needs opening (or is PostgreSQL)
        with _local() as (_, store):
            found = store.events(tail, decision, start, project=project, host=host)
            events = [quick.event_fields(e) for e in found]
    click.echo(quick.log_text(events, as_json, colour()))


FOLLOW_POLL_S = 1.0
# An event is stored once decided, with the time its stop arrived: up to an authority's budget (under 30 s)
# earlier. Each poll asks for the decisions of the last two minutes before the newest one seen, and prints
# those it has not printed yet.
FOLLOW_LATE_S = 120.0


def _follow(tail: int, decision: str | None, project: str | None, host: str | None, start: float | None,
            as_json: bool) -> None:  # fmt: skip
    """`gate log --follow`: print the last `tail` decisions, oldest first, then every new one, until Ctrl-C
    (exit 0, nothing said) or a reader that goes away (`| head`). The running server is asked, else the
    SQLite file is read (as `gate log` does, each time: the server may start or stop meanwhile), else the
    store is opened once and kept."""
    from contextlib import ExitStack

    painted = colour()
    seen: dict[Any, float] = {}  # event id -> its time, for the decisions still inside the window asked for
    places: set[tuple[Any, Any]] = set()  # the projects and hosts shown: one more column once there are two
    with ExitStack() as stack:
        opened: list[Any] = []

        def fetch(limit: int, since: float | None) -> list[dict[str, Any]]:
            events = quick.log_events(limit, decision, project, host, since)
            if events is None:
                if not opened:
                    opened.append(stack.enter_context(_local())[1])
                found = opened[0].events(limit, decision, since, project=project, host=host)
                events = [quick.event_fields(e) for e in found]
            return events

        def show(events: list[dict[str, Any]]) -> None:
            new = [e for e in reversed(events) if e["event_id"] not in seen]  # oldest first on the screen
            for event in new:
                seen[event["event_id"]] = float(event["ts"])
                places.add((event["project"], event["host"]))
            fleet = len(places) > 1  # as `gate log` shows them: once they differ
            for event in new:
                click.echo(termsafe.dumps(event, indent=None) if as_json else quick.log_row(event, fleet, painted))

        try:
            show(fetch(tail, start))
            while True:
                time.sleep(FOLLOW_POLL_S)
                newest = max(seen.values(), default=time.time())
                since = max(newest - FOLLOW_LATE_S, start or 0.0)
                show(fetch(quick.SERVED_EVENTS, since))
                for event_id in [k for k, ts in seen.items() if ts < since]:
                    del seen[event_id]
        except KeyboardInterrupt:
            return
        except BrokenPipeError:  # the reader is gone: nothing left to say, and nobody to say it to
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return


@gate.command()
@click.option("--since", default="7d", show_default=True, help="How far back: 30m, 12h, 7d, 2w.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="json: the same as --json (kept for scripts written before it).")  # fmt: skip
@click.option("--project", help="Report on this project only, readiness included (default: every project).")
@json_option
def report(since: str, fmt: str, project: str | None, as_json: bool) -> None:
    """Decisions per day, rules, failures, latency, annotation precision and readiness for enforce.

    \b
    Example:
      stopwarden gate report --since 7d
      stopwarden gate report --project billing-service
    """
    from stopwarden.gate import report as reporting
    from stopwarden.gate.since import parse_since

    with _local() as (config, store):
        start = parse_since(since, time.time())
        data = reporting.build(store, start, config.min_dwell_s, project)
    emit(as_json or fmt == "json", data, reporting.table(data))


@gate.command()
@click.option("--decision", type=click.Choice(["continue", "allow", "escalate", "force_allow"]), help="Only these.")
@click.option("--operator", default=None, help="Your name in the annotations (default: your login name).")
@json_option
def review(decision: str | None, operator: str | None, as_json: bool) -> None:
    """Annotate the decisions one at a time, newest first: correct, incorrect or unclear, with a reason.

    A verdict given sooner than `[review] min_dwell_s` (15 s) after the event was shown is refused: read
    it first. `q` quits. The events readiness counts come first; short-circuits and failures with no
    verdict come last, marked. With --json, prints the events still waiting, in that order, each with
    `counts`, and exits (for scripts).

    \b
    Example:
      stopwarden gate review --decision continue
    """
    import getpass

    from stopwarden.cli import review as reviewing

    with _local() as (config, store):
        if as_json:
            emit(True, reviewing.queue(store, decision, 1000), "")
            return
        reviewing.run(store, decision, operator or getpass.getuser(), config.min_dwell_s)


@gate.command(name="export")
@click.option("--annotated", is_flag=True, help="The operator's annotated events, labelled for `stopwarden eval`.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the cases to FILE (0600), not stdout.")
@click.option("--project", help="Only this project's events (a store a fleet shares holds them all).")
@json_option
def export(annotated: bool, output: str | None, project: str | None, as_json: bool) -> None:
    """Export the annotated decisions as labelled stops (JSON Lines) that `stopwarden eval` takes.

    Each event an operator judged correct keeps its decision as the expected one; a `continue` judged
    incorrect becomes `allow`, an `allow` or `escalate` judged incorrect (a missed continue) becomes
    `continue`; unclear ones are left out. Texts are redacted. The store keeps an event's evidence pointer,
    not its evidence: where no plan or progress commit was recorded, the case gets placeholders (marked
    `"evidence": "placeholder"`), so eval judges the stop text. With --output, prints what it wrote.

    \b
    Example:
      stopwarden gate export --annotated --output annotated.jsonl
      stopwarden eval annotated.jsonl
    """
    from stopwarden.common.atomic import write_atomic
    from stopwarden.gate import evaluation

    if not annotated:
        raise click.UsageError("say what to export: --annotated (the operator's annotated events)")
    with _local() as (_, store):
        cases, unlabelled = evaluation.export_cases(store.annotated_events(project))
    text = "".join(termsafe.dumps(case, indent=None) + "\n" for case in cases)
    if output is None:
        click.echo(text, nl=False)
        if unlabelled:
            warn(f"{unlabelled} annotated as unclear: left out")
        return
    write_atomic(output, text.encode("utf-8"), 0o600)
    counts = {label: sum(1 for c in cases if c["expected"]["decision"] == label) for label in evaluation.LABELS}
    data = {"output": output, "cases": len(cases), "unclear": unlabelled, "labels": counts}
    labels = ", ".join(f"{k} {v}" for k, v in counts.items())
    emit(as_json, data, termsafe.line(f"wrote {len(cases)} labelled stops ({labels}) to {output}; "
                                      f"{unlabelled} unclear left out"))  # fmt: skip


@gate.command(name="authority")
@click.argument("name", type=click.Choice(list(AUTHORITIES)), required=False)
@click.option(
    "--skip-check",
    is_flag=True,
    help="Choose it although its key or command is missing here (the server's environment has it).",
)
@json_option
def authority(name: str | None, skip_check: bool, as_json: bool) -> None:
    """Choose the authority that judges stops: rules (offline), anthropic, openai, claude-cli, or a
    cascade (rules+anthropic, rules+openai, rules+claude-cli: the rules, and the model where they abstain);
    without NAME, show the one in use.

    A model's authority is refused when this environment lacks its key (ANTHROPIC_API_KEY, OPENAI_API_KEY;
    none is needed with a base_url) or its command (claude): without it every stop would fail open. Writes
    `[gate] authority` in .stopwarden/config.toml (keeping the rest of the file as it is), notes the change
    in the operator log, and restarts the server if it runs. Settings of an authority go in
    `[authority.NAME]`.

    \b
    Example:
      stopwarden gate authority claude-cli
    """
    import tomlkit

    from stopwarden.common import config as config_module
    from stopwarden.common.atomic import write_atomic
    from stopwarden.common.names import CONFIG_FILE, STATE_DIR
    from stopwarden.gate import credentials
    from stopwarden.server import process
    from stopwarden.state import files

    root = require_root(os.getcwd())
    before = config_module.load(root)
    if name is None:
        problems = credentials.problems(before.authority, before.authority_options, os.environ)
        data = {"authority": before.authority, "timeout_s": before.authority_timeout_s, "problems": problems}
        shown = f"authority: {before.authority} (budget {before.authority_timeout_s:g} s)"
        emit_escaped(as_json, data, "\n".join([termsafe.line(shown), *[warning_row(p, colour()) for p in problems]]))
        return
    problems = credentials.problems(name, before.authority_options, os.environ)
    if problems and not skip_check:
        raise StopwardenError(
            f"the {name} authority cannot be called from here: " + "; ".join(problems),
            hint="set it in the environment the server starts from and run this again, or add --skip-check",
        )
    path = os.path.join(root, STATE_DIR, CONFIG_FILE)
    document = tomlkit.parse(files.read_config(root).decode("utf-8"))  # never through a link, capped
    document.setdefault("gate", tomlkit.table())["authority"] = name
    write_atomic(path, tomlkit.dumps(document).encode("utf-8"), os.stat(path).st_mode & 0o777)
    config = config_module.load(root)  # refuses a config the change made invalid (it cannot, but check)
    if before.authority != name:
        with _local() as (_, store):
            skipped = f" (checks skipped: {'; '.join(problems)})" if problems else ""
            store.log_operator("authority", f"{before.authority} -> {name}{skipped}", time.time())
    restarted = False
    if process.status(root)["running"]:
        process.stop(root)
        process.start(root)
        restarted = True
    data = {"authority": name, "timeout_s": config.authority_timeout_s, "restarted": restarted, "problems": problems}
    note = "; the server was restarted" if restarted else ""
    shown = f"authority: {name} (budget {config.authority_timeout_s:g} s){note}"
    emit_escaped(as_json, data, "\n".join([termsafe.line(shown), *[warning_row(p, colour()) for p in problems]]))


@gate.command(name="reset-breaker")
@json_option
def reset_breaker(as_json: bool) -> None:
    """Close the authority's circuit breaker by hand.

    \b
    Example:
      stopwarden gate reset-breaker
    """
    from stopwarden.gate import breaker

    answer = _api("POST", "/v1/breaker/reset")
    if answer is None:
        with _local() as (config, store):
            breaker.reset(store, config.authority)
            answer = {"authority": config.authority, "breaker": "closed"}
    emit(as_json, answer, termsafe.line(f"breaker of {answer['authority']}: {answer['breaker']}"))
