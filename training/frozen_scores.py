"""The frozen sets' scores as the README and the operator guide state them, from `stopwarden eval`'s own code.

    python training/frozen_scores.py            # a line a set, then the totals
    python training/frozen_scores.py --json

Measuring only: every set is run through the router and the `rules` authority, as `stopwarden eval` runs
it, and only aggregate numbers are printed (no stop text). Never change the gate because of what this prints
for one set: the sets were written before each round of tuning and are never tuned on (tests/data/FROZEN.md).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Final

from stopwarden.gate import evaluation

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
BAR = 0.6  # issue 19's target for live recall on every set


def frozen_sets() -> list[Path]:
    """The frozen stop sets (not the frozen user-turn set), in the order FROZEN.md describes them."""
    headings = [line[2:].split(" ", 1)[0] for line in (DATA / "FROZEN.md").read_text().splitlines()
                if line.startswith("# ") and line.endswith("— frozen")]  # fmt: skip
    return [DATA / name for name in headings if name != "user_turns_contact.jsonl"]


# The sets' generator gave a plan ticked through in the session the same artifact as a plan a session commit
# changed with items left: it wrote no `tickedThrough`, which the Stop hook sends (hooks/evidence.py) and on which
# the rules escalate an early-stop act (rules._finished_plan). The sets stay as written; their sections name those
# cases ("a plan ticked through in the session 4 (t35-019, …)"), so a false block among them is reported apart.
_CASE_ID: Final = r"t(?:w\d|\d+)-\d{3}"  # "t35-019", and the twentieth set's "tw0-022"
_TICKED: Final = re.compile(rf"ticked through in the session(?: \d+)?\s*\(?({_CASE_ID}(?:,? (?:and )?{_CASE_ID})*)")


def ticked_through() -> set[str]:
    """The ids of the cases whose plan their set's section says was ticked through in the session."""
    flat = re.sub(r"\s+", " ", (DATA / "FROZEN.md").read_text())
    return {case for found in _TICKED.finditer(flat) for case in re.findall(_CASE_ID, found[1])}


def scores() -> dict[str, Any]:
    """Per set: its live recall and false blocks; over all: early stops blocked by language and by act."""
    rows = []
    early: Counter[tuple[str, str]] = Counter()  # (language, act) -> expected continue
    caught: Counter[tuple[str, str]] = Counter()
    false_blocks = stops = ticked_blocks = 0
    ticked = ticked_through()
    for path in frozen_sets():
        results = evaluation.run(str(path), "rules", {}, 30.0)
        found = evaluation.summary(results)
        recorded = {row["id"] for row in map(json.loads, path.read_text().splitlines())
                    if any(artifact.get("tickedThrough") for artifact in row["artifacts"])}  # fmt: skip
        ticked_blocks += sum(1 for result in results if result.id in ticked - recorded
                             and result.decision == "continue" and result.expected != "continue")  # fmt: skip
        rows.append({"set": path.name, "live_recall": found["live_recall"], "false_blocks": len(found["false_blocks"])})
        false_blocks += len(found["false_blocks"])
        stops += len(results)
        for result in results:
            if result.expected == "continue":
                early[(result.language, result.act)] += 1
                caught[(result.language, result.act)] += result.decision == "continue"
    by_language = {
        language: {"blocked": sum(caught[k] for k in early if k[0] == language),
                   "early": sum(early[k] for k in early if k[0] == language)}
        for language in evaluation.LANGUAGES
    }  # fmt: skip
    by_act = {f"{lang} {act}": {"blocked": caught[(lang, act)], "early": n} for (lang, act), n in early.items()}
    return {
        "sets": rows,
        "at_or_above_bar": sum(1 for r in rows if (r["live_recall"] or 0) >= BAR),
        "blocked": sum(caught.values()),
        "early": sum(early.values()),
        "by_language": by_language,
        "by_act": dict(sorted(by_act.items())),
        "false_blocks": false_blocks,
        "false_blocks_of_ticked_plans": ticked_blocks,
        "stops": stops,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    found = scores()
    if parser.parse_args().json:
        print(json.dumps(found, indent=2))
        return
    for row in found["sets"]:
        print(f"{row['set']:32} live recall {row['live_recall']:.2f}  false blocks {row['false_blocks']}")
    print(f"sets at {BAR} or above: {found['at_or_above_bar']} of {len(found['sets'])}")
    print(f"early stops blocked: {found['blocked']} of {found['early']}")
    for language, n in found["by_language"].items():
        print(f"  {language}: {n['blocked']} of {n['early']}")
    for name, n in found["by_act"].items():
        print(f"  {name}: {n['blocked']} of {n['early']}")
    print(f"legitimate stops blocked: {found['false_blocks']}, in {found['stops']} stops")
    ticked = found["false_blocks_of_ticked_plans"]
    print(f"  of them, plans ticked through in the session that the cases do not carry: {ticked}")


if __name__ == "__main__":
    main()
