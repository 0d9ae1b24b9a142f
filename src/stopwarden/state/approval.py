"""What this machine's operator approved of the settings the repository brought.

The config is committed, so a repository can name an LLM authority and a `base_url` the operator's API
key would be sent to, a `command` for the judge to run, or a store URL whose database would receive the
decision log and could say `enforce`. What it brought is a proposal, as its mode is (docs/security.md):
it is used once this machine's operator approves it (`stopwarden gate authority NAME`, `stopwarden store
approve`), which records an HMAC of what was approved and of the checkout's real path
(`.stopwarden/approved`). The agent's environment is partly the repository's too (an agent client sets
its hooks' environment from files a repository commits), so a store URL from the environment is approved
the same way, once per machine rather than per checkout (`approved` in the account's state folder).

The HMAC's key is the user's own, outside every checkout (`approval-key`, 0600, made here and nowhere else),
in the state folder of the home the password database names (`files.account_state_dir`), never one the
environment names: nothing a repository commits (a token, an `approved` file, a variable pointing at a
key of its own) can forge an approval; and a changed setting needs approving again, as `direnv allow` works.
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
MACHINE_FILE = "approved"  # beside the key: this machine's approvals that hold in every checkout


def key_path() -> str:
    """The user's approval key: in the account's state folder, never in a checkout."""
    return os.path.join(files.account_state_dir(), KEY_FILE)


def _machine_path() -> str:
    return os.path.join(files.account_state_dir(), MACHINE_FILE)


def _key(create: bool) -> bytes:
    """The key's bytes; b"" when there is none (or it is odd: a link, readable by others; or the account has
    no home to keep it in) and not `create`."""
    try:
        path = key_path()
    except StopwardenError:
        if not create:
            return b""  # nothing approved: the rules judge, the project's SQLite file keeps the log
        raise
    try:
        return safe.read(path, private=True).strip()
    except FileNotFoundError:
        if not create:
            return b""
    except OSError:
        if not create:
            return b""
        raise StopwardenError(f"{path} is not a private file of yours", hint="remove it and approve again") from None
    try:  # O_EXCL: two approving at once agree on the first key written
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return _key(create=False)
    except OSError as e:
        raise StopwardenError(
            f"cannot make the approval key {path}: {e.strerror}",
            hint="it is kept in the home the password database names, whatever HOME says (docs/security.md): "
            "make that folder writable for this account",
        ) from None
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")
    return _key(create=False)


def _tagged(value: Any) -> Any:
    """A TOML value as JSON carries it, its type kept: the datetime 1979-05-27T07:32:00Z and the string
    "1979-05-27 07:32:00+00:00" are different settings."""
    return {"toml": type(value).__name__, "value": value.isoformat()} if hasattr(value, "isoformat") else value


def _digest(key: bytes, root: str | None, settings: Mapping[str, Any]) -> str:
    where = {"root": os.path.realpath(root)} if root is not None else {"machine": True}
    text = json.dumps({**where, "settings": settings}, sort_keys=True, default=_tagged)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def approved(root: str | None, settings: Mapping[str, Any]) -> bool:
    """Whether this machine's operator approved exactly these settings in the checkout at `root` (None: on
    this machine, in every checkout)."""
    key = _key(create=False)
    if not key:
        return False
    try:
        lines = files.read_approved(_file(root))
    except OSError:  # a checkout whose `.stopwarden/` is not ours approves nothing
        return False
    digest = _digest(key, root, settings)
    return any(hmac.compare_digest(digest, line) for line in lines)


def approve(root: str | None, settings: Mapping[str, Any]) -> None:
    """Record that this machine's operator approved these settings in the checkout at `root` (None: on
    this machine, in every checkout)."""
    from stopwarden.common.atomic import FileLock

    digest = _digest(_key(create=True), root, settings)
    where = _file(root)
    lock = files.path(root, ".approved.lock") if root is not None else where + ".lock"
    with FileLock(lock):  # two approving at once keep both
        kept = [line for line in files.read_approved(where) if line != digest][-(KEPT - 1) :]
        files.write_approved(where, [*kept, digest])


def _file(root: str | None) -> str:
    """Where the approvals of the checkout at `root` are kept, or this machine's (None)."""
    return files.approved_path(root) if root is not None else _machine_path()
