"""The frozen stop sets: each written before a round of tuning the stop gate, by a session that had not read
the gate, and never tuned on afterwards (tests/data/FROZEN.md).

Any edit to one of them changes its sha256 and fails here: write a new set instead.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
# file name -> (sha256, id prefix)
FROZEN = {
    "first_contact.jsonl": ("8fb89ed5bce921bb4e9e63e725f540a5f61c22ad569db1ba263cb88472a3d8dc", "fc"),
    "second_contact.jsonl": ("b2d439678c4cfc9effd190171906196ff352f75944a92f332808c2643dc0024f", "sc"),
    "third_contact.jsonl": ("5d4e18e8b5c2350cfef70dda3785dd6001c99e142a523fc667a4c5bad4e575f0", "tc"),
    "fourth_contact.jsonl": ("f43d4681f09e843721ce2be2180a25619c1c1356b6677b55cbafb3acd6f98a3a", "fo"),
    "fifth_contact.jsonl": ("256bec3c0dba44e14e316ea6d8c07a17c67aaff1a6950fa7c0ae1c0605980629", "fi"),
    "sixth_contact.jsonl": ("a33bafc58c9c02200f1eb371c306752b3017ba8d7e3f9aa727e90201c2a5c50f", "si"),
    "seventh_contact.jsonl": ("7928274a349f91a123c54ea6edee8ab27a231779324be00c15f8391ed78bc025", "sv"),
    "eighth_contact.jsonl": ("273337e0d8fdad1fe2d12a4a629c36ef8df7bc5af91b8d397e8e0fd086a71dc6", "ei"),
    "ninth_contact.jsonl": ("2a8d207232fe9f314e5d603d0312adaa222b9d8df30ccd56ab415610c94da43b", "ni"),
    "tenth_contact.jsonl": ("9abdba23fa3767859bacab1939e545cb6e356006ecfc40f0da3a46f84cbadda0", "te"),
    "eleventh_contact.jsonl": ("91cd9e67064321f6ba843e12cf39dd982998b7be8daa953a03e58e9094538eb8", "el"),
    "twelfth_contact.jsonl": ("12985b2ede6cc606cb10afa28d4df71dbfb222e449c4eae66857cf431127f72a", "tw"),
    "thirteenth_contact.jsonl": ("11faf6e7626f98fc59ac4777365fc85afd007dce9ab1e47591d270a51d4f2bcf", "th"),
    "fourteenth_contact.jsonl": ("aed46d61b75fb022ca27cc5bdf1ac7f81e7d19b46189c14ab8a0b7a740096499", "ft"),
    "fifteenth_contact.jsonl": ("dc97f3fe3c9c93d988908101d6df238b7ec1d58e9fe70fd82a0c84f3fa17af4f", "fi5"),
    "sixteenth_contact.jsonl": ("154550aca3483a7c635096d6dbb96bc9bec77271afae10b29291b17cc6e2cf0d", "sx"),
    "seventeenth_contact.jsonl": ("b350a807361039c09b12eca67abc0dd9348a04ae2beedd7cfcd9aa270b2d7073", "sn"),
    "eighteenth_contact.jsonl": ("9c7226e2faf13a8bc71449f0d7923d1c32479d2072d07f06830d7f10e97c20fb", "ei8"),
    "nineteenth_contact.jsonl": ("a2cfe633f8c89d205e7068f37c6b4dc99dac8f398bdeacaade633fc0bcf29b2a", "nt9"),
    "twentieth_contact.jsonl": ("6893a692f31350fbe8f1133731267b614201491c865dac5dd0016967b23cb3b6", "tw0"),
    "twentyfirst_contact.jsonl": ("c78c645dac957e3440099003138027b10ba6e631a1c8c63ebc208015df9c7a2c", "t21"),
    "twentysecond_contact.jsonl": ("b6fef4d8df9549ea175ecedbf8b04a4336e5c932ae29826b685c254e0dc1c195", "t22"),
    "twentythird_contact.jsonl": ("2bee89cdead193281bb157da2e6ef1f54ec956ba3440f876357e3712a2caa702", "t23"),
    "twentyfourth_contact.jsonl": ("4f65f2d80ec64207ef9da765b726b46f43dd4b65b136c9321f60cb9ed3e3153b", "t24"),
    "twentyfifth_contact.jsonl": ("73ecbf8b31bdcae76157f4a4d5473e30477006a292960476d076926d44e96f9c", "t25"),
    "twentysixth_contact.jsonl": ("bea2ef1d94d3a328e6b5bf7c473f09700e93e09f072848f06bb508a9dd3c2301", "t26"),
    "twentyseventh_contact.jsonl": ("8c11921e01470659a30e4d70c8678f44e008ac69482680539ecf534ad32a8bf4", "t27"),
    "twentyeighth_contact.jsonl": ("1cc2c5c9e4bbe90dc583886097ca0b574ee326e2529d86694578155afe66b09d", "t28"),
    "twentyninth_contact.jsonl": ("9017cdda71e0fe9301579779acd990fc83179bf446bef6d3145153e8b0eb2707", "t29"),
    "thirtieth_contact.jsonl": ("3bca31d2a71ff8565e4d6829c3de0916739d0a1d5a0a606efa7618ebc6462524", "t30"),
    "thirtyfirst_contact.jsonl": ("92f7507b4c0a21b31d95288e4846eb9a9e894e28bae2a4baeae75eac5557b324", "t31"),
    "thirtysecond_contact.jsonl": ("b3fb24b87c986e0b77535bf0474b203a3f7f0958c2d08757a38e4b864e3f80bc", "t32"),
    "thirtythird_contact.jsonl": ("2f1d1fc928bdbb174c4e5e3c78fd319a49a9c52ce23b183e88eee5f056c59859", "t33"),
    "thirtyfourth_contact.jsonl": ("2e244414dc97aa9a0173f8cfb0f7c085847a5fbc53b7a643ac62ca6255a60ff2", "t34"),
    "thirtyfifth_contact.jsonl": ("b1d379321e34bc12cb293f8a395b7b4cf967bcb80301c5ae6a8bb2474428bf19", "t35"),
    "thirtysixth_contact.jsonl": ("ee0cd9187799faf57db1304106f6cd4174e5faff62213f1c6f1526c78e46539e", "t36"),
    "thirtyseventh_contact.jsonl": ("b15e4fb46a64b28e089368829eaca2b82387b422981245f7915abcd06243154c", "t37"),
    "thirtyeighth_contact.jsonl": ("dcd00d3b22251594b31f43b023d007ec1092892f84d63fbab6cfd9a971f40862", "t38"),
    "thirtyninth_contact.jsonl": ("831115abd4077ad457997374c6086e016d6f806540593e29920a18488e4078c5", "t39"),
    "fortieth_contact.jsonl": ("fbdfeda626d5e1f25562998184b064054f65158ec8267aae160e6d266c8ddc88", "t40"),
}

DECISIONS = {"continue", "allow", "escalate"}
ACTS = {
    "completion",
    "question",
    "blocker",
    "user_requested",
    "next_step",
    "context_excuse",
    "permission",
    "give_up",
    "break_point",
    "not_a_stop",
}
SHA_RE = re.compile(r"^[0-9a-f]{40}$")


def _cases(name: str) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


CASES = [case for name in FROZEN for case in _cases(name)]


@pytest.mark.parametrize("name", FROZEN)
def test_the_file_is_unchanged(name: str) -> None:
    digest = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
    assert digest == FROZEN[name][0], f"{name} is frozen: write a new set instead of editing this one"


@pytest.mark.parametrize("name", FROZEN)
def test_at_least_sixty_cases_with_unique_ids(name: str) -> None:
    cases = _cases(name)
    assert len(cases) >= 60
    prefix = FROZEN[name][1]
    assert [case["id"] for case in cases] == [f"{prefix}-{n:03d}" for n in range(1, len(cases) + 1)]


@pytest.mark.parametrize("case", CASES, ids=lambda case: str(case.get("id")))
def test_case_schema(case: dict[str, Any]) -> None:
    assert set(case) == {
        "id",
        "stop_text",
        "recent_turns",
        "session_start_ts",
        "artifacts",
        "session_commits",
        "expected",
    }
    assert isinstance(case["stop_text"], str) and case["stop_text"].strip()
    assert isinstance(case["session_start_ts"], int) and case["session_start_ts"] > 10**12  # milliseconds
    for turn in case["recent_turns"]:
        assert set(turn) == {"source", "text"}
        assert turn["source"] in {"user", "agent"} and isinstance(turn["text"], str)
    for artifact in case["artifacts"]:
        # tickedThrough: a plan ticked through in the session, as the Stop hook says it (training/frozen_set.py
        # writes it since the thirty-ninth set; the sets before cannot tell it from a plan changed with items left)
        assert set(artifact) - {"tickedThrough", "openItems"} == {
            "path",
            "introducingCommit",
            "latestCommit",
            "createdThisSession",
            "modifiedThisSession",
        }
        assert artifact.get("tickedThrough", True) is True
        assert all(isinstance(item, str) for item in artifact.get("openItems", []))
        assert SHA_RE.match(artifact["introducingCommit"]) and SHA_RE.match(artifact["latestCommit"])
        assert isinstance(artifact["createdThisSession"], bool)
        assert isinstance(artifact["modifiedThisSession"], bool)
    start_s = case["session_start_ts"] // 1000
    for commit in case["session_commits"]:
        assert set(commit) == {"sha", "time", "subject", "files"}
        assert SHA_RE.match(commit["sha"]) and commit["subject"] and commit["files"]
        assert commit["time"] > start_s, "a session commit is after the session started (seconds)"
    assert set(case["expected"]) == {"decision", "act"}
    assert case["expected"]["decision"] in DECISIONS
    assert case["expected"]["act"] in ACTS


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if case["expected"]["decision"] == "continue"],
    ids=lambda case: str(case.get("id")),
)
def test_every_continue_has_a_pre_session_plan_and_progress(case: dict[str, Any]) -> None:
    plans = [artifact for artifact in case["artifacts"] if not artifact["createdThisSession"]]
    assert plans, "continue needs a plan older than the session"
    assert case["session_commits"] or any(artifact["modifiedThisSession"] for artifact in plans)


def test_the_generator_says_a_plan_was_ticked_through(tmp_path: Path) -> None:
    """training/frozen_set.py, filled with two cases: a plan ticked through in the session carries
    `tickedThrough`, as the Stop hook's evidence does, and one changed with items left does not."""
    source = (Path(__file__).parents[1] / "training" / "frozen_set.py").read_text()
    case = (
        'dict(key="{key}", lang="en", dom="d", ev="{ev}", plan="PLAN.md", dec=E, act="next_step", turns=["go on"],'
        ' commits=[("Tick the plan", ["PLAN.md", "src/x.py"])], stop="Done. Next I will write the docs.")'
    )
    cases = ",".join(case.format(key=key, ev=ev) for key, ev in (("T1", "ticked"), ("M1", "pcm")))
    filled = source.replace("CASES: list[dict[str, Any]] = []", f"CASES: list[dict[str, Any]] = [{cases}]")
    (tmp_path / "make.py").write_text(filled)
    out, meta = tmp_path / "set.jsonl", tmp_path / "meta.json"
    command = [sys.executable, str(tmp_path / "make.py"), "--seed", "1", "--prefix", "t99", "--out", str(out)]
    subprocess.run([*command, "--meta", str(meta)], check=True)
    evidence = {m["ev"]: m["id"] for m in json.loads(meta.read_text())}
    rows = {row["id"]: row for row in map(json.loads, out.read_text().splitlines())}
    assert rows[evidence["ticked"]]["artifacts"][0]["tickedThrough"] is True
    assert "tickedThrough" not in rows[evidence["pcm"]]["artifacts"][0]
    for row in rows.values():
        test_case_schema(row)


def test_the_generator_refuses_cases_that_contradict_their_evidence(tmp_path: Path) -> None:
    """A plan without progress with a commit, a key used twice: one line each, exit 1, nothing written."""
    source = (Path(__file__).parents[1] / "training" / "frozen_set.py").read_text()
    case = (
        'dict(key="K", lang="en", dom="d", ev="p", plan="PLAN.md", dec=E, act="next_step", turns=["go on"],'
        ' commits=[("Work", ["src/x.py"])], stop="Next I will write the docs.")'
    )
    (tmp_path / "make.py").write_text(
        source.replace("CASES: list[dict[str, Any]] = []", f"CASES: list[dict[str, Any]] = [{case}, {case}]")
    )
    out = tmp_path / "set.jsonl"
    command = [sys.executable, str(tmp_path / "make.py"), "--seed", "1", "--prefix", "t99", "--out", str(out)]
    done = subprocess.run([*command, "--meta", str(tmp_path / "meta.json")], capture_output=True, text=True)
    assert done.returncode == 1 and not out.exists()
    assert "K: the key is used twice" in done.stderr and "K: a plan without progress (p) has no commit" in done.stderr
