"""`stopwarden gate review`: the terminal side of annotation, one event at a time (SPEC §7.2)."""

from __future__ import annotations

import time
from typing import Any

import click

from stopwarden.cli.output import echo
from stopwarden.common import termsafe, timefmt
from stopwarden.store.store import Store

VERDICTS = {"c": "correct", "i": "incorrect", "u": "unclear"}


QUEUE = 200  # events fetched of each kind per round: the operator judges far fewer in one sitting


def queue(store: Store, decision: str | None, limit: int = QUEUE) -> list[dict[str, Any]]:
    """The events waiting for a verdict, in the order to judge them: first the ones readiness counts (the
    authority's verdicts), newest first; then, marked `"counts": false`, the short-circuits and the
    failures with no verdict (`no_session_start`, `unavailable`, `breaker_open`, ...), which no verdict
    moves toward enforce."""
    counted = store.events(limit, decision, annotated=False, judged=True)
    others = store.events(limit, decision, annotated=False, judged=False)
    return counted + others  # each says whether it counts (`counts`, the store's JUDGED)


def run(store: Store, decision: str | None, operator: str, min_dwell_s: float) -> None:
    skipped: set[int] = set()
    while True:
        pending = [e for e in queue(store, decision) if e["event_id"] not in skipped]
        if not pending:
            echo("Nothing left to review." if not skipped else "Nothing left to review (some skipped).")
            return
        event = pending[0]
        echo(describe(event, len(pending), sum(1 for e in pending if e["counts"])))
        shown = time.monotonic()
        while True:
            choice = _ask("verdict: [c]orrect, [i]ncorrect, [u]nclear, [s]kip, [q]uit").lower()
            if choice in ("q", "quit", _END):
                echo("Bye.")
                return
            if choice in ("s", "skip"):
                skipped.add(event["event_id"])
                break
            if choice[:1] not in VERDICTS:
                echo("Type c, i, u, s or q.")
                continue
            dwell = time.monotonic() - shown
            if dwell < min_dwell_s:
                echo(f"Too quick: {dwell:.0f} s since it was shown. Read the event (at least {min_dwell_s:g} s), "
                     "then judge it.")  # fmt: skip
                continue
            rationale = _ask("why")
            if rationale == _END:
                echo("Bye.")
                return
            if not rationale:
                echo("A verdict needs a reason.")
                continue
            store.add_annotation(
                event["event_id"], operator, VERDICTS[choice[0]], rationale, int(dwell * 1000), time.time()
            )
            echo(f"Recorded: {VERDICTS[choice[0]]}.\n")
            break


# What `_ask` answers at the end of input: no answer a person types.
_END = "\0"


def _ask(question: str) -> str:
    """The answer, stripped; `_END` when the input ends (Ctrl-D, a closed pipe): the review stops there like
    `q`, every verdict already given kept (an operator review saw "interrupted", exit 130). Ctrl-C still
    interrupts (exit 130). Not `click.prompt`, which makes one `Abort` of both."""
    try:
        return input(f"{question}: ").strip()
    except EOFError:
        click.echo()
        return _END


def describe(event: dict[str, Any], pending: int, counted: int) -> str:
    """One event as the operator reads it; `pending` wait, `counted` of them count toward readiness."""
    pointer = event["evidence_pointer"] or {}
    when = timefmt.local(event["ts"])
    why_not = event["short_circuit"] or event["fail_open_kind"]
    header = [
        f"--- event #{event['event_id']} ({pending} waiting, {counted} of them count toward readiness) ---",
        *(
            []
            if event["counts"]
            else [f"NOT COUNTED: {why_not} decided it, not the authority; a verdict here does not move readiness"]
        ),
        f"when:      {when}   session {event['session_id']}   mode {event['mode']}",
        f"decision:  {event['decision']}   rule {event['rule'] or '-'}"
        + (f"   short-circuit {event['short_circuit']}" if event["short_circuit"] else "")
        + (f"   failed open: {event['fail_open_kind']}" if event["fail_open_kind"] else ""),
        f"signals:   {', '.join(event['signals']) or 'none'}",
        f"plan:      {pointer.get('plan_file') or '-'}   plan commit {(pointer.get('plan_commit_sha') or '-')[:12]}"
        f"   progress commit {(pointer.get('incremental_commit_sha') or '-')[:12]}",
        "stop text:",
    ]
    # The model's own lines, each shown as one: split on newlines only (a carriage return, a form feed or a
    # Unicode separator is shown, not obeyed), so every line the operator reads starts with our `  | `.
    # The kept stop text (a few KiB, with its end, where the stop act is); older events have the preview only.
    kept = event.get("stop_text")
    text = (event["stop_text_preview"] or "" if kept is None else kept).replace("\r\n", "\n").removesuffix("\n")
    return termsafe.lines([*header, *(f"  | {line}" for line in text.split("\n"))])
