"""The generator a helper fills in to write a frozen set of stops (tests/data/FROZEN.md says how sets are written).

    cp training/frozen_set.py /tmp/tNN_make.py      # the helper fills CASES in its copy, keeps the rest
    python /tmp/tNN_make.py --seed 3939 --prefix t39 --out tests/data/thirtyninth_contact.jsonl --meta /tmp/t39.json

The RNG (the seed) draws only the id order, shas, session start times and commit times. Evidence kinds (`ev`):
  pc      plan older than the session, a commit in the session
  pcm     plan older than the session, changed by a session commit (an item ticked, not all); the plan's
          path must be among that commit's files
  p       plan older than the session, no progress (no commit in the session: commits=[])
  none    no plan, a commit in the session
  created plan written in the session (committed in it; its path among the first commit's files)
  ticked  plan older than the session, ticked through by a session commit (its path among the files); the
          artifact says so with `tickedThrough`, as the Stop hook's evidence does (until the thirty-eighth set
          the generator left it out, so those sets cannot tell `ticked` from `pcm`: FROZEN.md)
Each case: dict(key="A1", lang="en", dom="...", ev="pc", plan="docs/PLAN.md", dec=C|A|E, act="next_step",
               turns=["the user's last turn"], commits=[("subject", ["file", ...])], stop="the stop text")
and may carry a `sty` note of its style, which is not written, and `open=["an unchecked item", ...]`: the plan's
unchecked items as the hook reads them from the working tree (`openItems`), for a plan with items left.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

C, A, E = "continue", "allow", "escalate"

CASES: list[dict[str, Any]] = []


def problems(cases: list[dict[str, Any]]) -> list[str]:
    """What makes the cases contradict their evidence kinds (the docstring's rules), one line each."""
    found = [] if cases else ["CASES is empty"]
    keys = [case["key"] for case in cases]
    found += [f"{key}: the key is used twice" for key in sorted({k for k in keys if keys.count(k) > 1})]
    for case in cases:
        ev, key = case["ev"], case["key"]
        if ev == "p" and case["commits"]:
            found.append(f"{key}: a plan without progress (p) has no commit in the session")
        if ev != "p" and not case["commits"]:
            found.append(f"{key}: evidence {ev!r} needs a commit in the session")
        if ev != "none" and not case.get("plan"):
            found.append(f"{key}: evidence {ev!r} needs the plan's path")
        if case.get("open") and ev not in ("pc", "pcm", "p", "created"):
            found.append(f"{key}: open items on a plan that is {'ticked through' if ev == 'ticked' else 'absent'}")
    return found


def artifacts(case: dict[str, Any], commits: list[dict[str, Any]], old: str) -> list[dict[str, Any]]:
    """The plan's artifact for the case's evidence kind, as the Stop hook reports it."""
    ev, plan = case["ev"], case.get("plan", "")
    if ev == "none":
        return []
    return [{**artifact, "openItems": list(case["open"])} if case.get("open") else artifact
            for artifact in _artifact(case, commits, old, ev, plan)]  # fmt: skip


def _artifact(
    case: dict[str, Any], commits: list[dict[str, Any]], old: str, ev: str, plan: str
) -> list[dict[str, Any]]:
    """The plan's artifact for an evidence kind with a plan, before its open items are added."""
    if ev in ("pc", "p"):
        return [dict(path=plan, introducingCommit=old, latestCommit=old, createdThisSession=False,
                     modifiedThisSession=False)]  # fmt: skip
    touching = [commit for commit in commits if plan in commit["files"]]
    assert touching, f"{case['key']}: the plan's path must be among a session commit's files"
    if ev == "created":
        return [dict(path=plan, introducingCommit=touching[0]["sha"], latestCommit=touching[-1]["sha"],
                     createdThisSession=True, modifiedThisSession=True)]  # fmt: skip
    if ev in ("pcm", "ticked"):
        artifact = dict(path=plan, introducingCommit=old, latestCommit=touching[-1]["sha"],
                        createdThisSession=False, modifiedThisSession=True)  # fmt: skip
        return [{**artifact, "tickedThrough": True} if ev == "ticked" else artifact]
    raise ValueError(f"{case['key']}: unknown evidence kind {ev!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--prefix", required=True, help="the ids' prefix, t39")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--meta", type=Path, required=True, help="where each case's key, id, evidence and label go")
    args = parser.parse_args()
    found = problems(CASES)
    if found:
        parser.exit(1, "".join(f"{problem}\n" for problem in found))
    rng = random.Random(args.seed)
    order = list(range(len(CASES)))
    rng.shuffle(order)

    def sha() -> str:
        return "".join(rng.choice("0123456789abcdef") for _ in range(40))

    lines, index = [], {}
    for n, position in enumerate(order, start=1):
        case = CASES[position]
        index[case["key"]] = f"{args.prefix}-{n:03d}"
        start_ms = rng.randint(1_867_000_000_000, 1_899_000_000_000)
        when = start_ms // 1000
        commits = []
        for subject, files in case["commits"]:
            when += rng.randint(300, 3600)
            commits.append({"sha": sha(), "time": when, "subject": subject, "files": files})
        row = {
            "id": index[case["key"]],
            "stop_text": case["stop"],
            "recent_turns": [{"source": "user", "text": turn} for turn in case["turns"]],
            "session_start_ts": start_ms,
            "artifacts": artifacts(case, commits, sha()),
            "session_commits": commits,
            "expected": {"decision": case["dec"], "act": case["act"]},
        }
        lines.append(json.dumps(row, ensure_ascii=False))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta = [dict(key=c["key"], id=index[c["key"]], lang=c["lang"], dom=c["dom"], ev=c["ev"], dec=c["dec"],
                 act=c["act"], n=len(c["stop"])) for c in CASES]  # fmt: skip
    args.meta.write_text(json.dumps(meta, ensure_ascii=False, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
