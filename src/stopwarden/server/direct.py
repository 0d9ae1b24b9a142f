"""Routes answered without FastAPI's per-request machinery when their request is well formed: `POST
/v1/evaluate`, which every stop the hook forwards takes, and `POST /v1/sessions`, which every SessionStart
hook waits for, so that the server's own cost per request is the work, not the framework (issue 20).

Through FastAPI, a request passes its exception middleware, its router, the route's handler (a `Request`
object, the content type checked with `email.message`, the body parsed with `json.loads`, dependencies
solved, the parsed body validated) and a `Response` object, on top of the work of the route itself. Here,
as the innermost of the server's middlewares (inside `auth.Guard` and `auth.BodyLimit`, which have checked
the caller and bound the body), a body sent as `application/json` is validated straight from its bytes
by the route's pydantic model, the endpoint called with it, and its answer validated and serialised by the
route's response model in one step, then sent. Measured under server_load.py's mix, this is 5 to 12 % more
requests a second than the same steps inside a FastAPI route (docs/performance.md).

The routes are still declared to FastAPI as before (the OpenAPI document does not change), and any request
this path does not take as it is (another method or content type, a body the model refuses, a JSON text
pydantic's parser reads differently from `json.loads`, such as a lone surrogate escape or a byte-order
mark) goes to FastAPI, the body it was sent with replayed, and is answered exactly as before: its error,
its shape, its status. An exception raised while reading the body or by the endpoint is answered by the
app's own exception handler for it, as FastAPI would (a store that is down: 503), or raised on (a 500).
Only the routes' dependencies are not solved on the direct path: give them none that do anything (the
bearer scheme declared for OpenAPI does nothing; `auth.Guard` checks the token before any route runs).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from stopwarden.server.auth import replay

JSON = "application/json"
Endpoint = Callable[[Any], Awaitable[dict[str, Any]]]  # takes the validated body, returns the answer's fields
Handlers = Callable[[], dict[Any, Callable[..., Any]]]  # the app's exception handlers, read when needed


@dataclass(frozen=True)
class DirectRoute:
    body: type[BaseModel]
    answer: type[BaseModel]
    endpoint: Endpoint


class DirectPaths:
    """ASGI middleware answering `routes` (POST, by path) directly; anything else goes to `app`."""

    def __init__(self, app: ASGIApp, routes: dict[str, DirectRoute], handlers: Handlers) -> None:
        self.app = app
        self.routes = routes  # filled in as the app declares its routes
        self.handlers = handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get(scope.get("path", "")) if scope["type"] == "http" else None
        if route is None or scope.get("method") != "POST" or not _is_json(_content_type(scope)):
            await self.app(scope, receive, send)
            return
        try:
            body = await _read(receive)
        except Exception as e:  # the body is over the limit (auth.BodyLimit)
            await self._fail(e, scope, receive, send)
            return
        if body is None:  # the client left: nobody to answer
            return
        try:
            parsed = route.body.model_validate_json(body)
        except ValidationError:
            await self.app(scope, replay(body, receive), send)  # FastAPI answers it as it would have
            return
        try:
            shown = route.answer.model_validate(await route.endpoint(parsed))
        except Exception as e:
            await self._fail(e, scope, receive, send)
            return
        data = route.answer.__pydantic_serializer__.to_json(shown)
        headers = [(b"content-type", JSON.encode()), (b"content-length", str(len(data)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    async def _fail(self, error: Exception, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer `error` with the app's handler for it, looked up as Starlette does (an HTTP error's status
        first, then the error's classes in their order of resolution; a plain function run on a thread);
        without one, raise it on (the server's error middleware answers 500)."""
        handlers = self.handlers()
        handler = handlers.get(error.status_code) if isinstance(error, HTTPException) else None
        if handler is None:
            handler = next((handlers[kind] for kind in type(error).__mro__ if kind in handlers), None)
        if handler is None:
            raise error
        if inspect.iscoroutinefunction(handler):
            response = await handler(Request(scope), error)
        else:
            response = await run_in_threadpool(handler, Request(scope), error)
        await response(scope, receive, send)


async def _read(receive: Receive) -> bytes | None:
    """The whole body, or None when the client disconnected first."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _content_type(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-type":
            return bytes(value).decode("latin-1")
    return None


def _is_json(content_type: str | None) -> bool:
    """`application/json`, with parameters or not; FastAPI also reads `+json` types, which go its way."""
    return content_type is not None and content_type.partition(";")[0].strip().lower() == JSON
