"""`stopwarden eval`: the stop-gate decision over labelled stop events, and how good it is (SPEC §8).

Each case goes first through the Stop hook's router (`hooks.router.forwards`): a stop it does not
forward never reaches the server, so the live gate lets it through unjudged, and it is reported as
`not_forwarded`, never as a decision of the authority's. Every case is then judged as the server would
judge it (signals, the evidence rules, the authority, validation; not the git post-checks, since a
case's commits are in no repository here), so the summary gives both the live numbers and the
numbers as if every stop were forwarded. Blocking a legitimate stop comes first: false blocks and
block precision, then recall, then 3-way accuracy. A ratio over nothing is `None` ("n/a"), never 1.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from stopwarden.common import timefmt
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import STOP_ACTS
from stopwarden.gate import authorities, stopact_model
from stopwarden.gate.case import Artifact, Case, Commit, Turn
from stopwarden.gate.pipeline import case_signals, judge_case
from stopwarden.gate.service import ask
from stopwarden.hooks.router import forwards
from stopwarden.store.redact import redact

LABELS = ("continue", "allow", "escalate")
# The final act as the classifier reads it: in English (its English guards apply) or not. The gate's
# numbers differ most between the two (docs/operator-guide.md), so `eval` reports each.
LANGUAGES = ("english", "other")
NOT_FORWARDED = "not_forwarded"  # the live decision of a stop the router kept from the server
DECIDED = (*LABELS, NOT_FORWARDED)


@dataclass(frozen=True)
class Labelled:
    """One line of a cases file."""

    id: str
    case: Case
    expected: str
    act: str = ""  # the expected stop act (names.STOP_ACTS), "" when the case does not say
    stop_hook_active: bool = False


@dataclass(frozen=True)
class Result:
    id: str
    expected: str
    decision: str  # what the live gate did: continue, allow, escalate, or not_forwarded
    rule: str | None  # the live decision's rule (or short circuit, or failure kind); None when not forwarded
    forwarded: bool = True
    router: str = ""  # why the router did not forward it ("" when it did)
    gate_decision: str = ""  # what the server decides when the stop reaches it (every stop, forwarded or not)
    gate_rule: str | None = None
    act: str = ""  # the expected stop act
    judged_act: str = ""  # the stop act the authority judged ("" when it did not say, or was not asked)
    language: str = ""  # one of LANGUAGES: the final act's, as `stopact_model.in_english` reads it

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def effective(self) -> str:
        """The live decision as the agent lives it: a stop not forwarded is let through."""
        return "allow" if self.decision == NOT_FORWARDED else self.decision


def load_cases(path: str) -> Iterator[Labelled]:
    """The labelled cases of a JSON Lines file; a bad line is an error naming the file, the line and the
    field, checked before anything reads it (never a Python error)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read(MAX_CASES_CHARS + 1)  # bounded: `/dev/zero` or a runaway file is no case file
    except (OSError, UnicodeDecodeError) as e:
        raise StopwardenError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}", hint=CASE_HINT) from None
    if len(text) > MAX_CASES_CHARS:
        raise StopwardenError(f"cannot read {path}: larger than {MAX_CASES_CHARS // 2**20} MiB", hint=CASE_HINT)
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise StopwardenError(f"{path}:{number}: not JSON ({e.msg} at column {e.colno})", hint=CASE_HINT) from None
        except ValueError as e:  # an integer too long to convert
            raise StopwardenError(f"{path}:{number}: not JSON ({e})", hint=CASE_HINT) from None
        problem = case_problem(row)
        if problem:
            raise StopwardenError(f"{path}:{number}: {problem}", hint=CASE_HINT)
        expected = row["expected"]
        yield Labelled(str(row["id"]), _case(row), expected["decision"], expected.get("act") or "",
                       row.get("stop_hook_active") is True)  # fmt: skip


MAX_CASES_CHARS = 64 * 2**20  # tens of thousands of exported events, each a few KiB at most
CASE_HINT = 'each line is one JSON object: {"id", "stop_text", "expected": {"decision"}, ...} (docs/spec.md §8)'


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# What each field of a case must be, by the name the error gives it; a field not listed is ignored.
_KINDS: dict[str, Callable[[Any], bool]] = {
    "a string": lambda v: isinstance(v, str),
    "a string or a number": lambda v: isinstance(v, str) or _finite(v),
    "a number": _finite,
    "a number or an ISO 8601 time": lambda v: _finite(v) or (isinstance(v, str) and timefmt.parse_iso(v) is not None),
    "true or false": lambda v: isinstance(v, bool),
    "an object": lambda v: isinstance(v, dict),
    "a list": lambda v: isinstance(v, list),
}
# field -> (kind, required); an optional field may also be null.
_CASE = {"id": ("a string or a number", True), "stop_text": ("a string", True), "expected": ("an object", True),
         "recent_turns": ("a list", False), "artifacts": ("a list", False), "session_commits": ("a list", False),
         "session_start_ts": ("a number", False), "stop_hook_active": ("true or false", False)}  # fmt: skip
_EXPECTED = {"decision": ("a string", True), "act": ("a string", False)}
_ITEMS = {
    "recent_turns": {"source": ("a string", True), "text": ("a string", True)},
    "artifacts": {"path": ("a string", True), "introducingCommit": ("a string", False),
                  "latestCommit": ("a string", False), "createdThisSession": ("true or false", False),
                  "modifiedThisSession": ("true or false", False), "openItems": ("a list", False),
                  "tickedThrough": ("true or false", False)},
    "session_commits": {"sha": ("a string", True), "time": ("a number or an ISO 8601 time", False),
                        "subject": ("a string", False), "files": ("a list", False)},
}  # fmt: skip


def _fields_problem(data: dict[str, Any], fields: dict[str, tuple[str, bool]], where: str) -> str:
    for name, (kind, required) in fields.items():
        value = data.get(name)
        if value is None:
            if required:
                return f"{where}{name} is missing"
        elif not _KINDS[kind](value):
            return f"{where}{name} must be {kind}, not {json.dumps(value)[:40]}"
    return ""


def case_problem(row: Any) -> str:
    """What is wrong with one parsed line of a cases file, in the file's own terms; "" when nothing is."""
    if not isinstance(row, dict):
        return f"a case is a JSON object, not {json.dumps(row)[:40]}"
    problem = _fields_problem(row, _CASE, "") or _fields_problem(row["expected"], _EXPECTED, "expected.")
    if problem:
        return problem
    decision, act = row["expected"]["decision"], row["expected"].get("act") or ""
    if decision not in LABELS:
        return f"expected.decision {decision!r} is not one of {', '.join(LABELS)}"
    if act and act not in STOP_ACTS:
        return f"expected.act {act!r} is not one of {', '.join(STOP_ACTS)}"
    for name, fields in _ITEMS.items():
        for i, item in enumerate(row.get(name) or ()):
            where = f"{name}[{i}]"
            problem = f"{where} must be an object" if not isinstance(item, dict) else _fields_problem(
                item, fields, f"{where}.")  # fmt: skip
            if problem:
                return problem
            files = item.get("files") or ()
            if not all(isinstance(f, str) for f in files):
                return f"{where}.files must hold strings only"
    return ""


def _case(row: dict[str, Any]) -> Case:
    case = Case(
        stop_text=row["stop_text"],
        recent_turns=tuple(Turn(t["source"], t["text"]) for t in row.get("recent_turns") or ()),
        artifacts=tuple(Artifact.from_json(a) for a in row.get("artifacts") or ()),
        session_commits=tuple(Commit.from_json(c) for c in row.get("session_commits") or ()),
    )
    # The case's own time stands in for "now", so a recorded case judges the same on any day.
    start = row.get("session_start_ts")
    now = float(start) / 1000 if start is not None else None
    newest = max((c.time for c in case.session_commits), default=now)
    return case_signals(case, now=newest if newest is not None else now)


def run(path: str, authority_name: str, options: dict[str, Any], timeout_s: float, router: bool = True) -> list[Result]:
    """Every case of `path` through the router (unless `router` is False: every stop forwarded) and the
    gate, judged by the named authority."""
    authority = authorities.get(authority_name, options, timeout_s)
    if authority is None:
        raise StopwardenError(f"unknown authority {authority_name!r}", hint=f"one of {', '.join(authorities.REGISTRY)}")
    results = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        for item in load_cases(path):
            outcome, verdict = judge_case(item.case, lambda c: ask(authority, c, timeout_s, pool))
            decision = "allow" if outcome.decision == "force_allow" else outcome.decision
            rule = outcome.rule or outcome.short_circuit or outcome.fail_open
            sent, why_not = forwards(item.case.stop_text, item.stop_hook_active) if router else (True, "")
            results.append(
                Result(
                    id=item.id,
                    expected=item.expected,
                    decision=decision if sent else NOT_FORWARDED,
                    rule=rule if sent else None,
                    forwarded=sent,
                    router=why_not,
                    gate_decision=decision,
                    gate_rule=rule,
                    act=item.act,
                    judged_act=str(getattr(verdict, "act", "") or "") if verdict is not None else "",
                    language=language(item.case.stop_text),
                )
            )
    return results


def language(stop_text: str) -> str:
    """One of LANGUAGES: whether the stop's final act is in English as the classifier reads it."""
    return LANGUAGES[0] if stopact_model.in_english(stopact_model.final_act(stop_text)) else LANGUAGES[1]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _live_blocks(results: list[Result]) -> tuple[list[Result], list[Result], int]:
    """The stops that should be continued, the live blocks, and how many of those were right."""
    should = [r for r in results if r.expected == "continue"]
    blocks = [r for r in results if r.decision == "continue"]
    return should, blocks, sum(1 for r in blocks if r.expected == "continue")


def summary(results: list[Result]) -> dict[str, Any]:
    """The scores, live (after the router) and as if every stop were forwarded (`eval_…`)."""
    should, live_blocks, live_right = _live_blocks(results)
    eval_blocks = [r for r in results if r.gate_decision == "continue"]
    eval_right = sum(1 for r in eval_blocks if r.expected == "continue")
    live_correct = sum(1 for r in results if r.effective == r.expected)
    eval_correct = sum(1 for r in results if r.gate_decision == r.expected)
    confusion = {e: {d: sum(1 for r in results if (r.expected, r.decision) == (e, d)) for d in DECIDED} for e in LABELS}
    return {
        "cases": len(results),
        "forwarded": sum(1 for r in results if r.forwarded),
        "continue_cases": len(should),
        "blocks": len(live_blocks),
        "right_blocks": live_right,
        "eval_blocks": len(eval_blocks),
        "eval_right_blocks": eval_right,
        "live_recall": _ratio(live_right, len(should)),
        "eval_recall": _ratio(eval_right, len(should)),
        "false_blocks": [r.id for r in live_blocks if r.expected != "continue"],
        "eval_false_blocks": [r.id for r in eval_blocks if r.expected != "continue"],
        "block_precision": _ratio(live_right, len(live_blocks)),
        "eval_block_precision": _ratio(eval_right, len(eval_blocks)),
        "correct": live_correct,
        "accuracy": _ratio(live_correct, len(results)),
        "eval_accuracy": _ratio(eval_correct, len(results)),
        "confusion": confusion,
        "acts": _per_act(results),
        "languages": _per_language(results),
    }


def _per_language(results: list[Result]) -> dict[str, dict[str, Any]]:
    """Per language of the final act (LANGUAGES): cases, continue cases, live recall and false blocks."""
    out: dict[str, dict[str, Any]] = {}
    for name in LANGUAGES:
        mine = [r for r in results if r.language == name]
        should, blocks, right = _live_blocks(mine)
        out[name] = {
            "cases": len(mine),
            "continue_cases": len(should),
            "right_blocks": right,
            "live_recall": _ratio(right, len(should)),
            "false_blocks": [r.id for r in blocks if r.expected != "continue"],
        }
    return out


def _per_act(results: list[Result]) -> dict[str, dict[str, Any]]:
    """Per expected stop act, in `STOP_ACTS` order: cases, forwarded, the live decisions, how many were
    right, and the acts the authority judged them to be (`""`: it did not say). Empty when no case
    carries an act."""
    if not any(r.act for r in results):
        return {}
    order = [*STOP_ACTS, ""]
    acts: dict[str, dict[str, Any]] = {}
    for act in sorted({r.act for r in results}, key=order.index):
        mine = [r for r in results if r.act == act]
        judged: dict[str, int] = {}
        for r in mine:
            judged[r.judged_act] = judged.get(r.judged_act, 0) + 1
        acts[act] = {
            "cases": len(mine),
            "forwarded": sum(1 for r in mine if r.forwarded),
            "decisions": {d: sum(1 for r in mine if r.decision == d) for d in DECIDED},
            "right": sum(1 for r in mine if r.effective == r.expected),
            "judged": dict(sorted(judged.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 0)),
        }
    return acts


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def table(results: list[Result]) -> str:
    rows = [f"{'id':<16} {'expected':<9} {'decision':<13} rule"]
    for r in results:
        if r.forwarded:
            why = r.rule or ""
        else:
            why = f"router: {r.router}; the server would say {r.gate_decision} {r.gate_rule or ''}".rstrip()
        wrong = "" if r.effective == r.expected else "   <- wrong"
        rows.append(f"{r.id:<16} {r.expected:<9} {r.decision:<13} {why}{wrong}")
    s = summary(results)
    n, should = s["cases"], s["continue_cases"]
    false_blocks = ", ".join(s["false_blocks"])
    lines = [
        *rows,
        "",
        f"cases:           {n}",
        f"forwarded:       {s['forwarded']} of {n} (sent by the router to the server)",
        f"live recall:     {_score(s['live_recall'])}   ({s['right_blocks']} of {should} continue stops blocked)",
        f"eval recall:     {_score(s['eval_recall'])}   ({s['eval_right_blocks']} of {should}, "
        "as if every stop were forwarded)",
        f"false blocks:    {len(s['false_blocks'])}{' (' + false_blocks + ')' if false_blocks else ''}"
        f"   (as if every stop were forwarded: {len(s['eval_false_blocks'])})",
        f"block precision: {_score(s['block_precision'])}   ({s['right_blocks']} of {s['blocks']} blocks right; "
        "blocking a legitimate stop is the worst error)",
        f"3-way accuracy:  {_score(s['accuracy'])}   ({s['correct']} of {n}; a stop not forwarded is let through)",
        "",
        "confusion (rows: expected, columns: live decision)",
        f"{'':<10}" + "".join(f"{d:>15}" for d in DECIDED),
        *(f"{e:<10}" + "".join(f"{s['confusion'][e][d]:>15}" for d in DECIDED) for e in LABELS),
        "",
        "by the final act's language (English as the classifier reads it, or not)",
        *(
            f"{name:<10} {lang['cases']:>5} cases   live recall {_score(lang['live_recall'])}"
            f" ({lang['right_blocks']} of {lang['continue_cases']})   false blocks {len(lang['false_blocks'])}"
            for name, lang in s["languages"].items()
        ),
    ]
    if s["acts"]:
        lines += ["", *_act_tables(s["acts"])]
    return "\n".join(lines)


def _name(act: str) -> str:
    return act or "(none)"


def _act_tables(acts: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "per stop act (rows: expected act, columns: live decision)",
        f"{'act':<16}{'cases':>6}{'fwd':>5}" + "".join(f"{d:>15}" for d in DECIDED) + f"{'right':>7}",
    ]
    for act, a in acts.items():
        decided = "".join(f"{a['decisions'][d]:>15}" for d in DECIDED)
        lines.append(f"{_name(act):<16}{a['cases']:>6}{a['forwarded']:>5}{decided}{a['right']:>7}")
    judged = [j for j in (*STOP_ACTS, "") if any(j in a["judged"] for a in acts.values())]
    judged += sorted({j for a in acts.values() for j in a["judged"]} - set(judged))  # acts outside the taxonomy
    if judged != [""]:  # the authority names acts: how its acts match the expected ones
        lines += [
            "",
            "stop acts (rows: expected, columns: judged by the authority)",
            f"{'':<16}" + "".join(f"{_name(j):>16}" for j in judged),
            *(f"{_name(act):<16}" + "".join(f"{a['judged'].get(j, 0):>16}" for j in judged) for act, a in acts.items()),
        ]
    return lines


# --- `gate export --annotated`: the operator's annotated events as cases for `eval` ---------------------

# The store keeps an event's evidence pointer, not the artifacts and commits it stood on. Where an event
# recorded no plan or no progress commit, the case gets these in their place: a plan that predates the
# session and a commit of progress in it, so that `eval` judges the stop text as if the evidence let a
# continue stand (every exported event reached the authority, so a plan older than the session existed).
PLACEHOLDER_PLAN = "(plan not recorded)"
PLACEHOLDER_PLAN_SHA = "0" * 40
PLACEHOLDER_PROGRESS_SHA = "1" * 40


def expected_decision(decision: str, verdict: str) -> str | None:
    """The label an annotation gives its event: a decision judged correct stands; a `continue` judged
    incorrect should have been `allow`, an `allow` or `escalate` judged incorrect (a missed continue)
    should have been `continue`. None when there is no label (unclear)."""
    if decision not in LABELS or verdict not in ("correct", "incorrect"):
        return None
    if verdict == "correct":
        return decision
    return "allow" if decision == "continue" else "continue"


def export_case(event: dict[str, Any]) -> dict[str, Any] | None:
    """One annotated event (`Store.annotated_events`) as a labelled case in `eval`'s format, redacted;
    None when its annotation gives no label."""
    verdict = (event.get("annotation") or {}).get("verdict", "")
    expected = expected_decision(event["decision"], verdict)
    if expected is None:
        return None
    pointer = event.get("evidence_pointer") or {}
    plan, plan_sha, progress = (pointer.get(k) for k in ("plan_file", "plan_commit_sha", "incremental_commit_sha"))
    sha = plan_sha or PLACEHOLDER_PLAN_SHA
    full = event.get("stop_text") is not None  # events stored before it was kept have the preview only
    when = timefmt.iso(event["ts"])  # every time in the file as JSON carries times: UTC ISO 8601
    return {
        "id": f"event-{event['event_id']}",
        "stop_text": redact(event["stop_text"] if full else event["stop_text_preview"]),
        "recent_turns": [],  # not kept
        "artifacts": [{"path": redact(plan or PLACEHOLDER_PLAN), "introducingCommit": sha, "latestCommit": sha,
                       "createdThisSession": False, "modifiedThisSession": False}],
        "session_commits": [{"sha": progress or PLACEHOLDER_PROGRESS_SHA, "time": when, "subject": "",
                             "files": []}],
        "expected": {"decision": expected},
        "event": {"event_id": event["event_id"], "project": event["project"], "host": event["host"],
                  "ts": when, "decision": event["decision"], "rule": event["rule"], "verdict": verdict,
                  "evidence": "recorded" if plan and progress else "placeholder",
                  "stop_text": "kept" if full else "preview"},
    }  # fmt: skip


def export_cases(events: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The labelled cases of `events`, and how many were left out for having no label (unclear)."""
    cases = [case for case in map(export_case, events) if case is not None]
    return cases, len(events) - len(cases)
