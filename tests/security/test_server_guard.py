"""Issue 18, items 4 and 12: the server answers only this machine's loopback under a loopback name, refuses
proxies, and proves to a signed request that it holds the project's token, without the token ever being
sent. Over real HTTP to a real server, with a signing client written here from the protocol (not the
hook's), so the two sides are checked against the protocol and not against each other.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from stopwarden.common import config as config_module
from stopwarden.gate import settings
from stopwarden.gate.service import Gate
from stopwarden.server.app import create_app
from stopwarden.server.control import read_token
from stopwarden.store.store import Store
from tests.server.conftest import PlanRepo, Server, evaluate_body, run_server

HOSTILE_HOSTS = ["evil.example", "127.0.0.1.evil.example", "evil.example:{port}", "localhost.evil.example:{port}",
                 "127.0.0.1:{port}@evil.example", "[::1].evil.example", "127.0.0.2:{port}"]  # fmt: skip
LOOPBACK_HOSTS = ["127.0.0.1:{port}", "127.0.0.1", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}", "[::1]"]
PATHS = ["/health", "/v1/mode", "/", "/static/app.js"]


@pytest.fixture
def server(installed: Path) -> Iterator[Server]:
    yield from run_server(installed)


# --- a signing client, from the protocol -------------------------------------------------------------------


@dataclass
class Signed:
    response: httpx.Response
    nonce: str


def mac(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def signed(
    server: Server,
    method: str,
    target: str,
    body: Any = None,
    *,
    key: str | None = None,
    nonce: str | None = None,
    sign_target: str | None = None,
    sign_body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Signed:
    """One request signed with `key` (the token by default). `sign_target`/`sign_body` sign something other
    than what is sent, as a tampering proxy would."""
    nonce = secrets.token_hex(16) if nonce is None else nonce
    data = b"" if body is None else json.dumps(body).encode()
    message = (
        b"stopwarden-request\n" + method.encode() + b"\n" + (sign_target or target).encode() + b"\n"
        + nonce.encode() + b"\n" + (data if sign_body is None else sign_body)
    )  # fmt: skip
    sent = {"X-Stopwarden-Nonce": nonce, "X-Stopwarden-Auth": mac(key or server.token, message)}
    if body is not None:
        sent["Content-Type"] = "application/json"
    response = httpx.request(
        method, f"http://127.0.0.1:{server.port}{target}", content=data, headers=sent | (headers or {}), timeout=30
    )
    return Signed(response, nonce)


def proof(server: Server, answer: Signed) -> str:
    status = str(answer.response.status_code).encode()
    return mac(
        server.token,
        b"stopwarden-response\n" + answer.nonce.encode() + b"\n" + status + b"\n" + answer.response.content,
    )


def assert_proven(server: Server, answer: Signed) -> None:
    given = answer.response.headers.get("x-stopwarden-proof")
    assert given is not None, (answer.response.status_code, answer.response.text)
    assert hmac.compare_digest(given, proof(server, answer)), "the proof does not match the token"


def raw(port: int, request: bytes) -> tuple[int, bytes]:
    """(status, whole response) of bytes sent as they are: headers httpx would not let us send."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    return int(answer.split(b" ", 2)[1]), answer


# --- Host ----------------------------------------------------------------------------------------------


def get_as(server: Server, host: str, path: str) -> httpx.Response:
    """GET `path` (with the token) naming `host` in the Host header."""
    headers = {"Host": host.format(port=server.port), "Authorization": f"Bearer {server.token}"}
    return httpx.get(f"http://127.0.0.1:{server.port}{path}", headers=headers)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_a_host_that_is_not_loopback_is_refused_on_every_path(server: Server, path: str, host: str) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: it reads nothing, not even /health."""
    response = get_as(server, host, path)
    assert response.status_code == 403, response.text
    assert response.json() == {"error": "forbidden", "detail": response.json()["detail"]}
    assert "Host" in response.json()["detail"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("host", LOOPBACK_HOSTS)
def test_loopback_names_are_served(server: Server, path: str, host: str) -> None:
    response = get_as(server, host, path)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", ["/health", "/"])
def test_a_request_without_a_host_is_refused(server: Server, path: str) -> None:
    status, answer = raw(server.port, f"GET {path} HTTP/1.0\r\n\r\n".encode())
    assert status == 403, answer


def test_a_second_host_header_is_refused(server: Server) -> None:
    request = (
        f"GET /health HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1:{server.port}\r\nConnection: close\r\n\r\n"
    )
    status, answer = raw(server.port, request.encode())
    assert status in (400, 403), answer


# --- proxies -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/health", "/v1/events", "/"])
@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Forwarded", "for=1.2.3.4"),
        ("X-Real-IP", "1.2.3.4"),
        ("X-Forwarded-For", "1.2.3.4"),
        ("X-Forwarded-Host", "evil.example"),
    ],
)
def test_requests_through_a_proxy_are_refused(server: Server, path: str, header: str, value: str) -> None:
    headers = {header: value, "Authorization": f"Bearer {server.token}"}
    response = httpx.get(f"http://127.0.0.1:{server.port}{path}", headers=headers)
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "forbidden" and header in response.json()["detail"]


# --- signed requests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/health", "/v1/mode", "/v1/events?limit=5&annotated=false", "/v1/hot-path"])
def test_a_signed_request_is_answered_with_a_proof(server: Server, target: str) -> None:
    answer = signed(server, "GET", target)
    assert answer.response.status_code == 200, answer.response.text
    assert_proven(server, answer)


def test_a_signed_request_never_carries_the_token(server: Server) -> None:
    answer = signed(server, "GET", "/v1/mode")
    sent = answer.response.request
    assert server.token not in str(sent.url) and server.token.encode() not in sent.content
    assert all(server.token not in value for value in sent.headers.values())
    assert answer.response.status_code == 200


def test_a_signed_evaluation_is_judged_logged_and_proven(server: Server, plan_repo: PlanRepo) -> None:
    answer = signed(server, "POST", "/v1/evaluate", evaluate_body(plan_repo))
    assert answer.response.status_code == 200, answer.response.text
    assert answer.response.json()["decision"] == "continue"
    assert_proven(server, answer)
    [event] = server.store.events(10)
    assert event["event_id"] == answer.response.json()["event_id"]


@pytest.mark.parametrize(
    ("method", "target", "body", "status"),
    [
        ("POST", "/v1/evaluate", {"session_id": 5}, 400),
        ("PUT", "/v1/mode", {"mode": "loud"}, 400),
        ("GET", "/v1/nothing", None, 404),
        ("DELETE", "/v1/mode", None, 405),
        ("GET", "/v1/events?limit=0", None, 400),
        (
            "POST",
            "/v1/events/999/annotations",
            {"verdict": "correct", "rationale": "r", "operator": "o", "dwell_ms": 60_000},
            404,
        ),
    ],
)
def test_the_apps_own_errors_carry_a_proof(server: Server, method: str, target: str, body: Any, status: int) -> None:
    answer = signed(server, method, target, body)
    assert answer.response.status_code == status, answer.response.text
    assert set(answer.response.json()) == {"error", "detail"}
    assert_proven(server, answer)


def test_a_signed_request_without_a_body_is_proven_too(server: Server) -> None:
    answer = signed(server, "POST", "/v1/evaluate", None, headers={"Content-Type": "application/json"})
    assert answer.response.status_code == 400, answer.response.text
    assert_proven(server, answer)


@pytest.mark.parametrize("path", ["/health", "/v1/mode"])
@pytest.mark.parametrize(
    "tamper",
    [
        {"key": "not-the-token"},
        {"sign_target": "/v1/other"},
        {"sign_body": b'{"mode": "off"}'},
        {"nonce": "A" * 32},  # upper case: not the protocol's form
        {"nonce": "0" * 31},
        {"nonce": "z" * 32},
        {"nonce": ""},
    ],
    ids=["wrong key", "other target", "other body", "upper-case nonce", "short nonce", "non-hex nonce", "no nonce"],
)
def test_a_bad_signature_is_refused_without_a_proof(server: Server, path: str, tamper: dict[str, Any]) -> None:
    """Whatever the path: a client that signs wrongly gets 403 and nothing it could check an answer with."""
    answer = signed(server, "GET", path, **tamper)
    assert answer.response.status_code == 403, answer.response.text
    assert answer.response.json()["error"] == "forbidden"
    assert "x-stopwarden-proof" not in answer.response.headers


@pytest.mark.parametrize("value", ["", "0" * 63, "G" * 64, "0" * 65, "A" * 64])
def test_a_malformed_signature_is_refused(server: Server, value: str) -> None:
    headers = {"X-Stopwarden-Nonce": secrets.token_hex(16), "X-Stopwarden-Auth": value}
    response = httpx.get(f"http://127.0.0.1:{server.port}/health", headers=headers)
    assert response.status_code == 403 and "x-stopwarden-proof" not in response.headers


def test_a_bad_signature_is_not_rescued_by_the_bearer_token(server: Server) -> None:
    answer = signed(
        server, "PUT", "/v1/mode", {"mode": "off"}, key="wrong", headers={"Authorization": f"Bearer {server.token}"}
    )
    assert answer.response.status_code == 403
    assert settings.read(server.store, server.gate.config).mode == "shadow"


def test_a_tampered_body_changes_nothing(server: Server) -> None:
    answer = signed(server, "PUT", "/v1/mode", {"mode": "off"}, sign_body=b'{"mode": "shadow"}')
    assert answer.response.status_code == 403
    assert settings.read(server.store, server.gate.config).mode == "shadow"


def test_a_replayed_signature_on_another_nonce_is_refused(server: Server) -> None:
    first = signed(server, "GET", "/v1/mode")
    assert first.response.status_code == 200
    headers = {"X-Stopwarden-Nonce": secrets.token_hex(16),
               "X-Stopwarden-Auth": first.response.request.headers["X-Stopwarden-Auth"]}  # fmt: skip
    response = httpx.get(f"http://127.0.0.1:{server.port}/v1/mode", headers=headers)
    assert response.status_code == 403


def test_an_unsigned_request_gets_no_proof(server: Server) -> None:
    response = httpx.get(f"http://127.0.0.1:{server.port}/v1/mode", headers={"Authorization": f"Bearer {server.token}"})
    assert response.status_code == 200 and "x-stopwarden-proof" not in response.headers


def test_a_signed_body_over_256_kib_is_refused_with_a_proof(server: Server) -> None:
    answer = signed(server, "POST", "/v1/evaluate", {"session_id": "s", "untrusted": {"stop_text": "x" * (300 * 1024)}})
    assert answer.response.status_code == 413 and answer.response.json()["error"] == "payload_too_large"
    assert_proven(server, answer)
    assert server.store.events(10) == []


def chunks(kib: int) -> Iterator[bytes]:
    for _ in range(kib):
        yield b"x" * 1024


def test_a_large_body_with_a_wrong_signature_gets_no_proof(server: Server) -> None:
    headers = {"X-Stopwarden-Nonce": secrets.token_hex(16), "X-Stopwarden-Auth": "0" * 64}
    response = httpx.post(f"http://127.0.0.1:{server.port}/v1/evaluate", content=chunks(300), headers=headers)
    assert response.status_code == 403 and "x-stopwarden-proof" not in response.headers


def test_a_body_too_large_to_verify_is_refused_without_a_proof(server: Server) -> None:
    """Past 1 MiB the server stops reading: it cannot know whether the signature holds, so proves nothing.
    (3 MiB: the message that crosses 1 MiB is then never the last, which would be read whole and verified.)"""
    answer = signed(
        server, "POST", "/v1/evaluate", {"session_id": "s", "untrusted": {"stop_text": "x" * (3 * 1024 * 1024)}}
    )
    assert answer.response.status_code == 413 and "x-stopwarden-proof" not in answer.response.headers
    headers = {"X-Stopwarden-Nonce": secrets.token_hex(16), "X-Stopwarden-Auth": "0" * 64}
    response = httpx.post(f"http://127.0.0.1:{server.port}/v1/evaluate", content=chunks(3 * 1024), headers=headers)
    assert response.status_code == 413 and "x-stopwarden-proof" not in response.headers
    assert server.store.events(10) == []


# --- in process: an unhandled error is still proven -----------------------------------------------------


def test_an_unhandled_error_is_answered_with_a_proof(installed: Path) -> None:
    config = config_module.load(str(installed))
    store = Store.open(str(installed / ".stopwarden" / "stopwarden.db"))
    settings.first_start(store, config, healthy=True)
    gate = Gate(config, store)
    token = read_token(str(installed))
    app = create_app(config, store, gate, token)

    def boom() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/v1/boom", boom)
    nonce = secrets.token_hex(16)
    message = b"stopwarden-request\nGET\n/v1/boom\n" + nonce.encode() + b"\n"
    headers = {"X-Stopwarden-Nonce": nonce, "X-Stopwarden-Auth": mac(token, message)}

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get("/v1/boom", headers=headers)

    try:
        response = asyncio.run(ask())
    finally:
        gate.close()
        store.close()
    assert response.status_code == 500 and response.json()["error"] == "internal_error"
    expected = mac(token, b"stopwarden-response\n" + nonce.encode() + b"\n500\n" + response.content)
    assert response.headers["x-stopwarden-proof"] == expected
