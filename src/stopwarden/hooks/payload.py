"""Parse an agent's hook payload into the normalized hook event (SPEC §3.3).

On the hook's common path: `posix`, not `os`, and the owner machinery only when a build needs it.

Unknown fields are ignored; missing or wrongly typed fields take safe defaults. Anything that is not a
JSON object is a bad payload, reported as `BadPayload` so the hook can allow and say why.
"""

import posix

from stopwarden import fastjson

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from stopwarden.build.owner import Caller


class BadPayload(ValueError):
    """The payload is not a JSON object; the message says what was wrong with it."""


class HookEvent:
    """One hook invocation, the same whichever agent sent it."""

    __slots__ = (
        "_caller",
        "agent",
        "background_tasks",
        "cwd",
        "env",
        "event",
        "session_id",
        "source",
        "stop_hook_active",
        "stop_text",
        "transcript_path",
    )

    def __init__(
        self,
        agent: str,
        event: str,
        session_id: str,
        cwd: str,
        transcript_path: str | None,
        stop_text: str,
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
        self.stop_text = stop_text
        self.stop_hook_active = stop_hook_active
        self.source = source
        self.background_tasks = background_tasks
        self.env = env
        self._caller: Caller | None = None

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
    return HookEvent(
        agent=agent,
        event=event,
        session_id=_str(data, "session_id"),
        cwd=_cwd(data, env),
        transcript_path=_str(data, "transcript_path") or None,
        stop_text=_stop_text(data, agent),
        stop_hook_active=data.get("stop_hook_active") is True,
        source=_str(data, "source"),
        background_tasks=_count(data.get("background_tasks")),
        env=env,
    )


def _stop_text(data: "Mapping[str, Any]", agent: str) -> str:
    from stopwarden.agents import dialect

    for field in dialect(agent).STOP_TEXT_FIELDS:
        if isinstance(data.get(field), str):
            return str(data[field])
    return ""


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
