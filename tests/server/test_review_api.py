"""Annotations, the report and readiness through real HTTP (SPEC §6.2, §7.3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stopwarden.gate import report as gate_report
from tests.server.conftest import PlanRepo, Server, evaluate_body, run_server


def set_min_dwell(root: Path, seconds: float) -> None:
    config = root / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + f"\n[review]\nmin_dwell_s = {seconds}\n")


def seed(server: Server, repo: PlanRepo, continues: int, allows: int) -> list[int]:
    ids = []
    for i in range(continues):
        body = evaluate_body(repo, session=f"c{i}", stop_text=f"I'll stop to preserve context ({i}).")
        ids.append(server.call("POST", "/v1/evaluate", body)[1]["event_id"])
    for i in range(allows):
        body = evaluate_body(repo, session=f"a{i}", stop_text=f"Do you want CSV or Parquet ({i})?")
        ids.append(server.call("POST", "/v1/evaluate", body)[1]["event_id"])
    return ids


def annotate(server: Server, event_id: int, verdict: str = "correct", dwell_ms: int = 20_000) -> tuple[int, Any]:
    body = {"verdict": verdict, "rationale": "read the evidence", "operator": "ana", "dwell_ms": dwell_ms}
    return server.call("POST", f"/v1/events/{event_id}/annotations", body)


def test_annotations(server: Server, plan_repo: PlanRepo) -> None:
    [event_id] = seed(server, plan_repo, 1, 0)
    code, body = annotate(server, event_id)
    assert code == 201 and body["verdict"] == "correct" and body["dwell_ms"] == 20_000 and body["operator"] == "ana"
    annotate(server, event_id, "incorrect")
    listed = server.call("GET", f"/v1/events/{event_id}/annotations")[1]
    assert [a["verdict"] for a in listed] == ["correct", "incorrect"]
    [event] = server.call("GET", "/v1/events")[1]
    assert event["annotation"]["verdict"] == "incorrect"  # the latest one counts
    assert server.call("GET", "/v1/events?annotated=false")[1] == []
    assert len(server.call("GET", "/v1/events?annotated=true")[1]) == 1


def test_annotation_errors(server: Server, plan_repo: PlanRepo) -> None:
    [event_id] = seed(server, plan_repo, 1, 0)
    code, body = annotate(server, event_id, dwell_ms=3_000)
    assert code == 409 and "read the event for at least 15 s" in body["detail"]
    assert annotate(server, 999_999)[0] == 404
    assert server.call("GET", "/v1/events/999999/annotations")[0] == 404
    bad = {"verdict": "maybe", "rationale": "x", "operator": "o", "dwell_ms": 1}
    code, body = server.call("POST", f"/v1/events/{event_id}/annotations", bad)
    assert code == 400 and body["detail"].startswith("verdict:")
    assert server.call("GET", f"/v1/events/{event_id}/annotations")[1] == []


def test_paging(server: Server, plan_repo: PlanRepo) -> None:
    ids = seed(server, plan_repo, 3, 2)
    first = [e["event_id"] for e in server.call("GET", "/v1/events?limit=2")[1]]
    second = [e["event_id"] for e in server.call("GET", "/v1/events?limit=2&offset=2")[1]]
    assert first + second == sorted(ids, reverse=True)[:4]


def test_readiness_unmet_then_met_and_the_report(installed: Path, plan_repo: PlanRepo) -> None:
    set_min_dwell(installed, 0)
    for server in run_server(installed):
        ids = seed(server, plan_repo, 10, 10)
        report = server.call("GET", "/v1/report?since=7d")[1]
        assert report["readiness"]["ready"] is False
        assert {c["name"]: c["met"] for c in report["readiness"]["checks"]} == {
            "annotated events": False,
            "annotated continue verdicts": False,
            "annotated allow verdicts": False,
            "precision of annotated continue verdicts": False,
            "missed continues among annotated allow/escalate verdicts": False,
            "invalid_rule/invalid_evidence failures in the last 50 evaluations": True,
        }
        ratios = {
            c["name"]: c["value"]
            for c in report["readiness"]["checks"]
            if c["name"].startswith(("precision", "missed"))
        }
        assert list(ratios.values()) == [None, None], ratios  # over nothing: no figure (the page showed 0.00)
        assert server.call("PUT", "/v1/mode", {"mode": "enforce"})[0] == 409
        for event_id in ids[:9] + ids[10:20]:
            annotate(server, event_id, "correct")
        annotate(server, ids[9], "incorrect")  # 9 of 10 continues right: precision 0.9
        report = server.call("GET", "/v1/report?since=7d")[1]
        assert report["readiness"]["ready"] is True, report["readiness"]
        assert report["annotations"]["precision"] == 0.9
        day = report["days"][-1]
        assert day["decisions"] == {"continue": 10, "allow": 10}
        assert day["rules"]["U_LEGIT_DESIGN_QUESTION"] == 10
        assert set(report["latency_ms"]) == {"p50", "p95", "p99"} and report["latency_ms"]["p99"] is not None
        assert server.call("PUT", "/v1/mode", {"mode": "enforce"})[0] == 200  # ready: no --force needed


def test_missed_continues_hold_enforce_back(installed: Path, plan_repo: PlanRepo) -> None:
    """Every block right is not enough: two of ten allows judged incorrect (stops that should have been
    sent back to work) keep enforce refused, and say so."""
    for server in run_server(installed):
        ids = seed(server, plan_repo, 10, 10)
        for event_id in ids[:18]:
            annotate(server, event_id, "correct")
        for event_id in ids[18:]:
            annotate(server, event_id, "incorrect")
        report = server.call("GET", "/v1/report?since=7d")[1]
        assert report["readiness"]["ready"] is False and report["annotations"]["precision"] == 1.0
        assert report["annotations"]["missed_continue"] == 2 and report["annotations"]["missed_continue_rate"] == 0.2
        [unmet] = [c for c in report["readiness"]["checks"] if not c["met"]]
        assert unmet == {"name": "missed continues among annotated allow/escalate verdicts", "value": 0.2,
                         "threshold": 0.1, "op": "<=", "met": False}  # fmt: skip
        code, body = server.call("PUT", "/v1/mode", {"mode": "enforce"})
        assert code == 409
        assert (
            "2 of 10 annotated allow/escalate verdicts were missed continues (0.20), need at most 0.1" in body["detail"]
        )
        annotate(server, ids[19], "correct")  # on second reading: 1 of 10, at the threshold
        assert server.call("PUT", "/v1/mode", {"mode": "enforce"})[0] == 200


def test_forcing_enforce_is_in_the_report(server: Server) -> None:
    server.call("PUT", "/v1/mode", {"mode": "enforce", "force": "trial on a toy repo"})
    server.call("PUT", "/v1/kill-switch", {"value": True, "reason": "incident 7"})
    server.call("POST", "/v1/breaker/reset")
    log = server.call("GET", "/v1/report")[1]["operator_log"]
    assert [(e["action"], e["detail"]) for e in log] == [
        ("breaker_reset", "rules"),
        ("kill_switch", "on: incident 7"),
        ("mode", "enforce (forced: trial on a toy repo)"),
    ]
    assert server.call("GET", "/v1/report?since=soon")[0] == 400


def test_the_report_sums_what_failed_open_by_kind(server: Server, plan_repo: PlanRepo) -> None:
    """The page and `gate report` show how many stops were let through unjudged because something failed."""
    assert server.call("GET", "/v1/report?since=7d")[1]["fail_open"] == {}
    seed(server, plan_repo, 1, 1)  # judged: nothing failed
    for i in range(2):
        body = evaluate_body(plan_repo, session=f"f{i}", stop_text=f"I'll stop to preserve context (f{i}).")
        body["evidence"]["artifacts"][0]["introducingCommit"] = "f" * 40  # a plan git does not know
        assert server.call("POST", "/v1/evaluate", body)[1]["fail_open"] == "invalid_evidence"
    report = server.call("GET", "/v1/report?since=7d")[1]
    assert report["fail_open"] == {"invalid_evidence": 2}
    assert "failed open: invalid_evidence 2" in gate_report.table(report)
