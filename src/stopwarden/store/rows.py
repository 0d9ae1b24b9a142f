"""What several of the store's concerns share: the events an authority judged, one project's rows, an event's
columns as stored (redacted) and as read back."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import (
    Connection,
    func,
    or_,
    select,
)

from stopwarden.common.names import NO_VERDICT_FAIL_OPEN_KINDS
from stopwarden.store import schema
from stopwarden.store.redact import redact, stored
from stopwarden.store.sqlite_read import counts

# Events where the authority's verdict (valid or not) was what decided: no short-circuit, and not a failure
# where no verdict came back (names.NO_VERDICT_FAIL_OPEN_KINDS). Never NULL, so its negation is exact.
JUDGED = (
    schema.events.c.short_circuit.is_(None),
    or_(
        schema.events.c.fail_open_kind.is_(None),
        schema.events.c.fail_open_kind.not_in(NO_VERDICT_FAIL_OPEN_KINDS),
    ),
)


def judged_annotated(*columns: Any) -> Any:
    """SELECT `columns` over the events of the authority's verdicts (`JUDGED`) that were annotated, each
    joined to its latest annotation: an event annotated more than once counts once, as last judged."""
    a, e = schema.annotations.c, schema.events.c
    latest = select(a.event_id, func.max(a.annotation_id).label("last")).group_by(a.event_id).subquery("latest")
    return (
        select(*columns)
        .select_from(latest.join(schema.annotations, a.annotation_id == latest.c.last))
        .join(schema.events, e.event_id == a.event_id)
        .where(*JUDGED)  # readiness is about the authority's verdicts, not short-circuits
    )


def narrowed(query: Any, project: str | None, host: str | None = None) -> Any:
    """`query` narrowed to one project's (and one host's) events, when they are named."""
    if project is not None:
        query = query.where(schema.events.c.project == project)
    if host is not None:
        query = query.where(schema.events.c.host == host)
    return query


def latest_annotations(conn: Connection, event_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest annotation of each of these events (one query for a page of events)."""
    if not event_ids:
        return {}
    a = schema.annotations.c
    latest = select(func.max(a.annotation_id)).where(a.event_id.in_(event_ids)).group_by(a.event_id).scalar_subquery()
    query = select(a.event_id, a.verdict, a.rationale, a.operator, a.dwell_ms, a.created_at).where(
        a.annotation_id.in_(latest)
    )
    return {int(r[0]): dict(r._mapping) for r in conn.execute(query)}


def event_columns(row: dict[str, Any]) -> dict[str, Any]:
    """The columns of one event, with every text redacted before it is stored (here or in an outbox), and
    without NUL characters, which PostgreSQL's text refuses."""
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in _columns(row).items()}


def _columns(row: dict[str, Any]) -> dict[str, Any]:
    preview, stop_text = stored(str(row.get("stop_text", "")))
    return {
        "session_id": redact(str(row.get("session_id", "")))[:200],
        "agent": str(row.get("agent", ""))[:32],
        "ts": float(row["ts"]),
        "mode": row["mode"],
        "decision": row["decision"],
        "rule": row.get("rule"),
        "fail_open_kind": row.get("fail_open_kind"),
        "short_circuit": row.get("short_circuit"),
        "signals_json": json.dumps(row.get("signals") or [], sort_keys=True),
        "evidence_pointer_json": redact(json.dumps(row.get("evidence_pointer") or {}, sort_keys=True)),
        "latency_ms": float(row.get("latency_ms", 0.0)),
        "stop_text_preview": preview,
        "stop_text": stop_text,
        "project": str(row.get("project", ""))[:200],
        "host": str(row.get("host", ""))[:200],
        "event_uid": str(row.get("event_uid") or uuid.uuid4().hex)[:32],
    }


def event_out(row: dict[str, Any]) -> dict[str, Any]:
    row["signals"] = json.loads(row.pop("signals_json"))
    row["evidence_pointer"] = json.loads(row.pop("evidence_pointer_json"))
    # Whether a verdict on it moves readiness: JUDGED, said of one row (the review queue and page mark it).
    row["counts"] = counts(row["short_circuit"], row["fail_open_kind"])
    return row
