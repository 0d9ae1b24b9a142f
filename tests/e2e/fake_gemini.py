"""A tiny scripted stand-in for the Gemini API, for the real Gemini CLI (SPEC §12.2).

It speaks the wire format the CLI uses with ``GOOGLE_GEMINI_BASE_URL``:
``POST /v1beta/models/<model>:streamGenerateContent?alt=sse`` answered with server-sent
events ``data: {...}\\r\\n\\r\\n`` (a ``GenerateContentResponse`` each), plus the plain JSON
``:generateContent`` and ``:countTokens``.  Standard library only.

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
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from .fake_openai_responses import iter_strings, schema_example

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
class RecordedRequest:
    """One HTTP request as the server saw it."""

    method: str
    path: str  # full path including any query string
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON, or None when absent / not JSON
    step_index: int | None = None  # index of the scripted step served, if any
    received_at: float = 0.0  # time.monotonic() on arrival

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
        if not (isinstance(self.body, dict) and isinstance(self.body.get("tools"), list)):
            return []
        names = []
        for tool in self.body["tools"]:
            if isinstance(tool, dict):
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
        if isinstance(self.body, dict) and isinstance(self.body.get("contents"), list):
            return [c for c in self.body["contents"] if isinstance(c, dict)]
        return []

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

    def strings(self) -> list[str]:
        """Every string anywhere in the body (system instruction, contents, tools, ...)."""
        return list(iter_strings(self.body))

    def contains(self, needle: str) -> bool:
        return any(needle in s for s in iter_strings(self.body))


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


class FakeGemini:
    """Scripted Gemini API server on 127.0.0.1 (random port), in a background thread.

    Use as a context manager (or call :meth:`start` / :meth:`stop`)::

        with FakeGemini([ShellStep("echo hi"), TextStep("done")]) as server:
            run_gemini(..., base_url=server.base_url, ...)
            assert server.main_requests[1].function_responses()
    """

    def __init__(
        self,
        script: Iterable[Step] = (),
        *,
        final_text: str = "Done.",
        side_text: str = "Scripted side reply",
    ) -> None:
        self.final_text = final_text
        self.side_text = side_text
        self._lock = threading.Lock()
        self._script: list[Step] = list(script)
        self._next_step = 0
        self._requests: list[RecordedRequest] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- script ------------------------------------------------------------------------

    def set_script(self, steps: Iterable[Step]) -> None:
        """Replace the script and rewind it (recorded requests are kept)."""
        with self._lock:
            self._script = list(steps)
            self._next_step = 0

    @property
    def steps_served(self) -> int:
        with self._lock:
            return self._next_step

    @property
    def script_exhausted(self) -> bool:
        with self._lock:
            return self._next_step >= len(self._script)

    # -- recorded requests -------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def generate_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.is_generate]

    @property
    def main_requests(self) -> list[RecordedRequest]:
        """Generation requests of the agent loop (tools, not JSON mode), in order."""
        return [r for r in self.requests if r.is_main]

    @property
    def json_requests(self) -> list[RecordedRequest]:
        """The CLI's JSON-mode helper requests."""
        return [r for r in self.requests if r.is_generate and r.wants_json]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: the value for ``GOOGLE_GEMINI_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeGemini:
        if self._httpd is not None:
            raise RuntimeError("server already started")
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-gemini", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeGemini:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- request handling (called from handler threads) -------------------------------

    def _reply_parts(self, request: RecordedRequest) -> tuple[list[dict[str, Any]], int | None]:
        """Choose the parts for a generation request (called with the lock held)."""
        if request.wants_json:
            return [{"text": json.dumps(schema_example(request.json_schema))}], None
        if not request.is_main:
            return [{"text": self.side_text}], None
        if self._next_step < len(self._script):
            index = self._next_step
            self._next_step += 1
            return _parts(self._script[index]), index
        return [{"text": self.final_text}], None

    def _handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, str, bytes]:
        """Return (status, content type, body) for one request and record it."""
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        request = RecordedRequest(method, path, headers, body, None, time.monotonic())
        reply: tuple[int, str, bytes]
        with self._lock:
            if request.is_generate:
                if isinstance(body, dict):
                    parts, step_index = self._reply_parts(request)
                    request = RecordedRequest(method, path, headers, body, step_index, request.received_at)
                    model = request.model or "gemini"
                    if request.action == "streamGenerateContent":
                        reply = (200, "text/event-stream", response_sse(parts, model))
                    else:
                        reply = (200, "application/json", json.dumps(response_json(parts, model)).encode())
                else:
                    reply = _error(400, "INVALID_ARGUMENT", "body is not a JSON object")
            elif method == "POST" and request.action == "countTokens":
                reply = (200, "application/json", b'{"totalTokens": 100}')
            elif method == "POST" and request.action == "embedContent":
                reply = (200, "application/json", b'{"embedding": {"values": [0.0]}}')
            else:
                reply = _error(404, "NOT_FOUND", f"no route for {method} {path}")
            self._requests.append(request)
        return reply


def _error(status: int, kind: str, message: str) -> tuple[int, str, bytes]:
    payload = {"error": {"code": status, "message": message, "status": kind}}
    return status, "application/json", json.dumps(payload).encode()


def _make_handler(server: FakeGemini) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 30  # drop idle keep-alive connections eventually

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, content_type, payload = server._handle(self.command, self.path, headers, raw)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            if content_type == "text/event-stream":
                self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            self.wfile.flush()

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve

        def log_message(self, format: str, *args: Any) -> None:  # silence stderr logging
            pass

    return Handler


# --------------------------------------------------------------------------- assertion helpers


def find_text(requests: Sequence[RecordedRequest], text: str) -> int | None:
    """Index of the first request whose body carries ``text`` in any string, else None."""
    for index, request in enumerate(requests):
        if request.contains(text):
            return index
    return None


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
