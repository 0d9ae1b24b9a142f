"""One short HTTP/1.1 request to the local server over `_socket` (SPEC §10).

`http.client` costs ~75 ms to import and `urllib.request` ~100 ms; a loopback request to our own server
needs neither. Used by the hooks and by the CLI, so there is one client. Raises OSError on any failure
(refused, timed out, malformed answer); callers fail open.
"""

import _socket

from stopwarden import fastjson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_RESPONSE = 1 << 20


def request(
    port: int, method: str, path: str, token: str = "", body: "Any" = None, timeout: float = 0.3
) -> "tuple[int, Any]":
    """(status, parsed JSON body or None) of one request to 127.0.0.1:`port`."""
    data = b"" if body is None else fastjson.dumps(body).encode("utf-8")
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close", "Accept: application/json"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(("127.0.0.1", port))
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
        raw = _read_all(sock)
    finally:
        sock.close()
    return _parse(raw)


def _read_all(sock: "_socket.socket") -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE:
            raise OSError("response too large")
        chunks.append(chunk)


def _parse(raw: bytes) -> "tuple[int, Any]":
    head, sep, payload = raw.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    if not sep or len(status_line) < 2 or not status_line[1].isdigit():
        raise OSError("malformed HTTP response")
    headers = head.lower()
    if b"transfer-encoding: chunked" in headers:
        payload = _unchunk(payload)
    if not payload.strip():
        return int(status_line[1]), None
    try:
        return int(status_line[1]), fastjson.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, fastjson.JSONError) as e:
        raise OSError(f"response is not JSON: {e}") from None


def _unchunk(payload: bytes) -> bytes:
    out: list[bytes] = []
    while payload:
        size_line, _, rest = payload.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out.append(rest[:size])
        payload = rest[size + 2 :]
    return b"".join(out)
