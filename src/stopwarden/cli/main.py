"""The `stopwarden` command's entry point: answer the quick commands, hand everything else to click.

Agents run `stopwarden build status` often, and importing click alone costs about four interpreter starts
(issue 20), so this module imports nothing but the standard library: `--version` and `build status
[--json]` are answered by `quick` without click when they succeed; anything else (another command, other
arguments, an error to report) goes to the click group in `group`, which imports a command's module only
when that command runs or shows its help. `COMMANDS` lets `stopwarden --help` list every command with its
short help without importing any of them; a test keeps it equal to each command's own help.

Every failure is said in one form (docs/user-guide.md, "Errors and --json"): `stopwarden: error: …`
and `hint: …` on stderr, or with `--json` one JSON document `{"error": …, "hint": …}` there. Exit codes:
0 success, 1 a failure the message explains (bad usage, a StopwardenError, an OSError), 3 a bug (the
traceback goes to a log file whose path is printed), 130 interrupted.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# name -> (module under stopwarden.cli, the command's attribute there, its short help as click shows it)
COMMANDS = {
    "build": ("build", "build", "Track a multi-phase build (clarify, plan, execute, verify, harden)."),
    "demo": ("install", "demo", "Show the build gate at work in a throwaway git project."),
    "doctor": (
        "install",
        "doctor",
        "Check that stopwarden is installed and that each hook command starts and answers correctly.",
    ),
    "eval": ("evaluate", "evaluate", "Run labelled stops (JSON Lines) through the live stop gate and score it."),
    "gate": ("gate", "gate", "Watch and steer the stop gate: mode, kill switch, decision log, breaker."),
    "init": (
        "install",
        "init",
        "Install stopwarden into this project (the git repository around the current folder).",
    ),
    "open": ("server", "open_page", "Open the review page, signed in by a one-time link (no token to paste)."),
    "serve": (
        "server",
        "serve",
        "Run the gate server in the foreground, on 127.0.0.1 and the port in .stopwarden/port.",
    ),
    "start": ("server", "start", "Start the gate server in the background; returns once it answers /health."),
    "status": ("server", "status", "Is the gate server running, and how is it?"),
    "stop": ("server", "stop", "Stop the background gate server."),
    "store": ("store", "store", "The database behind the decision log: SQLite by default, PostgreSQL for a fleet."),
    "uninstall": (
        "install",
        "uninstall",
        "Remove our hooks and status line from every scope, and our /build skill; the user's entries stay.",
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from stopwarden.cli import quick

    text = quick.answer(args)
    if text is not None:
        try:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
        except OSError as e:  # a closed pipe, a full disk: said as the click path says it
            sys.stderr.write(failure(*os_error(e), json_requested(args)) + "\n")
            return 1
        return 0
    from stopwarden.cli import group

    return group.run(args)


def os_error(e: OSError) -> tuple[str, str]:
    """The message and hint for an OSError: an unwritable or missing folder, a full disk (theirs to fix)."""
    where = f" {e.filename}" if e.filename else ""
    from stopwarden.state.safe import NotOurs

    if isinstance(e, NotOurs):  # a link or a file in our place, or another user's: nothing was written through it
        return f"cannot use{where}: {e.strerror or e}", "remove it (it is not stopwarden's), then run the command again"
    return f"cannot use{where}: {e.strerror or e}", "check that the folder exists and that you may write to it"


def json_requested(args: Sequence[str]) -> bool:
    """Whether the command line asks for JSON (`--json`, or `--format json` where that is its alias), read
    from the words alone: a usage error must be said in JSON too, before click has parsed anything."""
    from itertools import pairwise

    words = list(args[: args.index("--")] if "--" in args else args)
    return "--json" in words or "--format=json" in words or ("--format", "json") in pairwise(words)


def failure(message: str, hint: str, as_json: bool) -> str:
    """What stderr gets for a failure, in the one form of every command: two lines for people, or one JSON
    document with `--json`. The message may quote a build id, a file name or a server's answer."""
    from stopwarden.common import termsafe

    if as_json:
        return termsafe.dumps({"error": message, "hint": hint}, indent=None)
    return termsafe.line(f"stopwarden: error: {message}") + (f"\n{termsafe.line(f'hint: {hint}')}" if hint else "")


if __name__ == "__main__":
    sys.exit(main())
