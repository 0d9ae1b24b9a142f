"""`stopwarden serve | start | stop | status`: run the local gate server."""

from __future__ import annotations

import os
from typing import Any

import click

from stopwarden.cli.output import emit, json_option
from stopwarden.project import require_root


@click.command()
@click.option("--background", is_flag=True, hidden=True, help="Log to the file only (used by `start`).")
@click.option("--root", "root", hidden=True, help="The project's root (used by `start`, which runs outside it).")
def serve(background: bool, root: str | None) -> None:
    """Run the gate server in the foreground, on 127.0.0.1 and the port in .stopwarden/config.toml.

    \b
    Example:
      stopwarden serve
    """
    from stopwarden.server import process

    # `start` launches us from `/` (server/launch.py): the root must be the project itself, not above it.
    project = require_root(root or os.getcwd())
    if root and os.path.realpath(project) != os.path.realpath(root):
        raise click.UsageError(f"--root {root} is not a stopwarden project's root")
    process.serve(project, foreground=not background)


@click.command()
@json_option
def start(as_json: bool) -> None:
    """Start the gate server in the background; returns once it answers /health.

    \b
    Example:
      stopwarden start
    """
    from stopwarden.server import process

    data = process.start(require_root(os.getcwd()))
    verb = "started" if data["started"] else "already running"
    emit(as_json, data, f"server {verb} on 127.0.0.1:{data['port']} (pid {data['pid']}, mode {data['health']['mode']})")


@click.command()
@json_option
def stop(as_json: bool) -> None:
    """Stop the background gate server.

    \b
    Example:
      stopwarden stop
    """
    from stopwarden.server import process

    data = process.stop(require_root(os.getcwd()))
    emit(as_json, data, f"server stopped (pid {data['pid']})" if data["stopped"] else "server was not running")


@click.command()
@json_option
def status(as_json: bool) -> int:
    """Is the gate server running, and how is it?

    \b
    Example:
      stopwarden status
    """
    from stopwarden.server import process

    data: dict[str, Any] = process.status(require_root(os.getcwd()))
    health = data["health"]
    if health:
        text = (
            f"running on 127.0.0.1:{data['port']} (pid {data['pid']}): mode {health['mode']}, "
            f"kill switch {'on' if health['kill_switch'] else 'off'}, authority {health['authority']}"
        )
        if health["status"] == "degraded":
            text += ", DATABASE UNREACHABLE (failing open, events kept in the outbox)"
    elif data["clash"]:
        text = f"not running: {data['clash']}\nfix: {process.CLASH_FIX}"
    else:
        text = f"not running (port {data['port']})"
    emit(as_json, data, text)
    return 0 if data["running"] else 1
