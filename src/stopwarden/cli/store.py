"""`stopwarden store …`: the database behind the decision log (SPEC §7.1, §13): the project's SQLite file
by default, or the PostgreSQL database a fleet shares (`[store] url`, or `$STOPWARDEN_STORE_URL`)."""

from __future__ import annotations

import os
from typing import Any

import click

from stopwarden.cli.output import emit, json_option
from stopwarden.common import termsafe
from stopwarden.common.project import require_root


def _location() -> str:
    from stopwarden.common import config as config_module
    from stopwarden.gate.status import store_unapproved

    config = config_module.load(require_root(os.getcwd()))
    for unapproved in store_unapproved(config):
        click.echo(termsafe.line(f"note: {unapproved}"), err=True)
    return config.store_location


@click.group()
def store() -> None:
    """The database behind the decision log: SQLite by default, PostgreSQL for a fleet."""


@store.command()
@json_option
def migrate(as_json: bool) -> None:
    """Bring the database to this stopwarden's schema (the server also does it when it starts).

    \b
    Example:
      stopwarden store migrate
    """
    from stopwarden.store.store import Store, safe_location

    location = _location()
    opened = Store.open(location, migrate=False)
    try:
        before = opened.schema_version()
        applied = opened.migrate()
        after = opened.schema_version()
    finally:
        opened.close()
    where = safe_location(location)
    lines = (
        [f"{where}: schema version {before} -> {after}", *(f"applied {a}" for a in applied)]
        if applied
        else [f"{where}: already at schema version {after}"]
    )
    emit(as_json, {"store": where, "from": before, "to": after, "applied": applied},
         termsafe.lines(lines))  # fmt: skip


@store.command()
@json_option
def approve(as_json: bool) -> None:
    """Use the PostgreSQL database the config or the environment names, on this machine.

    The config is committed, so its `[store] url` came with the repository: until you approve it here, the
    server keeps the decision log in the project's SQLite file (the URL's database would get the log, with
    this machine's credentials, and could set the mode). The same holds for `$STOPWARDEN_STORE_URL`: an
    agent client sets its hooks' environment partly from files a repository commits (a
    `.claude/settings.json` env table, a `.env`). Approves the config's `url` and `listen_url` in this
    checkout, and the variables' URLs (`$STOPWARDEN_STORE_URL`, `$STOPWARDEN_STORE_LISTEN_URL`) in every
    checkout of this machine, as they are now; after changing them, approve again. Restart the server to
    move it (`stopwarden stop; stopwarden start`). It also approves this checkout's project name: on a
    shared store a repository can name itself after any project, and until its name is approved here a
    project's own mode applies to it only to turn the gate down, and its old events are not pruned.

    \b
    Example:
      stopwarden store approve
      STOPWARDEN_STORE_URL=postgresql://gate@db.internal/stopwarden stopwarden store approve
    """
    from stopwarden.common import config as config_module
    from stopwarden.server import control
    from stopwarden.store.store import safe_location

    root = require_root(os.getcwd())
    approved = config_module.approve_store(root)
    shown = {key: value if key == "project" else safe_location(value) for key, value in approved.items()}
    days = config_module.load(root).retention_days if "project" in approved else 0
    lines = [
        f"approved on this machine: ${key} = {value} (in every checkout)"
        if key.startswith("STOPWARDEN_")
        # what the name is given: its own mode, and the pruning of every event logged under it, from any
        # checkout or host (an operator review: the message named only the mode)
        else f"approved in this checkout: the project's name {value} (its own mode on the shared store, and "
        f"its events there, from any checkout, pruned after this config's {days} days)"
        if key == "project"
        else f"approved on this machine: [store] {key} = {value}"
        for key, value in shown.items()
    ]
    if lines:  # a restart only where a server runs (an operator review: it was asked for with none running)
        running = control.status(root)
        lines.append("restart the server to use them: stopwarden stop; stopwarden start" if running["running"]
                     or running["pid"] else "no server runs in this checkout: it uses them when it starts")  # fmt: skip
    nothing = [
        "neither the config nor this shell's environment names a store URL: nothing to approve",
        "an agent client that sets $STOPWARDEN_STORE_URL for its hooks only: run this with it set, as the"
        " example in --help shows",
    ]
    emit(as_json, {"approved": shown}, termsafe.lines(lines or nothing))


@store.command()
@json_option
def check(as_json: bool) -> int:
    """Is the database reachable, at this stopwarden's schema, and how far away is it? Exit 1 when not.

    \b
    Example:
      stopwarden store check
    """
    from stopwarden.store import schema
    from stopwarden.store.store import Store, StoreUnavailable, safe_location

    location = _location()
    result: dict[str, Any] = {"store": safe_location(location), "reachable": False, "schema_version": None,
                              "expected_version": schema.LATEST, "round_trip_ms": None}  # fmt: skip
    problem = ""
    try:
        opened = Store.open(location, migrate=False)
        try:
            result.update(backend=opened.backend, schema_version=opened.schema_version(), reachable=True)
            result["round_trip_ms"] = round(opened.round_trip_ms(), 2)
        finally:
            opened.close()
    except StoreUnavailable as e:
        problem = e.message
    except Exception as e:  # reachable at first, then not: a dropped connection, a timeout
        problem = f"{type(e).__name__}: {e}"
    version = result["schema_version"]
    fresh = not problem and version == 0 and result.get("backend") == "sqlite"  # created by the server's first start
    if not problem and version != schema.LATEST and not fresh:
        verb = "run `stopwarden store migrate`" if version < schema.LATEST else "upgrade stopwarden here"
        problem = f"schema version {version}, this stopwarden needs {schema.LATEST}: {verb}"
    result["ok"] = not problem
    where = f"{result['store']} ({result.get('backend', 'unreachable')})"
    text = f"FAIL {where}: {problem}" if problem else f"ok   {where}: schema version {version}, "
    text += "" if problem else f"round trip {result['round_trip_ms']} ms"
    text += "; empty: the server creates its tables at its first start" if fresh else ""
    emit(as_json, {**result, "problem": problem}, termsafe.line(text))
    return 0 if not problem else 1
