"""Who owns a build (SPEC §4.3): session id, agent process (pid + start time) and tmux pane.

`build start` stamps these from what the starting command can see; the Stop hook computes its own and
asks `match`. Both the Bash commands an agent runs and the hooks it spawns descend from the agent process,
so the nearest ancestor that is the agent identifies the same agent from either side.

Stdlib-only: the hook imports this module. Every source has an override in the environment
(STOPWARDEN_SESSION_ID, STOPWARDEN_AGENT_PID, STOPWARDEN_TMUX; the empty string means "none"), which
tests set so that the agent session a test suite may run inside cannot leak into it.
"""

from __future__ import annotations

import os

from stopwarden.agents import dialects
from stopwarden.common.names import ENV_AGENT_PID, ENV_SESSION_ID, ENV_TMUX

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

MAX_HOPS = 64


def session_id_from_env(env: Mapping[str, str]) -> str:
    """The calling session's id as an agent's shell command sees it; empty when none is visible."""
    if ENV_SESSION_ID in env:
        return env[ENV_SESSION_ID]
    for agent in dialects():
        if agent.SESSION_ENV and env.get(agent.SESSION_ENV):
            return env[agent.SESSION_ENV]
    return ""


def tmux_pane(env: Mapping[str, str]) -> str:
    """The tmux pane, qualified by its server socket ("/tmp/tmux-0/default:%3"), or empty outside tmux.

    A pane, not a session name: several agents often share one tmux session in different windows.
    """
    if ENV_TMUX in env:
        return env[ENV_TMUX]
    pane = env.get("TMUX_PANE", "")
    if not pane:
        return ""
    socket = env.get("TMUX", "").split(",", 1)[0]
    return f"{socket}:{pane}"


def agent_process(env: Mapping[str, str]) -> tuple[int, int]:
    """(pid, start time) of the nearest ancestor that is the agent, or (0, 0) when there is none.

    The start time (clock ticks since boot on Linux) guards against a reused pid.
    """
    if ENV_AGENT_PID in env:
        value = env[ENV_AGENT_PID].strip()
        if not value.isdigit():
            return 0, 0
        stat = _stat(int(value))
        return int(value), stat[2] if stat else 0
    agents = dialects()
    pid = os.getppid()
    for _ in range(MAX_HOPS):
        if pid <= 1:
            return 0, 0
        stat = _stat(pid)
        if stat is None:
            return 0, 0
        comm, ppid, started = stat

        def cmdline(p: int = pid) -> bytes:
            return _cmdline(p)

        if any(agent.is_agent_process(comm, cmdline) for agent in agents):
            return pid, started
        pid = ppid
    return 0, 0


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(comm, ppid, start time) of a process, or None when it is gone."""
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    except FileNotFoundError:
        return _ps_stat(pid) if not os.path.isdir("/proc/self") else None
    except OSError:
        return None
    try:
        raw = os.read(fd, 4096).decode("utf-8", "replace")
    finally:
        os.close(fd)
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
    head, _, tail = raw.rpartition(")")
    fields = tail.split()
    try:
        return head.partition("(")[2], int(fields[1]), int(fields[19])
    except (IndexError, ValueError):
        return None


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read(8192)
    except OSError:
        return b""


def _ps_stat(pid: int) -> tuple[str, int, int] | None:
    """Off Linux: ask `ps`. The start time becomes a number that is stable for the process's life."""
    import subprocess

    try:
        out = subprocess.run(
            ["ps", "-o", "ppid=", "-o", "lstart=", "-o", "comm=", "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 7 or not out[0].isdigit():
        return None
    import time

    try:  # lstart is five words: "Tue Nov 24 09:12:03 2026"
        started = int(time.mktime(time.strptime(" ".join(out[1:6]), "%a %b %d %H:%M:%S %Y")))
    except ValueError:
        return None
    return os.path.basename(" ".join(out[6:])), int(out[0]), started


class Caller:
    """The identity of a process asking about builds; the agent process is looked up once, when needed."""

    __slots__ = ("_agent", "env", "session_id", "tmux")

    def __init__(self, session_id: str, env: Mapping[str, str]) -> None:
        self.session_id = session_id
        self.env = env
        self.tmux = tmux_pane(env)
        self._agent: tuple[int, int] | None = None

    def agent(self) -> tuple[int, int]:
        if self._agent is None:
            self._agent = agent_process(self.env)
        return self._agent

    def as_owner(self) -> dict[str, Any]:
        """The fields stamped into a new build's `owner` (the caller adds the times)."""
        pid, started = self.agent()
        return {"session_id": self.session_id, "agent_pid": pid, "agent_started_at": started, "tmux": self.tmux}


def caller_from_env(env: Mapping[str, str], session_id: str | None = None) -> Caller:
    """The caller as a command an agent runs sees itself; `session_id` is the --owner-session flag."""
    return Caller(session_id_from_env(env) if session_id is None else session_id, env)


def has_identity(owner: Mapping[str, Any]) -> bool:
    return bool(owner.get("session_id") or owner.get("agent_pid") or owner.get("tmux"))


def match(owner: Mapping[str, Any], me: Caller) -> str:
    """Which identity proves `me` is the owner: "session", "agent", "tmux", or "" when none does.

    Empty identities never match, so a build stamped with no identity is never adopted.
    """
    if owner.get("session_id") and owner["session_id"] == me.session_id:
        return "session"
    if owner.get("agent_pid") and (owner["agent_pid"], owner.get("agent_started_at")) == me.agent():
        return "agent"
    if owner.get("tmux") and owner["tmux"] == me.tmux and not _other_live_agent(owner, me):
        return "tmux"
    return ""


def _other_live_agent(owner: Mapping[str, Any], me: Caller) -> bool:
    """Is the owner's agent still running while `me` runs under a different one?

    Then a shared tmux pane proves nothing: an agent that the owner started (a nested `claude -p`)
    inherits the pane. The pane proves ownership only once the owner's agent is gone or unknown.
    """
    pid, started = owner.get("agent_pid") or 0, owner.get("agent_started_at")
    mine = me.agent()[0]
    if not pid or not mine or mine == pid:
        return False
    stat = _stat(int(pid))
    return stat is not None and stat[2] == started
