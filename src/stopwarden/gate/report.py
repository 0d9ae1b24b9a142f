"""The report (SPEC §7.2, §7.3): what the gate decided per day, how fast, how right by the operators'
annotations, whether it is ready for enforce, and what operators did."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stopwarden.common import termsafe, timefmt
from stopwarden.gate import settings
from stopwarden.store.store import Store


def build(store: Store, since: float, min_dwell_s: float, project: str | None = None) -> dict[str, Any]:
    """The report over every project in the store, or over `project`'s events only."""
    latencies = sorted(store.latencies(since, project=project))
    ready = settings.readiness(store, project)
    summary = dict(ready["annotations"])
    summary["precision"] = round(ready["precision"], 3)
    summary["missed_continue_rate"] = round(ready["missed_continue_rate"], 3)
    days = store.daily_counts(since, project)
    return {
        "since": since,
        "project": project,
        "days": days,
        "fail_open": _totals(day["fail_open"] for day in days),
        "latency_ms": {f"p{p}": _percentile(latencies, p) for p in (50, 95, 99)},
        "annotations": summary,
        "readiness": {"ready": ready["ready"], "checks": ready["checks"]},
        "min_dwell_s": min_dwell_s,
        "operator_log": store.operator_log(since),
    }


def as_json(report: dict[str, Any]) -> dict[str, Any]:
    """`build`'s report as JSON carries it (`gate report --json`, and what `table` reads; the API's
    models.ReportOut writes the same): its times in UTC ISO 8601 (timefmt.iso)."""
    log = [{**entry, "ts": timefmt.iso(entry["ts"])} for entry in report["operator_log"]]
    return {**report, "since": timefmt.iso(report["since"]), "operator_log": log}


def _totals(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    """Per-day counts by name summed over the days."""
    total: dict[str, int] = {}
    for day in counts:
        for name, n in day.items():
            total[name] = total.get(name, 0) + n
    return total


def _percentile(values: list[float], p: int) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, int(len(values) * p / 100))], 3)


def _figure(value: float, over: int, spec: str) -> str:
    """A figure computed over `over` items: "n/a" over none."""
    return format(round(value, 3), spec) if over else "n/a"


def table(report: dict[str, Any]) -> str:
    """The report as JSON carries it (`as_json`, or the API's answer) for a person: its times in local time."""
    since = timefmt.local_iso(report["since"], seconds=False)
    of = f" for project {report['project']}" if report.get("project") else ""
    lines = [f"stop gate report{of} since {since}", ""]
    decisions = sorted({d for day in report["days"] for d in day["decisions"]})
    lines.append(f"{'day (UTC)':<12}" + "".join(f"{d:>12}" for d in decisions))  # the store's days are UTC
    for day in report["days"]:
        lines.append(f"{day['day']:<12}" + "".join(f"{day['decisions'].get(d, 0):>12}" for d in decisions))
    if not report["days"]:
        lines.append("(no decisions)")
    rules = _totals(day["rules"] for day in report["days"])
    fails = report["fail_open"]
    lat = report["latency_ms"]
    a = report["annotations"]
    # A ratio over nothing is no figure: "n/a", never 0.00 (which reads as every block wrong).
    judged = {settings.PRECISION_CHECK: a["continue_correct"] + a["continue_incorrect"],
              settings.MISSED_CHECK: a["let_through_judged"]}  # fmt: skip
    precision = _figure(a["precision"], judged[settings.PRECISION_CHECK], ".2f")
    missed = _figure(a["missed_continue_rate"], a["let_through_judged"], ".2f")
    lines += [
        "",
        "rules: " + (", ".join(f"{k} {v}" for k, v in sorted(rules.items(), key=lambda kv: -kv[1])) or "none"),
        "failed open: " + (", ".join(f"{k} {v}" for k, v in sorted(fails.items())) or "none"),
        "latency ms: " + "  ".join(f"{p} {'n/a' if lat[p] is None else lat[p]}" for p in ("p50", "p95", "p99")),
        f"annotated: {a['annotated']} (continue {a['continue']}, allow {a['allow']}, escalate {a['escalate']})",
        f"precision of continue: {precision} ({a['continue_correct']} right, {a['continue_incorrect']} wrong)",
        f"missed continues: {a['missed_continue']} of {a['let_through_judged']} allow/escalate judged ({missed}): "
        f"allow {a['allow_incorrect']}, escalate {a['escalate_incorrect']} judged incorrect",
        "",
        "readiness for enforce: " + ("READY" if report["readiness"]["ready"] else "not ready"),
        *(
            f"  [{'x' if c['met'] else ' '}] {c['name']}: "
            f"{_figure(c['value'], judged.get(c['name'], 1), '.2f' if c['name'] in judged else 'g')} "
            f"({'need' if c['op'] == '>=' else 'at most'} {c['threshold']})"
            for c in report["readiness"]["checks"]
        ),
    ]
    if report["operator_log"]:
        lines += ["", "operator actions:"]
        lines += [f"  {timefmt.local_iso(e['ts'], False)} {e['action']}: {e['detail']}" for e in report["operator_log"]]
    # Project names, rule names and the operators' reasons come from the store (a fleet's, shared): each row
    # is shown as one, whatever it holds.
    return termsafe.lines(lines)
