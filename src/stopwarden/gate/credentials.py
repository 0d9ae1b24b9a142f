"""Whether an LLM authority can be called at all from here: its key, or its command, is there.

An authority without its key does not fail loudly: every stop it judges fails open as `unavailable` until
the breaker opens, and the gate quietly lets everything through (issue 21). So `gate authority` and
`doctor` ask this first, from the environment the server will be started from. Keys are read from the
environment only (gate/providers.py); a `base_url` (in `[authority.NAME]` or the SDK's own variable)
points at a proxy or a local server that may need none, so then a missing key is not a problem.
"""

from __future__ import annotations

import os
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
            if "/" in command and not os.path.isabs(command):  # found from a checkout, never from the server
                found.append(f"claude-cli: the command {command!r} is relative: give its absolute path")
            elif not shutil.which(command, path=env.get("PATH")):
                found.append(f"claude-cli: the command {command!r} is not on PATH")
            continue
        if provider not in PROVIDER_ENV:  # not one we know: the registry says so when it is built
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
    settings = approved_settings(name, options, os.environ)
    if root and approval.approved(root, settings):
        return ""
    gained = _gained(root, settings) if root else ""
    if gained:
        return (
            f"the {name} authority was approved without {gained} as this environment has it (a repository "
            "can set the agent's hooks' environment: a base URL, a proxy or a certificate authority would get "
            "the key, another `claude` would run with it) and this machine's operator has not approved that"
        )
    what = f"the settings of the {name} authority" if named_here else f"the {name} authority and its settings"
    return f"{what} come from .stopwarden/config.toml and are not approved on this machine"


def _gained(root: str, settings: Mapping[str, Any]) -> str:
    """The variables of `settings` that an approval of the same settings was made without: one of them, or
    all of them (an approval made with none set, as every approval before these variables counted)."""
    env: dict[str, str] = settings.get("env") or {}
    without_env = {key: value for key, value in settings.items() if key != "env"}
    for variable in env:
        fewer = {name: value for name, value in env.items() if name != variable}
        if fewer and approval.approved(root, without_env | {"env": fewer}):
            return variable
    return ", ".join(env) if env and approval.approved(root, without_env) else ""


def approve(root: str, name: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """`gate authority NAME`: the operator chose it, with its settings as they are now, on this machine.
    Returns what was approved ({} for the offline rules, which need no approving)."""
    if not providers(name):
        return {}
    settings = approved_settings(name, options, os.environ)
    approval.approve(root, settings)
    return settings


# What else of the environment decides where a provider's request goes, who can read it on the way, or
# what runs: the proxies and certificate authorities the SDKs' HTTP client honours (any case: the proxies'
# names are read lower-cased), the file it writes TLS secrets to; for the `claude` command (Node.js) also
# the code Node loads first, its extra certificate authorities, the home and folder of its settings (which
# can name commands to run), and the cloud backends it can be pointed at.
TRANSPORT_ENV = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "SSLKEYLOGFILE")
COMMAND_ENV = ("NODE_OPTIONS", "NODE_EXTRA_CA_CERTS", "CLAUDE_CONFIG_DIR", "HOME", "ANTHROPIC_BEDROCK_BASE_URL",
               "ANTHROPIC_VERTEX_BASE_URL", "ANTHROPIC_FOUNDRY_BASE_URL", "CLAUDE_CODE_USE_BEDROCK",
               "CLAUDE_CODE_USE_VERTEX", "CLAUDE_CODE_USE_FOUNDRY")  # fmt: skip
_ANY_CASE = frozenset(name.lower() for name in TRANSPORT_ENV)


def approved_settings(name: str, options: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """What approving an authority covers: its name, its settings, and what its SDKs (or the `claude`
    command) would take from the environment that decides where the key goes: the base URL, a proxy, a
    certificate authority (and for the command, what Node.js loads and which `claude` PATH finds), when one
    is set. An agent client sets its hooks' environment partly from files a repository commits (a
    `.claude/settings.json` `env` table, Gemini CLI's `.env`: docs/security.md), and the server a hook
    starts inherits it: a variable put there must not get the key of an authority approved without it.
    (None set: the settings alone, as approvals always were.)"""
    found = providers(name)
    wanted = {PROVIDER_ENV["anthropic" if p == "claude-cli" else p][1] for p in found}
    if "claude-cli" in found:
        wanted.update(COMMAND_ENV)
    chosen = {
        variable: value
        for variable, value in sorted(env.items())
        if value and found and (variable in wanted or variable.lower() in _ANY_CASE)
    }
    if "claude-cli" in found:  # the program PATH finds, where the approved `command` is a bare name
        command = str(options.get("command") or "claude")
        where = shutil.which(command, path=env.get("PATH"))
        # Its path, not where a link leads: an installer's `claude` link moves to each new version.
        chosen["command on PATH"] = os.path.abspath(where) if where else ""
    return {"authority": name, "options": options} | ({"env": chosen} if chosen else {})


def configured_unapproved(config: Config) -> str:
    """`unapproved` for the authority the config names, with its settings: what the server would call."""
    return unapproved(config.root, config.authority, config.authority_options.get(config.authority) or {})


APPROVE_HINT = (
    "check [gate] authority and [authority.<name>] in .stopwarden/config.toml, then `stopwarden gate authority <name>`"
)
