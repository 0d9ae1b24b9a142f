"""What happened to builds, read from the audit log (`build log`, `build report`): the log is written by
build/state.py as each command acts; this module only reads it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from stopwarden.build import manager, state
from stopwarden.common.names import PHASE_CHANGED


def read_log(root: str, build_id: str | None, event: str | None, limit: int) -> list[dict[str, Any]]:
    """The last `limit` audit records, oldest first, optionally of one build and one event."""
    import json

    records = []
    for line in state.audit_lines(root):
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a torn last line after a crash; the rest of the log is intact
        if not isinstance(record, dict):
            continue
        if build_id and record.get("build_id") != build_id:
            continue
        if event and record.get("event") != event:
            continue
        records.append(record)
    return records[-limit:] if limit > 0 else records


def report(root: str, build_id: str) -> dict[str, Any]:
    """A summary of one build: where it stands, how it got there, and what the gate did."""
    build = manager.load(root, build_id)
    history = read_log(root, build_id, None, 0)
    return {
        "id": build["id"],
        "task": build["task"],
        "size": build["size"],
        "phase": build["phase"],
        "started_at": build["started_at"],
        "completed_at": build["completed_at"],
        "steps": len(build["steps"]),
        "total_tests": build["total_tests"],
        "all_passing": build["all_passing"],
        "reinforcements_used": build["reinforcements_used"],
        "reinforcements": build["protection"]["reinforcements"],
        "fix_iterations": build["fix_iterations"],
        "verify_iterations": build["verify_iterations"],
        "phases": [
            {"at": r["at"], "from": r.get("from"), "to": r.get("to")} for r in history if r["event"] == PHASE_CHANGED
        ],
        "events": dict(Counter(r["event"] for r in history)),
    }
