"""A scripted stand-in for the OpenAI Chat Completions API, for the real GitHub Copilot CLI (1.0.102).

Copilot CLI with `COPILOT_PROVIDER_TYPE=openai` and `COPILOT_PROVIDER_BASE_URL=<server>/v1` only sends
`POST /v1/chat/completions` with `"stream": true` and its tools (`bash`, `view`, …); it takes the reply
as server-sent events of `chat.completion.chunk` deltas (text, or `tool_calls`), a `finish_reason`, a
usage chunk and `data: [DONE]`. Requests that offer tools are the agent's main loop and take the next
scripted step; when the script runs out they answer :attr:`FakeChat.final_text`. Serving, the script
and the request log are :class:`~.fake_server.ScriptedServer`'s.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import fake_server
from .fake_server import Reply, ScriptedServer

__all__ = ["FakeChat", "RecordedRequest", "ShellStep", "SkillStep", "Step", "TextStep", "find_user_message"]


@dataclass(frozen=True)
class TextStep:
    """Answer with an assistant message holding ``text`` (the turn may end here)."""

    text: str


@dataclass(frozen=True)
class ShellStep:
    """Call Copilot's `bash` tool with ``command``; the client runs it and sends its output back."""

    command: str
    description: str = "run a command"


@dataclass(frozen=True)
class SkillStep:
    """Load a skill with Copilot's `skill` tool; the client answers with its body as a user message."""

    skill: str


Step = TextStep | ShellStep | SkillStep


@dataclass(frozen=True)
class RecordedRequest(fake_server.RecordedRequest):
    @property
    def is_main(self) -> bool:
        return self.route.endswith("/chat/completions") and bool(self._items("tools"))

    def user_texts(self) -> list[str]:
        """The text of each user message, in order (Copilot prefixes `<current_datetime>…` to each)."""
        return [
            m["content"]
            for m in self._items("messages")
            if m.get("role") == "user" and isinstance(m.get("content"), str)
        ]


def find_user_message(requests: Sequence[RecordedRequest], text: str) -> str | None:
    """The first user message holding ``text`` in any request (a block reason comes back as one)."""
    for request in requests:
        for message in request.user_texts():
            if text in message:
                return message
    return None


def _chunk(model: str, delta: dict[str, Any] | None, finish: str | None, **extra: Any) -> bytes:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    body = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": choices, **extra}  # fmt: skip
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def stream(step: Step, model: str, call_id: str) -> bytes:
    """The SSE body Copilot CLI reads for one step."""
    if isinstance(step, TextStep):
        first = _chunk(model, {"role": "assistant", "content": step.text}, None)
        finish = "stop"
    else:
        name, given = ("skill", {"skill": step.skill}) if isinstance(step, SkillStep) else ("bash", {
            "command": step.command, "description": step.description})  # fmt: skip
        function = {"name": name, "arguments": json.dumps(given)}
        call = {"index": 0, "id": call_id, "type": "function", "function": function}
        first = _chunk(model, {"role": "assistant", "content": None, "tool_calls": [call]}, None)
        finish = "tool_calls"
    usage = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    return first + _chunk(model, {}, finish) + _chunk(model, None, None, usage=usage) + b"data: [DONE]\n\n"


class FakeChat(ScriptedServer[Step, RecordedRequest]):
    request_type = RecordedRequest
    thread_name = "fake-openai-chat"

    def _reply(self, request: RecordedRequest) -> tuple[Reply, int | None]:
        if request.method == "GET":  # a model list, should the client ask
            models = {"object": "list", "data": [{"id": self.default_model, "object": "model"}]}
            return (200, "application/json", json.dumps(models).encode()), None
        taken = self._take_step() if request.is_main else None
        step: Step = taken[0] if taken else TextStep(self.final_text if request.is_main else self.side_text)
        index = taken[1] if taken else None
        model = request.body.get("model") if isinstance(request.body, dict) else None
        return (200, "text/event-stream", stream(step, str(model or self.default_model), f"call_{index}")), index
