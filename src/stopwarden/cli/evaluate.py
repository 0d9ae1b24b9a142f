"""`stopwarden eval`: measure the stop gate on labelled stop events."""

from __future__ import annotations

import dataclasses
import os

import click

from stopwarden.cli.output import echo, json_option
from stopwarden.common import termsafe
from stopwarden.common.errors import StopwardenError


@click.command(name="eval")
@click.argument("cases", type=click.Path(dir_okay=False))
@click.option(
    "--authority",
    help="The authority to judge with (default: the project's, else rules). Its settings from the config are "
    "used once approved on this machine (`gate authority NAME`).",
)
@click.option(
    "--no-router",
    "every_stop",
    is_flag=True,
    help="Judge every stop as if the Stop hook's router had forwarded it (the live numbers then equal the eval ones).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@json_option
def evaluate(cases: str, authority: str | None, every_stop: bool, fmt: str, as_json: bool) -> int:
    """Run labelled stops (JSON Lines) through the live stop gate and score it.

    Each stop goes through the Stop hook's router first: one it does not forward is `not_forwarded` (let
    through unjudged). Prints forwarded, live recall (after the router), eval recall (as if every stop
    were forwarded), false blocks, block precision, 3-way accuracy, and a confusion table per stop act
    when the cases carry `expected.act`. A file from `stopwarden gate export --annotated` is a valid
    input. Works outside a project too, with the default configuration. Exits 1 when a legitimate stop
    would have been blocked, live or once forwarded, when the file holds no stop, and when the authority
    cannot be called from here (its key or command missing).

    \b
    Example:
      stopwarden eval tests/data/dev.jsonl --format table
      stopwarden eval annotated.jsonl --json
    """
    from stopwarden.common import config as config_module
    from stopwarden.common.names import AUTHORITY_TIMEOUTS
    from stopwarden.common.project import find_root
    from stopwarden.gate import credentials, evaluation

    root = find_root(os.getcwd())
    config = config_module.load(root) if root else config_module.load(os.getcwd())
    name = authority or config.authority
    timeout = config.authority_timeout_s if name == config.authority else AUTHORITY_TIMEOUTS.get(name, 3.0)
    options = config.authority_options.get(name, {})
    unapproved = credentials.unapproved(root, name, options, named_here=bool(authority))
    if unapproved:  # never the operator's key to a base_url the repository chose, nor its command run
        raise StopwardenError(unapproved, hint=credentials.APPROVE_HINT)
    problems = credentials.problems(name, config.authority_options, os.environ)  # every table: a cascade's too
    if problems:  # every stop would fail open: a scorecard of failures measures nothing (as `gate authority`)
        raise StopwardenError(
            f"the {name} authority cannot be called from here: " + "; ".join(problems),
            hint="set it in this environment and run this again",
        )
    results = evaluation.run(cases, name, options, timeout, router=not every_stop)
    if not results:  # a score over nothing would pass any check built on it
        raise StopwardenError(
            f"no labelled stop in {termsafe.line(cases)}: nothing to measure",
            hint="export the annotated decisions first: stopwarden gate export --annotated --output FILE",
        )
    summary = evaluation.summary(results)
    if as_json:
        click.echo(termsafe.dumps({"authority": name, **summary, "results": [r.as_dict() for r in results]}))
    elif fmt == "jsonl":
        for result in results:
            click.echo(termsafe.dumps(result.as_dict(), indent=None))
    else:
        # A case's id comes from the cases file (often a committed one): shown on its row, never as rows.
        echo(evaluation.table([dataclasses.replace(r, id=termsafe.line(r.id)) for r in results]))
    return 1 if summary["false_blocks"] or summary["eval_false_blocks"] else 0
