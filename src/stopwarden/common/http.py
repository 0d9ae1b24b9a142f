"""One short HTTP/1.1 request to the local server over `_socket` (SPEC §10), signed both ways.

`http.client` costs ~75 ms to import and `urllib.request` ~100 ms; a loopback request to our own server
needs neither. Used by the hooks and by the CLI, so there is one client. Raises OSError on any failure
(refused, timed out, malformed answer, an answer that does not prove it is from our server); callers
fail open.

Whatever listens on the configured port is not trusted (issue 18): another checkout's server, or any
program. So the token is never sent. A request carries a fresh nonce and an HMAC of itself under the
token (`X-Stopwarden-Nonce`, `X-Stopwarden-Auth`); our server checks it, and signs its answer over the
nonce, status and body (`X-Stopwarden-Proof`), which only a holder of the token can do. An answer
without a valid proof is an OSError. server/auth.py is the other side. The timeout bounds the whole
request, not each read: a server trickling one byte at a time cannot hold a hook.
"""

import _socket
import posix
import time
from _operator import _compare_digest  # constant time; what hmac falls back to, without loading OpenSSL

from stopwarden.common import fastjson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

MAX_RESPONSE = 1 << 20
NONCE_HEADER = "X-Stopwarden-Nonce"
AUTH_HEADER = "X-Stopwarden-Auth"
PROOF_HEADER = "X-Stopwarden-Proof"
UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")  # RFC 3986
REQUEST_DOMAIN = b"stopwarden-request\n"
RESPONSE_DOMAIN = b"stopwarden-response\n"


class NotOurServer(OSError):
    """Something answered on the port, but could not prove it holds this project's token."""


def request(
    port: int, method: str, path: str, token: str = "", body: "Any" = None, timeout: float = 0.3
) -> "tuple[int, Any]":
    """(status, parsed JSON body or None) of one request to 127.0.0.1:`port`, within `timeout` in all."""
    deadline = time.monotonic() + timeout
    data = b"" if body is None else fastjson.dumps(body).encode("utf-8")
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close", "Accept: application/json"]
    nonce = ""
    if token:
        nonce = posix.urandom(16).hex()
        message = b"\n".join((method.encode(), path.encode("latin-1"), nonce.encode())) + b"\n" + data
        head += [f"{NONCE_HEADER}: {nonce}", f"{AUTH_HEADER}: {sign(token, REQUEST_DOMAIN + message)}"]
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        sock.settimeout(_left(deadline))
        sock.connect(("127.0.0.1", port))
        sock.settimeout(_left(deadline))
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
        raw = _read_all(sock, deadline)
    finally:
        sock.close()
    status, headers, payload = _split(raw)
    if token:
        given = _header(headers, PROOF_HEADER)
        expected = sign(token, RESPONSE_DOMAIN + f"{nonce}\n{status}\n".encode() + payload)
        if not given or not _compare_digest(given.encode("latin-1", "replace"), expected.encode()):
            raise NotOurServer(f"what answers on port {port} did not prove it is this project's server")
    if not payload.strip():
        return status, None
    try:
        return status, fastjson.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, fastjson.JSONError) as e:
        raise OSError(f"response is not JSON: {e}") from None


def query(params: "Mapping[str, object]") -> str:
    """`a=1&b=x%20y`: the params that are not None, every byte of a value outside RFC 3986's unreserved
    characters percent-encoded (UTF-8; an argument that is not UTF-8, as its bytes): it arrives as typed."""
    return "&".join(f"{name}={_quote(str(value))}" for name, value in params.items() if value is not None)


def _quote(value: str) -> str:
    return "".join(chr(b) if b in UNRESERVED else f"%{b:02X}" for b in value.encode("utf-8", "surrogateescape"))


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("timed out")
    return left


def _read_all(sock: "_socket.socket", deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        sock.settimeout(_left(deadline))
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE:
            raise OSError("response too large")
        chunks.append(chunk)


def _split(raw: bytes) -> "tuple[int, bytes, bytes]":
    """(status, the header block, the body, unchunked)."""
    head, sep, payload = raw.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    if not sep or len(status_line) < 2 or not status_line[1].isdigit():
        raise OSError("malformed HTTP response")
    if b"transfer-encoding: chunked" in head.lower():
        payload = _unchunk(payload)
    return int(status_line[1]), head, payload


def _header(head: bytes, name: str) -> str:
    wanted = name.lower().encode() + b":"
    for line in head.split(b"\r\n")[1:]:
        if line.lower().startswith(wanted):
            return line[len(wanted) :].strip().decode("latin-1")
    return ""


def _unchunk(payload: bytes) -> bytes:
    out: list[bytes] = []
    while payload:
        size_line, _, rest = payload.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0] or b"0", 16)
        except ValueError:
            raise OSError("malformed chunked body") from None
        if size == 0:
            break
        out.append(rest[:size])
        payload = rest[size + 2 :]
    return b"".join(out)


def sign(token: str, message: bytes) -> str:
    """HMAC-SHA256 of `message` under the token, in hex: RFC 2104 over `_sha256`, which imports in a
    fraction of a millisecond where `hmac` and `hashlib` load OpenSSL (~4 ms) on the hook's path."""
    key = token.encode("latin-1", "replace")
    if len(key) > 64:
        key = _sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = _sha256(bytes(b ^ 0x36 for b in key) + message).digest()
    return str(_sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest())


def _sha256(data: bytes) -> "Any":
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found]  # CPython 3.12 and later
        except ImportError:
            from hashlib import sha256
    return sha256(data)
