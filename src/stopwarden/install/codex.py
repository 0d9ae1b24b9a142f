"""Codex CLI's hook registration (SPEC §12.1): `hooks.json` in Claude Code's shape, timeouts in seconds;
by default in the user's `$CODEX_HOME` (Codex has no personal per-project file, and the command holds this
machine's paths), or the project's `.codex/hooks.json` with `--scope project`.

Codex runs a non-managed hook only when it is trusted by hash, silently skipping it otherwise, so init
also writes the trust entries for our hooks (and only ours) into `$CODEX_HOME/config.toml`, keeping the
user's comments and order (tomlkit). The hash recipe is version-specific (verified on Codex 0.169.0).
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import time
from collections.abc import Mapping
from typing import Any

from stopwarden.common.atomic import write_atomic
from stopwarden.common.errors import StopwardenError
from stopwarden.common.shell import cli_path
from stopwarden.install import hook_command, hook_config, settings_file
from stopwarden.install.base import Check, InstallJob, user_or_project
from stopwarden.install.no_extras import merge_extras as merge_extras  # its Installer members: no
from stopwarden.install.no_extras import remove_extras as remove_extras  # extras in its settings file

AGENT = "codex"
SCOPES = ("user", "project")
RUNS_IDENTICAL_HOOKS_ONCE = False  # Codex 0.169.0 runs one command registered in both scopes twice (measured)
COMMAND = "codex"  # the client's command, to find it on PATH
DEFAULT_SCOPE = "user"
# Codex event name -> (our hook's event argument, timeout in seconds, Codex's snake_case event name).
EVENTS = {"Stop": ("stop", 30, "stop"), "SessionStart": ("session_start", 15, "session_start")}


def codex_home(env: Mapping[str, str]) -> str:
    return env.get("CODEX_HOME") or os.path.join(os.path.expanduser("~"), ".codex")


def config_dir(scope: str, root: str, env: Mapping[str, str]) -> str:
    """The Codex config layer of `scope`: `$CODEX_HOME`, or the project's `.codex/`."""
    return user_or_project(AGENT, scope, codex_home(env), os.path.join(root, ".codex"))


def user_config_dir(env: Mapping[str, str]) -> str:
    return codex_home(env)


def settings_path(scope: str, root: str, env: Mapping[str, str]) -> str:
    return os.path.join(config_dir(scope, root, env), "hooks.json")


def our_handler(event: str) -> dict[str, Any]:
    argument, timeout, _ = EVENTS[event]
    return {"type": "command", "command": hook_command.command(argument, AGENT), "timeout": timeout}


def merge(data: dict[str, Any], path: str) -> None:
    # No matcher: Codex hashes a SessionStart group's matcher even when it is empty (seen on 0.169.0).
    hook_config.merge(data, path, {event: our_handler(event) for event in EVENTS}, matcher=None)


remove = hook_config.remove
registered = hook_config.registered


def trusted_hash(event: str, group: Mapping[str, Any], handler: Mapping[str, Any]) -> str:
    """What Codex compares before running a hook: sha256 over the compact, key-sorted JSON of the event, the
    group's matcher (for events whose matcher Codex honours, never Stop) and the handler with Codex's
    defaults filled in. Unlike SPEC §12.1 says, Codex 0.169.0 hashes an empty matcher too when the group
    has one (checked against `codex app-server`'s hooks/list); `*` is left out as the spec says."""
    snake = EVENTS[event][2] if event in EVENTS else event.lower()
    shaped: dict[str, Any] = {"event_name": snake}
    matcher = group.get("matcher")
    if snake != "stop" and isinstance(matcher, str) and matcher != "*":
        shaped["matcher"] = matcher
    entry: dict[str, Any] = {
        "type": "command",
        "command": handler["command"],
        "timeout": handler.get("timeout", 600),
        "async": bool(handler.get("async", False)),
    }
    if "statusMessage" in handler:
        entry["statusMessage"] = handler["statusMessage"]
    shaped["hooks"] = [entry]
    text = json.dumps(shaped, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def project_trusted(root: str, env: Mapping[str, str]) -> bool:
    """Whether `$CODEX_HOME/config.toml` trusts the project at `root` (`[projects."<root>"] trust_level =
    "trusted"`): Codex ignores the `.codex/` layer of any other project, without a word."""
    import tomllib

    try:
        with open(os.path.join(codex_home(env), "config.toml"), "rb") as f:
            projects = tomllib.load(f).get("projects")
    except (OSError, tomllib.TOMLDecodeError):
        return False
    if not isinstance(projects, dict):
        return False
    entry = projects.get(os.path.realpath(root)) or projects.get(os.path.abspath(root))
    return isinstance(entry, dict) and entry.get("trust_level") == "trusted"


def read_config(env: Mapping[str, str]) -> Any:
    """`$CODEX_HOME/config.toml` as a tomlkit document (comments and order kept), or None when there is
    none; StopwardenError when it is not valid TOML (it is left untouched)."""
    import tomlkit

    config_path = os.path.join(codex_home(env), "config.toml")
    try:
        with open(config_path, encoding="utf-8") as f:
            return tomlkit.parse(f.read())
    except FileNotFoundError:
        return None
    except Exception as e:
        raise StopwardenError(f"{config_path} is not valid TOML ({e}){settings_file.UNTOUCHED}") from None


def trust_ours(hooks_path: str, data: Mapping[str, Any], env: Mapping[str, str]) -> list[str]:
    """Write `[hooks.state."<path>:<event>:<group>:<handler>"] trusted_hash` for each of our handlers in
    `data` (as saved at `hooks_path`) into $CODEX_HOME/config.toml; returns the keys written."""
    import tomlkit

    config_path = os.path.join(codex_home(env), "config.toml")
    document = read_config(env) or tomlkit.document()
    hooks_table = document.setdefault("hooks", tomlkit.table())
    state = hooks_table.setdefault("state", tomlkit.table())
    absolute = os.path.abspath(hooks_path)
    written = []
    for event, groups in (data.get("hooks") or {}).items():
        if event not in EVENTS or not isinstance(groups, list):
            continue
        for g, group in enumerate(groups):
            for h, handler in enumerate(group.get("hooks") or [] if isinstance(group, dict) else []):
                if isinstance(handler, dict) and hook_command.is_ours(handler.get("command")):
                    key = f"{absolute}:{EVENTS[event][2]}:{g}:{h}"
                    entry = tomlkit.table()
                    entry["trusted_hash"] = trusted_hash(event, group, handler)
                    state[key] = entry
                    written.append(key)
    os.makedirs(os.path.dirname(config_path), exist_ok=True)
    mode = os.stat(config_path).st_mode & 0o777 if os.path.exists(config_path) else 0o600
    write_atomic(config_path, tomlkit.dumps(document).encode("utf-8"), mode)
    return written


def untrust_ours(hooks_path: str, env: Mapping[str, str]) -> list[str]:
    """Remove the trust entries init wrote for hooks in `hooks_path` (ours are the only ones it writes, and
    a user's own entries for the same file, at other positions, would not survive ours moving anyway:
    they are left as they are unless they are exactly ours). Returns the keys removed."""
    config_path = os.path.join(codex_home(env), "config.toml")
    document = read_config(env)
    if document is None:
        return []
    state = document.get("hooks", {}).get("state", {})
    prefix = os.path.abspath(hooks_path) + ":"
    ours = [key for key in list(state) if key.startswith(prefix)]
    for key in ours:
        del state[key]
    if ours:
        if not state:
            del document["hooks"]["state"]
            if not document["hooks"]:
                del document["hooks"]
        text = document.as_string().rstrip("\n") + "\n"  # the blank line before our tables goes with them
        write_atomic(config_path, text.encode("utf-8"), os.stat(config_path).st_mode & 0o777)
    return ours


# --- the /build skill: a skill in the config layer of the hooks' scope, which the user names as `$build` --

SETTINGS_FILE_IS_OURS = False  # the user's hooks.json
SKILL_INVOCATION = "${name} <task>"
SKILL_WORDING = (
    "the task in the user's message that named this skill",
    "<the task, in a few words>",
    "- Run `stopwarden` by the absolute path written above: your shell's PATH may not include it.\n"
    "- If `git commit` fails because your sandbox keeps `.git` read-only, carry on without committing, and\n"
    "  say in your final message which commits are left for the user to make.\n",
)


def skills_folder(scope: str, root: str, env: Mapping[str, str]) -> str:
    return os.path.join(config_dir(scope, root, env), "skills")


def skill_file(folder: str, name: str) -> str:
    return os.path.join(folder, name, "SKILL.md")


def skill_cli(env: Mapping[str, str]) -> str:
    return cli_path()  # its sandboxed shell resets PATH, whatever PATH init ran with


def skill_text(name: str, description: str, marker: str, body: str) -> str:
    return f"---\nname: {name}\ndescription: {description}\n---\n<!-- {marker} -->\n\n{body}"


def hooks_seen(codex_bin: str, root: str, env: Mapping[str, str], timeout_s: float = 20.0) -> list[dict[str, Any]]:
    """Every hook Codex would run in the project at `root`, as `codex app-server` reports it (JSON-RPC
    `initialize`, `initialized`, then `hooks/list`): each with its `key`, `command`, `currentHash` and
    `trustStatus`, computed by Codex itself. Raises StopwardenError when it cannot be asked."""
    import subprocess

    from stopwarden import __version__
    from stopwarden.common.process_group import kill_group

    try:
        proc = subprocess.Popen(
            [codex_bin, "app-server"], cwd=root, env=dict(env), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    except OSError as e:
        raise StopwardenError(f"cannot run {codex_bin} app-server: {e.strerror}") from None
    rpc = _JsonRpc(proc, time.monotonic() + timeout_s)
    try:
        rpc.call(0, "initialize", {"clientInfo": {"name": "stopwarden-doctor", "version": __version__}})
        rpc.send({"method": "initialized"})
        answer = rpc.call(1, "hooks/list", {"cwds": [root]})
    except (OSError, TimeoutError, EOFError) as e:
        try:  # a closed pipe is most often a server that has exited: say with what
            why = f"it exited ({proc.wait(timeout=1)})"
        except subprocess.TimeoutExpired:
            why = str(e)
        raise StopwardenError(f"{codex_bin} app-server did not answer hooks/list: {why}") from None
    finally:
        kill_group(proc)
    result = answer.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("data"), list):
        raise StopwardenError(f"{codex_bin} app-server answered hooks/list with {str(answer)[:300]}")
    return [hook for entry in result["data"] if isinstance(entry, dict) for hook in entry.get("hooks") or []]


class _JsonRpc:
    """JSON-RPC over a child's stdin and stdout, one message per line, every read bounded by `deadline`."""

    def __init__(self, proc: Any, deadline: float) -> None:
        self.proc, self.deadline, self.buffer = proc, deadline, b""

    def send(self, message: Mapping[str, Any]) -> None:
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def call(self, request_id: int, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        self.send({"id": request_id, "method": method, "params": params})
        while True:  # notifications and other answers come in between: skip them
            try:
                message = json.loads(self._line())
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("id") == request_id and "method" not in message:
                return message

    def _line(self) -> bytes:
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer in time")
            if select.select([fd], [], [], remaining)[0]:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise EOFError("it closed its output")
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line


# --- what init, uninstall and doctor ask of every agent (install/base.py Installer) ----------------------

LABEL = "codex "
HOOK_TIMEOUT_UNIT_S = 1.0
EXPORTS_SESSION_ID = False


def check_ready(env: Mapping[str, str]) -> None:
    read_config(env)  # the trust entries go into it: refuse before writing anything if it is unreadable


def after_install(
    job: InstallJob, data: dict[str, Any], extras: str, replaced: object
) -> tuple[list[str], dict[str, Any]]:
    """Trust our hooks by hash, unless `job.trust` is off (then Codex's `/hooks` review asks the user); warn
    when a project scope is one Codex ignores. `codex_trust` is kept for `doctor --fix`, which must not
    undo a --no-trust."""
    root, env, trust = job.root, job.env, job.trust
    config = os.path.join(codex_home(env), "config.toml")
    if trust:
        done = [f"trusted our {len(trust_ours(job.path, data, env))} hooks in {config}"]
    else:
        done = ["our hooks are not trusted yet: review them with /hooks in Codex (or run init without --no-trust)"]
    if job.scope == "project" and not project_trusted(root, env):
        done.append(
            f"warning: Codex ignores {os.path.join(root, '.codex')} until you trust this project: say yes when Codex "
            f'asks, or add [projects."{os.path.realpath(root)}"] trust_level = "trusted" to {config} '
            "(stopwarden leaves that to you)"
        )
    return done, {"codex_trust": trust}


def after_remove(path: str, env: Mapping[str, str]) -> list[str]:
    if untrust_ours(path, env):
        return [f"removed the trust entries of our hooks from {os.path.join(codex_home(env), 'config.toml')}"]
    return []


def doctor_checks(root: str, env: Mapping[str, str], record: Mapping[str, Any]) -> list[Check]:
    """Codex runs a hook only when it trusts it, and says nothing otherwise: ask Codex itself (`codex
    app-server`), since the trust hash is version-specific, whether it sees our hooks here and trusts them."""
    import shutil

    scopes = record.get("scopes")
    if not (isinstance(scopes, Mapping) and scopes.get(AGENT)):
        return []  # not installed here: nothing of ours for Codex to trust
    name = "codex hook trust"
    codex_bin = shutil.which(COMMAND, path=env.get("PATH"))
    if not codex_bin:
        return [Check(name, True, "not checked: codex is not on PATH")]
    try:
        hooks = hooks_seen(codex_bin, root, env)
    except StopwardenError as e:
        return [Check(name, False, e.message, "run `codex app-server` by hand to see why")]
    ours = [h for h in hooks if hook_command.is_ours(h.get("command"))]
    if not ours:  # registered (the hook checks say where), yet unseen: a project layer Codex ignores
        fix = "trust this project in Codex (see `stopwarden init --agent codex --scope project`), or use the user scope"
        return [Check(name, False, "Codex does not see our hooks in this project", fix)]
    untrusted = [str(h.get("key")) for h in ours if h.get("trustStatus") != "trusted"]
    if untrusted:
        chose_trust = record.get("codex_trust", True)
        fix = "stopwarden doctor --fix" if chose_trust else "review them with /hooks in Codex (init had --no-trust)"
        return [Check(name, False, f"Codex will skip our hooks {', '.join(untrusted)}: not trusted", fix)]
    return [Check(name, True, f"Codex trusts our {len(ours)} hooks (asked {codex_bin} app-server)")]
