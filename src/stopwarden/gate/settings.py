"""Mode and kill switch: stored in the store (they survive restarts), mirrored to hot-path.json (SPEC §5.8).

The Stop hook reads `.stopwarden/hot-path.json` instead of asking the server on every stop, so every
change rewrites it at once. The server and the CLI (when the server is down) both change settings here.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any

from stopwarden.atomic import write_atomic
from stopwarden.config import Config
from stopwarden.errors import StopwardenError
from stopwarden.names import API_VERSION, HOT_PATH_FILE, MODES
from stopwarden.store.redact import redact
from stopwarden.store.store import Store

READY_ANNOTATED = 20
READY_PER_DECISION = 5
READY_PRECISION = 0.9
READY_WINDOW = 50


@dataclass(frozen=True)
class GateSettings:
    mode: str
    kill_switch: bool
    kill_switch_reason: str
    forced_reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "kill_switch": self.kill_switch,
            "kill_switch_reason": self.kill_switch_reason,
            "forced_reason": self.forced_reason,
        }


def read(store: Store) -> GateSettings:
    values = store.settings()
    return GateSettings(
        mode=values.get("mode", "off"),
        kill_switch=values.get("kill_switch") == "1",
        kill_switch_reason=values.get("kill_switch_reason", ""),
        forced_reason=values.get("mode_forced_reason", ""),
    )


def first_start(store: Store, config: Config, healthy: bool) -> GateSettings:
    """On a fresh store: the configured mode (shadow by default) when healthy, else off."""
    if "mode" not in store.settings():
        store.put_settings({"mode": config.initial_mode if healthy else "off"}, time.time())
    current = read(store)
    write_hot_path(config, current)
    return current


def set_mode(store: Store, config: Config, mode: str, force: str = "") -> GateSettings:
    if mode not in MODES:
        raise StopwardenError(f"unknown mode {mode!r}", hint=f"use one of {', '.join(MODES)}")
    if mode == "enforce" and not force:
        unmet = readiness(store)["unmet"]
        if unmet:
            raise StopwardenError(
                "not ready for enforce: " + "; ".join(unmet),
                hint="annotate more decisions first, or override with --force REASON (it is recorded)",
            )
    now = time.time()
    store.put_settings({"mode": mode, "mode_forced_reason": redact(force) if mode == "enforce" else ""}, now)
    forced = f" (forced: {force})" if force and mode == "enforce" else ""
    store.log_operator("mode", f"{mode}{forced}", now)
    current = read(store)
    write_hot_path(config, current)
    return current


def set_kill_switch(store: Store, config: Config, on: bool, reason: str = "") -> GateSettings:
    now = time.time()
    store.put_settings({"kill_switch": "1" if on else "0", "kill_switch_reason": redact(reason) if on else ""}, now)
    store.log_operator("kill_switch", ("on" if on else "off") + (f": {reason}" if reason else ""), now)
    current = read(store)
    write_hot_path(config, current)
    return current


def readiness(store: Store) -> dict[str, Any]:
    """Whether `enforce` may be switched on (SPEC §7.3): each threshold with its value, and the unmet ones
    said in words."""
    s = store.annotation_summary()
    judged = s["continue_correct"] + s["continue_incorrect"]
    precision = s["continue_correct"] / judged if judged else 0.0
    recent = store.recent_fail_open_kinds(READY_WINDOW)
    invalid = sum(1 for kind in recent if kind in ("invalid_rule", "invalid_evidence"))
    counted = [("annotated events", s["annotated"], READY_ANNOTATED)] + [
        (f"annotated {d} verdicts", s[d], READY_PER_DECISION) for d in ("continue", "allow")
    ]
    checks = [_check(name, value, need, f"{value} {name}, need {need}") for name, value, need in counted]
    checks.append(
        _check(
            "precision of annotated continue verdicts",
            precision,
            READY_PRECISION,
            f"precision of annotated continue verdicts is {precision:.2f}, need {READY_PRECISION}",
        )
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
    return {"ready": not unmet, "unmet": unmet, "checks": checks, "annotations": s, "precision": precision}


def _check(name: str, value: float, threshold: float, unmet: str) -> dict[str, Any]:
    return {"name": name, "value": value, "threshold": threshold, "op": ">=", "met": value >= threshold, "unmet": unmet}


def write_hot_path(config: Config, current: GateSettings) -> None:
    """What the Stop hook's router needs, in one small file it can read without asking the server."""
    data = {
        "mode": current.mode,
        "kill_switch": current.kill_switch,
        "api_version": API_VERSION,
        "port": config.port,
        # How long the hook waits for /v1/evaluate: a little over the authority's own budget.
        "evaluate_timeout_s": config.authority_timeout_s + 0.5,
        "written_at": time.time(),
    }
    path = os.path.join(config.state_dir, HOT_PATH_FILE)
    write_atomic(path, (json.dumps(data) + "\n").encode("utf-8"), 0o600)
