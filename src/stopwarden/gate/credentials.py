"""Whether an LLM authority can be called at all from here: its key, or its command, is there.

An authority without its key does not fail loudly: every stop it judges fails open as `unavailable` until
the breaker opens, and the gate quietly lets everything through (issue 21). So `gate authority` and
`doctor` ask this first, from the environment the server will be started from. Keys are read from the
environment only (gate/providers.py); a `base_url` (in `[authority.NAME]` or the SDK's own variable)
points at a proxy or a local server that may need none, so then a missing key is not a problem.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from typing import Any

from stopwarden.common.config import Config
from stopwarden.state import approval

# Provider -> (the key's variable, the base URL's variable): what the SDKs read (gate/providers.py).
PROVIDER_ENV = {
    "anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
    "openai": ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
}


def providers(authority: str) -> list[str]:
    """The LLM providers an authority calls: none for `rules`, the model's for `rules+openai` and `openai`."""
    return [part for part in authority.split("+") if part != "rules"]


def problems(authority: str, options: Mapping[str, Mapping[str, Any]], env: Mapping[str, str]) -> list[str]:
    """What stops `authority` from being called from an environment like `env`, one line each ([]: nothing)."""
    found = []
    for provider in providers(authority):
        own = options.get(authority) or options.get(provider) or {}  # a cascade's settings are its own table
        if provider == "claude-cli":
            command = str(own.get("command") or "claude")
            if not shutil.which(command, path=env.get("PATH")):
                found.append(f"claude-cli: the command {command!r} is not on PATH")
            continue
        key, base_url = PROVIDER_ENV[provider]
        if not env.get(key) and not own.get("base_url") and not env.get(base_url):
            found.append(f"{provider}: {key} is not set (and no base_url points at a server that needs none)")
    return found


def unapproved(root: str | None, name: str, options: Mapping[str, Any], *, named_here: bool = False) -> str:
    """Why `name` may not be called with `options` on this machine ("" when it may): the config named it,
    and this machine's operator has not approved it with these settings (state/approval.py). `named_here`:
    the operator named it on the command line (`eval --authority`), so only its settings came from the
    config. `rules` calls no provider and runs nothing: it never needs approving."""
    if not providers(name) or (named_here and not options):
        return ""
    if root and approval.approved(root, {"authority": name, "options": options}):
        return ""
    what = f"the settings of the {name} authority" if named_here else f"the {name} authority and its settings"
    return f"{what} come from .stopwarden/config.toml and are not approved on this machine"


def approve(root: str, name: str, options: Mapping[str, Any]) -> None:
    """`gate authority NAME`: the operator chose it, with its settings as they are now, on this machine."""
    if providers(name):  # the offline rules need no approving
        approval.approve(root, {"authority": name, "options": options})


def configured_unapproved(config: Config) -> str:
    """`unapproved` for the authority the config names, with its settings: what the server would call."""
    return unapproved(config.root, config.authority, config.authority_options.get(config.authority) or {})


APPROVE_HINT = (
    "check [gate] authority and [authority.<name>] in .stopwarden/config.toml, then `stopwarden gate authority <name>`"
)
