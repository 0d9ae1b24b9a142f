"""Parse an agent's hook payload into the normalized hook event (SPEC §3.3).

On the hook's common path: `posix`, not `os`, and the owner machinery only when a build needs it.

Unknown fields are ignored; missing or wrongly typed fields take safe defaults. Anything that is not a
JSON object is a bad payload, reported as `BadPayload` so the hook can allow and say why.
"""

import posix

from stopwarden.common import fastjson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from stopwarden.agents.base import Dialect
    from stopwarden.build.owner import Caller


# How long a stop waits for the client to write it into its transcript (Copilot CLI: about 100 ms seen).
TRANSCRIPT_WAIT_S = 1.5
TRANSCRIPT_POLL_S = 0.02


class BadPayload(ValueError):
    """The payload is not a JSON object; the message says what was wrong with it."""


class HookEvent:
    """One hook invocation, the same whichever agent sent it."""

    __slots__ = (
        "_caller",
        "_stop_text",
        "agent",
        "background_tasks",
        "cwd",
        "env",
        "event",
        "session_id",
        "source",
        "stop_hook_active",
        "transcript_path",
    )

    def __init__(
        self,
        agent: str,
        event: str,
        session_id: str,
        cwd: str,
        transcript_path: str | None,
        stop_text: "str | Callable[[], str]",
        stop_hook_active: bool,
        source: str,
        background_tasks: int,
        env: "Mapping[str, str]",
    ) -> None:
        self.agent = agent
        self.event = event
        self.session_id = session_id
        self.cwd = cwd
        self.transcript_path = transcript_path
        self._stop_text = stop_text  # or how to read it, when first asked
        self.stop_hook_active = stop_hook_active
        self.source = source
        self.background_tasks = background_tasks
        self.env = env
        self._caller: Caller | None = None

    @property
    def stop_text(self) -> str:
        if not isinstance(self._stop_text, str):
            self._stop_text = self._stop_text()
        return self._stop_text

    @property
    def caller(self) -> "Caller":
        """Who is stopping, for ownership checks; the agent process is looked up only when asked."""
        if self._caller is None:
            from stopwarden.build.owner import Caller

            self._caller = Caller(self.session_id, self.env)
        return self._caller

    @property
    def agent_pid(self) -> int:
        return self.caller.agent()[0]

    @property
    def tmux_session(self) -> str:
        return self.caller.tmux


def parse(raw: bytes, agent: str, event: str, env: "Mapping[str, str]") -> HookEvent:
    """The hook event in `raw`; raises BadPayload when it is not a JSON object."""
    try:
        data = fastjson.loads(raw.decode("utf-8", "surrogateescape"))
    except fastjson.JSONError as e:
        raise BadPayload(f"payload is not JSON: {e}") from None
    if not isinstance(data, dict):
        raise BadPayload(f"payload is a JSON {type(data).__name__}, not an object")
    from stopwarden.agents import dialect

    speaks = dialect(agent)
    data = speaks.payload(data)
    transcript_path = _str(data, "transcript_path") or None
    return HookEvent(
        agent=agent,
        event=event,
        session_id=_str(data, "session_id"),
        cwd=_cwd(data, env),
        transcript_path=transcript_path,
        stop_text=_stop_text(data, speaks, event, transcript_path),
        stop_hook_active=data.get("stop_hook_active") is True,
        source=_str(data, "source"),
        background_tasks=_count(data.get("background_tasks")),
        env=env,
    )


def _stop_text(data: "Mapping[str, Any]", speaks: "Dialect", event: str, path: str | None) -> "str | Callable[[], str]":
    """From the payload's field; for a client whose payload has none (Copilot CLI), or a payload without it
    (Claude Code before `last_assistant_message`), from its transcript, read only when asked
    (HookEvent.stop_text): it may mean waiting for the client to write it."""
    for field in speaks.STOP_TEXT_FIELDS:
        if isinstance(data.get(field), str):
            return str(data[field])
    if not speaks.STOP_TEXT_IN_TRANSCRIPT or event != "stop" or not path or data.get("stop_hook_active") is True:
        return ""  # after a block the stop goes through whatever it says: nothing to wait for
    return lambda: _from_transcript(speaks, path, data)


def _from_transcript(speaks: "Dialect", path: str, data: "Mapping[str, Any]") -> str:
    """The stop text in the transcript's tail, read without following a link at its last component, again
    every TRANSCRIPT_POLL_S until the client has written this stop; "" after TRANSCRIPT_WAIT_S."""
    import time

    from stopwarden.hooks.transcript import tail_lines

    deadline = time.monotonic() + TRANSCRIPT_WAIT_S
    while True:
        lines = tail_lines(path, follow=False)
        if not lines:
            return ""  # no such file (or not one we may read): nothing will appear there to wait for
        text = speaks.transcript_stop_text(lines, data)
        if text is not None:
            return text
        if time.monotonic() >= deadline:
            return ""
        time.sleep(TRANSCRIPT_POLL_S)


def _str(data: "Mapping[str, Any]", key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _count(value: object) -> int:
    return len(value) if isinstance(value, list) else 0


def _cwd(data: "Mapping[str, Any]", env: "Mapping[str, str]") -> str:
    """The session's folder: the payload's `cwd` when it is absolute, else where the agent launched us."""
    cwd = _str(data, "cwd")
    if cwd.startswith("/") and "\0" not in cwd:
        return cwd
    project = env.get("CLAUDE_PROJECT_DIR", "")
    if project.startswith("/") and "\0" not in project:
        return project
    return posix.getcwd()
