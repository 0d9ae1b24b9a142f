"""A tiny scripted stand-in for the Anthropic Messages API.

It speaks the real wire format (streaming server-sent events, or plain JSON
when ``"stream": false``) so that the real Claude Code client can be pointed at
it with ``ANTHROPIC_BASE_URL``.  Standard library only; serving, the script and the
request log are :class:`~.fake_server.ScriptedServer`'s.

Requests whose body carries ``tools`` are the agent's main loop: each gets the
next scripted :class:`Step`.  Requests without ``tools`` are side requests
(title generation, topic detection, ...): they get :attr:`FakeAnthropic.side_text`
and do not consume the script.  When the script runs out the server answers
:attr:`FakeAnthropic.final_text`.

Every request is recorded (see :class:`RecordedRequest`).  Helpers at the end of
the module search recorded requests for Stop-hook feedback and skill listings.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from . import fake_server
from .fake_server import Reply, ScriptedServer, iter_strings

__all__ = [
    "BashStep",
    "FakeAnthropic",
    "HookFeedback",
    "RecordedRequest",
    "Step",
    "TextStep",
    "find_stop_hook_feedback",
    "iter_strings",
    "skill_listed",
]


# --------------------------------------------------------------------------- script


@dataclass(frozen=True)
class TextStep:
    """Answer with plain text; ``stop_reason`` is ``end_turn``."""

    text: str


@dataclass(frozen=True)
class BashStep:
    """Call the ``Bash`` tool with ``command``; ``stop_reason`` is ``tool_use``."""

    command: str
    description: str = "scripted command"
    text: str | None = None  # optional text block emitted before the tool call


Step = TextStep | BashStep


# --------------------------------------------------------------------------- recording


@dataclass(frozen=True)
class RecordedRequest(fake_server.RecordedRequest):
    """One HTTP request as the server saw it, read as a Messages API request."""

    @property
    def is_messages(self) -> bool:
        return self.method == "POST" and self.route.rstrip("/") == "/v1/messages"

    @property
    def has_tools(self) -> bool:
        return isinstance(self.body, dict) and bool(self.body.get("tools"))

    @property
    def is_main(self) -> bool:
        """A main-loop request (a Messages call that offers tools)."""
        return self.is_messages and self.has_tools

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self._items("messages")

    @property
    def tool_names(self) -> list[str]:
        return [str(t.get("name")) for t in self._items("tools")]

    def tool_results(self) -> list[dict[str, Any]]:
        """All ``tool_result`` blocks in the request's messages."""
        found: list[dict[str, Any]] = []
        for message in self.messages:
            content = message.get("content")
            if isinstance(content, list):
                found.extend(
                    block for block in content if isinstance(block, dict) and block.get("type") == "tool_result"
                )
        return found


# --------------------------------------------------------------------------- wire format


def _usage(input_tokens: int, output_tokens: int) -> dict[str, int]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }


def _content_blocks(step: Step) -> list[dict[str, Any]]:
    if isinstance(step, TextStep):
        return [{"type": "text", "text": step.text}]
    blocks: list[dict[str, Any]] = []
    if step.text:
        blocks.append({"type": "text", "text": step.text})
    blocks.append(
        {
            "type": "tool_use",
            "id": f"toolu_{uuid.uuid4().hex[:24]}",
            "name": "Bash",
            "input": {"command": step.command, "description": step.description},
        }
    )
    return blocks


def _stop_reason(step: Step) -> str:
    return "tool_use" if isinstance(step, BashStep) else "end_turn"


def message_json(step: Step, model: str) -> dict[str, Any]:
    """A complete non-streaming Messages API response."""
    return {
        "id": f"msg_{uuid.uuid4().hex[:24]}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": _content_blocks(step),
        "stop_reason": _stop_reason(step),
        "stop_sequence": None,
        "usage": _usage(10, 5),
    }


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def message_sse(step: Step, model: str) -> bytes:
    """The same response as a server-sent-event stream, as the real API sends it."""
    message = message_json(step, model)
    start = dict(message, content=[], stop_reason=None, usage=_usage(10, 1))
    chunks = [_sse("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            empty: dict[str, Any] = {"type": "text", "text": ""}
            delta: dict[str, Any] = {"type": "text_delta", "text": block["text"]}
        else:
            empty = dict(block, input={})
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
        chunks += [
            _sse("content_block_start", {"type": "content_block_start", "index": index, "content_block": empty}),
            _sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}),
            _sse("content_block_stop", {"type": "content_block_stop", "index": index}),
        ]
    chunks += [
        _sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": 5},
            },
        ),
        _sse("message_stop", {"type": "message_stop"}),
    ]
    return b"".join(chunks)


# --------------------------------------------------------------------------- server


class FakeAnthropic(ScriptedServer[Step, RecordedRequest]):
    """Scripted Messages API server on 127.0.0.1 (random port), in a background thread.

    Use as a context manager (or call :meth:`start` / :meth:`stop`)::

        with FakeAnthropic([BashStep("echo hi"), TextStep("done")]) as server:
            run_claude(..., base_url=server.base_url, ...)
            assert server.main_requests[1].tool_results()
    """

    request_type = RecordedRequest
    thread_name = "fake-anthropic"
    request_id_header = "request-id"
    default_model = "claude-sonnet-4-5"

    @property
    def messages_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.is_messages]

    def _reply(self, request: RecordedRequest) -> tuple[Reply, int | None]:
        body, route = request.body, request.route.rstrip("/")
        if request.is_messages:
            if not isinstance(body, dict):
                return _error(400, "invalid_request_error", "body is not a JSON object"), None
            step, step_index = self._step_for(request)
            model = str(body.get("model") or self.default_model)
            if body.get("stream"):
                return (200, "text/event-stream", message_sse(step, model)), step_index
            return (200, "application/json", json.dumps(message_json(step, model)).encode()), step_index
        if request.method == "POST" and route == "/v1/messages/count_tokens":
            return (200, "application/json", b'{"input_tokens": 100}'), None
        if request.method in ("GET", "HEAD") and route in ("", "/"):
            return (200, "application/json", b"{}"), None
        return _error(404, "not_found_error", f"no route for {request.method} {request.path}"), None

    def _step_for(self, request: RecordedRequest) -> tuple[Step, int | None]:
        """The step that answers a Messages request: side requests (no tools) get
        :attr:`side_text` and leave the script alone."""
        if not request.has_tools:
            return TextStep(self.side_text), None
        return self._take_step() or (TextStep(self.final_text), None)


def _error(status: int, kind: str, message: str) -> Reply:
    payload = {"type": "error", "error": {"type": kind, "message": message}}
    return status, "application/json", json.dumps(payload).encode()


# --------------------------------------------------------------------------- assertion helpers

HookFeedbackForm = Literal["stop_hook_feedback", "blocking_error", "bare"]

_FEEDBACK_PREFIX = "Stop hook feedback:\n"
_BLOCKING_RE = re.compile(r'Stop hook blocking error from command: "(?P<command>.*?)": ', re.DOTALL)


@dataclass(frozen=True)
class HookFeedback:
    """Where a Stop-hook ``reason`` was found: the first request that carries it.

    ``forms`` lists every wrapper the reason appears in within that request:

    * ``"stop_hook_feedback"`` -- a user message ``Stop hook feedback:\\n<reason>``
      (2.1.197; 2.1.330 sends it too);
    * ``"blocking_error"`` -- ``Stop hook blocking error from command: "<cmd>": <reason>``
      (2.1.330 sends it as a ``role: "system"`` entry of ``messages``);
    * ``"bare"`` -- the reason occurs but in no known wrapper (an unknown client format;
      only reported with ``allow_bare=True``).
    """

    request_index: int  # index into the sequence that was searched
    request: RecordedRequest
    forms: tuple[HookFeedbackForm, ...]  # in order of first appearance, no duplicates
    texts: tuple[str, ...]  # the strings the reason was found in
    command: str | None = None  # hook command quoted by the blocking-error form

    @property
    def form(self) -> HookFeedbackForm:
        """The first form found (``forms[0]``)."""
        return self.forms[0]


def _classify(text: str, reason: str) -> tuple[HookFeedbackForm, str | None] | None:
    if _FEEDBACK_PREFIX + reason in text:
        return "stop_hook_feedback", None
    for match in _BLOCKING_RE.finditer(text):
        if text.startswith(reason, match.end()):
            return "blocking_error", match.group("command")
    if reason in text:
        return "bare", None
    return None


def find_stop_hook_feedback(
    requests: Sequence[RecordedRequest], reason: str, *, allow_bare: bool = False
) -> HookFeedback | None:
    """Find the first request that carries the Stop-hook ``reason`` back to the model.

    Every string in every request body is searched (system prompt, messages of any
    role, text blocks, tool results...).  Returns None when no request has it in a
    known wrapper (or anywhere at all, with ``allow_bare``).
    """
    for index, request in enumerate(requests):
        forms: list[HookFeedbackForm] = []
        texts: list[str] = []
        command: str | None = None
        for text in iter_strings(request.body):
            classified = _classify(text, reason)
            if classified is None:
                continue
            form, quoted = classified
            if form == "bare" and not allow_bare:
                continue
            if form not in forms:
                forms.append(form)
            texts.append(text)
            command = command or quoted
        if forms:
            return HookFeedback(index, request, tuple(forms), tuple(texts), command)
    return None


_SKILLS_HEADER = "The following skills are available"


def skill_listed(request: RecordedRequest, name: str) -> bool:
    """True if the request lists skill ``name`` to the model.

    Looks for a string containing the skills header ("The following skills are
    available for use with the Skill tool:") followed by a ``- <name>: <description>``
    line (2.1.330), or ``<name><name></name>`` for an XML-style listing.
    """
    escaped = re.escape(name)
    entry = re.compile(rf"(?:^|\n)\s*-\s*(?:[^\s:]+:)?{escaped}\s*:|<name>\s*{escaped}\s*</name>")
    for text in iter_strings(request.body):
        at = text.find(_SKILLS_HEADER)
        if at >= 0 and entry.search(text, at):
            return True
    return False
