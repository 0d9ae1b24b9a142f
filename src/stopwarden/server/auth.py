"""What stands between a connection and the routes (SPEC §6.2): who may ask, how much, and the proof that
the answer comes from this project's server.

Pure ASGI middleware, cheap on every request. In order:

- `Guard`: a loopback client, no proxy headers, a Host header naming loopback (a DNS-rebinding page
  sends its own name, so it cannot read even /health), all checked before the body is read. Then either a
  signed request (below) or, on /v1, the bearer token the review page sends.
- `BodyLimit`: 413 for a body over 256 KiB.

A signed request proves it knows the token without sending it, and its answer proves the server knows it
too, so a stranger listening on the port learns nothing and cannot answer for us. The hook sends
`X-Stopwarden-Nonce` (32 lowercase hex digits, fresh per request) and `X-Stopwarden-Auth`, the lowercase
hex HMAC-SHA256, keyed with the token, of

    b"stopwarden-request\\n" + METHOD + b"\\n" + TARGET + b"\\n" + NONCE + b"\\n" + BODY

(TARGET: the path and `?query` exactly as on the request line). Every answer to a valid signature, errors
included, carries `X-Stopwarden-Proof`, the HMAC of

    b"stopwarden-response\\n" + NONCE + b"\\n" + STATUS + b"\\n" + RESPONSE_BODY

A request whose signature or nonce is wrong or malformed is refused with 403 and no proof, on any path. A
signed body over 256 KiB gets a proven 413 when it is read to its end within 1 MiB, else a bare one.
"""

from __future__ import annotations

import hmac
import json
import re
from typing import NamedTuple

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 256 * 1024
DRAIN_LIMIT = 4 * MAX_BODY  # how much of a refused body is read, so its sender sees the refusal
LOOPBACK_CLIENTS = ("127.0.0.1", "::1")
# This machine's loopback by name or address, with an optional port: what a browser or the hook sends for
# the server's own address. Anything else is a page that reached us under another name (DNS rebinding).
# (Starlette's TrustedHostMiddleware matches as well, but refuses in plain text: every refusal here is JSON.)
LOOPBACK_HOST = re.compile(rb"(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?", re.IGNORECASE)
# Headers a proxy adds: we are served on loopback to this machine's own clients, never through a proxy.
PROXY_HEADERS = {b"x-forwarded-for": "X-Forwarded-For", b"forwarded": "Forwarded", b"x-real-ip": "X-Real-IP",
                 b"x-forwarded-host": "X-Forwarded-Host"}  # fmt: skip
AUTH = b"x-stopwarden-auth"
NONCE = b"x-stopwarden-nonce"
PROOF = b"x-stopwarden-proof"
NONCE_HEX = 32
MAC_HEX = 64
# Ways of sending a response that bypass the body messages the proof is computed from.
UNSIGNABLE_SENDS = ("http.response.pathsend", "http.response.zerocopysend")
ERROR_NAMES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               409: "conflict", 413: "payload_too_large", 500: "internal_error", 503: "unavailable"}  # fmt: skip


def error_body(status: int, detail: str) -> bytes:
    return json.dumps({"error": ERROR_NAMES.get(status, "error"), "detail": detail}).encode()


async def send_error(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """The JSON error of SPEC §6.2, from middleware (below FastAPI's exception handlers)."""
    body = error_body(status, detail)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(extra or ())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _is_hex(value: bytes, length: int) -> bool:
    """Exactly `length` lowercase hex digits (strip leaves nothing only when every byte is one)."""
    return len(value) == length and not value.strip(b"0123456789abcdef")


def _declared_too_large(headers: dict[bytes, bytes]) -> bool:
    declared = headers.get(b"content-length")
    return declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY)


async def _drain(receive: Receive) -> None:
    """Read (a bounded amount of) the refused body, so the client is done sending and sees the 413
    instead of a connection reset."""
    seen = 0
    while seen <= DRAIN_LIMIT:
        message = await receive()
        seen += len(message.get("body", b""))
        if not message.get("more_body"):
            return


async def _too_large(send: Send) -> None:
    await send_error(send, 413, f"the body is over {MAX_BODY // 1024} KiB")


class BodyLimit:
    """413 for a body over 256 KiB, whether it declares its length or streams it in chunks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_too_large(dict(scope.get("headers") or [])):
            await _drain(receive)
            await _too_large(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise HTTPException(413, f"the body is over {MAX_BODY // 1024} KiB")
            return message

        await self.app(scope, counted, send)


class Guard:
    """Loopback only, no proxies, a loopback Host; then a valid signature (any path), or on /v1 the bearer
    token, compared in constant time. Everything but the signature is checked before the body is read: a
    stranger learns nothing, not even whether its JSON parses."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.strip().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("headers") or []
        headers = dict(raw)
        refusal = _refuse_origin(scope, raw, headers)
        if refusal is None:
            signature = headers.get(AUTH)
            if signature is not None:
                await self._signed(scope, receive, send, headers, signature)
                return
            if str(scope.get("path", "")).startswith("/v1"):
                bearer = self._refuse_bearer(headers)
                if bearer is not None:
                    await send_error(send, *bearer)
                    return
        if refusal is not None:
            await send_error(send, *refusal)
            return
        await self.app(scope, receive, send)

    def _refuse_bearer(self, headers: dict[bytes, bytes]) -> tuple[int, str, list[tuple[bytes, bytes]]] | None:
        """401 with a challenge (RFC 6750 §3) for a missing or a wrong token: the client may retry with the
        right one. 403 is for who may not come in at all (a proxy, a stranger's Host, a forged signature)."""
        scheme, _, given = headers.get(b"authorization", b"").partition(b" ")
        if scheme.lower() != b"bearer" or not given:
            detail = "missing bearer token (Authorization: Bearer <.stopwarden/token>) or request signature"
            return 401, detail, [(b"www-authenticate", b'Bearer realm="stopwarden"')]
        if not hmac.compare_digest(given, self.token):
            return (
                401,
                "wrong bearer token",
                [(b"www-authenticate", b'Bearer realm="stopwarden", error="invalid_token"')],
            )
        return None

    def _proof(self, nonce: bytes, status: int, body: bytes) -> tuple[bytes, bytes]:
        mac = hmac.digest(
            self.token, b"stopwarden-response\n" + nonce + b"\n" + str(status).encode() + b"\n" + body, "sha256"
        )
        return PROOF, mac.hex().encode()

    async def _signed(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes], signature: bytes
    ) -> None:
        """Verify the signature over the whole request, hand the app the body it was computed over, and
        sign whatever the app answers."""
        nonce = headers.get(NONCE, b"")
        if not (_is_hex(nonce, NONCE_HEX) and _is_hex(signature, MAC_HEX)):
            await send_error(send, 403, "malformed request signature (X-Stopwarden-Nonce, X-Stopwarden-Auth)")
            return
        target = scope.get("raw_path") or str(scope.get("path", "")).encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        method = str(scope.get("method", "")).encode()
        mac = hmac.new(self.token, b"stopwarden-request\n" + method + b"\n" + target + b"\n" + nonce + b"\n", "sha256")
        body = await _read_hashed(receive, mac)
        if not body.whole:
            if body.size > MAX_BODY:  # too much to verify: refused, and nothing proven to an unknown client
                await _too_large(send)
            return  # else the client left: nobody to answer
        if not hmac.compare_digest(mac.hexdigest().encode(), signature):
            await send_error(send, 403, "wrong request signature (X-Stopwarden-Auth)")
            return
        if body.size > MAX_BODY:  # a signed body too large: refused, with the proof the client checks
            detail = f"the body is over {MAX_BODY // 1024} KiB"
            await send_error(send, 413, detail, [self._proof(nonce, 413, error_body(413, detail))])
            return
        await self._answer_signed(_signable(scope), replay(body.data, receive), send, nonce)

    async def _answer_signed(self, scope: Scope, receive: Receive, send: Send, nonce: bytes) -> None:
        """The app's answer, held until its body is complete, then sent with its proof."""
        start: Message | None = None
        chunks: list[bytes] = []
        sent = False

        async def signing(message: Message) -> None:
            nonlocal start, sent
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(chunks)
                headers = [*start.get("headers", ()), self._proof(nonce, int(start["status"]), body)]
                sent = True
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        try:
            await self.app(scope, receive, signing)
        except Exception:
            # Unhandled in the app: Starlette's outer handler would answer a bare 500 the hook cannot
            # verify. Answer a signed one instead; the error still goes up to be logged.
            if not sent:
                await send_error(
                    send, 500, "internal error", [self._proof(nonce, 500, error_body(500, "internal error"))]
                )
            raise


class _Body(NamedTuple):
    data: bytes  # the body, when it is at most MAX_BODY bytes
    size: int
    whole: bool  # read to its end (not: the client left, or it went on past DRAIN_LIMIT)


async def _read_hashed(receive: Receive, mac: hmac.HMAC) -> _Body:
    """The request body, fed to `mac` as it comes. Past MAX_BODY it is still read and hashed (not kept), up
    to DRAIN_LIMIT, so that a signed client is told "too large" with a proof instead of a connection reset."""
    chunks: list[bytes] = []
    size = 0
    while size <= DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            return _Body(b"", size, whole=False)
        chunk = message.get("body", b"")
        size += len(chunk)
        mac.update(chunk)
        if size <= MAX_BODY:
            chunks.append(chunk)
        if not message.get("more_body"):
            return _Body(b"".join(chunks) if size <= MAX_BODY else b"", size, whole=True)
    return _Body(b"", size, whole=False)


def replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, as one message; then the connection's own messages (a disconnect)."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _signable(scope: Scope) -> Scope:
    """The scope without the send extensions that would bypass the body (and so the proof)."""
    extensions = scope.get("extensions") or {}
    if not any(name in extensions for name in UNSIGNABLE_SENDS):
        return scope
    return {**scope, "extensions": {k: v for k, v in extensions.items() if k not in UNSIGNABLE_SENDS}}


def _refuse_origin(scope: Scope, raw: list[tuple[bytes, bytes]], headers: dict[bytes, bytes]) -> tuple[int, str] | None:
    """Why a request did not come straight from this machine, on any path; None when it did."""
    for name, label in PROXY_HEADERS.items():
        if name in headers:
            return 403, f"requests through a proxy ({label}) are refused"
    client = scope.get("client")
    if not client or client[0] not in LOOPBACK_CLIENTS:
        return 403, "only loopback clients are served"
    hosts = [value for name, value in raw if name == b"host"]
    if len(hosts) != 1 or not LOOPBACK_HOST.fullmatch(hosts[0]):
        return 403, "the Host header must name loopback (127.0.0.1, localhost or [::1], with its port)"
    return None
