"""`stopwarden gate log|report|review|export`: the decision log, read and judged (SPEC §7.2).

Reads come from the store, so they work with the server down; `gate log` asks the running server first
(cli/quick.py, where it is answered without click): the store's layer (SQLAlchemy) costs many times the
answer, and the server has it loaded. cli/gate.py adds these commands to the `gate` group.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import click

from stopwarden.cli import quick
from stopwarden.cli.local import local_store
from stopwarden.cli.output import colour, emit, json_option, warn
from stopwarden.common import termsafe, timefmt
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import DECISIONS


def _filter(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A filter without the spaces around it (quick.filter_value); one no store holds is an error: bytes that
    are not UTF-8 (a cold review: a crash without a server, "no decision matches" with one), or a blank."""
    if value is None:
        return None
    found = quick.filter_value(value)
    if found is None:
        raise click.BadParameter("is not valid UTF-8" if not quick.is_utf8(value) else "is blank")
    return found


@click.command()
@click.option(
    "--tail", type=click.IntRange(min=1), default=quick.DEFAULT_TAIL, show_default=True, help="The last N decisions."
)
@click.option("--decision", type=click.Choice(DECISIONS))
@click.option(
    "--project", callback=_filter, help="Only this project's decisions (a store a fleet shares holds them all)."
)
@click.option("--host", callback=_filter, help="Only the decisions of the server on this machine name.")
@click.option(
    "--session", callback=_filter, help="Only this session's decisions: its id, or the start of it followed by *."
)
@click.option(
    "--since",
    help="Only decisions this recent: 30m, 12h, 7d, 2w, or since a time (ISO 8601, local time without a zone, "
    "or epoch seconds).",
)
@click.option(
    "--follow", "-f", is_flag=True, help="Keep printing new decisions as they arrive, oldest first (Ctrl-C stops)."
)
@json_option
def log(tail: int, decision: str | None, project: str | None, host: str | None, session: str | None,
        since: str | None, follow: bool, as_json: bool) -> None:  # fmt: skip
    """The decision log, newest first (from the running server, else from the store: works with it down).

    With --follow, the last --tail decisions oldest first, then each new one as it arrives (the server, or
    else the store, is asked every second), the same filters applied; with --json, one JSON object a line.

    \b
    Example:
      stopwarden gate log --tail 5 --decision continue
      stopwarden gate log --project billing-service --host build-07
      stopwarden gate log --since 2h --decision escalate
      stopwarden gate log --session '9f3c*'
      stopwarden gate log --follow --decision continue
    """
    from stopwarden.gate.since import parse_since

    start = None if since is None else parse_since(since, time.time(), local=True)
    if follow:
        _follow(tail, decision, project, host, session, start, as_json)
        return
    events = quick.log_events(tail, decision, project, host, start, session)
    if events is None:  # no server of ours answers, and the store needs opening (or is PostgreSQL)
        with local_store() as (_, store):
            found = store.events(tail, decision, start, session, project=project, host=host)
            events = [quick.event_fields(e) for e in found]
    filtered = any(option is not None for option in (decision, project, host, session, since))
    click.echo(quick.log_text(events, as_json, colour(), filtered))


FOLLOW_POLL_S = 1.0
# An event is stored once decided, with the time its stop arrived: up to an authority's budget (under 30 s)
# earlier. Each poll asks for the decisions of the last two minutes before the newest one seen, and prints
# those it has not printed yet.
FOLLOW_LATE_S = 120.0


def _follow(tail: int, decision: str | None, project: str | None, host: str | None, session: str | None,
            start: float | None, as_json: bool) -> None:  # fmt: skip
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
            events = quick.log_events(limit, decision, project, host, since, session)
            if events is None:
                if not opened:
                    opened.append(stack.enter_context(local_store())[1])
                found = opened[0].events(limit, decision, since, session, project=project, host=host)
                events = [quick.event_fields(e) for e in found]
            return events

        def show(events: list[dict[str, Any]], after: int = -1) -> None:
            # Oldest first on the screen; only events stored after `after` (ids grow as events are stored).
            new = [e for e in reversed(events) if e["event_id"] not in seen and e["event_id"] > after]
            for event in new:  # each as `gate log --json` prints it: its time in ISO 8601
                ts = event["ts"]
                seen[event["event_id"]] = (timefmt.parse_iso(ts) if isinstance(ts, str) else None) or time.time()
                places.add((event["project"], event["host"]))
            fleet = len(places) > 1  # as `gate log` shows them: once they differ
            for event in new:
                click.echo(termsafe.dumps(event, indent=None) if as_json else quick.log_row(event, fleet, painted))

        try:
            show(fetch(tail, start))
            # The window of each poll reaches back before the last `tail` shown: the decisions older than
            # those were left out on purpose, and only one stored since may be printed.
            shown = max(seen, default=-1)
            while True:
                time.sleep(FOLLOW_POLL_S)
                newest = max(seen.values(), default=time.time())
                since = max(newest - FOLLOW_LATE_S, start or 0.0)
                show(fetch(quick.SERVED_EVENTS, since), shown)
                for event_id in [k for k, ts in seen.items() if ts < since]:
                    del seen[event_id]
        except KeyboardInterrupt:
            return
        except BrokenPipeError:  # the reader is gone: nothing left to say, and nobody to say it to
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return


@click.command()
@click.option(
    "--since",
    default="7d",
    show_default=True,
    help="How far back: 30m, 12h, 7d, 2w, or a time (ISO 8601, local time without a zone, or epoch seconds).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="json: the same as --json (kept for scripts written before it).")  # fmt: skip
@click.option(
    "--project", callback=_filter, help="Report on this project only, readiness included (default: every project)."
)
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

    with local_store() as (config, store):
        start = parse_since(since, time.time(), local=True)
        data = reporting.as_json(reporting.build(store, start, config.min_dwell_s, project))
    emit(as_json or fmt == "json", data, reporting.table(data))


@click.command()
@click.option("--decision", type=click.Choice(["continue", "allow", "escalate", "force_allow"]), help="Only these.")
@click.option("--operator", default=None, help="Your name in the annotations (default: your login name).")
@json_option
def review(decision: str | None, operator: str | None, as_json: bool) -> None:
    """Annotate the decisions one at a time, newest first: correct, incorrect or unclear, with a reason.

    A verdict given sooner than `[review] min_dwell_s` (15 s) after the event was shown is refused: read
    it first. `q` quits. The events readiness counts come first; short-circuits and failures with no
    verdict come last, marked. With --json, prints the events still waiting, in that order, each as `gate log
    --json` gives it (with `counts`), and exits (for scripts).

    \b
    Example:
      stopwarden gate review --decision continue
    """
    import getpass

    from stopwarden.cli import review as reviewing

    with local_store() as (config, store):
        if as_json:
            emit(True, [quick.event_fields(e) for e in reviewing.queue(store, decision, 1000)], "")
            return
        reviewing.run(store, decision, operator or getpass.getuser(), config.min_dwell_s)


@click.command(name="export")
@click.option("--annotated", is_flag=True, help="The operator's annotated events, labelled for `stopwarden eval`.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the cases to FILE (0600), not stdout.")
@click.option("--project", callback=_filter, help="Only this project's events (a store a fleet shares holds them all).")
@json_option
def export(annotated: bool, output: str | None, project: str | None, as_json: bool) -> None:
    """Export the annotated decisions as labelled stops (JSON Lines) that `stopwarden eval` takes.

    Each event an operator judged correct keeps its decision as the expected one; a `continue` judged
    incorrect becomes `allow`, an `allow` or `escalate` judged incorrect (a missed continue) becomes
    `continue`; unclear ones are left out. Texts are redacted. With nothing to export, exits 1 and writes
    nothing. The store keeps an event's evidence pointer,
    not its evidence: where no plan or progress commit was recorded, the case gets placeholders (marked
    `"evidence": "placeholder"`), so eval judges the stop text. With --output, prints what it wrote. With
    --json and no --output, prints one document, `{"cases": [...], "unclear": N}`, instead of the lines.

    \b
    Example:
      stopwarden gate export --annotated --output annotated.jsonl
      stopwarden eval annotated.jsonl
    """
    from stopwarden.common.atomic import write_atomic
    from stopwarden.gate import evaluation

    if not annotated:
        raise click.UsageError("say what to export: --annotated (the operator's annotated events)")
    with local_store() as (_, store):
        cases, unlabelled = evaluation.export_cases(store.annotated_events(project))
    if not cases:  # an empty file would overwrite a good one, and `eval` of it would pass over nothing
        whose = f" of project {termsafe.line(project)}" if project else ""
        unclear = f" ({unlabelled} annotated as unclear)" if unlabelled else ""
        raise StopwardenError(
            f"nothing to export: no decision of the authority{whose} annotated correct or incorrect{unclear}",
            hint="annotate decisions first: stopwarden gate review (those it marks NOT COUNTED, short circuits "
            "and failures, are not exported)",
        )
    if output is None and as_json:
        emit(True, {"cases": cases, "unclear": unlabelled}, "")
        return
    text = "".join(termsafe.dumps(case, indent=None) + "\n" for case in cases)
    if output is None:
        click.echo(text, nl=False)
        if unlabelled:
            warn(f"{unlabelled} annotated as unclear: left out")
        return
    try:
        write_atomic(output, text.encode("utf-8"), 0o600)
    except OSError as e:  # name the file asked for, not the temporary one beside it
        raise StopwardenError(
            f"cannot write {termsafe.line(output)}: {e.strerror or e}",
            hint="write it into a folder that exists and you may write to",
        ) from None
    counts = {label: sum(1 for c in cases if c["expected"]["decision"] == label) for label in evaluation.LABELS}
    data = {"output": output, "cases": len(cases), "unclear": unlabelled, "labels": counts}
    labels = ", ".join(f"{k} {v}" for k, v in counts.items())
    emit(as_json, data, termsafe.line(f"wrote {len(cases)} labelled stops ({labels}) to {output}; "
                                      f"{unlabelled} unclear left out"))  # fmt: skip
