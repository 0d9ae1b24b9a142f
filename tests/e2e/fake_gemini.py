"""A tiny scripted stand-in for the Gemini API, for the real Gemini CLI (SPEC §12.2).

It speaks the wire format the CLI uses with ``GOOGLE_GEMINI_BASE_URL``:
``POST /v1beta/models/<model>:streamGenerateContent?alt=sse`` answered with server-sent
events ``data: {...}\\r\\n\\r\\n`` (a ``GenerateContentResponse`` each), plus the plain JSON
``:generateContent`` and ``:countTokens``.  Standard library only; serving, the script
and the request log are :class:`~.fake_server.ScriptedServer`'s.

Requests that offer ``tools`` (function declarations) and do not ask for JSON are the
agent's main loop: each gets the next scripted :class:`Step`.  Requests in JSON mode
(``generationConfig.responseMimeType == "application/json"``) are the CLI's internal
helper calls (next-speaker check, ...): they get an object that fits their
``responseJsonSchema`` / ``responseSchema`` and do not consume the script.  Other
requests get :attr:`FakeGemini.side_text`.  When the script runs out the server answers
:attr:`FakeGemini.final_text`.

Every request is recorded (see :class:`RecordedRequest`); :func:`find_user_turn` finds
an AfterAgent hook's block reason, which the CLI sends back as a plain user turn.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from . import fake_server
from .fake_openai_responses import schema_example
from .fake_server import Reply, ScriptedServer, find_text, iter_strings

__all__ = [
    "FakeGemini",
    "RecordedRequest",
    "ShellStep",
    "Step",
    "TextStep",
    "UserTurn",
    "find_text",
    "find_user_turn",
    "iter_strings",
    "schema_example",
]

SHELL_TOOL = "run_shell_command"


# --------------------------------------------------------------------------- script


@dataclass(frozen=True)
class TextStep:
    """Answer with a model turn holding ``text`` (``finishReason: STOP``)."""

    text: str


@dataclass(frozen=True)
class ShellStep:
    """Call the ``run_shell_command`` tool with ``command``; the CLI runs it (``--yolo``)
    and sends a ``functionResponse`` back.  Gemini's shell tool refuses command
    substitution (``$(…)``, backticks): keep it out of ``command``."""

    command: str
    description: str = "scripted command"
    text: str | None = None  # optional text part emitted before the call


Step = TextStep | ShellStep


# --------------------------------------------------------------------------- recording


@dataclass(frozen=True)
class RecordedRequest(fake_server.RecordedRequest):
    """One HTTP request as the server saw it, read as a Gemini API request."""

    @property
    def route(self) -> str:
        """The path without its query string, URL-decoded."""
        return unquote(urlsplit(self.path).path)

    @property
    def model(self) -> str | None:
        """``<m>`` of ``/v1beta/models/<m>:<action>``."""
        _, sep, rest = self.route.partition("/models/")
        return rest.split(":", 1)[0] if sep else None

    @property
    def action(self) -> str | None:
        """``streamGenerateContent``, ``generateContent``, ``countTokens``... (None elsewhere)."""
        _, sep, rest = self.route.partition("/models/")
        if not sep or ":" not in rest:
            return None
        return rest.split(":", 1)[1]

    @property
    def is_generate(self) -> bool:
        return self.method == "POST" and self.action in ("streamGenerateContent", "generateContent")

    @property
    def generation_config(self) -> dict[str, Any]:
        if isinstance(self.body, dict) and isinstance(self.body.get("generationConfig"), dict):
            return dict(self.body["generationConfig"])
        return {}

    @property
    def wants_json(self) -> bool:
        """A JSON-mode helper request (the CLI's own next-speaker check and similar)."""
        return self.generation_config.get("responseMimeType") == "application/json"

    @property
    def json_schema(self) -> Any:
        config = self.generation_config
        return config.get("responseJsonSchema") or config.get("responseSchema") or {}

    @property
    def tool_names(self) -> list[str]:
        names = []
        for tool in self._items("tools"):
            for declaration in tool.get("functionDeclarations") or []:
                if isinstance(declaration, dict):
                    names.append(str(declaration.get("name")))
        return names

    @property
    def is_main(self) -> bool:
        """A main-loop request: generation with tools, not in JSON mode."""
        return self.is_generate and bool(self.tool_names) and not self.wants_json

    @property
    def contents(self) -> list[dict[str, Any]]:
        """``contents`` (the whole history: the CLI resends it each time)."""
        return self._items("contents")

    def turns(self, role: str | None = None) -> list[dict[str, Any]]:
        return [c for c in self.contents if role is None or c.get("role") == role]

    def texts(self, role: str | None = None) -> list[str]:
        """The ``text`` of every part of every turn (of ``role``), in order."""
        found: list[str] = []
        for turn in self.turns(role):
            for part in turn.get("parts") or []:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    found.append(str(part["text"]))
        return found

    def function_calls(self) -> list[dict[str, Any]]:
        return self._parts("functionCall")

    def function_responses(self) -> list[dict[str, Any]]:
        return self._parts("functionResponse")

    def _parts(self, kind: str) -> list[dict[str, Any]]:
        found = []
        for turn in self.contents:
            for part in turn.get("parts") or []:
                if isinstance(part, dict) and isinstance(part.get(kind), dict):
                    found.append(dict(part[kind]))
        return found


# --------------------------------------------------------------------------- wire format


def _parts(step: Step) -> list[dict[str, Any]]:
    if isinstance(step, TextStep):
        return [{"text": step.text}]
    parts: list[dict[str, Any]] = [{"text": step.text}] if step.text else []
    parts.append(
        {"functionCall": {"name": SHELL_TOOL, "args": {"command": step.command, "description": step.description}}}
    )
    return parts


def response_json(parts: Sequence[dict[str, Any]], model: str) -> dict[str, Any]:
    """One complete ``GenerateContentResponse``."""
    return {
        "candidates": [{"content": {"role": "model", "parts": list(parts)}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5, "totalTokenCount": 15},
        "modelVersion": model,
        "responseId": uuid.uuid4().hex,
    }


def response_sse(parts: Sequence[dict[str, Any]], model: str) -> bytes:
    """The same response as the single ``data:`` frame of an ``alt=sse`` stream."""
    return f"data: {json.dumps(response_json(parts, model))}\r\n\r\n".encode()


# --------------------------------------------------------------------------- server


class FakeGemini(ScriptedServer[Step, RecordedRequest]):
    """Scripted Gemini API server on 127.0.0.1 (random port), in a background thread.

    Use as a context manager (or call :meth:`start` / :meth:`stop`)::

        with FakeGemini([ShellStep("echo hi"), TextStep("done")]) as server:
            run_gemini(..., base_url=server.base_url, ...)
            assert server.main_requests[1].function_responses()

    ``base_url`` (``http://127.0.0.1:<port>``) is the value for ``GOOGLE_GEMINI_BASE_URL``.
    """

    request_type = RecordedRequest
    thread_name = "fake-gemini"
    default_model = "gemini"  # named in a response to a path without ``/models/<m>:``

    @property
    def generate_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.is_generate]

    @property
    def json_requests(self) -> list[RecordedRequest]:
        """The CLI's JSON-mode helper requests."""
        return [r for r in self.requests if r.is_generate and r.wants_json]

    def _reply(self, request: RecordedRequest) -> tuple[Reply, int | None]:
        if request.is_generate:
            if not isinstance(request.body, dict):
                return _error(400, "INVALID_ARGUMENT", "body is not a JSON object"), None
            parts, step_index = self._reply_parts(request)
            model = request.model or self.default_model
            if request.action == "streamGenerateContent":
                return (200, "text/event-stream", response_sse(parts, model)), step_index
            return (200, "application/json", json.dumps(response_json(parts, model)).encode()), step_index
        if request.method == "POST" and request.action == "countTokens":
            return (200, "application/json", b'{"totalTokens": 100}'), None
        if request.method == "POST" and request.action == "embedContent":
            return (200, "application/json", b'{"embedding": {"values": [0.0]}}'), None
        return _error(404, "NOT_FOUND", f"no route for {request.method} {request.path}"), None

    def _reply_parts(self, request: RecordedRequest) -> tuple[list[dict[str, Any]], int | None]:
        """Choose the parts for a generation request (called with the lock held)."""
        if request.wants_json:
            return [{"text": json.dumps(schema_example(request.json_schema))}], None
        if not request.is_main:
            return [{"text": self.side_text}], None
        taken = self._take_step()
        if taken is None:
            return [{"text": self.final_text}], None
        step, index = taken
        return _parts(step), index


def _error(status: int, kind: str, message: str) -> Reply:
    payload = {"error": {"code": status, "message": message, "status": kind}}
    return status, "application/json", json.dumps(payload).encode()


# --------------------------------------------------------------------------- assertion helpers


@dataclass(frozen=True)
class UserTurn:
    """Where a hook's block reason came back: a ``user`` turn of a later request."""

    request_index: int  # index into the sequence that was searched
    request: RecordedRequest
    content_index: int  # index of the turn in ``contents``
    text: str  # the text part that carries the reason
    exact: bool  # the part is the reason and nothing else


def find_user_turn(requests: Sequence[RecordedRequest], reason: str) -> UserTurn | None:
    """The first request with a ``user`` turn whose text part contains ``reason``."""
    for index, request in enumerate(requests):
        for position, turn in enumerate(request.contents):
            if turn.get("role") != "user":
                continue
            for part in turn.get("parts") or []:
                text = part.get("text") if isinstance(part, dict) else None
                if isinstance(text, str) and reason in text:
                    return UserTurn(index, request, position, text, text.strip() == reason)
    return None
