"""Helpers to run the real Codex CLI (``codex exec``) against a fake Responses API server (SPEC §12.1).

The client is found via ``STOPWARDEN_CODEX_BIN`` or the CI install at
``<repo>/.ci/node/node_modules/.bin/codex``; ``codex`` on PATH is deliberately ignored.

Each run gets its own HOME, ``CODEX_HOME`` (``<home>/.codex``) and TMPDIR, with a
``config.toml`` that points the ``fake`` model provider at the server, turns every
retry off (a dead port would otherwise be retried for minutes, or forever), and sets
``approval_policy = "never"`` / ``sandbox_mode = "workspace-write"``.  Hooks live in a
``hooks.json`` and run only when trusted by hash (:func:`codex_hook_hash`); the trust
entry goes into ``config.toml`` (:func:`trust_codex_hook`) and can be checked with the
client's own ``codex app-server`` (:func:`codex_hooks_list`).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shlex
import subprocess
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .clients import DEFAULT_TIMEOUT, REPO_ROOT, ClientRun, client_version, find_client, hermetic_env
from .process import kill_group, run_client

__all__ = [
    "CI_CODEX_BIN",
    "CODEX_BIN_ENV",
    "DEFAULT_MODEL",
    "REPO_ROOT",
    "STRIPPED_PREFIXES",
    "CodexRun",
    "CodexSandbox",
    "HookProbe",
    "ProcessInfo",
    "add_codex_hook",
    "codex_app_server",
    "codex_env",
    "codex_hook_hash",
    "codex_hook_key",
    "codex_hooks_list",
    "codex_version",
    "find_codex",
    "run_codex",
    "toml_string",
    "trust_codex_hook",
    "trust_codex_project",
    "write_codex_config",
]

CODEX_BIN_ENV = "STOPWARDEN_CODEX_BIN"
CI_CODEX_BIN = Path(".ci/node/node_modules/.bin/codex")
# A model whose metadata ships with Codex 0.169.0 (an unknown slug works too, with a warning item).
DEFAULT_MODEL = "gpt-5.5"
FAKE_KEY_ENV = "FAKE_API_KEY"

# Read at import: the suite's autouse fixture clears STOPWARDEN_* before every test.
_CODEX_BIN_AT_IMPORT = os.environ.get(CODEX_BIN_ENV)

# The agent session the suite may run inside, and any outer client configuration.
STRIPPED_PREFIXES = ("CLAUDE", "CODEX_", "GEMINI_", "STOPWARDEN_", "ANTHROPIC_", "OPENAI_", "GOOGLE_", "TMUX")

# Codex's event names in hooks.json (PascalCase) and in trust keys / hashes (snake_case).
_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(event: str) -> str:
    return _SNAKE.sub("_", event).lower()


def find_codex(repo_root: Path = REPO_ROOT) -> Path | None:
    """The codex binary to test with, or None.

    ``$STOPWARDEN_CODEX_BIN`` (as set now, or when this module was imported) wins and is
    returned even if missing, so a typo fails loudly; then the CI install under the repo.
    """
    return find_client(CODEX_BIN_ENV, CI_CODEX_BIN, repo_root, configured_at_import=_CODEX_BIN_AT_IMPORT)


def codex_env(
    home_dir: Path,
    *,
    codex_home: Path | None = None,
    tmp_dir: Path | None = None,
    api_key: str = "sk-fake-codex-key",
    extra_env: Mapping[str, str] | None = None,
    base_env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A hermetic environment for the client.

    Starts from ``base_env`` (default ``os.environ``) less every variable starting with
    one of :data:`STRIPPED_PREFIXES`; sets HOME, ``CODEX_HOME`` (default ``<home>/.codex``),
    TMPDIR (default ``<home>/tmp``) and the provider key ``FAKE_API_KEY``.  ``extra_env``
    is applied last.
    """
    settings = {
        "HOME": str(home_dir),
        "CODEX_HOME": str(codex_home or home_dir / ".codex"),
        "TMPDIR": str(tmp_dir or home_dir / "tmp"),
        FAKE_KEY_ENV: api_key,
        "NO_COLOR": "1",
    }
    return hermetic_env(base_env, settings, stripped_prefixes=STRIPPED_PREFIXES, extra_env=extra_env)


def codex_version(codex_bin: Path, *, timeout: float = 60.0) -> str:
    """The client's version, e.g. ``"0.169.0"`` (raw ``--version`` output if unparsable)."""
    return client_version(codex_bin, codex_env, timeout=timeout)


# --------------------------------------------------------------------------- config.toml


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (quoted, escaped)."""
    return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML basic-string escapes


def write_codex_config(
    codex_home: Path,
    base_url: str,
    *,
    model: str = DEFAULT_MODEL,
    trusted_projects: Iterable[Path] = (),
    extra_toml: str = "",
) -> Path:
    """Write ``<codex_home>/config.toml`` for the fake provider at ``base_url`` (ending in ``/v1``).

    Retries are off everywhere (``request_max_retries``/``stream_max_retries = 0`` and
    ``features.unbounded_connection_retries = false``), no approvals, workspace-write
    sandbox, no update check and no analytics.  ``trusted_projects`` get
    ``trust_level = "trusted"`` (so their ``.codex/`` layer loads).  ``extra_toml`` is
    appended verbatim (tables only: top-level keys must come first).  Returns the path.
    """
    codex_home.mkdir(parents=True, exist_ok=True)
    lines = [
        f"model = {toml_string(model)}",
        'model_provider = "fake"',
        'approval_policy = "never"',
        'sandbox_mode = "workspace-write"',
        "check_for_update_on_startup = false",
        "",
        "[model_providers.fake]",
        'name = "fake"',
        f"base_url = {toml_string(base_url)}",
        'wire_api = "responses"',
        f"env_key = {toml_string(FAKE_KEY_ENV)}",
        "request_max_retries = 0",
        "stream_max_retries = 0",
        "",
        "[features]",
        "unbounded_connection_retries = false",
        "",
        "[analytics]",
        "enabled = false",
        "",
    ]
    for project in trusted_projects:
        lines += [f"[projects.{toml_string(str(Path(project).resolve()))}]", 'trust_level = "trusted"', ""]
    path = codex_home / "config.toml"
    path.write_text("\n".join(lines) + extra_toml)
    return path


def _append_toml(config_toml: Path, text: str) -> None:
    existing = config_toml.read_text() if config_toml.exists() else ""
    if existing and not existing.endswith("\n"):
        existing += "\n"
    config_toml.write_text(existing + "\n" + text)


def trust_codex_project(config_toml: Path, project_dir: Path) -> None:
    """Append ``[projects."<abs project>"] trust_level = "trusted"`` to ``config_toml``."""
    table = f"[projects.{toml_string(str(project_dir.resolve()))}]"
    _append_toml(config_toml, f'{table}\ntrust_level = "trusted"\n')


# --------------------------------------------------------------------------- hooks.json and hook trust


def codex_hook_key(hooks_json: Path, event: str, group_index: int = 0, handler_index: int = 0) -> str:
    """The trust key of a handler: ``<abs hooks.json>:<event_snake>:<group>:<handler>``."""
    return f"{hooks_json.resolve()}:{_snake(event)}:{group_index}:{handler_index}"


def codex_hook_hash(event: str, handler: Mapping[str, Any], matcher: str | None = None) -> str:
    """``sha256:<hex>`` that Codex 0.169.0 computes for one command handler (SPEC §12.1).

    The hashed object is ``{"event_name": <snake>, ["matcher": m,] "hooks": [{"type":
    "command", "command": C, "timeout": T (default 600), "async": false,
    ["statusMessage": S]}]}`` as compact, key-sorted JSON.  ``matcher`` is included only
    when given and not empty or ``*`` -- pass it only for events whose matcher Codex
    honours (SessionStart, PreToolUse, ...), never for Stop.
    """
    normalized: dict[str, Any] = {
        "type": "command",
        "command": handler["command"],
        "timeout": int(handler.get("timeout") or 600),
        "async": bool(handler.get("async", False)),
    }
    if handler.get("statusMessage"):
        normalized["statusMessage"] = handler["statusMessage"]
    identity: dict[str, Any] = {"event_name": _snake(event), "hooks": [normalized]}
    if matcher not in (None, "", "*"):
        identity["matcher"] = matcher
    canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def trust_codex_hook(config_toml: Path, key: str, trusted_hash: str) -> None:
    """Append ``[hooks.state."<key>"] trusted_hash = "<hash>"`` to ``config_toml``."""
    _append_toml(config_toml, f"[hooks.state.{toml_string(key)}]\ntrusted_hash = {toml_string(trusted_hash)}\n")


def add_codex_hook(
    hooks_json: Path,
    event: str,
    command: str,
    *,
    timeout: int = 30,
    matcher: str | None = None,
    status_message: str | None = None,
    trust_in: Path | None = None,
) -> tuple[str, str]:
    """Append a command handler for ``event`` (``"Stop"``, ``"SessionStart"``, ...) to ``hooks_json``.

    Each call adds a new group with one handler; existing content is kept.  With
    ``trust_in`` (a ``config.toml``), also writes its trust entry.  Returns ``(key, hash)``.
    """
    hooks_json.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = json.loads(hooks_json.read_text()) if hooks_json.exists() else {}
    groups = data.setdefault("hooks", {}).setdefault(event, [])
    handler: dict[str, Any] = {"type": "command", "command": command, "timeout": timeout}
    if status_message:
        handler["statusMessage"] = status_message
    group: dict[str, Any] = {"hooks": [handler]}
    if matcher is not None:
        group["matcher"] = matcher
    groups.append(group)
    hooks_json.write_text(json.dumps(data, indent=2) + "\n")
    key = codex_hook_key(hooks_json, event, len(groups) - 1, 0)
    digest = codex_hook_hash(event, handler, matcher)
    if trust_in is not None:
        trust_codex_hook(trust_in, key, digest)
    return key, digest


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class CodexRun(ClientRun):
    """Outcome of one ``codex exec --json`` run."""

    client = "codex"

    events: tuple[dict[str, Any], ...] = ()  # the JSONL events on stdout

    @property
    def thread_id(self) -> str | None:
        """The session's thread id (``thread.started``), which hooks get as ``session_id``."""
        for event in self.events:
            if event.get("type") == "thread.started" and isinstance(event.get("thread_id"), str):
                return str(event["thread_id"])
        return None

    def items(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Completed items (``agent_message``, ``command_execution``, ``error``...), in order."""
        found = []
        for event in self.events:
            item = event.get("item")
            if (
                event.get("type") == "item.completed"
                and isinstance(item, dict)
                and (kind is None or item.get("type") == kind)
            ):
                found.append(item)
        return found

    @property
    def agent_messages(self) -> list[str]:
        return [str(item.get("text")) for item in self.items("agent_message")]

    @property
    def result(self) -> str | None:
        """The last assistant message, if any."""
        messages = self.agent_messages
        return messages[-1] if messages else None

    @property
    def failed_turn(self) -> bool:
        return any(event.get("type") in ("turn.failed", "error") for event in self.events)

    @property
    def ok(self) -> bool:
        return super().ok and not self.failed_turn


def _parse_events(stdout: str) -> tuple[dict[str, Any], ...]:
    events = []
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return tuple(events)


def run_codex(
    codex_bin: Path,
    project_dir: Path,
    home_dir: Path,
    prompt: str,
    *,
    trust: bool = False,
    extra_args: Sequence[str] = (),
    extra_env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> CodexRun:
    """Run ``codex exec --json --skip-git-repo-check [--trust] <prompt>`` in ``project_dir``.

    ``home_dir/.codex/config.toml`` must exist (:func:`write_codex_config`).  ``trust``
    passes ``--trust`` (the client then records the project as trusted in config.toml).
    The client runs in its own process group with stdin closed; on timeout the whole
    group is killed and the result has ``timed_out=True``.
    """
    env = codex_env(home_dir, extra_env=extra_env)
    Path(env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
    args = [str(codex_bin), "exec", "--json", "--skip-git-repo-check"]
    if trust:
        args.append("--trust")
    args += [*extra_args, "--", prompt]
    done = run_client(args, project_dir, env, timeout)
    stdout, stderr = done.stdout, done.stderr
    return CodexRun(args, done.returncode, stdout, stderr, done.elapsed, done.timed_out, _parse_events(stdout))


# --------------------------------------------------------------------------- app-server (JSON-RPC over stdio)


def codex_app_server(
    codex_bin: Path,
    home_dir: Path,
    requests: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    cwd: Path | None = None,
    extra_env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> list[dict[str, Any]]:
    """Run ``codex app-server``: ``initialize``, ``initialized``, then each ``(method, params)``.

    Messages are JSON objects, one per line.  Returns the JSON-RPC response (``result``
    or ``error``) of each request, in order.  The server is killed afterwards.
    """
    env = codex_env(home_dir, extra_env=extra_env)
    Path(env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [str(codex_bin), "app-server"],
        cwd=cwd or home_dir,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, name="codex-app-server", daemon=True).start()
    deadline = time.monotonic() + timeout

    def send(message: Mapping[str, Any]) -> None:
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(message) + "\n")
        proc.stdin.flush()

    def wait_for(request_id: int) -> dict[str, Any]:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"codex app-server: no answer to request {request_id} in {timeout}s")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError(f"codex app-server exited ({proc.poll()}) before answering {request_id}")
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("id") == request_id and "method" not in message:
                return message

    try:
        send({"id": 0, "method": "initialize", "params": {"clientInfo": {"name": "stopwarden-e2e", "version": "0"}}})
        wait_for(0)
        send({"method": "initialized"})
        answers = []
        for number, (method, params) in enumerate(requests, start=1):
            send({"id": number, "method": method, "params": dict(params)})
            answers.append(wait_for(number))
        return answers
    finally:
        kill_group(proc)
        proc.wait(timeout=10)


def codex_hooks_list(
    codex_bin: Path, home_dir: Path, cwds: Sequence[Path], *, timeout: float = 30.0
) -> list[dict[str, Any]]:
    """``hooks/list`` for ``cwds``: every hook Codex sees (``key``, ``eventName``, ``command``,
    ``currentHash``, ``trustStatus``, ``source``, ``displayOrder``...), flattened over the cwds."""
    (answer,) = codex_app_server(
        codex_bin, home_dir, [("hooks/list", {"cwds": [str(c) for c in cwds]})], cwd=cwds[0], timeout=timeout
    )
    if "error" in answer:
        raise RuntimeError(f"hooks/list failed: {answer['error']}")
    return [hook for entry in answer["result"]["data"] for hook in entry.get("hooks", [])]


# --------------------------------------------------------------------------- hook probe (any client)

_PROBE_SCRIPT = """#!/bin/sh
# stopwarden e2e probe: records stdin, environment and process ancestry, then prints a scripted reply.
state={state}
label={label}
n=$(( $(cat "$state/$label.count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$state/$label.count"
if [ "$1" = "--no-stdin" ]; then : > "$state/$label-$n.json"; else cat > "$state/$label-$n.json"; fi
env > "$state/$label-$n.env"
p=$$
while [ -r "/proc/$p/status" ]; do
  pp=$(awk '/^PPid:/ {{print $2}}' "/proc/$p/status")
  printf '%s\\t%s\\t%s\\t%s\\n' "$p" "$pp" "$(cat "/proc/$p/comm")" \\
    "$(tr '\\0' ' ' < "/proc/$p/cmdline" | head -c 400)" >> "$state/$label-$n.tree"
  [ "$p" -le 1 ] && break
  p=$pp
done
if [ -f "$state/$label.reply-$n" ]; then cat "$state/$label.reply-$n"
elif [ -f "$state/$label.reply" ]; then cat "$state/$label.reply"
fi
exit 0
"""


@dataclass(frozen=True)
class ProcessInfo:
    """One ancestor as the probe saw it in ``/proc`` (pids are those of the probe's PID namespace)."""

    pid: int
    ppid: int
    comm: str
    cmdline: str  # NUL-separated arguments joined with spaces, cut at 400 characters


@dataclass(frozen=True)
class HookProbe:
    """A plain shell script usable as a hook command or run by the agent's shell tool.

    Invocation ``n`` (1-based) of the script saves its stdin as ``<label>-<n>.json``
    (``--no-stdin`` as first argument skips reading it), ``env`` output as
    ``<label>-<n>.env`` and its ancestry (self first) as ``<label>-<n>.tree``, then prints
    ``reply(n)`` (the per-invocation reply, else the default reply, else nothing) and exits 0.
    """

    state_dir: Path
    label: str = "hook"

    @property
    def script(self) -> Path:
        return self.state_dir / f"{self.label}.sh"

    def install(self, *, default_reply: str = "", replies: Mapping[int, Any] | None = None) -> Path:
        """Write the script (and its replies: str as is, anything else as JSON); returns its path."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.script.write_text(
            _PROBE_SCRIPT.format(state=shlex.quote(str(self.state_dir)), label=shlex.quote(self.label))
        )
        self.script.chmod(0o755)
        if default_reply:
            (self.state_dir / f"{self.label}.reply").write_text(default_reply)
        for number, reply in (replies or {}).items():
            text = reply if isinstance(reply, str) else json.dumps(reply)
            (self.state_dir / f"{self.label}.reply-{number}").write_text(text + "\n")
        return self.script

    @property
    def command(self) -> str:
        """The script path, shell-quoted (a hook ``command``)."""
        return shlex.quote(str(self.script))

    @property
    def count(self) -> int:
        path = self.state_dir / f"{self.label}.count"
        return int(path.read_text().strip()) if path.exists() else 0

    def payload(self, number: int = 1) -> Any:
        """The JSON the ``number``-th invocation read on stdin."""
        return json.loads((self.state_dir / f"{self.label}-{number}.json").read_text())

    def env(self, number: int = 1) -> dict[str, str]:
        """The environment of the ``number``-th invocation (single-line values only)."""
        env: dict[str, str] = {}
        for line in (self.state_dir / f"{self.label}-{number}.env").read_text().splitlines():
            name, sep, value = line.partition("=")
            if sep and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                env[name] = value
        return env

    def tree(self, number: int = 1) -> list[ProcessInfo]:
        """The ancestry of the ``number``-th invocation: the script itself first."""
        found = []
        for line in (self.state_dir / f"{self.label}-{number}.tree").read_text().splitlines():
            pid, ppid, comm, cmdline = [*line.split("\t", 3), "", "", ""][:4]
            if pid.isdigit():
                found.append(ProcessInfo(int(pid), int(ppid or 0), comm, cmdline))
        return found


# --------------------------------------------------------------------------- sandbox

HookScope = Literal["user", "project"]


@dataclass
class CodexSandbox:
    """A temporary project + home (with ``config.toml``) wired to one binary and one fake server.

    Build it with :meth:`create`.  Hooks go to ``$CODEX_HOME/hooks.json`` (scope ``user``)
    or ``<project>/.codex/hooks.json`` (scope ``project``; the project is trusted in
    config.toml by :meth:`create` unless ``trust_project=False``).
    """

    codex_bin: Path
    project_dir: Path
    home_dir: Path
    base_url: str
    runs: list[CodexRun] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        codex_bin: Path,
        root: Path,
        base_url: str,
        *,
        model: str = DEFAULT_MODEL,
        trust_project: bool = True,
    ) -> CodexSandbox:
        project, home = root / "project", root / "home"
        project.mkdir(parents=True, exist_ok=True)
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        sandbox = cls(codex_bin, project, home, base_url)
        write_codex_config(
            sandbox.codex_home, base_url, model=model, trusted_projects=[project] if trust_project else []
        )
        return sandbox

    @property
    def codex_home(self) -> Path:
        return self.home_dir / ".codex"

    @property
    def config_path(self) -> Path:
        return self.codex_home / "config.toml"

    def hooks_path(self, scope: HookScope = "user") -> Path:
        return (self.codex_home if scope == "user" else self.project_dir / ".codex") / "hooks.json"

    def add_hook(
        self,
        event: str,
        command: str,
        *,
        timeout: int = 30,
        matcher: str | None = None,
        scope: HookScope = "user",
        trust: bool = True,
    ) -> tuple[str, str]:
        """Register ``command`` for ``event``; trusted by hash in config.toml unless ``trust=False``.
        Returns ``(key, hash)``."""
        return add_codex_hook(
            self.hooks_path(scope),
            event,
            command,
            timeout=timeout,
            matcher=matcher,
            trust_in=self.config_path if trust else None,
        )

    def hooks_list(self) -> list[dict[str, Any]]:
        return codex_hooks_list(self.codex_bin, self.home_dir, [self.project_dir])

    def run(
        self,
        prompt: str,
        *,
        trust: bool = False,
        extra_args: Sequence[str] = (),
        extra_env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> CodexRun:
        result = run_codex(
            self.codex_bin,
            self.project_dir,
            self.home_dir,
            prompt,
            trust=trust,
            extra_args=extra_args,
            extra_env=extra_env,
            timeout=timeout,
        )
        self.runs.append(result)
        return result
