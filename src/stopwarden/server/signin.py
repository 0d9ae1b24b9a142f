"""One-time sign-in links for the review page (`stopwarden open`), so that nobody pastes the token.

`stopwarden open` reads the token (who can read `.stopwarden/token` may sign in anyway) and makes a link
whose fragment carries a code: an expiry at most LINK_TTL_S away, a random nonce, and an HMAC of both under
the token. A fragment never leaves the browser in a request or a log line; the page posts the code to
`POST /signin`, which answers the token once: for a right MAC, before the expiry, and only for a nonce not
redeemed before. The redeemed nonces are kept in memory until they expire: a server restarted within a
link's two minutes would take a used link once more, and give the token to a browser on this machine that
had the link, which was made from that token by someone who could read it.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import urllib.parse

LINK_TTL_S = 120  # long enough to switch to the browser, short enough that a stale link is worthless
DOMAIN = b"stopwarden-signin"  # what the MAC is over, apart from request signatures and answer proofs


def _mac(token: str, expires: int, nonce: str) -> str:
    message = b"\n".join((DOMAIN, str(expires).encode(), nonce.encode()))
    return hmac.new(token.strip().encode(), message, "sha256").hexdigest()


def code(token: str, now: float) -> str:
    """A fresh one-time code: `<expires>.<nonce>.<mac>`."""
    expires = int(now) + LINK_TTL_S
    nonce = secrets.token_hex(16)
    return f"{expires}.{nonce}.{_mac(token, expires, nonce)}"


def link(port: int, token: str, operator: str, now: float) -> str:
    """The review page's address with a one-time code and the operator's name in its fragment."""
    fragment = urllib.parse.urlencode({"signin": code(token, now), "operator": operator})
    return f"http://127.0.0.1:{port}/#{fragment}"


class SignIns:
    """The server's side: checks a code and redeems it once."""

    def __init__(self, token: str) -> None:
        self._token = token
        self._used: dict[str, int] = {}  # nonce -> its expiry, kept until then
        self._lock = threading.Lock()

    def redeem(self, given: str, now: float) -> bool:
        """Whether `given` is a code made with the token, not expired, and not redeemed before."""
        parts = given.split(".")
        if len(parts) != 3 or not parts[0].isdigit() or len(parts[1]) != 32 or len(parts[2]) != 64:
            return False
        expires, nonce, mac = int(parts[0]), parts[1], parts[2]
        if not now <= expires <= now + LINK_TTL_S + 1:  # a code from the future was not made by `code`
            return False
        if not hmac.compare_digest(mac, _mac(self._token, expires, nonce)):
            return False
        with self._lock:
            self._used = {n: e for n, e in self._used.items() if e >= now}
            if nonce in self._used:
                return False
            self._used[nonce] = expires
        return True
