"""A route answered without FastAPI's per-request machinery when its request is well formed: for
`POST /v1/evaluate`, which every stop the hook forwards takes, so that the server's own cost per stop is
the decision, not the framework (issue 20).

FastAPI, per request, parses the body with `json.loads` (checking its content type with `email.message`),
solves the route's dependencies, validates the parsed body, calls the endpoint, validates its answer and
serialises it, on top of the work of the route itself. Here a body sent as `application/json`
is validated straight from its bytes by the same pydantic model, the endpoint called with it, and its
answer validated and serialised by the same response model in one step. The route is still declared to
FastAPI as before, so the OpenAPI document does not change; and any request this path does not take as
it is (another content type, a body the model refuses, a JSON text pydantic's parser reads differently
from `json.loads`, such as a lone surrogate escape or a byte-order mark) goes to FastAPI's own handler,
which answers it exactly as before: its error, its shape, its status. Only the route's dependencies are
not solved on the direct path: give it none that do anything (the bearer scheme declared for OpenAPI
does nothing; `auth.Guard` checks the token before any route runs).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

JSON = "application/json"


def direct_route(body: type[BaseModel], answer: type[BaseModel]) -> type[APIRoute]:
    """A route class for `APIRouter(route_class=…)` whose endpoint takes one argument, its body, of type
    `body`, and returns a dict of `answer`'s fields."""

    class DirectRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            framework = super().get_route_handler()
            endpoint: Callable[[BaseModel], Awaitable[dict[str, Any]]] = self.endpoint

            async def handler(request: Request) -> Response:
                if not _is_json(request.headers.get("content-type")):
                    return await framework(request)
                try:
                    parsed = body.model_validate_json(await request.body())
                except ValidationError:
                    return await framework(request)  # the body is kept: FastAPI reads it again
                shown = answer.model_validate(await endpoint(parsed))
                return Response(answer.__pydantic_serializer__.to_json(shown), media_type=JSON)

            return handler

    return DirectRoute


def _is_json(content_type: str | None) -> bool:
    """`application/json`, with parameters or not; FastAPI also reads `+json` types, which go its way."""
    return content_type is not None and content_type.partition(";")[0].strip().lower() == JSON
