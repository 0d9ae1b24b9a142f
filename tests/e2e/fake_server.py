"""What the scripted model servers of the e2e tests share: a local HTTP server with a script.

:class:`ScriptedServer` serves on 127.0.0.1 (random port) from a background thread, holds
the script (:meth:`~ScriptedServer.set_script`, :attr:`~ScriptedServer.steps_served`,
:attr:`~ScriptedServer.script_exhausted`) and records every request
(:attr:`~ScriptedServer.requests`, :meth:`~ScriptedServer.clear_requests`).  A subclass
speaks one wire format (``fake_anthropic``, ``fake_openai_responses``, ``fake_gemini``):
its :attr:`~ScriptedServer.request_type` (a :class:`RecordedRequest` that knows the
format's fields) and :meth:`~ScriptedServer._reply`, which routes a request and turns the
step it takes (:meth:`~ScriptedServer._take_step`) into a response.  Standard library only.

:func:`iter_strings` and :func:`find_text` search request bodies; :func:`post_json` lets
a test talk to a server without a client.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Generic, Self, TypeVar
from urllib.parse import urlsplit

__all__ = ["RecordedRequest", "Reply", "ScriptedServer", "find_text", "iter_strings", "post_json"]

Reply = tuple[int, str, bytes]  # status, content type, body


def iter_strings(value: Any) -> Iterator[str]:
    """Yield every string (values, not keys) nested anywhere in ``value``."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_strings(item)


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
        """The path without its query string."""
        return urlsplit(self.path).path

    @property
    def is_main(self) -> bool:
        """A main-loop request, one that takes the next scripted step (each format says which)."""
        return False

    def _items(self, key: str) -> list[dict[str, Any]]:
        """The objects in the body's list ``key`` (none when the body has no such list)."""
        if isinstance(self.body, dict) and isinstance(self.body.get(key), list):
            return [item for item in self.body[key] if isinstance(item, dict)]
        return []

    def strings(self) -> list[str]:
        """Every string anywhere in the body (system prompt, messages, tools, ...)."""
        return list(iter_strings(self.body))

    def contains(self, needle: str) -> bool:
        return any(needle in s for s in iter_strings(self.body))


def find_text(requests: Sequence[RecordedRequest], text: str) -> int | None:
    """Index of the first request whose body carries ``text`` in any string, else None."""
    for index, request in enumerate(requests):
        if request.contains(text):
            return index
    return None


StepT = TypeVar("StepT")
RequestT = TypeVar("RequestT", bound=RecordedRequest)


class ScriptedServer(Generic[StepT, RequestT]):
    """A scripted model server on 127.0.0.1 (random port), in a background thread.

    Use as a context manager (or call :meth:`start` / :meth:`stop`).  Main-loop requests
    take the script's steps in order; side requests answer :attr:`side_text` and, once the
    script has run out, main-loop requests answer :attr:`final_text` (what counts as which
    is the subclass's to say, in :meth:`_reply`).  ``model`` (default: the class's
    :attr:`default_model`) is the model a response names when the request names none.
    """

    request_type: type[RequestT]  # the record a subclass keeps of each request
    thread_name = "fake-model"
    request_id_header: str | None = None  # a response header with a fresh id, if the API sends one
    default_model = "fake-model"  # the model a response names when the request names none

    def __init__(
        self,
        script: Iterable[StepT] = (),
        *,
        final_text: str = "Done.",
        side_text: str = "Scripted side reply",
        model: str | None = None,
    ) -> None:
        self.final_text = final_text
        self.side_text = side_text
        if model is not None:
            self.default_model = model
        self._lock = threading.Lock()
        self._script: list[StepT] = list(script)
        self._served = 0
        self._requests: list[RequestT] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- script ------------------------------------------------------------------------

    def set_script(self, steps: Iterable[StepT]) -> None:
        """Replace the script and rewind it (recorded requests are kept)."""
        with self._lock:
            self._script = list(steps)
            self._served = 0

    @property
    def steps_served(self) -> int:
        with self._lock:
            return self._served

    @property
    def script_exhausted(self) -> bool:
        with self._lock:
            return self._served >= len(self._script)

    def _take_step(self) -> tuple[StepT, int] | None:
        """The next scripted step and its index, or None when the script has run out
        (called with the lock held)."""
        if self._served >= len(self._script):
            return None
        index = self._served
        self._served += 1
        return self._script[index], index

    # -- recorded requests -------------------------------------------------------------

    @property
    def requests(self) -> list[RequestT]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def main_requests(self) -> list[RequestT]:
        """The agent loop's requests (:attr:`RecordedRequest.is_main`), in order."""
        return [r for r in self.requests if r.is_main]

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
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        if self._httpd is not None:
            raise RuntimeError("server already started")
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        httpd.daemon_threads = True
        httpd.block_on_close = False  # do not wait for idle keep-alive connections
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=self.thread_name, daemon=True
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

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- request handling (called from handler threads) -------------------------------

    def _reply(self, request: RequestT) -> tuple[Reply, int | None]:
        """The response to ``request`` and the index of the scripted step it took, if any
        (called with the lock held)."""
        raise NotImplementedError

    def _handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        """Return (status, content type, body) for one request and record it."""
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        request = self.request_type(method, path, headers, body, None, time.monotonic())
        with self._lock:
            reply, step_index = self._reply(request)
            self._requests.append(request if step_index is None else replace(request, step_index=step_index))
        return reply


def _make_handler(server: ScriptedServer[Any, Any]) -> type[BaseHTTPRequestHandler]:
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
            if server.request_id_header:
                self.send_header(server.request_id_header, f"req_{uuid.uuid4().hex[:24]}")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            self.wfile.flush()

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve

        def log_message(self, format: str, *args: Any) -> None:  # silence stderr logging
            pass

    return Handler


def post_json(server: ScriptedServer[Any, Any], path: str, body: Any) -> Reply:
    """POST ``body`` as JSON to ``path`` on ``server``; returns (status, content type, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        conn.close()
