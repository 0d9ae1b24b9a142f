"""`stopwarden serve | start | stop | status | open`: run the local gate server, and open its review page."""

from __future__ import annotations

import os
from typing import Any

import click

from stopwarden.cli.output import emit, json_option
from stopwarden.common.project import require_root


@click.command()
@click.option("--background", is_flag=True, hidden=True, help="Log to the file only (used by `start`).")
@click.option("--root", "root", hidden=True, help="The project's root (used by `start`, which runs outside it).")
def serve(background: bool, root: str | None) -> None:
    """Run the gate server in the foreground, on 127.0.0.1 and the port in .stopwarden/port.

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
    from stopwarden.server import control

    data = control.start(require_root(os.getcwd()))
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
    from stopwarden.server import control

    data = control.stop(require_root(os.getcwd()))
    emit(as_json, data, f"server stopped (pid {data['pid']})" if data["stopped"] else "server was not running")


@click.command()
@json_option
def status(as_json: bool) -> int:
    """Is the gate server running, and how is it?

    \b
    Example:
      stopwarden status
    """
    from stopwarden.server import control

    data: dict[str, Any] = control.status(require_root(os.getcwd()))
    health = data["health"]
    if health:
        text = (
            f"running on 127.0.0.1:{data['port']} (pid {data['pid']}): mode {health['mode']}, "
            f"kill switch {'on' if health['kill_switch'] else 'off'}, authority {health['authority']}"
        )
        if health["status"] == "degraded":
            text += ", DATABASE UNREACHABLE (failing open, events kept in the outbox)"
    elif data["clash"]:
        text = f"not running: {data['clash']}\nfix: {control.CLASH_FIX}"
    else:
        text = f"not running (port {data['port']})"
    emit(as_json, data, text)
    return 0 if data["running"] else 1


@click.command("open")
@click.option("--print", "print_only", is_flag=True, help="Print the link only; do not start a browser.")
@click.option("--operator", metavar="NAME", help="Your name, recorded with each annotation (default: your login).")
@json_option
def open_page(print_only: bool, operator: str | None, as_json: bool) -> None:
    """Open the review page, signed in by a one-time link (no token to paste).

    The link is good once, for two minutes, and only in a browser on this machine (the server answers
    loopback alone). Starts the server first when it is not running.

    \b
    Example:
      stopwarden open
      stopwarden open --print --operator ana
    """
    import getpass
    import time
    import webbrowser

    from stopwarden.server import control, signin
    from stopwarden.state import files

    root = require_root(os.getcwd())
    started = control.start(root)
    name = operator or getpass.getuser()
    url = signin.link(started["port"], control.read_token(root), name, time.time())
    # Never the link itself on a command line, which every local user can read (/proc/<pid>/cmdline): the
    # browser gets the path of a page of ours, readable by this user alone, that forwards to it.
    opened = False if print_only else webbrowser.open(f"file://{files.write_open_page(root, url)}")
    data = {"url": url, "expires_in_s": signin.LINK_TTL_S, "operator": name, "browser": opened}
    text = (
        f"opened the review page in your browser, signed in as {name} (the link works once, within "
        f"{signin.LINK_TTL_S} s)"
        if opened
        else f"{url}\nopen it in a browser on this machine: it signs in once, within {signin.LINK_TTL_S} s, as {name}"
    )
    emit(as_json, data, text)
