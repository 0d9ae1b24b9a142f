"""The direct path (server/direct.py) as an ASGI middleware, driven with ASGI messages: what it answers itself,
and what it hands on to the app behind it, with the body the client sent. The real server's answers through
it are in test_api.py (the same answer as FastAPI's, refusals, bodies over the limit)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope, Send

from stopwarden.server.direct import DirectPaths, DirectRoute


class In(BaseModel):
    name: str


class Out(BaseModel):
    greeting: str


class Refused(Exception):
    pass


class Behind:
    """The app behind the middleware: notes what reached it and answers 299."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        self.bodies.append(message.get("body", b""))
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b"behind"})


async def _greet(body: In) -> dict[str, Any]:
    if body.name == "refused":
        raise Refused
    if body.name == "bug":
        raise RuntimeError("a bug")
    return {"greeting": f"hello {body.name}"}


async def _refused(_: Any, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": type(error).__name__}, status_code=409)


async def _http_error(_: Any, error: HTTPException) -> JSONResponse:
    return JSONResponse({"detail": error.detail}, status_code=error.status_code)


def _teapot(_: Any, error: HTTPException) -> JSONResponse:  # a plain function, as Starlette takes them too
    return JSONResponse({"detail": f"by status: {error.detail}"}, status_code=error.status_code)


def _call(
    body: bytes | list[Message],
    content_type: bytes = b"application/json",
    method: str = "POST",
    path: str = "/greet",
    handlers: dict[Any, Any] | None = None,
) -> tuple[list[Message], Behind]:
    behind = Behind()
    handlers = handlers if handlers is not None else {Refused: _refused, HTTPException: _http_error}
    app = DirectPaths(behind, {"/greet": DirectRoute(In, Out, _greet)}, lambda: handlers)
    scope: Scope = {"type": "http", "method": method, "path": path, "headers": [(b"content-type", content_type)]}
    incoming = list(body) if isinstance(body, list) else [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []

    async def receive() -> Message:
        message = incoming.pop(0) if incoming else {"type": "http.disconnect"}
        if message.get("type") == "raise":
            raise HTTPException(413, "the body is over 256 KiB")
        return message

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent, behind


def _answer(sent: list[Message]) -> tuple[int, Any]:
    start, *bodies = sent
    return start["status"], json.loads(b"".join(m.get("body", b"") for m in bodies))


def test_a_well_formed_request_is_answered_directly() -> None:
    sent, behind = _call(b'{"name": "ada"}')
    assert _answer(sent) == (200, {"greeting": "hello ada"}) and behind.bodies == []
    assert (b"content-type", b"application/json") in sent[0]["headers"]


def test_a_body_in_chunks_is_read_whole() -> None:
    chunks: list[Message] = [
        {"type": "http.request", "body": b'{"name": ', "more_body": True},
        {"type": "http.request", "body": b'"ada"}', "more_body": False},
    ]
    assert _answer(_call(chunks)[0]) == (200, {"greeting": "hello ada"})


@pytest.mark.parametrize(
    ("content_type", "method", "path"),
    [
        (b"application/merge-patch+json", "POST", "/greet"),  # FastAPI reads +json types: its way
        (b"text/plain", "POST", "/greet"),
        (b"application/json", "PUT", "/greet"),
        (b"application/json", "POST", "/other"),
    ],
)
def test_what_it_does_not_take_goes_behind_untouched(content_type: bytes, method: str, path: str) -> None:
    sent, behind = _call(b'{"name": "ada"}', content_type, method, path)
    assert sent[0]["status"] == 299 and behind.bodies == [b'{"name": "ada"}']


def test_a_body_the_model_refuses_goes_behind_with_the_bytes_that_came() -> None:
    body = b'\xef\xbb\xbf{"name": "ada"}'  # json.loads takes a byte-order mark; pydantic's parser does not
    sent, behind = _call(body)
    assert sent[0]["status"] == 299 and behind.bodies == [body]


def test_an_error_is_answered_by_the_apps_handler_for_it() -> None:
    assert _answer(_call(b'{"name": "refused"}')[0]) == (409, {"detail": "Refused"})
    # Raised while the body is read (auth.BodyLimit's counter): answered as FastAPI would, 413.
    over: list[Message] = [{"type": "http.request", "body": b"{", "more_body": True}, {"type": "raise"}]
    assert _answer(_call(over)[0]) == (413, {"detail": "the body is over 256 KiB"})


def test_handlers_are_found_as_starlette_finds_them() -> None:
    """An HTTP error's status first, then its classes; a plain function is run too (on a thread)."""
    over: list[Message] = [{"type": "http.request", "body": b"{", "more_body": True}, {"type": "raise"}]
    by_status = {413: _teapot, HTTPException: _http_error}
    assert _answer(_call(over, handlers=by_status)[0]) == (413, {"detail": "by status: the body is over 256 KiB"})
    plain = {HTTPException: _teapot}
    assert _answer(_call(over, handlers=plain)[0]) == (413, {"detail": "by status: the body is over 256 KiB"})


def test_an_error_without_a_handler_is_raised_on() -> None:
    with pytest.raises(RuntimeError, match="a bug"):
        _call(b'{"name": "bug"}')


def test_a_client_that_left_gets_nothing() -> None:
    sent, behind = _call([{"type": "http.request", "body": b'{"na', "more_body": True}])  # then a disconnect
    assert sent == [] and behind.bodies == []
