"""The gate's state in one answer: mode and where it comes from, kill switch, authority, breaker, today.

`stopwarden gate status` and the review page (`GET /v1/status`) show this same answer, so an operator
reads the same facts in a terminal and in the browser: above all why the gate may be allowing every
stop (an authority without its credentials, an open breaker and its last failure).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from stopwarden.common import timefmt
from stopwarden.common.config import Config
from stopwarden.gate import breaker, credentials, settings
from stopwarden.store.store import Store


def gate_status(store: Store, config: Config, env: Mapping[str, str], now: float) -> dict[str, Any]:
    """Everything `gate status` says but whether the server runs. `env` is where the authority is called
    from: the server's own environment when the server answers, the caller's otherwise."""
    current = settings.read(store, config)
    midnight = time.mktime((*time.localtime(now)[:3], 0, 0, 0, 0, 0, -1))
    project = config.events_project
    return {
        **current.as_dict(),
        "mode_source": settings.mode_source(store, config),
        "authority": config.authority,
        "breaker": breaker.state(store, config.authority, now),
        "breaker_failures": store.breaker(config.authority)["failures"],
        "last_failure": store.last_authority_failure(project),
        "authority_problems": authority_problems(config, env),
        "unapproved": unapproved(config),
        "today": store.decision_counts(midnight, project),
    }


def authority_problems(config: Config, env: Mapping[str, str]) -> list[str]:
    """What stops the configured authority from being called from an environment like `env`: a key, a
    command (every stop it judges would fail open)."""
    return credentials.problems(config.authority, config.authority_options, env)


def authority_unapproved(config: Config) -> list[str]:
    """The configured authority, when this machine has not approved it with its settings ([] when it has)."""
    authority = credentials.configured_unapproved(config)
    return [f"{authority}: rules judge until it is ({credentials.APPROVE_HINT})"] if authority else []


def unapproved(config: Config) -> list[str]:
    """What of the committed config this machine's operator has not approved (state/approval.py), each with
    what is used meanwhile: the offline rules for an authority, the project's SQLite file for a store."""
    return authority_unapproved(config) + store_unapproved(config)


def store_unapproved(config: Config) -> list[str]:
    """The store URL the config or the environment names, when this machine has not approved it ([] when
    it has, or none)."""
    if not config.store_unapproved:
        return []
    from stopwarden.store.store import safe_location

    used = "the config's approved URL" if config.store_url else "the project's SQLite file"
    return [
        f"{config.store_unapproved_from} {safe_location(config.store_unapproved)} is not approved on this "
        f"machine: {used} keeps the log until it is (check it, then `stopwarden store approve`)"
    ]


def as_json(status: dict[str, Any]) -> dict[str, Any]:
    """`gate_status`'s answer as JSON carries it (`gate status --json`; the API's models.StatusOut writes the
    same): the last failure's time in UTC ISO 8601 (timefmt.iso)."""
    last = status["last_failure"]
    return {**status, "last_failure": None if last is None else {**last, "ts": timefmt.iso(last["ts"])}}
