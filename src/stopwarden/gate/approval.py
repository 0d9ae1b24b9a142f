"""Which authority settings this machine's operator approved (`.stopwarden/approved`).

The config is committed, so a repository can choose its authority and `[authority.<name>]` settings: a
`base_url` the operator's API key would be sent to, a `command` the judge would run, a paid model. What
the repository brought is a proposal, as its mode is (docs/security.md): the server judges with the
offline `rules` until the operator approves the authority on this machine with `stopwarden gate authority
NAME`, which records an HMAC under the machine's token of the name and its settings. A repository cannot
write one (it has no token, and a committed file is not private, so it is not read), and a changed
setting needs approving again, as `direnv allow` works.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from stopwarden.common.errors import StopwardenError
from stopwarden.gate import credentials
from stopwarden.state import files

KEPT = 32  # approvals remembered: switching among a few authorities never asks twice


def _digest(token: str, name: str, options: Mapping[str, Any]) -> str:
    settings = json.dumps({"authority": name, "options": options}, sort_keys=True, default=str)
    return hmac.new(token.encode(), settings.encode(), hashlib.sha256).hexdigest()


def _token(root: str) -> str:
    try:
        return files.read_token(root)
    except OSError:
        return ""


def approved(root: str, name: str, options: Mapping[str, Any]) -> bool:
    """Whether this machine's operator approved `name` with exactly these settings."""
    token = _token(root)
    if not token:
        return False
    digest = _digest(token, name, options)
    return any(hmac.compare_digest(digest, line) for line in files.read_approved(root))


def approve(root: str, name: str, options: Mapping[str, Any]) -> None:
    """Record that the operator approved `name` with these settings (`gate authority NAME`)."""
    if not credentials.providers(name):
        return  # nothing to approve: the offline rules are always used as they are
    token = _token(root)
    if not token:
        raise StopwardenError("this checkout has no private token to approve with", hint="stopwarden doctor --fix")
    digest = _digest(token, name, options)
    kept = [line for line in files.read_approved(root) if line != digest][-(KEPT - 1) :]
    files.write_approved(root, [*kept, digest])


def problem(root: str | None, name: str, options: Mapping[str, Any], *, named_here: bool = False) -> str:
    """Why `name` may not be used with `options` on this machine ("" when it may). `named_here`: the
    operator named it on the command line (`eval --authority`), so only its settings came from the
    repository. `rules` calls no provider and runs nothing: it never needs approving."""
    if not credentials.providers(name) or (named_here and not options) or (root and approved(root, name, options)):
        return ""
    what = f"the settings of the {name} authority" if named_here else f"the {name} authority and its settings"
    return f"{what} come from .stopwarden/config.toml and are not approved on this machine"


HINT = (
    "check [gate] authority and [authority.<name>] in .stopwarden/config.toml, then `stopwarden gate authority <name>`"
)
