"""`stopwarden gate …`: watch and steer the stop gate (SPEC §7.2).

Changes go through the server when it runs (it owns the hot-path file and its caches), and straight to
the store when it does not, through the same functions; reads come from the store, so they work with
the server down. The decision log's commands (`log`, `report`, `review`, `export`) are in gate_log.py.
"""

from __future__ import annotations

import os
import time
from typing import Any

import click

from stopwarden.cli import gate_log
from stopwarden.cli.local import local_store
from stopwarden.cli.output import colour, emit, emit_escaped, json_option, warn, warning_row
from stopwarden.common import termsafe, timefmt
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import AUTHORITIES
from stopwarden.common.project import require_root


def _api(method: str, path: str, body: Any = None, refusal_ok: bool = False, safer: bool = False) -> Any | None:
    """The server's answer, or None when it is not running. A refusal becomes a StopwardenError, or None
    with `refusal_ok` (for the commands that make the gate safer, which then write the store directly).
    `safer`: the change only turns the gate down, so it reaches a running server even when the config was
    broken after it started."""
    from stopwarden.common import config as config_module
    from stopwarden.common import http
    from stopwarden.server.control import read_token
    from stopwarden.state import files

    root = require_root(os.getcwd())
    try:
        port = config_module.load(root).port
    except StopwardenError:
        # A config broken after the server started (a typo, a teammate's push): the running server keeps
        # the config it loaded and goes on judging, so the kill switch and a lower mode must still reach it.
        port = (files.read_port(root) or 0) if safer else 0
        if not port:
            raise
    try:
        code, answer = http.request(port, method, path, read_token(root), body, timeout=5)
    except OSError:
        return None
    if code >= 400 and refusal_ok:
        warn(f"the server on port {port} refused ({code}); writing the setting to the store directly")
        return None
    if code >= 400:
        detail = answer.get("detail", "") if isinstance(answer, dict) else ""
        ready = detail.startswith("not ready for enforce")  # the report shows readiness
        hint = "see `stopwarden gate report`" if ready else "see `stopwarden gate status`"
        raise StopwardenError(detail or f"the server answered {code}", hint=hint)
    return answer


@click.group()
def gate() -> None:
    """Watch and steer the stop gate: mode, kill switch, decision log, breaker."""


for _command in (gate_log.log, gate_log.report, gate_log.review, gate_log.export):
    gate.add_command(_command)


@gate.command()
@json_option
def status(as_json: bool) -> None:
    """Mode, kill switch, authority, breaker, whether the server runs, and today's decisions.

    \b
    Example:
      stopwarden gate status
    """
    from stopwarden.gate import status as gate_state

    running = _api("GET", "/health") is not None
    with local_store() as (config, store):
        data = gate_state.as_json(gate_state.gate_status(store, config, os.environ, time.time()))
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
    rows += [warning_row(problem, painted) for problem in [*data["unapproved"], *data["authority_problems"]]]
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
        when = timefmt.local_iso(last["ts"])
        text += f"; last failure {last['kind']} at {when}"
    return text


def _scope(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A scope the store takes, checked before the server is asked (a blank one was refused by the server,
    then by the store: a warning, then an error)."""
    from stopwarden.gate.settings import check_scope

    return check_scope(value)


def scope_option(f: Any) -> Any:
    return click.option(
        "--scope",
        default="*",
        show_default=True,
        callback=_scope,
        help="Where the change applies: * (every project sharing the store; with SQLite, this project, its own "
        "setting included) or one project's name, whose own setting wins over *'s.",
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
    in force for this project afterwards, which a project's own mode can hold apart from the fleet's; for
    --scope naming another project, what was set there first (with --json, under "set").

    \b
    Example:
      stopwarden gate mode shadow
      stopwarden gate mode enforce --scope billing-service
    """
    from stopwarden.gate import settings

    if mode is None:
        with local_store() as (config, store):
            current = settings.read(store, config).as_dict()
            source = settings.mode_source(store, config)
        shown = {"mode": current["mode"], "mode_scope": current["mode_scope"], "mode_source": source}
        text = [f"mode: {current['mode']}{_in_force(current, 'mode_scope')} ({source['says']})"]
        emit(as_json, shown, termsafe.lines(text + ([f"note: {source['note']}"] if source["note"] else [])))
        return
    if force is not None and mode != "enforce":
        raise click.UsageError("--force applies to enforce only")
    if force is not None and not force.strip():
        raise click.UsageError("--force needs a reason (it is recorded)")
    body = {"mode": mode, "force": force, "scope": scope}
    answer = _api("PUT", "/v1/mode", body, refusal_ok=mode == "off", safer=mode != "enforce")
    if answer is None:
        with local_store() as (config, store):
            answer = settings.set_mode(store, config, mode, force or "", scope).as_dict()
    note = f" (forced: {force})" if force and answer["mode"] == "enforce" else ""
    here = _another_project(scope)
    if here is not None:  # what was asked for first, then this project's mode (an operator review: "mode: shadow"
        forced = f" (forced: {force})" if force else ""  # right after asking for enforce read as a failure)
        in_force = f"the mode is {answer['mode']}{_in_force(answer, 'mode_scope')}"
        shown = {**answer, "set": {"scope": scope, "mode": mode}}  # the JSON says what was set there too
        emit(as_json, shown, termsafe.lines(_set_elsewhere(here, scope, f"mode: {mode}{forced}", in_force)))
        return
    lines = [f"mode: {answer['mode']}{note}{_in_force(answer, 'mode_scope')}"]
    if answer["mode"] != mode:  # held back here, or a config the server read before it broke: say why
        lines.append(f"note: {_why_another_mode(mode)}")
    elif scope == "*" and mode != "enforce":
        lines += _kept_above(mode)
    emit(as_json, answer, termsafe.lines(lines))


def _another_project(scope: str) -> tuple[str, str] | None:
    """Where a change for `scope` went, when it named another project: this project's name (or "" when its
    config cannot be read) and a note (an unknown name, or why the config could not be read: the server took
    the change); None for * or this project."""
    if scope == "*":
        return None
    try:
        with local_store() as (config, store):
            return None if scope == config.project else (config.project, _unknown(store, scope))
    except StopwardenError as e:  # the config broke after the server started: the server took the change
        return "", f"the change was made; this project's config cannot be read ({e.message})"


def _set_elsewhere(here: tuple[str, str], scope: str, done: str, state_here: str) -> list[str]:
    """What was set for another project, then the state in force here (or why this project's config could
    not be read: `_another_project`)."""
    project, said = here
    if not project:
        return [f"{done} (set for project {scope})", f"note: {said}"]
    return [f"{done} (set for project {scope}){said}", f"note: here, in project {project}, {state_here}"]


def _unknown(store: Any, project: str) -> str:
    """Words for a scope no project has logged a decision under: a typo stores a setting nobody reads (an
    operator review)."""
    if store.events(1, None, None, project=project):
        return ""
    return f" (no decision of a project named {project} is in this store yet: is the name right?)"


def _kept_above(mode: str) -> list[str]:
    """A note on the projects a change of every project's mode leaves higher (their own mode wins)."""
    from stopwarden.gate import settings

    try:
        with local_store() as (_, store):
            kept = settings.kept_above(store, mode)
    except StopwardenError:  # the note is a courtesy: the change was made
        return []
    if not kept:
        return []
    shown = ", ".join(f"{project} ({own})" for project, own in sorted(kept.items())[:5])
    more = f" and {len(kept) - 5} more" if len(kept) > 5 else ""
    return [f"note: projects that keep their own mode above {mode}: {shown}{more}; "
            "`stopwarden gate kill-switch on` stops every project"]  # fmt: skip


def _why_another_mode(mode: str) -> str:
    """Why the mode in force here is not the one just set for * or this project (the change itself has been
    made; a change for another project is said by `_set_elsewhere`)."""
    from stopwarden.gate import settings

    try:
        with local_store() as (config, store):
            source = settings.mode_source(store, config)
    except StopwardenError as e:  # the config broke after the server started: the server took the change
        return f"the change was made; this project's config cannot be read ({e.message})"
    if source.get("held_back"):
        return str(source["note"])
    return (f"project {config.project}'s own mode wins over *'s; change it with "
            f"`stopwarden gate mode {mode} --scope {config.project}`")  # fmt: skip


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
        with local_store() as (config, store):
            current = settings.read(store, config)
        shown = {"value": current.kill_switch, "scope": current.kill_switch_scope, "reason": current.kill_switch_reason}
        why = f" ({current.kill_switch_reason})" if current.kill_switch_reason else ""
        emit(as_json, shown, termsafe.line(f"kill switch: {'ON' + why if current.kill_switch else 'off'}"))
        return
    on = state == "on"
    answer = _api("PUT", "/v1/kill-switch", {"value": on, "reason": reason, "scope": scope}, refusal_ok=on, safer=on)
    if answer is None:
        with local_store() as (config, store):
            current = settings.set_kill_switch(store, config, on, reason, scope)
            answer = {"value": current.kill_switch, "scope": current.kill_switch_scope,
                      "reason": current.kill_switch_reason}  # fmt: skip
    here = _another_project(scope)
    still = f" (still on: set at scope {answer['scope']})" if answer["value"] and not on else ""
    now = f"{'ON' if answer['value'] else 'off'}{still}"
    if here is not None:  # what was asked for first, then this project's switch, as `gate mode` does
        # Off for that project, while every project's switch is on: it stays stopped (an operator review).
        fleet = " (still on there: set at scope *)" if not on and answer["value"] and answer["scope"] == "*" else ""
        lines = _set_elsewhere(here, scope, f"kill switch: {'ON' if on else 'off'}{fleet}", f"the kill switch is {now}")
        answer = {**answer, "set": {"scope": scope, "value": on}}  # the JSON says what was set there too
    else:
        lines = [f"kill switch: {now}"]
    emit(as_json, answer, termsafe.lines(lines))


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

    Choosing an authority here also approves it, on this machine, with its settings as they are now and
    what of this environment decides where its key goes: a base URL (ANTHROPIC_BASE_URL, OPENAI_BASE_URL),
    a proxy or certificate authority (HTTPS_PROXY, SSL_CERT_FILE, ...), and for claude-cli the `claude` PATH
    finds, HOME, NODE_OPTIONS and the like (docs/security.md). An authority and settings that came with the
    repository's config (a base_url your key would be sent to, a command the judge would run), or such a
    variable that appears in the server's environment later, are not used until you do, and stops are
    judged by rules meanwhile: approve in the environment your agents run in.

    \b
    Example:
      stopwarden gate authority claude-cli
    """
    import tomlkit

    from stopwarden.common import config as config_module
    from stopwarden.common.atomic import write_atomic
    from stopwarden.common.names import CONFIG_FILE, STATE_DIR
    from stopwarden.gate import credentials
    from stopwarden.gate import status as gate_state
    from stopwarden.server import control
    from stopwarden.state import files

    root = require_root(os.getcwd())
    before = config_module.load(root)
    if name is None:
        problems = [*gate_state.authority_unapproved(before), *gate_state.authority_problems(before, os.environ)]
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
    settings = before.authority_options.get(name) or {}
    approved = credentials.approve(root, name, settings)  # the operator chose it, here: shown below
    path = os.path.join(root, STATE_DIR, CONFIG_FILE)
    document = tomlkit.parse(files.read_config(root).decode("utf-8"))  # never through a link, capped
    document.setdefault("gate", tomlkit.table())["authority"] = name
    write_atomic(path, tomlkit.dumps(document).encode("utf-8"), os.stat(path).st_mode & 0o777)
    config = config_module.load(root)  # refuses a config the change made invalid (it cannot, but check)
    if before.authority != name:
        with local_store() as (_, store):
            skipped = f" (checks skipped: {'; '.join(problems)})" if problems else ""
            store.log_operator("authority", f"{before.authority} -> {name}{skipped}", time.time())
    restarted = False
    if control.status(root)["running"]:
        control.stop(root)
        control.start(root)
        restarted = True
    data = {"authority": name, "timeout_s": config.authority_timeout_s, "restarted": restarted, "problems": problems,
            "approved": settings}  # fmt: skip
    note = "; the server was restarted" if restarted else ""
    said = [f"authority: {name} (budget {config.authority_timeout_s:g} s){note}"]
    if settings and credentials.providers(name):  # what the key will be sent to, the command that will run
        said.append(
            f"approved on this machine with [authority.{name}]: "
            + ", ".join(f"{k} = {v!r}" for k, v in settings.items())
        )
    # What of this environment came with it (names only: a proxy's URL may hold a password).
    variables = sorted(approved.get("env") or {})
    if variables:
        said.append(f"approved with this environment's {', '.join(variables)}: run this again if they change")
        data["approved_environment"] = variables
    rows = [termsafe.line(row) for row in said]
    emit_escaped(as_json, data, "\n".join([*rows, *[warning_row(p, colour()) for p in problems]]))


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
        with local_store() as (config, store):
            breaker.reset(store, config.authority)
            answer = {"authority": config.authority, "breaker": "closed"}
    emit(as_json, answer, termsafe.line(f"breaker of {answer['authority']}: {answer['breaker']}"))
