"""Annotations (an operator's verdict on an event) and the operator log, and the counts readiness is
built from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    func,
    insert,
    select,
)

from stopwarden.store import schema
from stopwarden.store.engine import (
    StoreBase,
)
from stopwarden.store.redact import redact
from stopwarden.store.rows import event_out, judged_annotated, narrowed


class Annotations(StoreBase):
    """Operators' verdicts on events, what readiness counts of them, and the operator log."""

    # --- annotations and the operator log ------------------------------------------------------------------

    def add_annotation(
        self, event_id: int, operator: str, verdict: str, rationale: str, dwell_ms: int, now: float
    ) -> dict[str, Any] | None:
        """Record an operator's verdict on an event; None when there is no such event. One transaction."""
        values = {"event_id": event_id, "operator": redact(operator)[:200], "verdict": verdict,
                  "rationale": redact(rationale)[:4000], "dwell_ms": dwell_ms, "created_at": now}  # fmt: skip
        with self._write() as conn:
            if (
                conn.execute(select(schema.events.c.event_id).where(schema.events.c.event_id == event_id)).first()
                is None
            ):
                return None
            key = conn.execute(insert(schema.annotations).values(**values)).inserted_primary_key
        return {"annotation_id": int(key[0]) if key else 0, **values}

    def annotations(self, event_id: int) -> list[dict[str, Any]]:
        a = schema.annotations.c
        query = select(schema.annotations).where(a.event_id == event_id).order_by(a.annotation_id)
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def log_operator(self, action: str, detail: str, now: float) -> None:
        with self._write() as conn:
            conn.execute(insert(schema.operator_log).values(ts=now, action=action, detail=redact(detail)[:2000]))

    def operator_log(self, since: float, limit: int = 100) -> list[dict[str, Any]]:
        o = schema.operator_log.c
        query = select(o.ts, o.action, o.detail).where(o.ts >= since).order_by(o.ts.desc()).limit(limit)
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def annotation_summary(self, project: str | None = None) -> dict[str, int]:
        """Counts behind readiness (SPEC §7.3): annotated events, by decision, and the verdicts on each
        decision: `continue_incorrect` are blocks that should not have been, `missed_continue` the
        `allow`s and `escalate`s judged incorrect (stops that should have been sent back to work).

        An event annotated more than once counts once, with its latest annotation; one whose latest annotation
        is `unclear` is not counted at all, as though it were not annotated.
        """
        e, a = schema.events.c, schema.annotations.c
        query = narrowed(judged_annotated(e.decision, a.verdict, func.count()).group_by(e.decision, a.verdict), project)
        decisions = ("continue", "allow", "escalate")
        summary = {"annotated": 0, **{d: 0 for d in decisions}, "missed_continue": 0}
        summary |= {f"{d}_{v}": 0 for d in decisions for v in ("correct", "incorrect")}
        with self._read() as conn:
            for decision, verdict, n in conn.execute(query):
                if verdict not in ("correct", "incorrect"):  # `unclear` counts for nothing (SPEC §7.3)
                    continue
                summary["annotated"] += n
                if decision in decisions:
                    summary[decision] += n
                    summary[f"{decision}_{verdict}"] += n
        judged = ("allow_correct", "allow_incorrect", "escalate_correct", "escalate_incorrect")
        summary["let_through_judged"] = sum(summary[k] for k in judged)  # allow/escalate judged right or wrong
        summary["missed_continue"] = summary["allow_incorrect"] + summary["escalate_incorrect"]
        return summary

    def annotated_events(self, project: str | None = None) -> list[dict[str, Any]]:
        """The events readiness counts (the authority's verdicts) that an operator annotated, oldest first,
        each with its latest annotation: what `gate export --annotated` labels for `eval`."""
        e, a = schema.events.c, schema.annotations.c
        query = narrowed(
            judged_annotated(schema.events, a.verdict, a.rationale, a.operator).order_by(e.event_id), project
        )
        with self._read() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        for row in rows:
            row["annotation"] = {key: row.pop(key) for key in ("verdict", "rationale", "operator")}
        return [event_out(row) for row in rows]
