"""A scripted model server speaking the providers' real wire formats (non-streaming): Anthropic's
`POST /v1/messages` and OpenAI's `POST /v1/chat/completions`. It records every request, so tests can
check what the authority sent, and each scripted answer can be text, a delay, or an HTTP error."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    text: str = ""
    delay_s: float = 0.0
    status: int = 200


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeProvider:
    answers: list[Answer] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True  # a slow scripted answer must not hold up the shutdown
        # Polled every 50 ms: the shutdown at the end of each test waits for one poll (0.5 s by default).
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_answer(self) -> Answer:
        return self.answers.pop(0) if self.answers else Answer("{}")


def _handler(fake: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
            fake.requests.append(Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            answer = fake.next_answer()
            time.sleep(answer.delay_s)
            if answer.status != 200:
                self._send(answer.status, {"type": "error", "error": {"type": "api_error", "message": "scripted"}})
            elif self.path.startswith("/v1/messages"):
                self._send(200, {
                    "id": "msg_1", "type": "message", "role": "assistant", "model": body.get("model", "m"),
                    "content": [{"type": "text", "text": answer.text}], "stop_reason": "end_turn",
                    "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 10},
                })  # fmt: skip
            elif self.path.startswith("/v1/chat/completions"):
                self._send(200, {
                    "id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "m"),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                })  # fmt: skip
            else:
                self._send(404, {"error": "no such route"})

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
