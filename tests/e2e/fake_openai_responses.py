"""A tiny scripted stand-in for the OpenAI Responses API, for the real Codex CLI (SPEC §12.1).

It speaks the wire format Codex uses (``POST /v1/responses``, answered with a
server-sent-event stream ``response.created`` / ``response.output_item.done`` /
``response.completed``) so that ``codex exec`` can be pointed at it through a
``model_providers.fake`` entry with ``base_url = "<server>/v1"``.  Standard library only;
serving, the script and the request log are :class:`~.fake_server.ScriptedServer`'s.

Requests that offer ``tools`` are the agent's main loop: each gets the next scripted
:class:`Step`.  Other requests (none seen from ``codex exec`` 0.169.0, but the client may
add some) get :attr:`FakeResponses.side_text`; a request that asks for JSON output
(``text.format.type == "json_schema"``) gets an object that fits its schema.  When the
script runs out the server answers :attr:`FakeResponses.final_text`.

Every request is recorded (see :class:`RecordedRequest`); :func:`find_hook_prompt`
finds a Stop hook's block reason in the form Codex sends it back:
``<hook_prompt hook_run_id="stop:…">REASON</hook_prompt>`` in a user message.
"""

from __future__ import annotations

import html
import json
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import fake_server
from .fake_server import Reply, ScriptedServer, find_text, iter_strings

__all__ = [
    "FakeResponses",
    "HookPrompt",
    "RecordedRequest",
    "ShellStep",
    "Step",
    "TextStep",
    "find_hook_prompt",
    "find_text",
    "iter_strings",
    "schema_example",
]


# --------------------------------------------------------------------------- script


@dataclass(frozen=True)
class TextStep:
    """Answer with an assistant message holding ``text`` (the turn may end here)."""

    text: str


@dataclass(frozen=True)
class ShellStep:
    """Call the shell tool with ``command``; the client runs it and sends its output back.

    The call is shaped for whichever shell tool the request offers: ``exec_command``
    (``{"cmd": …}``, Codex 0.169.0), else ``shell_command`` (``{"command": "…"}``), else
    ``shell`` (``{"command": ["bash", "-lc", …]}``).
    """

    command: str
    workdir: str | None = None
    text: str | None = None  # optional assistant message emitted before the call


Step = TextStep | ShellStep

SHELL_TOOLS = ("exec_command", "shell_command", "shell")


# --------------------------------------------------------------------------- recording


@dataclass(frozen=True)
class RecordedRequest(fake_server.RecordedRequest):
    """One HTTP request as the server saw it, read as a Responses API request."""

    @property
    def is_responses(self) -> bool:
        return self.method == "POST" and self.route.rstrip("/").endswith("/responses")

    @property
    def tool_names(self) -> list[str]:
        return [
            str(tool.get("name") or (tool.get("function") or {}).get("name") or tool.get("type"))
            for tool in self._items("tools")
        ]

    @property
    def is_main(self) -> bool:
        """A main-loop request: a Responses call that offers tools."""
        return self.is_responses and bool(self.tool_names) and not self.wants_json

    @property
    def wants_json(self) -> bool:
        return self.json_schema is not None

    @property
    def json_schema(self) -> dict[str, Any] | None:
        """The ``text.format`` JSON schema a structured-output request asks for."""
        if not isinstance(self.body, dict):
            return None
        fmt = (self.body.get("text") or {}).get("format") if isinstance(self.body.get("text"), dict) else None
        if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
            schema = fmt.get("schema")
            return schema if isinstance(schema, dict) else {}
        return None

    @property
    def input_items(self) -> list[dict[str, Any]]:
        """The ``input`` items (the whole history: Codex resends it each time)."""
        return self._items("input")

    def messages(self, role: str | None = None) -> list[dict[str, Any]]:
        """``message`` items of ``input``, optionally of one ``role``."""
        return [
            item
            for item in self.input_items
            if item.get("type", "message") == "message" and (role is None or item.get("role") == role)
        ]

    def message_texts(self, role: str | None = None) -> list[str]:
        """The text of each content part of each message (of ``role``), in order."""
        texts: list[str] = []
        for message in self.messages(role):
            content = message.get("content")
            if isinstance(content, str):
                texts.append(content)
            elif isinstance(content, list):
                texts.extend(str(p["text"]) for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
        return texts

    def function_calls(self) -> list[dict[str, Any]]:
        return [item for item in self.input_items if item.get("type") == "function_call"]

    def function_call_outputs(self) -> list[dict[str, Any]]:
        return [item for item in self.input_items if item.get("type") == "function_call_output"]


# --------------------------------------------------------------------------- wire format


def schema_example(schema: Any) -> Any:
    """A small value that fits the JSON ``schema`` (enough for helper requests).

    Handles ``type`` (or a list of types), ``enum``/``const``, ``properties``/``required``,
    ``items``/``minItems`` and ``anyOf``/``oneOf`` (first branch); anything else is ``{}``.
    """
    if not isinstance(schema, dict):
        return {}
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return schema_example(schema[key][0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    kind = str(kind).lower() if kind is not None else ("object" if "properties" in schema else None)
    if kind == "object":
        props = schema.get("properties")
        return {name: schema_example(sub) for name, sub in props.items()} if isinstance(props, dict) else {}
    if kind == "array":
        count = int(schema.get("minItems") or 0)
        return [schema_example(schema.get("items")) for _ in range(count)]
    if kind == "string":
        return "scripted"
    if kind in ("integer", "number"):
        return int(schema.get("minimum") or 0)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return {}


def _message_item(text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"msg_{uuid.uuid4().hex[:24]}",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def _shell_item(step: ShellStep, offered: Sequence[str]) -> dict[str, Any]:
    name = next((n for n in SHELL_TOOLS if n in offered), SHELL_TOOLS[0])
    arguments: dict[str, Any]
    if name == "exec_command":
        arguments = {"cmd": step.command}
    elif name == "shell_command":
        arguments = {"command": step.command}
    else:
        arguments = {"command": ["bash", "-lc", step.command]}
    if step.workdir:
        arguments["workdir"] = step.workdir
    return {
        "type": "function_call",
        "id": f"fc_{uuid.uuid4().hex[:24]}",
        "call_id": f"call_{uuid.uuid4().hex[:24]}",
        "name": name,
        "arguments": json.dumps(arguments),
        "status": "completed",
    }


def output_items(step: Step, offered_tools: Sequence[str] = SHELL_TOOLS) -> list[dict[str, Any]]:
    """The ``output`` items that answer with ``step``."""
    if isinstance(step, TextStep):
        return [_message_item(step.text)]
    items = [_message_item(step.text)] if step.text else []
    items.append(_shell_item(step, offered_tools))
    return items


def _sse(data: dict[str, Any]) -> bytes:
    return f"event: {data['type']}\ndata: {json.dumps(data)}\n\n".encode()


def response_sse(items: Sequence[dict[str, Any]], model: str) -> bytes:
    """A Responses API event stream that delivers ``items`` and completes."""
    response_id = f"resp_{uuid.uuid4().hex[:24]}"
    base = {"id": response_id, "object": "response", "created_at": int(time.time()), "model": model}
    chunks = [_sse({"type": "response.created", "response": dict(base, status="in_progress", output=[])})]
    for index, item in enumerate(items):
        chunks.append(_sse({"type": "response.output_item.done", "output_index": index, "item": item}))
    usage = {
        "input_tokens": 10,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 5,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 15,
    }
    completed = dict(base, status="completed", output=list(items), usage=usage)
    chunks.append(_sse({"type": "response.completed", "response": completed}))
    return b"".join(chunks)


# --------------------------------------------------------------------------- server


class FakeResponses(ScriptedServer[Step, RecordedRequest]):
    """Scripted Responses API server on 127.0.0.1 (random port), in a background thread.

    Use as a context manager (or call :meth:`start` / :meth:`stop`)::

        with FakeResponses([ShellStep("echo hi"), TextStep("done")]) as server:
            run_codex(..., base_url=server.base_url, ...)
            assert server.main_requests[1].function_call_outputs()

    ``base_url`` ends in ``/v1``, as Codex's provider ``base_url`` wants it.
    """

    request_type = RecordedRequest
    thread_name = "fake-responses"
    request_id_header = "x-request-id"
    default_model = "gpt-5-codex"

    @property
    def responses_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.is_responses]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``: the provider ``base_url`` for Codex."""
        return f"http://127.0.0.1:{self.port}/v1"

    def _reply(self, request: RecordedRequest) -> tuple[Reply, int | None]:
        body, route = request.body, request.route.rstrip("/")
        if request.is_responses:
            if not isinstance(body, dict):
                return _error(400, "invalid_request_error", "body is not a JSON object"), None
            items, step_index = self._reply_items(request)
            model = str(body.get("model") or self.default_model)
            return (200, "text/event-stream", response_sse(items, model)), step_index
        if request.method == "GET" and route.endswith("/models"):
            return (200, "application/json", b'{"object": "list", "data": [], "models": []}'), None
        if request.method in ("GET", "HEAD") and route in ("", "/", "/v1"):
            return (200, "application/json", b"{}"), None
        return _error(404, "not_found", f"no route for {request.method} {request.path}"), None

    def _reply_items(self, request: RecordedRequest) -> tuple[list[dict[str, Any]], int | None]:
        """Choose the output items for a Responses request (called with the lock held)."""
        schema = request.json_schema
        if schema is not None:
            return [_message_item(json.dumps(schema_example(schema)))], None
        if not request.is_main:
            return [_message_item(self.side_text)], None
        taken = self._take_step()
        if taken is None:
            return [_message_item(self.final_text)], None
        step, index = taken
        return output_items(step, request.tool_names), index


def _error(status: int, kind: str, message: str) -> Reply:
    payload = {"error": {"type": kind, "message": message, "code": kind}}
    return status, "application/json", json.dumps(payload).encode()


# --------------------------------------------------------------------------- assertion helpers


_HOOK_PROMPT_RE = re.compile(
    r'<hook_prompt\s+hook_run_id="(?P<run_id>[^"]*)"\s*>(?P<body>.*?)</hook_prompt>', re.DOTALL
)


@dataclass(frozen=True)
class HookPrompt:
    """A Stop hook's block reason as Codex sent it back to the model.

    ``role`` is the role of the ``input`` message that carried it (``"user"`` in 0.169.0);
    ``hook_run_id`` the attribute of the ``<hook_prompt>`` wrapper (``"stop:…"``).
    """

    request_index: int  # index into the sequence that was searched
    request: RecordedRequest
    role: str
    hook_run_id: str
    text: str  # the whole string the wrapper was found in


def find_hook_prompt(requests: Sequence[RecordedRequest], reason: str) -> HookPrompt | None:
    """The first request whose ``input`` carries ``reason`` inside ``<hook_prompt …>…</hook_prompt>``.

    The wrapper's body is compared after XML-unescaping, so a reason with ``&``/``<``
    still matches.  Only ``message`` items of ``input`` are searched.
    """
    for index, request in enumerate(requests):
        for message in request.messages():
            role = str(message.get("role"))
            for text in iter_strings(message.get("content")):
                for match in _HOOK_PROMPT_RE.finditer(text):
                    body = match.group("body")
                    if reason in body or reason in html.unescape(body):
                        return HookPrompt(index, request, role, match.group("run_id"), text)
    return None
