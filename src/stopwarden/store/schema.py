"""The one place that knows the database schema (SPEC §7.1): the current tables, and the numbered
migrations that build them.

SQLAlchemy Core renders one schema for SQLite now and PostgreSQL later. Migrations are plain functions
run in order, each in the same transaction as the row in `schema_migrations` that records it, so a
database is always at exactly one version. A database newer than this code is refused, never touched.

`TABLES` (below) is what the code queries; `MIGRATIONS` is how a database gets there. A test builds a
database at every past version, upgrades it, and checks the result matches `TABLES` column for column.
"""

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)

from stopwarden.common.errors import StopwardenError

metadata = MetaData()

settings = Table(
    "settings",
    metadata,
    Column("scope", String(200), primary_key=True),  # "*" (every project sharing the store) or a project
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("session_id", String(200), primary_key=True),
    Column("agent", String(32), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("source", String(32), nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(200), nullable=False),
    Column("agent", String(32), nullable=False),
    Column("ts", Float, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("rule", String(64), nullable=True),
    Column("fail_open_kind", String(32), nullable=True),
    Column("short_circuit", String(32), nullable=True),
    Column("signals_json", Text, nullable=False),
    Column("evidence_pointer_json", Text, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("stop_text_preview", Text, nullable=False),
    Column("project", String(200), nullable=False, server_default=""),
    Column("host", String(200), nullable=False, server_default=""),
    # Set once, where the decision was made: an event replayed from a server's outbox is stored once.
    Column("event_uid", String(32), nullable=True),
    # The stop text, redacted and bounded (a few KiB, its end kept): enough to judge the stop by and to
    # export it for `eval`. None for events stored before it was kept; they have the preview only.
    Column("stop_text", Text, nullable=True),
    Index("events_ts", "ts"),
    Index("events_session_ts", "session_id", "ts"),
    Index("events_decision_ts", "decision", "ts"),
    Index("events_project_ts", "project", "ts"),
    Index("events_uid", "event_uid", unique=True),
)

session_counters = Table(
    "session_counters",
    metadata,
    Column("session_id", String(200), primary_key=True),
    Column("continues", Integer, nullable=False, server_default="0"),
    Column("stuck_at", Float, nullable=True),
    Column("stuck_reported", Boolean, nullable=False, server_default="0"),
    Column("project", String(200), nullable=False, server_default=""),  # whose next session is told
)

annotations = Table(
    "annotations",
    metadata,
    Column("annotation_id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, nullable=False, index=True),
    Column("operator", String(200), nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("dwell_ms", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
)

breaker = Table(
    "breaker",
    metadata,
    Column("authority", String(64), primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("open_until", Float, nullable=True),
    Column("probe_until", Float, nullable=True),
)

rate_counters = Table(
    "rate_counters",
    metadata,
    Column("key", String(300), primary_key=True),  # "session:<id>" or "project:<name>"
    Column("window_start", Float, nullable=False),
    Column("count", Integer, nullable=False),
)

operator_log = Table(
    "operator_log",
    metadata,
    Column("entry_id", Integer, primary_key=True, autoincrement=True),
    Column("ts", Float, nullable=False, index=True),
    Column("action", String(32), nullable=False),
    Column("detail", Text, nullable=False),
)

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", Float, nullable=False),
)

TABLES = (settings, sessions, events, session_counters, annotations, breaker, operator_log, rate_counters)


# The outbox (store/outbox.py): a SQLite file of each server's own under .stopwarden/, never shared and never
# migrated, written with the standard sqlite3 module while the database is away. Its rows are event columns
# as JSON (`event_columns`); `refused` keeps what the database refused for itself, with why.
OUTBOX_TABLES = (
    "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS refused (id INTEGER PRIMARY KEY, event TEXT NOT NULL, why TEXT)",
)


# --- migrations: never edit one that has shipped; add the next ---------------------------------------


def _v1_initial(conn: Connection) -> None:
    """The schema as first shipped, frozen here: one project per database, so no project/host columns.

    A migration never refers to the current tables above, which keep changing; it spells out its own.
    """
    v1 = MetaData()
    Table(
        "settings",
        v1,
        Column("key", String(64), primary_key=True),
        Column("value", Text, nullable=False),
        Column("updated_at", Float, nullable=False),
    )
    Table(
        "sessions",
        v1,
        Column("session_id", String(200), primary_key=True),
        Column("agent", String(32), nullable=False),
        Column("started_at", Float, nullable=False),
        Column("source", String(32), nullable=False),
    )
    Table(
        "events",
        v1,
        Column("event_id", Integer, primary_key=True, autoincrement=True),
        Column("session_id", String(200), nullable=False),
        Column("agent", String(32), nullable=False),
        Column("ts", Float, nullable=False),
        Column("mode", String(16), nullable=False),
        Column("decision", String(16), nullable=False),
        Column("rule", String(64), nullable=True),
        Column("fail_open_kind", String(32), nullable=True),
        Column("short_circuit", String(32), nullable=True),
        Column("signals_json", Text, nullable=False),
        Column("evidence_pointer_json", Text, nullable=False),
        Column("latency_ms", Float, nullable=False),
        Column("stop_text_preview", Text, nullable=False),
        Index("events_ts", "ts"),
        Index("events_session_ts", "session_id", "ts"),
        Index("events_decision_ts", "decision", "ts"),
    )
    Table(
        "session_counters",
        v1,
        Column("session_id", String(200), primary_key=True),
        Column("continues", Integer, nullable=False, server_default="0"),
        Column("stuck_at", Float, nullable=True),
        Column("stuck_reported", Boolean, nullable=False, server_default="0"),
    )
    Table(
        "annotations",
        v1,
        Column("annotation_id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", Integer, nullable=False, index=True),
        Column("operator", String(200), nullable=False),
        Column("verdict", String(16), nullable=False),
        Column("rationale", Text, nullable=False),
        Column("dwell_ms", Integer, nullable=False),
        Column("created_at", Float, nullable=False),
    )
    Table(
        "breaker",
        v1,
        Column("authority", String(64), primary_key=True),
        Column("failures", Integer, nullable=False, server_default="0"),
        Column("open_until", Float, nullable=True),
        Column("probe_until", Float, nullable=True),
    )
    v1.create_all(conn)


def _v2_project_and_host(conn: Connection) -> None:
    """Every event records the project and host it came from, so one log can serve a fleet (§13)."""
    conn.execute(text("ALTER TABLE events ADD COLUMN project VARCHAR(200) DEFAULT '' NOT NULL"))
    conn.execute(text("ALTER TABLE events ADD COLUMN host VARCHAR(200) DEFAULT '' NOT NULL"))
    conn.execute(text("CREATE INDEX events_project_ts ON events (project, ts)"))


def _v3_operator_log(conn: Connection) -> None:
    """What operators did (mode changes, forced enforce with its reason, the kill switch, breaker resets),
    so the report can show it beside the decisions."""
    v3 = MetaData()
    Table(
        "operator_log",
        v3,
        Column("entry_id", Integer, primary_key=True, autoincrement=True),
        Column("ts", Float, nullable=False, index=True),
        Column("action", String(32), nullable=False),
        Column("detail", Text, nullable=False),
    )
    v3.create_all(conn)


def _v4_settings_scope(conn: Connection) -> None:
    """Settings per scope (§13): `*` for every project sharing the store, or one project's name. What was
    set before applied to the one project the store had, which is all of them: it becomes `*`."""
    v4 = MetaData()
    Table(
        "settings_scoped",
        v4,
        Column("scope", String(200), primary_key=True),
        Column("key", String(64), primary_key=True),
        Column("value", Text, nullable=False),
        Column("updated_at", Float, nullable=False),
    )
    v4.create_all(conn)
    conn.execute(text("INSERT INTO settings_scoped SELECT '*', key, value, updated_at FROM settings"))
    conn.execute(text("DROP TABLE settings"))
    conn.execute(text("ALTER TABLE settings_scoped RENAME TO settings"))


def _v5_event_uid(conn: Connection) -> None:
    """Each event's own id, given where it was decided, so that replaying a server's outbox after the
    database came back (§13) stores every event exactly once. Older events have none."""
    conn.execute(text("ALTER TABLE events ADD COLUMN event_uid VARCHAR(32)"))
    conn.execute(text("CREATE UNIQUE INDEX events_uid ON events (event_uid)"))


def _v6_rate_counters(conn: Connection) -> None:
    """Rate limits counted in the store, so that servers sharing it count together (§13)."""
    v6 = MetaData()
    Table(
        "rate_counters",
        v6,
        Column("key", String(300), primary_key=True),
        Column("window_start", Float, nullable=False),
        Column("count", Integer, nullable=False),
    )
    v6.create_all(conn)


def _v7_stuck_per_project(conn: Connection) -> None:
    """A stuck session is reported to the next session of its own project, not of any project sharing
    the store (§13)."""
    conn.execute(text("ALTER TABLE session_counters ADD COLUMN project VARCHAR(200) DEFAULT '' NOT NULL"))


def _v8_stop_text(conn: Connection) -> None:
    """Each event keeps a bounded, redacted stop text with its end (the preview is its first 200
    characters, and a stop act is at the end), for the operator to judge it by and for `gate export`.
    Older events have none."""
    conn.execute(text("ALTER TABLE events ADD COLUMN stop_text TEXT"))


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial", _v1_initial),
    (2, "project and host", _v2_project_and_host),
    (3, "operator log", _v3_operator_log),
    (4, "settings per scope", _v4_settings_scope),
    (5, "event uid", _v5_event_uid),
    (6, "rate counters", _v6_rate_counters),
    (7, "stuck sessions per project", _v7_stuck_per_project),
    (8, "stop text", _v8_stop_text),
]
LATEST = MIGRATIONS[-1][0]


class SchemaTooNew(StopwardenError):
    """The database was written by a newer stopwarden; it is left untouched."""


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_migrations"):
        return 0
    version = conn.execute(select(schema_migrations.c.version).order_by(schema_migrations.c.version.desc())).first()
    return int(version[0]) if version else 0


def migrate(conn: Connection, now: float, target: int = LATEST) -> list[str]:
    """Apply every migration above the database's version up to `target`; returns their names.

    The caller owns the transaction: each migration and its record commit together or not at all.
    """
    version = current_version(conn)
    if version > LATEST:
        raise SchemaTooNew(
            f"the database is at schema version {version}, newer than this stopwarden ({LATEST})",
            hint="upgrade stopwarden on this machine; the database was left untouched",
        )
    if version == 0:
        schema_migrations.create(conn, checkfirst=True)
    applied = []
    for number, name, apply in MIGRATIONS:
        if version < number <= target:
            apply(conn)
            conn.execute(schema_migrations.insert().values(version=number, name=name, applied_at=now))
            applied.append(f"{number} {name}")
    return applied
