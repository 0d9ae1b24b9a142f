"""`stopwarden eval`: the stop-gate decision over labelled stop events, and how good it is (SPEC §8).

Each case goes through what the live gate does with it (signals, the evidence rules, the authority,
validation), without the git post-checks (a case's commits are not in any repository here). The
summary puts blocking a legitimate stop first: block precision, then block recall, then 3-way accuracy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from stopwarden.errors import StopwardenError
from stopwarden.gate import authorities
from stopwarden.gate.case import Artifact, Case, Commit, Turn
from stopwarden.gate.decide import ask, case_signals, judge_case

LABELS = ("continue", "allow", "escalate")


@dataclass(frozen=True)
class Result:
    id: str
    decision: str
    rule: str | None
    expected: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "decision": self.decision, "rule": self.rule, "expected": self.expected}


def load_cases(path: str) -> Iterator[tuple[str, Case, str]]:
    """(id, case, expected decision) per line; a bad line is an error naming the file and line."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise StopwardenError(f"cannot read {path}: {e.strerror}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            yield str(row["id"]), _case(row), _expected(row)
        except (ValueError, KeyError, TypeError) as e:
            raise StopwardenError(f"{path}:{number}: not a stop-event case ({type(e).__name__}: {e})") from None


def _case(row: dict[str, Any]) -> Case:
    case = Case(
        stop_text=str(row["stop_text"]),
        recent_turns=tuple(Turn(str(t["source"]), str(t["text"])) for t in row.get("recent_turns") or ()),
        artifacts=tuple(Artifact.from_json(a) for a in row.get("artifacts") or ()),
        session_commits=tuple(Commit.from_json(c) for c in row.get("session_commits") or ()),
    )
    # The case's own time stands in for "now", so a recorded case judges the same on any day.
    start = row.get("session_start_ts")
    now = float(start) / 1000 if isinstance(start, (int, float)) else None
    newest = max((c.time for c in case.session_commits), default=now)
    return case_signals(case, now=newest if newest is not None else now)


def _expected(row: dict[str, Any]) -> str:
    expected = row["expected"]["decision"]
    if expected not in LABELS:
        raise ValueError(f"expected decision {expected!r} is not one of {', '.join(LABELS)}")
    return str(expected)


def run(path: str, authority_name: str, options: dict[str, Any], timeout_s: float) -> list[Result]:
    authority = authorities.get(authority_name, options, timeout_s)
    if authority is None:
        raise StopwardenError(f"unknown authority {authority_name!r}", hint=f"one of {', '.join(authorities.REGISTRY)}")
    results = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        for case_id, case, expected in load_cases(path):
            outcome, _ = judge_case(case, lambda c: ask(authority, c, timeout_s, pool))
            decision = "allow" if outcome.decision == "force_allow" else outcome.decision
            results.append(
                Result(case_id, decision, outcome.rule or outcome.short_circuit or outcome.fail_open, expected)
            )
    return results


def summary(results: list[Result]) -> dict[str, Any]:
    blocked = [r for r in results if r.decision == "continue"]
    should = [r for r in results if r.expected == "continue"]
    right = [r for r in blocked if r.expected == "continue"]
    matrix = {e: {d: sum(1 for r in results if r.expected == e and r.decision == d) for d in LABELS} for e in LABELS}
    return {
        "cases": len(results),
        "block_precision": len(right) / len(blocked) if blocked else 1.0,
        "block_recall": len(right) / len(should) if should else 1.0,
        "accuracy": sum(1 for r in results if r.decision == r.expected) / len(results) if results else 0.0,
        "false_blocks": [r.id for r in blocked if r.expected != "continue"],
        "confusion": matrix,
    }


def table(results: list[Result]) -> str:
    lines = [f"{'id':<16} {'expected':<9} {'decision':<9} rule", *(
        f"{r.id:<16} {r.expected:<9} {r.decision:<9} {r.rule or ''}{'' if r.decision == r.expected else '   <- wrong'}"
        for r in results
    )]  # fmt: skip
    s = summary(results)
    lines += [
        "",
        f"cases: {s['cases']}",
        f"block precision: {s['block_precision']:.3f}   (blocking a legitimate stop is the worst error)",
        f"block recall:    {s['block_recall']:.3f}",
        f"3-way accuracy:  {s['accuracy']:.3f}",
        "",
        "confusion (rows: expected, columns: decided)",
        f"{'':<10}" + "".join(f"{d:>10}" for d in LABELS),
        *(f"{e:<10}" + "".join(f"{s['confusion'][e][d]:>10}" for d in LABELS) for e in LABELS),
    ]
    return "\n".join(lines)
