"""`stopwarden gate export --annotated` and back through `stopwarden eval`: the operator's own annotated
stops, from a real server's events, as a labelled set (issue 19 item 4)."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from tests.server.conftest import CONTEXT_STOP, PlanRepo, Server, evaluate_body, run_server

TOKEN = "ghp_" + "zyxwvutsrqponmlkjihgfedcba9876543210"
# A long narrated report whose stop act is only at its end: the 200-character preview holds none of it.
# A description, not a report of progress on a plan step: its 200-character preview holds no stop act (a
# text cut after "Wrote … for step 1 of the plan." may well read as a stop after step 1).
NARRATION = "The invoice model keeps every amount in cents, and its repository reads them back unchanged. " * 80
LONG_STOP = NARRATION + "\n\nTo preserve context I'll stop here; a fresh session can do the rest."


def decide(server: Server, repo: PlanRepo, session: str, stop_text: str, **overrides: Any) -> dict[str, Any]:
    body = evaluate_body(repo, session, stop_text, **overrides)
    answer: dict[str, Any] = server.call("POST", "/v1/evaluate", body)[1]
    return answer


def annotate(server: Server, event_id: int, verdict: str) -> None:
    body = {"verdict": verdict, "rationale": f"judged {verdict}", "operator": "ana", "dwell_ms": 20_000}
    assert server.call("POST", f"/v1/events/{event_id}/annotations", body)[0] == 201


def test_annotated_events_round_trip_through_export_and_eval(installed: Path, plan_repo: PlanRepo, cli: Any) -> None:
    live: dict[str, str] = {}  # exported id -> the live decision
    for server in run_server(installed):
        stops = {
            "continue_right": (CONTEXT_STOP, "correct"),
            "continue_wrong": ("I'll stop here to preserve context, the plan is in good shape.", "incorrect"),
            "long": (LONG_STOP, "correct"),
            "question_right": ("Do you want the export in CSV or Parquet?", "correct"),
            "question_missed": (f"Should the retry budget be per tenant or global? (token {TOKEN})", "incorrect"),
            "unclear": ("Do you want me to add a changelog entry?", "unclear"),
        }
        ids = {}
        for name, (text, verdict) in stops.items():
            answer = decide(server, plan_repo, name, text)
            ids[name] = answer["event_id"]
            if verdict != "correct":
                annotate(server, answer["event_id"], "correct")  # the latest annotation is the one that counts
            annotate(server, answer["event_id"], verdict)
            live[f"event-{answer['event_id']}"] = answer["decision"]
        no_plan = decide(server, plan_repo, "no_plan", CONTEXT_STOP, evidence={"artifacts": [], "session_start": 1.0})
        annotate(server, no_plan["event_id"], "correct")  # a short circuit: readiness and the export leave it out
        decide(server, plan_repo, "unannotated", CONTEXT_STOP)
    assert [live[f"event-{ids[n]}"] for n in ("continue_right", "continue_wrong", "long", "question_right")] == [
        "continue", "continue", "continue", "allow"]  # fmt: skip

    out = installed / "annotated.jsonl"
    result = cli("gate", "export", "--annotated", "--output", str(out))
    assert result.code == 0, result.err
    assert result.out.strip() == (f"wrote 5 labelled stops (continue 3, allow 2, escalate 0) to {out}; "
                                  "1 unclear left out")  # fmt: skip
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert TOKEN not in out.read_text()
    rows = {row["id"]: row for row in map(json.loads, out.read_text().splitlines())}
    expected = {f"event-{ids[name]}": label for name, label in [
        ("continue_right", "continue"), ("continue_wrong", "allow"), ("long", "continue"),
        ("question_right", "allow"), ("question_missed", "continue")]}  # fmt: skip
    assert {i: r["expected"]["decision"] for i, r in rows.items()} == expected
    long = rows[f"event-{ids['long']}"]
    assert long["stop_text"].endswith("To preserve context I'll stop here; a fresh session can do the rest.")
    assert long["event"] == {**long["event"], "evidence": "recorded", "stop_text": "kept", "verdict": "correct"}
    assert rows[f"event-{ids['question_right']}"]["event"]["evidence"] == "placeholder"  # an allow cites no plan
    assert "[REDACTED:github-pat]" in rows[f"event-{ids['question_missed']}"]["stop_text"]

    # Through eval, each stop gets the decision the live gate gave it; the labels score it.
    evaluated = cli("eval", str(out), "--json")
    data = evaluated.json()
    assert {r["id"]: r["decision"] for r in data["results"]} == {i: live[i] for i in rows}
    assert data["false_blocks"] == [f"event-{ids['continue_wrong']}"] and evaluated.code == 1
    assert (data["cases"], data["continue_cases"], data["right_blocks"]) == (5, 3, 2)  # the missed one is missed
    # On stdout as well, with the left-out ones said on stderr; the same cases.
    printed = cli("gate", "export", "--annotated")
    assert printed.out == out.read_text() and "1 annotated as unclear: left out" in printed.err
    document = cli("gate", "export", "--annotated", "--json").json()  # --json: one document, the same cases
    assert document == {"cases": [json.loads(line) for line in out.read_text().splitlines()], "unclear": 1}
    summary = cli("gate", "export", "--annotated", "--output", str(out), "--json").json()
    assert summary == {"output": str(out), "cases": 5, "unclear": 1,
                       "labels": {"continue": 3, "allow": 2, "escalate": 0}}  # fmt: skip


def test_the_kept_text_is_what_makes_a_long_stop_judgeable(installed: Path, plan_repo: PlanRepo, cli: Any) -> None:
    """An event stored before the text was kept has its 200-character preview only: its export says so,
    and eval cannot see the stop act in it."""
    for server in run_server(installed):
        answer = decide(server, plan_repo, "long", LONG_STOP)
        annotate(server, answer["event_id"], "correct")
        with server.store.engine.begin() as conn:  # as an event stored before schema version 8 is
            conn.exec_driver_sql("UPDATE events SET stop_text = NULL")
    out = installed / "old.jsonl"
    assert cli("gate", "export", "--annotated", "-o", str(out)).code == 0
    [row] = map(json.loads, out.read_text().splitlines())
    assert row["event"]["stop_text"] == "preview" and row["stop_text"] == NARRATION[:200]
    [result] = cli("eval", str(out), "--json").json()["results"]
    assert result["decision"] != "continue"  # the preview holds no stop act: the kept text is what is needed


def test_export_needs_to_be_told_what(installed: Path, cli: Any) -> None:
    result = cli("gate", "export")
    assert result.code == 1 and "--annotated" in result.err
    empty = cli("gate", "export", "--annotated")  # nothing annotated yet: said, not an empty file
    assert empty.code == 1 and empty.out == "" and "nothing to export" in empty.err


def test_nothing_to_export_is_an_error_that_writes_nothing(installed: Path, plan_repo: PlanRepo, cli: Any) -> None:
    """With no decision annotated correct or incorrect, export exits 1 and leaves the file it was pointed at as
    it was (an operator review found a good set overwritten with nothing, in the wrong checkout); and eval of a
    file with no stop exits 1 rather than scoring nothing as a pass."""
    for server in run_server(installed):
        answer = decide(server, plan_repo, "u", CONTEXT_STOP)
        annotate(server, answer["event_id"], "unclear")
    out = installed / "kept.jsonl"
    out.write_text('{"id": "mine"}\n')
    refused = cli("gate", "export", "--annotated", "--output", str(out))
    assert refused.code == 1 and refused.out == ""
    said = "nothing to export: no decision of the authority annotated correct or incorrect (1 annotated as unclear)"
    assert said in refused.err
    assert out.read_text() == '{"id": "mine"}\n'
    assert cli("gate", "export", "--annotated", "--project", "elsewhere").code == 1
    for server in run_server(installed):
        annotate(server, decide(server, plan_repo, "v", CONTEXT_STOP)["event_id"], "correct")
    missing = installed / "no-such-folder" / "out.jsonl"
    failed = cli("gate", "export", "--annotated", "--output", str(missing))
    assert failed.code == 1 and f"cannot write {missing}: No such file or directory" in failed.err
    assert ".tmp" not in failed.err  # the file asked for, not the temporary one beside it
    empty = installed / "empty.jsonl"
    empty.write_text("")
    measured = cli("eval", str(empty))
    assert measured.code == 1 and "nothing to measure" in measured.err
