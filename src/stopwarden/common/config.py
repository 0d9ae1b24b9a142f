"""`.stopwarden/config.toml`, read once into a typed, validated Config (SPEC §2, §5.8).

Every key has a default, so an empty file is a valid config; a key of the wrong type is an error that
names the key. Not on the hook path (tomllib costs ~15 ms to import).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import (
    AUTHORITIES,
    AUTHORITY_TIMEOUTS,
    CONFIG_FILE,
    DB_FILE,
    ENV_LISTEN_URL,
    ENV_STORE_URL,
    MODES,
    STATE_DIR,
    STORE_URL_SCHEMES,
)
from stopwarden.state import files

# Bounds of every number a committed config may set: a value outside is a config error, never a surprise.
MAX_TIMEOUT_S = 120.0
MAX_RETENTION_DAYS = 36500
MAX_DWELL_S = 3600.0
MAX_IDLE_EXIT_MINUTES = 10080  # a week
MAX_LIMIT = 1_000_000


@dataclass(frozen=True)
class Limits:
    """How much evaluation one session and one project may ask for (SPEC §5.8)."""

    per_session_hour: int = 10
    per_project_day: int = 200
    in_flight: int = 8
    cache_seconds: int = 300
    continue_ceiling: int = 2


@dataclass(frozen=True)
class Config:
    root: str
    project: str
    host: str
    port: int = 0
    autostart: bool = True
    # A server with no request for this long exits (the next session's SessionStart starts it again), so a
    # project touched once does not keep a server resident for ever. 0: never.
    idle_exit_minutes: float = 480.0
    initial_mode: str = "shadow"
    authority: str = "rules"
    authority_timeout_s: float = 3.0
    # `[authority.<name>]` tables: model, base_url, command, timeout_s (never a key: keys come from the env).
    authority_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    retention_days: int = 90
    min_dwell_s: float = 15.0  # an annotation given faster than this was not a reading
    limits: Limits = field(default_factory=Limits)
    store_url: str = ""  # a PostgreSQL URL (SPEC §13); empty: the project's SQLite file
    # Where the server LISTENs for settings changes, when `store_url` is a transaction-pooling proxy
    # (PgBouncer), which cannot carry LISTEN: the database itself. Empty: `store_url`.
    store_listen_url: str = ""
    # The store URL the config or the environment names while this machine's operator has not approved it
    # (`store approve`), and where it came from (`[store] url`, `$STOPWARDEN_STORE_URL`): the other, when
    # approved, or the project's SQLite file is used meanwhile, and this says why.
    store_unapproved: str = ""
    store_unapproved_from: str = ""
    # On a store projects share, the project's name (the config's `[project] name`, else the folder's) is
    # the repository's claim until this machine's operator approves it in this checkout (`store approve`):
    # a repository naming itself after a project in `enforce` must not get that project's enforce.
    project_claimed: bool = False

    @property
    def state_dir(self) -> str:
        return os.path.join(self.root, STATE_DIR)

    @property
    def evaluate_timeout_s(self) -> float:
        """How long the Stop hook waits for `/v1/evaluate`: a little over the authority's own budget."""
        return self.authority_timeout_s + 0.5

    @property
    def decision_deadline_s(self) -> float:
        """When the server answers without a decision still running: before the hook stops waiting."""
        return self.evaluate_timeout_s - 0.25

    @property
    def events_project(self) -> str | None:
        """The project whose events are this one's in its store: its name in a store a fleet shares, None
        with the project's own SQLite file (every event there is this project's)."""
        return self.project if self.store_url else None

    @property
    def store_location(self) -> str:
        """Where the store is: the PostgreSQL URL, or the path of the project's SQLite file."""
        return self.store_url or os.path.join(self.state_dir, DB_FILE)


def load(root: str, env: Mapping[str, str] | None = None) -> Config:
    """The project's config; StopwardenError naming the file and key when it is unreadable or wrong."""
    reader = _read(root, missing_ok=True)
    path, data = reader.path, reader.data
    mode = reader.get("gate", "mode", str, "shadow")
    if mode not in MODES:
        raise StopwardenError(f"bad config {path}: [gate] mode must be one of {', '.join(MODES)}, not {mode!r}")
    # The port is this machine's (`.stopwarden/port`, never committed): a committed one would be shared
    # by every clone. `[server] port` is what installs before the port file used, and still works.
    port = reader.get("server", "port", int, 0)
    if not 0 <= port < 65536:
        raise StopwardenError(f"bad config {path}: [server] port {port} is not a port number")
    port = files.read_port(root) or port
    defaults = Limits()
    limits = Limits(**{k: reader.get("limits", k, int, getattr(defaults, k)) for k in Limits.__dataclass_fields__})
    small = [k for k in Limits.__dataclass_fields__ if getattr(limits, k) < (0 if k == "cache_seconds" else 1)]
    if small:
        raise StopwardenError(f"bad config {path}: [limits] {', '.join(small)} must be at least 1")
    large = [k for k in Limits.__dataclass_fields__ if getattr(limits, k) > MAX_LIMIT]
    if large:
        raise StopwardenError(f"bad config {path}: [limits] {', '.join(large)} must be at most {MAX_LIMIT}")
    authority = reader.get("gate", "authority", str, "rules")
    if authority not in AUTHORITIES:
        raise StopwardenError(f"bad config {path}: [gate] authority must be one of {', '.join(AUTHORITIES)}")
    options = reader.get("authority", authority, dict, {}) if isinstance(data.get("authority"), dict) else {}
    timeout = options.get("timeout_s", reader.get("gate", "authority_timeout_s", (int, float), None))
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT_S
    ):
        raise StopwardenError(f"bad config {path}: the authority's timeout_s must be a number in (0, {MAX_TIMEOUT_S}]")
    retention = reader.get("gate", "retention_days", int, 90)
    if not 1 <= retention <= MAX_RETENTION_DAYS:
        # 0 or less would prune every event at the next start (on a shared store: the fleet's, for this project)
        raise StopwardenError(f"bad config {path}: [gate] retention_days must be from 1 to {MAX_RETENTION_DAYS}")
    idle_exit = float(reader.get("server", "idle_exit_minutes", (int, float), 480))
    if not 0 <= idle_exit <= MAX_IDLE_EXIT_MINUTES:
        raise StopwardenError(
            f"bad config {path}: [server] idle_exit_minutes must be from 0 to {MAX_IDLE_EXIT_MINUTES}"
        )
    dwell = float(reader.get("review", "min_dwell_s", (int, float), 15.0))
    if not 0 <= dwell <= MAX_DWELL_S:
        raise StopwardenError(f"bad config {path}: [review] min_dwell_s must be from 0 to {MAX_DWELL_S:g}")
    environ = env if env is not None else os.environ
    # A store URL came with the repository when the config names it, and may have when the environment
    # does (an agent client sets its hooks' environment partly from files a repository commits): its
    # database would receive the decision log with this machine's credentials (~/.pgpass, PGPASSWORD) and
    # could say `enforce`. Each is used once this machine's operator approves it (`stopwarden store
    # approve`): the config's in this checkout, the environment's on this machine. An unapproved one is
    # as if it were not there; with neither, the project's SQLite file.
    unapproved, unapproved_from = "", ""
    from_env = _env_store(environ)
    if any(from_env.values()) and not _store_approved(None, from_env, environ):
        unapproved, unapproved_from = (
            (from_env["url"], f"${ENV_STORE_URL}")
            if from_env["url"]
            else (from_env["listen_url"], f"${ENV_LISTEN_URL}")
        )
        environ = {name: value for name, value in environ.items() if name not in (ENV_STORE_URL, ENV_LISTEN_URL)}
    store_url = _store_url(path, reader, environ)
    listen_url = _store_url(path, reader, environ, "listen_url", ENV_LISTEN_URL)
    committed = _committed_store(reader)
    if any(committed.values()) and not _store_approved(root, committed, environ):
        if store_url and not environ.get(ENV_STORE_URL):
            if not unapproved:
                unapproved, unapproved_from = store_url, "[store] url"
            store_url = ""
        if listen_url and not environ.get(ENV_LISTEN_URL):
            listen_url = ""
    project = _project_name(reader, root)
    return Config(
        store_url=store_url,
        store_listen_url=listen_url,
        store_unapproved=unapproved,
        store_unapproved_from=unapproved_from,
        project_claimed=bool(store_url) and not _project_approved(root, project),
        root=root,
        project=project,
        host=os.uname().nodename,  # what socket.gethostname() answers, without importing socket
        port=port,
        autostart=reader.get("server", "autostart", bool, True),
        idle_exit_minutes=idle_exit,
        initial_mode=mode,
        authority=authority,
        authority_timeout_s=float(timeout if timeout is not None else AUTHORITY_TIMEOUTS[authority]),
        authority_options={k: v for k, v in (data.get("authority") or {}).items() if isinstance(v, dict)},
        retention_days=retention,
        min_dwell_s=dwell,
        limits=limits,
    )


def _read(root: str, missing_ok: bool) -> _Reader:
    """The committed config's tables, never through a link and at most 64 KiB (state/safe.py: the repository
    committed it); an absent file is empty when `missing_ok`, else a bad config as any unreadable one."""
    path = os.path.join(root, STATE_DIR, CONFIG_FILE)
    try:
        return _Reader(path, tomllib.loads(files.read_config(root).decode("utf-8")))
    except FileNotFoundError as e:
        if missing_ok:
            return _Reader(path, {})
        failure: Exception = e
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        failure = e
    raise StopwardenError(f"bad config {path}: {failure}", hint="fix the file; `stopwarden doctor` checks it") from None


def _committed_store(reader: _Reader) -> dict[str, str]:
    return {key: reader.get("store", key, str, "") for key in ("url", "listen_url")}


def _env_store(env: Mapping[str, str]) -> dict[str, str]:
    return {"url": env.get(ENV_STORE_URL, ""), "listen_url": env.get(ENV_LISTEN_URL, "")}


# What libpq takes from the environment when it connects, besides the URL: where to (a host, an address, a
# port, a service and its file), as whom, whether and how it checks the server (PGSSLMODE, PGSSLROOTCERT,
# ...), what it asks the server to set (PGOPTIONS). A repository could set them for the agent's hooks
# (docs/security.md), so approving a store URL covers those set then. Not the password (it sends the
# store nowhere new, and is changed more often than the rest) nor what only labels or times a connection.
_LIBPQ_UNCOVERED = ("PGPASSWORD", "PGAPPNAME", "PGCONNECT_TIMEOUT", "PGCLIENTENCODING", "PGDATESTYLE", "PGTZ")


def _store_settings(root: str | None, urls: dict[str, str], env: Mapping[str, str]) -> dict[str, Any]:
    """What approving store URLs covers: the URLs (the config's, `root` given; else the environment's) and
    the libpq variables set beside them (none set: the URLs alone, as approvals always were)."""
    libpq = {name: value for name, value in sorted(env.items()) if name.startswith("PG") and value}
    libpq = {name: value for name, value in libpq.items() if name not in _LIBPQ_UNCOVERED}
    return ({"store": urls} if root is not None else {"store_env": urls}) | ({"libpq": libpq} if libpq else {})


def _store_approved(root: str | None, urls: dict[str, str], env: Mapping[str, str]) -> bool:
    """Whether the operator approved these store URLs, with the libpq variables of `env`, in the checkout at
    `root` (the config's), or on this machine (None: the environment's)."""
    from stopwarden.state import approval  # hashlib's OpenSSL costs ~2 ms: only a store URL pays

    return approval.approved(root, _store_settings(root, urls, env))


def _project_name(reader: _Reader, root: str) -> str:
    """The project's name: the config's `[project] name`, else its folder's."""
    name: str = reader.get("project", "name", str, os.path.basename(root))
    return name


def _project_approved(root: str, project: str) -> bool:
    """Whether this machine's operator approved the project's name in the checkout at `root`."""
    from stopwarden.state import approval

    return approval.approved(root, {"project": project})


def approve_store(root: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """`stopwarden store approve`: use the store URLs the config names in this checkout, and those of the
    environment (`$STOPWARDEN_STORE_URL`, `$STOPWARDEN_STORE_LISTEN_URL`) on this machine. What was
    approved is returned, by config key or variable name (empty when neither names one)."""
    from stopwarden.state import approval

    environ = env if env is not None else os.environ
    reader = _read(root, missing_ok=False)
    committed, from_env = _committed_store(reader), _env_store(environ)
    for key, variable in (("url", ENV_STORE_URL), ("listen_url", ENV_LISTEN_URL)):
        _store_url(reader.path, _Reader(reader.path, {}), environ, key, variable)  # a postgresql:// URL
    if any(committed.values()):
        load(root, {})  # refuses a URL with a password, as a server start would
        approval.approve(root, _store_settings(root, committed, environ))
    if any(from_env.values()):
        approval.approve(None, _store_settings(None, from_env, environ))
    names = {"url": ENV_STORE_URL, "listen_url": ENV_LISTEN_URL}
    approved = {key: url for key, url in committed.items() if url} | {
        names[key]: url for key, url in from_env.items() if url
    }
    if approved:  # on a shared store, the checkout is the project it names (Config.project_claimed)
        project = _project_name(reader, root)
        approval.approve(root, {"project": project})
        approved["project"] = project
    return approved


def _store_url(
    path: str, reader: _Reader, env: Mapping[str, str], key: str = "url", env_name: str = ENV_STORE_URL
) -> str:
    """`$STOPWARDEN_STORE_URL`, else `[store] url` (or another `key` of `[store]` and its variable). The
    config is committed, so a URL there must not hold a password: libpq takes it from PGPASSWORD,
    ~/.pgpass or a service file instead."""
    from_env = env.get(env_name, "")
    url = from_env or reader.get("store", key, str, "")
    if url and not url.startswith(STORE_URL_SCHEMES):  # not echoed: it may hold a password
        where = env_name if from_env else f"[store] {key} in {path}"
        raise StopwardenError(f"{where} must be a postgresql:// URL")
    rest = url.split("://", 1)[-1]
    in_user_part = "@" in rest and ":" in rest.split("@", 1)[0]
    if url and not from_env and (in_user_part or re.search(r"[?&]password=", rest)):
        raise StopwardenError(
            f"bad config {path}: [store] {key} holds a password, and this file is committed",
            hint="remove it from the URL and put it in ~/.pgpass (or PGPASSWORD, or STOPWARDEN_STORE_URL)",
        )
    return url


class _Reader:
    def __init__(self, path: str, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def get(self, section: str, key: str, kind: Any, default: Any) -> Any:
        table = self.data.get(section, {})
        if not isinstance(table, dict):
            raise StopwardenError(f"bad config {self.path}: [{section}] must be a table")
        if key not in table:
            return default
        value = table[key]
        # bool is an int in Python; a port of `true` is still wrong.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise StopwardenError(f"bad config {self.path}: [{section}] {key} has the wrong type ({value!r})")
        return value
