"""What this machine's operator approved of the settings the repository brought (`.stopwarden/approved`).

The config is committed, so a repository can name an LLM authority and a `base_url` the operator's API
key would be sent to, a `command` for the judge to run, or a store URL whose database would receive the
decision log and could say `enforce`. What it brought is a proposal, as its mode is (docs/security.md):
it is used once this machine's operator approves it (`stopwarden gate authority NAME`, `stopwarden store
approve`), which records an HMAC under the machine's token of what was approved. A repository cannot
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
from stopwarden.state import files

KEPT = 32  # approvals remembered: switching among a few authorities or stores never asks twice


def _digest(token: str, settings: Mapping[str, Any]) -> str:
    text = json.dumps(settings, sort_keys=True, default=str)
    return hmac.new(token.encode(), text.encode(), hashlib.sha256).hexdigest()


def _token(root: str) -> str:
    try:
        return files.read_token(root)
    except OSError:
        return ""


def approved(root: str, settings: Mapping[str, Any]) -> bool:
    """Whether this machine's operator approved exactly these settings."""
    token = _token(root)
    if not token:
        return False
    digest = _digest(token, settings)
    try:
        lines = files.read_approved(root)
    except OSError:  # a folder of the way is not ours: nothing is approved
        return False
    return any(hmac.compare_digest(digest, line) for line in lines)


def approve(root: str, settings: Mapping[str, Any]) -> None:
    """Record that this machine's operator approved these settings."""
    token = _token(root)
    if not token:
        raise StopwardenError("this checkout has no private token to approve with", hint="stopwarden doctor --fix")
    digest = _digest(token, settings)
    kept = [line for line in files.read_approved(root) if line != digest][-(KEPT - 1) :]
    files.write_approved(root, [*kept, digest])
