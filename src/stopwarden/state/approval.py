"""What this machine's operator approved of the settings the repository brought (`.stopwarden/approved`).

The config is committed, so a repository can name an LLM authority and a `base_url` the operator's API
key would be sent to, a `command` for the judge to run, or a store URL whose database would receive the
decision log and could say `enforce`. What it brought is a proposal, as its mode is (docs/security.md):
it is used once this machine's operator approves it (`stopwarden gate authority NAME`, `stopwarden store
approve`), which records an HMAC of what was approved and of the checkout's real path. The HMAC's key is
the user's own, outside every checkout (`$XDG_STATE_HOME/stopwarden/approval-key`, 0600, made here and
nowhere else), so nothing a repository commits under `.stopwarden/` (a token, an `approved` file) can
forge one; and a changed setting needs approving again, as `direnv allow` works.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from typing import Any

from stopwarden.common.errors import StopwardenError
from stopwarden.state import files, safe

KEPT = 32  # approvals remembered: switching among a few authorities or stores never asks twice
KEY_FILE = "approval-key"


def key_path() -> str:
    """The user's approval key: in the user's state folder, never in a checkout."""
    return os.path.join(files.user_state_dir(os.environ), KEY_FILE)


def _key(create: bool) -> bytes:
    """The key's bytes; b"" when there is none (or it is odd: a link, readable by others) and not `create`."""
    path = key_path()
    try:
        return safe.read(path, private=True).strip()
    except FileNotFoundError:
        if not create:
            return b""
    except OSError:
        if not create:
            return b""
        raise StopwardenError(f"{path} is not a private file of yours", hint="remove it and approve again") from None
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    try:  # O_EXCL: two approving at once agree on the first key written
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return _key(create=False)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")
    return _key(create=False)


def _tagged(value: Any) -> Any:
    """A TOML value as JSON carries it, its type kept: the datetime 1979-05-27T07:32:00Z and the string
    "1979-05-27 07:32:00+00:00" are different settings."""
    return {"toml": type(value).__name__, "value": value.isoformat()} if hasattr(value, "isoformat") else value


def _digest(key: bytes, root: str, settings: Mapping[str, Any]) -> str:
    text = json.dumps({"root": os.path.realpath(root), "settings": settings}, sort_keys=True, default=_tagged)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def approved(root: str, settings: Mapping[str, Any]) -> bool:
    """Whether this machine's operator approved exactly these settings in this checkout."""
    key = _key(create=False)
    if not key:
        return False
    digest = _digest(key, root, settings)
    return any(hmac.compare_digest(digest, line) for line in files.read_approved(root))


def approve(root: str, settings: Mapping[str, Any]) -> None:
    """Record that this machine's operator approved these settings in this checkout."""
    from stopwarden.common.atomic import FileLock

    digest = _digest(_key(create=True), root, settings)
    with FileLock(files.path(root, ".approved.lock")):  # two approving at once keep both
        kept = [line for line in files.read_approved(root) if line != digest][-(KEPT - 1) :]
        files.write_approved(root, [*kept, digest])
