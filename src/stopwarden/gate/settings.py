"""Mode and kill switch: stored in the store (they survive restarts), mirrored to hot-path.json (SPEC §5.8).

The Stop hook reads `.stopwarden/hot-path.json` instead of asking the server on every stop, so every
change rewrites it at once. The server and the CLI (when the server is down) both change settings here.

Each setting has a scope (SPEC §13): `*`, every project sharing the store (with SQLite, the one project
it has), or one project's name. A project's own mode wins over `*`'s; a kill switch on in either scope
is on. Changes go to `*` unless a project is named. Another server sharing a PostgreSQL store hears of
a change at once (`Store.watch_settings`) and rewrites its own hot-path file.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from typing import Any

from stopwarden.common.config import Config
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import API_VERSION, MODES, SCOPE_PATTERN
from stopwarden.state import files
from stopwarden.store import schema
from stopwarden.store.redact import redact
from stopwarden.store.store import FLEET, Store, is_url

READY_ANNOTATED = 20
READY_PER_DECISION = 5
READY_PRECISION = 0.9
READY_MISSED_CONTINUES = 0.1  # at most this share of the annotated allow/escalate verdicts missed a continue
READY_WINDOW = 50


@dataclass(frozen=True)
class GateSettings:
    mode: str
    kill_switch: bool
    kill_switch_reason: str
    forced_reason: str
    mode_scope: str = FLEET  # where the mode in force was set
    kill_switch_scope: str = ""  # where the kill switch is on ("" when it is off)
    # The project's own mode, not applied as it would turn the gate up (shadow over off, enforce over either):
    # its name is the repository's claim (Config.project_claimed).
    own_mode_held_back: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "kill_switch": self.kill_switch,
            "kill_switch_reason": self.kill_switch_reason,
            "forced_reason": self.forced_reason,
            "mode_scope": self.mode_scope,
            "kill_switch_scope": self.kill_switch_scope,
        }  # own_mode_held_back is said in words, by mode_source's note


_RANK = {"off": 0, "shadow": 1, "enforce": 2}  # how far a mode turns the gate up


def read(store: Store, config: Config) -> GateSettings:
    """The settings in force for the config's project: its own mode over the fleet's, either kill switch.
    A project whose name is only the repository's claim (Config.project_claimed) may take its own mode to
    turn the gate down, never up (enforce over shadow or off, shadow over off): a repository can name itself
    after any project."""
    project = config.project
    scoped = store.settings((FLEET, project))
    mode_from = project if "mode" in scoped.get(project, {}) and project != FLEET else FLEET
    fleet_mode = scoped[FLEET].get("mode", "off")
    own = scoped.get(project, {}).get("mode", "")
    claimed = config.project_claimed and mode_from == project and _RANK.get(own, 0) > _RANK.get(fleet_mode, 0)
    if claimed:
        mode_from = FLEET
    killed_at = next((scope for scope in (FLEET, project) if scoped.get(scope, {}).get("kill_switch") == "1"), "")
    return GateSettings(
        mode=scoped[mode_from].get("mode", "off"),
        kill_switch=bool(killed_at),
        kill_switch_reason=scoped[killed_at].get("kill_switch_reason", "") if killed_at else "",
        forced_reason=scoped[mode_from].get("mode_forced_reason", ""),
        mode_scope=mode_from,
        kill_switch_scope=killed_at,
        own_mode_held_back=claimed,
    )


# Who last set a scope's mode (a settings key beside it): the server's first start, from the config, or an
# operator (`gate mode`, the API, the page). A store from before this key reads as the operator's.
MODE_ORIGIN = "mode_origin"
FIRST_START = "first start"
FIRST_START_WITHOUT_AUTHORITY = "first start, no authority"  # it wrote off: the authority could not be built


def mode_source(store: Store, config: Config) -> dict[str, str]:
    """Where the mode comes from, in words (`says`), and a `note` when the committed config asks for another.

    The config's `[gate] mode` is the mode a new store starts with (first_start), nothing more: once the
    store holds a mode, only `gate mode` (or the API, or the page) changes it, so that a commit cannot
    switch a running gate, and one setting serves a fleet that shares a store. Before the first start
    the store holds none, and the server will start in the config's mode (enforce only when ready).
    """
    stored = store.settings((FLEET, config.project))
    if not any("mode" in stored.get(scope, {}) for scope in (FLEET, config.project)):
        return mode_source_before_start(config)
    current = read(store, config)
    origin = stored.get(current.mode_scope, {}).get(MODE_ORIGIN)
    first = origin in (FIRST_START, FIRST_START_WITHOUT_AUTHORITY)
    if not first:
        says = "set in the store by `gate mode`"
    elif origin == FIRST_START_WITHOUT_AUTHORITY:
        says = "set at the server's first start, which could not load its authority (the operator log says which)"
    else:
        says = "set at the server's first start, from the config"
    note = ""
    if current.own_mode_held_back:
        own = stored.get(config.project, {}).get("mode", "")
        note = (
            f"project {config.project} is in {own} in the shared store, but here its name is the repository's"
            f" claim: the fleet's {current.mode} applies until `stopwarden store approve` in this checkout"
            " (then restart the server)"
        )
    elif config.initial_mode != current.mode:
        # The project's own mode wins over the fleet's: the command must name it, or it changes the others'.
        scoped = f" --scope {config.project}" if current.mode_scope != FLEET else ""
        how = f"`stopwarden gate mode {config.initial_mode}{scoped}`"
        if config.initial_mode == "enforce":
            how += " once `stopwarden gate report` says ready"
        note = (
            f"the config's [gate] mode = {config.initial_mode} is only the mode a new store starts with"
            + (" (enforce only when ready)" if first and config.initial_mode == "enforce" else "")
            + f"; change the mode in force with {how}"
        )
    # held_back: the project whose own mode is not applied here (its name is claimed), "" when none
    return {"says": says, "note": note, "held_back": config.project if current.own_mode_held_back else ""}


def mode_source_before_start(config: Config) -> dict[str, str]:
    """`mode_source` while the store holds no mode: what the first start will choose (`first_start`)."""
    if config.initial_mode == "enforce":
        return {"says": "not set yet: the server starts in the config's enforce when ready, else in shadow", "note": ""}
    return {"says": f"not set yet: the server starts in the config's {config.initial_mode}", "note": ""}


def mode_source_of(config: Config) -> dict[str, str]:
    """`mode_source` without a running server (`doctor`): a SQLite store not created yet holds no mode, and
    one is never created or migrated here. StopwardenError when the store cannot say."""
    location = config.store_location
    if not is_url(location) and not os.path.exists(location):
        return mode_source_before_start(config)
    store = Store.open(location, migrate=False)
    try:
        if store.schema_version() < schema.LATEST:
            raise StopwardenError("the store's schema is older than this stopwarden's (the server migrates it)")
        return mode_source(store, config)
    finally:
        store.close()


def first_start(store: Store, config: Config, healthy: bool) -> GateSettings:
    """On a fresh store: the configured mode (shadow by default) when healthy, else off.

    The config is committed: a repository may ask for `enforce`, but gets it only as `gate mode enforce`
    would give it, when the readiness check is met (a config cannot carry an operator's --force reason).
    Otherwise the gate starts in shadow, and the operator log says why.
    """
    if "mode" not in store.settings()[FLEET]:
        now = time.time()
        mode = config.initial_mode if healthy else "off"
        if not healthy:
            why = f"the authority {config.authority} could not be loaded; the config asks for {config.initial_mode}"
            store.log_operator("mode", "off: " + why, now)
        if mode == "enforce":
            unmet = readiness(store, None)["unmet"]
            if unmet:
                mode = "shadow"
                store.log_operator("mode", "shadow: the config asks for enforce, not ready: " + "; ".join(unmet), now)
            else:
                store.log_operator("mode", "enforce: from the config, the readiness check met", now)
        origin = FIRST_START if healthy else FIRST_START_WITHOUT_AUTHORITY
        store.put_settings({"mode": mode, MODE_ORIGIN: origin}, now)
    return refresh(store, config)


def refresh(store: Store, config: Config) -> GateSettings:
    """Read the settings in force here and rewrite the hot-path file with them."""
    current = read(store, config)
    write_hot_path(config, current)
    return current


def set_mode(store: Store, config: Config, mode: str, force: str = "", scope: str = FLEET) -> GateSettings:
    if mode not in MODES:
        raise StopwardenError(f"unknown mode {mode!r}", hint=f"use one of {', '.join(MODES)}")
    if force and not force.strip():  # a forced enforce is recorded with its reason: a blank one says nothing
        raise StopwardenError("the reason given to --force is blank", hint="say why enforce is forced")
    if mode == "enforce" and not force:
        unmet = readiness(store, None if scope == FLEET else scope)["unmet"]
        if unmet:
            raise StopwardenError(
                "not ready for enforce: " + "; ".join(unmet),
                hint="annotate more decisions first, or override with --force REASON (it is recorded)",
            )
    now = time.time()
    scope = check_scope(scope)
    values = {"mode": mode, "mode_forced_reason": redact(force) if mode == "enforce" else "", MODE_ORIGIN: "gate mode"}
    scopes = _also_this_project(store, config, scope, "mode")
    store.put_settings(values, now, scopes)
    forced = f" (forced: {force})" if force and mode == "enforce" else ""
    store.log_operator("mode", f"{mode}{forced}{_where(scopes)}", now)
    return refresh(store, config)


def set_kill_switch(store: Store, config: Config, on: bool, reason: str = "", scope: str = FLEET) -> GateSettings:
    now = time.time()
    scope = check_scope(scope)
    values = {"kill_switch": "1" if on else "0", "kill_switch_reason": redact(reason) if on else ""}
    scopes = _also_this_project(store, config, scope, "kill_switch")
    store.put_settings(values, now, scopes)
    store.log_operator("kill_switch", ("on" if on else "off") + (f": {reason}" if reason else "") + _where(scopes), now)
    return refresh(store, config)


def _also_this_project(store: Store, config: Config, scope: str, key: str) -> tuple[str, ...]:
    """The scopes a change of `key` is written to: `scope`, and where the store is this project's own SQLite
    file, which holds no other project, `*` is this project, so its own setting (left by an earlier `--scope
    NAME`) takes the change too. Otherwise the project's own setting would go on winning over `*`'s, and
    `gate mode off` would leave the gate blocking (an operator review). A store a fleet shares keeps each
    project's own setting: there `*` is every project, and the CLI says which one holds its own."""
    if scope != FLEET or store.backend != "sqlite" or key not in store.settings((config.project,))[config.project]:
        return (scope,)
    return (scope, config.project)


def kept_above(store: Store, mode: str) -> dict[str, str]:
    """The projects whose own mode turns the gate further up than `mode` set for every project (*): their
    own wins, so a fleet's `off` leaves them judging, and only the kill switch stops every one."""
    return {project: own for project, own in store.own_modes().items() if _RANK.get(own, 0) > _RANK[mode]}


def check_scope(scope: str) -> str:
    if not re.fullmatch(SCOPE_PATTERN, scope):
        raise StopwardenError(f"bad scope {scope!r}", hint="use * (every project) or a project's name")
    return scope


def _where(scopes: tuple[str, ...]) -> str:
    """For the operator log: which scopes a change was written to (`*` alone says nothing)."""
    if scopes == (FLEET,):
        return ""
    if scopes[0] == FLEET:
        return f" [and project {scopes[1]}'s own setting]"
    return f" [project {scopes[0]}]"


# The two ratio checks of readiness, by name: over no judged verdict their value is None, which a report and
# the page show as "n/a".
PRECISION_CHECK = "precision of annotated continue verdicts"
MISSED_CHECK = "missed continues among annotated allow/escalate verdicts"


def readiness(store: Store, project: str | None = None) -> dict[str, Any]:
    """Whether `enforce` may be switched on (SPEC §7.3): each threshold with its value, and the unmet ones
    said in words. Counted over one project's events when it is named (a project's own enforce), else
    over every project's in the store (the fleet's).

    Both errors count: the precision of `continue` (blocks that were right), and the missed continues
    (`allow` and `escalate` verdicts judged incorrect: stops that should have been sent back to work)."""
    s = store.annotation_summary(project)
    judged = s["continue_correct"] + s["continue_incorrect"]
    precision = s["continue_correct"] / judged if judged else 0.0
    let_through = s["let_through_judged"]
    missed = s["missed_continue"] / let_through if let_through else 0.0
    recent = store.recent_fail_open_kinds(READY_WINDOW, project)
    invalid = sum(1 for kind in recent if kind in ("invalid_rule", "invalid_evidence"))
    counted = [("annotated events", s["annotated"], READY_ANNOTATED)] + [
        (f"annotated {d} verdicts", s[d], READY_PER_DECISION) for d in ("continue", "allow")
    ]
    checks = [_check(name, value, need, f"{value} {name}, need {need}") for name, value, need in counted]
    checks.append(
        _check(
            PRECISION_CHECK,
            precision if judged else None,  # a ratio over nothing is no figure (n/a), never 0.00
            READY_PRECISION,
            f"precision of annotated continue verdicts is {precision:.2f}, need {READY_PRECISION}"
            if judged
            else f"no annotated continue verdict judged yet (precision n/a), need {READY_PRECISION}",
        )
    )
    checks.append(
        {
            "name": MISSED_CHECK,
            "value": missed if let_through else None,
            "threshold": READY_MISSED_CONTINUES,
            "op": "<=",
            "met": bool(let_through) and missed <= READY_MISSED_CONTINUES,
            "unmet": f"{s['missed_continue']} of {let_through} annotated allow/escalate verdicts were missed "
            f"continues ({missed:.2f}), need at most {READY_MISSED_CONTINUES}"
            if let_through
            else "no annotated allow/escalate verdict judged correct or incorrect yet, so no missed continues "
            "are counted",
        }
    )
    window = f"invalid_rule/invalid_evidence failures in the last {READY_WINDOW} evaluations"
    checks.append(
        {
            "name": window,
            "value": invalid,
            "threshold": 0,
            "op": "<=",
            "met": invalid == 0,
            "unmet": f"{invalid} {window}",
        }
    )
    unmet = [c.pop("unmet") for c in checks if not c["met"]]
    for c in checks:
        c.pop("unmet", None)
    return {"ready": not unmet, "unmet": unmet, "checks": checks, "annotations": s, "precision": precision,
            "missed_continue_rate": missed}  # fmt: skip


def _check(name: str, value: float | None, threshold: float, unmet: str) -> dict[str, Any]:
    """One floor of readiness; a value of None (a ratio over nothing) meets none."""
    met = value is not None and value >= threshold
    return {"name": name, "value": value, "threshold": threshold, "op": ">=", "met": met, "unmet": unmet}


def from_hot_path(config: Config) -> GateSettings:
    """The settings the hooks last saw, for a server whose store is not there yet (off if none)."""
    seen = read_hot_path(config)
    return GateSettings(mode=str(seen.get("mode", "off")), kill_switch=bool(seen.get("kill_switch")),
                        kill_switch_reason="", forced_reason="")  # fmt: skip


def read_hot_path(config: Config) -> dict[str, Any]:
    """What the hooks see now (an empty dict when the file is missing or unreadable)."""
    return files.read_hot_path(config.root)[0] or {}


def write_hot_path(config: Config, current: GateSettings) -> None:
    """What the Stop hook's router needs, in one small file it can read without asking the server."""
    data = {
        "mode": current.mode,
        "kill_switch": current.kill_switch,
        "api_version": API_VERSION,
        "port": config.port,
        "evaluate_timeout_s": config.evaluate_timeout_s,
        "written_at": time.time(),
    }
    files.write_hot_path(config.root, (json.dumps(data) + "\n").encode("utf-8"))
