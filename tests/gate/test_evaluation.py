"""`stopwarden eval` through the CLI: the live gate (router first), both numbers, per-act tables, --json,
bad case files (SPEC §8, issue 19)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from stopwarden.common.names import STOP_ACTS
from stopwarden.gate import authorities, evaluation, rules
from stopwarden.gate.case import Case, Commit, Verdict

DATA = Path(__file__).parents[1] / "data"
CORPUS = DATA / "dev.jsonl"
FIRST_CONTACT = DATA / "first_contact.jsonl"


@pytest.fixture(autouse=True)
def outside_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # eval needs no project


def dev_case(case_id: str, **changes: Any) -> dict[str, Any]:
    """A case of the development corpus, changed."""
    for line in CORPUS.read_text().splitlines():
        row = json.loads(line)
        if row["id"] == case_id:
            return {**row, **changes}
    raise KeyError(case_id)


def write(tmp_path: Path, *rows: dict[str, Any]) -> str:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return str(path)


def score(out: str, name: str) -> str:
    return out.split(f"{name}:")[1].split()[0]


def test_dev_corpus_table(cli: Any) -> None:
    result = cli("eval", str(CORPUS))
    assert result.code == 0, result.err
    assert "block precision: 1.000" in result.out
    assert float(score(result.out, "live recall")) >= 0.9 and float(score(result.out, "eval recall")) >= 0.9
    assert "forwarded:       30 of 30" in result.out
    assert "false blocks:    0" in result.out
    assert "confusion (rows: expected, columns: live decision)" in result.out
    assert "per stop act" not in result.out  # the corpus names no acts


def test_jsonl_format(cli: Any) -> None:
    lines = cli("eval", str(CORPUS), "--format", "jsonl", "--authority", "rules").out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == len(CORPUS.read_text().splitlines())
    assert set(rows[0]) == {"id", "decision", "rule", "expected", "forwarded", "router", "gate_decision",
                            "gate_rule", "act", "judged_act", "language"}  # fmt: skip


def test_scores_by_the_final_acts_language(cli: Any, tmp_path: Path) -> None:
    """English as the classifier reads it, or not: live recall and false blocks for each."""
    english, spanish = dev_case("dev-c01"), dev_case("dev-c01")
    english["stop_text"] = "The parser is merged. I'll stop here to preserve context for the next session."
    spanish["stop_text"] = "El parser está integrado. Paro aquí para no agotar el contexto; sigo en una sesión nueva."
    english["expected"] = spanish["expected"] = {"decision": "continue"}
    spanish["id"] = "es-001"
    path = write(tmp_path, english, spanish)
    data = cli("eval", path, "--json").json()
    assert [r["language"] for r in data["results"]] == ["english", "other"]
    for name, lang in data["languages"].items():
        mine = [r for r in data["results"] if r["language"] == name]
        assert (lang["cases"], lang["continue_cases"]) == (1, 1), name
        assert lang["right_blocks"] == sum(r["decision"] == "continue" for r in mine), name
        assert lang["false_blocks"] == []
    assert data["languages"]["english"]["live_recall"] == 1.0
    table = cli("eval", path).out
    assert "by the final act's language" in table
    assert "english        1 cases   live recall 1.000 (1 of 1)   false blocks 0" in table


def test_a_stop_the_router_keeps_is_not_forwarded_not_a_completion(cli: Any, tmp_path: Path) -> None:
    """The router lets a stop after a block through unjudged: live it is `not_forwarded` (a miss when it
    should continue), while eval recall says what the server would have made of it."""
    kept = dev_case("dev-c01", id="kept", stop_hook_active=True)
    sent = dev_case("dev-c02", id="sent")
    path = write(tmp_path, kept, sent)
    result = cli("eval", path)
    assert result.code == 0, result.err
    row = next(line for line in result.out.splitlines() if line.startswith("kept "))
    assert row.split()[:3] == ["kept", "continue", "not_forwarded"]
    assert "router: stop_hook_active" in row and "the server would say continue U" in row and "<- wrong" in row
    assert "U_LEGIT_COMPLETION" not in result.out
    assert "forwarded:       1 of 2" in result.out
    assert score(result.out, "live recall") == "0.500" and score(result.out, "eval recall") == "1.000"
    assert score(result.out, "3-way accuracy") == "0.500"  # a stop let through is not the continue it needed
    data = cli("eval", path, "--json").json()
    assert data["confusion"]["continue"] == {"continue": 1, "allow": 0, "escalate": 0, "not_forwarded": 1}
    [first, _] = data["results"]
    assert first["decision"] == "not_forwarded" and first["rule"] is None and first["forwarded"] is False
    assert first["gate_decision"] == "continue" and first["router"].startswith("stop_hook_active")
    assert (data["forwarded"], data["live_recall"], data["eval_recall"]) == (1, 0.5, 1.0)
    # --no-router: every stop forwarded, the live numbers are the eval ones.
    every = cli("eval", path, "--no-router", "--json").json()
    assert every["forwarded"] == 2 and every["live_recall"] == 1.0
    assert every["results"][0]["decision"] == "continue"


def test_a_false_block_fails_the_run(cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path, dev_case("dev-c01", id="mislabelled", expected={"decision": "allow"}))
    result = cli("eval", path)
    assert result.code == 1 and "block precision: 0.000" in result.out
    assert "false blocks:    1 (mislabelled)" in result.out


def test_a_false_block_the_router_hides_still_fails_the_run(cli: Any, tmp_path: Path) -> None:
    row = dev_case("dev-c01", id="hidden", expected={"decision": "allow"}, stop_hook_active=True)
    data = cli("eval", write(tmp_path, row), "--json")
    assert data.code == 1
    body = data.json()
    assert body["false_blocks"] == [] and body["eval_false_blocks"] == ["hidden"]
    assert body["block_precision"] is None and body["eval_block_precision"] == 0.0


def test_no_blocks_and_no_cases_print_no_made_up_scores(cli: Any, tmp_path: Path) -> None:
    path = write(tmp_path, dev_case("dev-a01"), dev_case("dev-a02"))  # two legitimate stops, none blocked
    result = cli("eval", path)
    assert result.code == 0, result.err
    assert score(result.out, "block precision") == "n/a" and score(result.out, "live recall") == "n/a"
    assert score(result.out, "eval recall") == "n/a" and score(result.out, "3-way accuracy") == "1.000"
    data = cli("eval", path, "--json").json()
    assert data["block_precision"] is None and data["live_recall"] is None and data["accuracy"] == 1.0
    (tmp_path / "empty.jsonl").write_text("")
    empty = cli("eval", str(tmp_path / "empty.jsonl"))  # no stop: an error, not scores over nothing
    assert empty.code == 1 and empty.out == "" and "nothing to measure" in empty.err
    endless = cli("eval", "/dev/zero")  # read bounded (an operator review: it read forever)
    assert endless.code == 1 and "larger than 64 MiB" in endless.err


def test_per_act_table_and_json_on_the_first_contact_set(cli: Any) -> None:
    result = cli("eval", str(FIRST_CONTACT))
    assert "per stop act (rows: expected act, columns: live decision)" in result.out
    data = cli("eval", str(FIRST_CONTACT), "--json").json()
    assert list(data["acts"]) == list(STOP_ACTS)  # all ten, in the taxonomy's order
    assert sum(a["cases"] for a in data["acts"].values()) == data["cases"] == 67
    assert data["acts"]["next_step"]["cases"] == 15
    for act, counts in data["acts"].items():
        assert sum(counts["decisions"].values()) == counts["cases"], act
        assert sum(counts["judged"].values()) == counts["cases"], act
        row = next(line for line in result.out.splitlines() if line.startswith(act + " "))
        assert row.split()[1:3] == [str(counts["cases"]), str(counts["forwarded"])]
    assert data["correct"] == sum(a["right"] for a in data["acts"].values())
    assert {"cases", "forwarded", "live_recall", "eval_recall", "false_blocks", "block_precision", "accuracy",
            "confusion", "acts", "results", "authority"} <= set(data)  # fmt: skip


class ActAuthority:
    """The rules, saying which act they saw: a next step for stops that announce one, else completion."""

    name = "acts"
    in_process = True

    def judge(self, case: Case) -> Verdict:
        verdict = rules.judge(case)
        return replace(verdict, act="next_step" if "next" in case.stop_text.lower() else "completion")


def test_judged_acts_against_expected_ones(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(authorities.REGISTRY, "acts", lambda options, timeout: ActAuthority())
    rows = [
        dev_case("dev-c13", id="n1", expected={"decision": "continue", "act": "next_step"}),
        dev_case("dev-a04", id="c1", expected={"decision": "allow", "act": "completion"}),
        dev_case("dev-a13", id="c2", expected={"decision": "allow", "act": "completion"}),
        dev_case("dev-a01", id="q1", expected={"decision": "allow"}),  # no act said
    ]
    path = write(tmp_path, *rows)
    data = cli("eval", path, "--authority", "acts", "--json").json()
    judged = {r["id"]: r["judged_act"] for r in data["results"]}
    expected_judged = {r["id"]: "next_step" if "next" in r["stop_text"].lower() else "completion" for r in rows}
    assert judged == expected_judged
    assert list(data["acts"]) == ["completion", "next_step", ""]
    assert data["acts"]["next_step"]["judged"] == {"next_step": 1}
    table = cli("eval", path, "--authority", "acts").out
    assert "stop acts (rows: expected, columns: judged by the authority)" in table
    assert "(none)" in table  # the case without an act has a row of its own


GOOD = '{"id": "ok", "stop_text": "All done.", "expected": {"decision": "allow"}}\n'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "x"}\n', "cases.jsonl:1: stop_text is missing"),
        ('\n{"id": "x", "stop_text": "s", "expected": {"decision": "maybe"}}\n',
         "cases.jsonl:2: expected.decision 'maybe' is not one of continue, allow, escalate"),
        ('{"id": "x", "stop_text": "s", "expected": {"decision": "allow", "act": "nap"}}\n', "expected.act 'nap'"),
        ("not json\n", "cases.jsonl:1: not JSON (Expecting value at column 1)"),
        (GOOD + "[1, 2]\n", "cases.jsonl:2: a case is a JSON object, not [1, 2]"),
        (GOOD + '{"id": "x", "stop_text": "s", "expected": "allow"}\n', 'cases.jsonl:2: expected must be an object'),
        (GOOD + '{"id": "x", "stop_text": 5, "expected": {"decision": "allow"}}\n',
         "cases.jsonl:2: stop_text must be a string, not 5"),
        (GOOD + '{"id": "x", "stop_text": "s", "expected": {"decision": "allow"}, "artifacts": [{"path": 3}]}\n',
         "cases.jsonl:2: artifacts[0].path must be a string, not 3"),
        (GOOD + '{"id": "x", "stop_text": "s", "expected": {"decision": "allow"}, "recent_turns": "hi"}\n',
         'cases.jsonl:2: recent_turns must be a list, not "hi"'),
        (GOOD + '{"id": "x", "stop_text": "s", "expected": {"decision": "allow"}, '
         '"session_commits": [{"sha": "a", "time": "yesterday"}]}\n',
         'cases.jsonl:2: session_commits[0].time must be a number or an ISO 8601 time, not "yesterday"'),
        (GOOD + '{"id": "x", "stop_text": "s", "expected": {"decision": "allow"}, "session_start_ts": NaN}\n',
         "cases.jsonl:2: session_start_ts must be a number, not NaN"),
    ],
)  # fmt: skip
def test_a_bad_case_is_one_error_naming_its_line(cli: Any, tmp_path: Path, content: str, message: str) -> None:
    """Wrong types, missing fields, bad JSON: one line that names the file, the line and the field, a hint
    saying what a case holds, exit 1; never a Python error's name. With --json, the same as a document."""
    path = tmp_path / "cases.jsonl"
    path.write_text(content)
    result = cli("eval", str(path))
    first, hint = result.err.splitlines()
    assert result.code == 1 and first.startswith(f"stopwarden: error: {tmp_path}/cases.jsonl:"), result.err
    assert message in first
    assert hint.startswith("hint: each line is one JSON object") and "Error" not in result.err
    as_json = cli("eval", str(path), "--json")
    assert as_json.code == 1 and as_json.out == "" and message in json.loads(as_json.err)["error"]


def test_no_blocks_means_no_block_precision(cli: Any, tmp_path: Path) -> None:
    """Cases the gate lets through, every one: block precision is n/a (null in JSON), not 1.000."""
    path = tmp_path / "cases.jsonl"
    path.write_text(GOOD)
    table = cli("eval", str(path)).out
    assert "block precision: n/a   (0 of 0 blocks right" in table
    data = cli("eval", str(path), "--json").json()
    assert data["blocks"] == 0 and data["block_precision"] is None and data["eval_block_precision"] is None


def test_unknown_authority(cli: Any) -> None:
    result = cli("eval", str(CORPUS), "--authority", "oracle")
    assert result.code == 1 and "unknown authority 'oracle'" in result.err


def test_a_commit_time_is_epoch_seconds_or_iso_8601() -> None:
    """`gate export` writes a case's commit time in ISO 8601, as JSON carries every time; the hook's evidence
    and hand-written cases give epoch seconds. Both read the same."""
    epoch = Commit.from_json({"sha": "a", "time": 1796289123.5})
    assert Commit.from_json({"sha": "a", "time": "2026-12-03T09:12:03.500Z"}) == epoch
    assert Commit.from_json({"sha": "a", "time": "2026-12-03T10:12:03.5+01:00"}) == epoch
    case = {"id": "x", "stop_text": "s", "expected": {"decision": "allow"},
            "session_commits": [{"sha": "a", "time": "2026-12-03T09:12:03.500Z"}]}  # fmt: skip
    assert evaluation.case_problem(case) == ""


def test_an_authority_that_cannot_be_called_is_refused_before_any_stop(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without its key every stop would fail open: one clear error, as `gate authority` gives, not a scorecard
    of failures that exits 0 (an operator review)."""
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    result = cli("eval", str(CORPUS), "--authority", "anthropic")
    assert result.code == 1 and result.out == ""
    assert "the anthropic authority cannot be called from here: anthropic: ANTHROPIC_API_KEY is not set" in result.err


def test_an_authority_whose_sdk_is_missing_is_named_as_such(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # `import anthropic` now raises ImportError
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")  # the key is there: it is the SDK that is missing
    result = cli("eval", str(CORPUS), "--authority", "rules+anthropic")
    assert result.code == 1 and "rules+anthropic cannot be built" in result.err and "anthropic" in result.err
    assert "unknown authority" not in result.err
