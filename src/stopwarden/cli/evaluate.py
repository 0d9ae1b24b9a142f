"""`stopwarden eval`: measure the stop gate on labelled stop events."""

from __future__ import annotations

import dataclasses
import os

import click

from stopwarden import termsafe
from stopwarden.cli.output import dumps, echo


@click.command(name="eval")
@click.argument("cases", type=click.Path(dir_okay=False))
@click.option("--authority", help="The authority to judge with (default: the project's, else rules).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def evaluate(cases: str, authority: str | None, fmt: str) -> int:
    """Run the stop-gate decision over labelled cases (JSON Lines) and score it.

    Works outside a project too, with the default configuration. Exits 1 when a legitimate stop
    would have been blocked.

    \b
    Example:
      stopwarden eval tests/data/dev.jsonl --format table
    """
    from stopwarden import config as config_module
    from stopwarden.gate import evaluation
    from stopwarden.names import AUTHORITY_TIMEOUTS
    from stopwarden.project import find_root

    root = find_root(os.getcwd())
    config = config_module.load(root) if root else config_module.load(os.getcwd())
    name = authority or config.authority
    timeout = config.authority_timeout_s if name == config.authority else AUTHORITY_TIMEOUTS.get(name, 3.0)
    results = evaluation.run(cases, name, config.authority_options.get(name, {}), timeout)
    if fmt == "jsonl":
        for result in results:
            click.echo(dumps(result.as_dict(), indent=None))
    else:
        # A case's id comes from the cases file (often a committed one): shown on its row, never as rows.
        echo(evaluation.table([dataclasses.replace(r, id=termsafe.line(r.id)) for r in results]))
    return 1 if evaluation.summary(results)["false_blocks"] else 0
