"""A sanity check of the exported stop-act model on the project's evaluation sets — measuring only.

    python training/sanity.py

The sets under tests/data hold decisions, not acts: a `continue` expected is an early stop; an `allow` is a
legitimate stop only when the evidence for continuing was there (a plan older than the session and
progress in it), since
without it any text is allowed. So this counts, per set: the `continue` cases the model alone would block,
leave to the abstain band, or allow; and the legitimate `allow` cases it would block (false blocks). It
prints case ids, never texts, and nothing here feeds training: the model is never tuned on these sets.
The frozen sets (first, second and third contact) are not read at all.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from stopwarden.gate import stopact_model

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = ("dev", "extra", "holdout")  # never the frozen *_contact.jsonl sets: they are for first-contact measurement


def has_evidence(case: dict[str, Any]) -> bool:
    """Whether the evidence for continuing is there — a plan older than the session, and progress made in the
    session (the plan modified, or a commit) — so that an expected `allow` is about the text itself."""
    plans = [a for a in case.get("artifacts", []) if not a.get("createdThisSession", True)]
    progress = any(a.get("modifiedThisSession") for a in plans) or bool(case.get("session_commits"))
    return bool(plans) and progress


def main() -> None:
    print(f"CONTINUE_AT={stopact_model.CONTINUE_AT}  ALLOW_BELOW={stopact_model.ALLOW_BELOW}")
    for name in SETS:
        cases = [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text().splitlines() if line.strip()]
        bands: dict[str, Counter[str]] = {"continue": Counter(), "legit allow": Counter(), "other": Counter()}
        blocked: list[str] = []
        for case in cases:
            probs = stopact_model.probabilities(case["stop_text"])
            band = stopact_model.band(stopact_model.score_of(probs), stopact_model.named_early(probs))
            expected = case["expected"]["decision"]
            if expected == "continue":
                kind = "continue"
            elif expected == "allow" and has_evidence(case):
                kind = "legit allow"
                if band == "continue":
                    blocked.append(case["id"])
            else:
                kind = "other"
            bands[kind][band] += 1
        print(f"\n{name}: {len(cases)} cases")
        for kind, counter in bands.items():
            total = sum(counter.values())
            if total:
                shares = "  ".join(f"{b} {counter[b]}" for b in ("continue", "abstain", "allow"))
                print(f"  expected {kind:12} n={total:3d}  model: {shares}")
        print(f"  false blocks on legitimate allows: {len(blocked)} {blocked}")


if __name__ == "__main__":
    main()
