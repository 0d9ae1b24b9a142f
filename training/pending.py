"""How an exported stop-act model does on the pending cases: the validation set of a change to the model.

    python training/train.py --c 20 --out /tmp/candidate.json && python training/pending.py /tmp/candidate.json
    python training/pending.py                       # the committed model

The pending cases (`pending_*.jsonl`) are hand-written stops by authors the model never trained on. A
change to the features or the corpus is judged here, before any frozen set is looked at: per file, together
and by the final act's language (English or another), over the stops the guards leave to the model (as
train.py's thresholds are), it prints the ROC AUC of early stops against the stops that must not be
continued (threshold-free), the early stops the server continues (the model's own thresholds, the next-step
form's lowered bar included) and the legitimate ones it continues, and the early stops caught above all but
0, 2 and 4 of the legitimate ones (what a threshold could buy). Then, for the legitimate stops cold reviews
wrote to look early (REVIEWS, one file a review), how many the server continues; for the reviews that wrote
early stops too (MIXED_REVIEWS), how many of those the rules block. The serving code scores; which acts
count as early and which must never be continued are train.py's.

These cases are a validation set now; never report them as unseen.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]

from stopwarden.gate import rules, stopact_model, stopacts
from stopwarden.gate.case import Artifact, Case, Commit, Turn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train import EARLY, NEVER_CONTINUE

HERE = Path(__file__).resolve().parent


def measure(name: str, rows: list[dict[str, str]], continue_at: float) -> None:
    judged = [row for row in rows if stopacts.guarded(row["text"]) is None]

    def score(row: dict[str, str]) -> tuple[float, bool]:  # the score, and whether the server continues the stop
        if stopacts.says_nothing_ahead(row["text"]):  # never continued, whatever the model says
            return 0.0, False
        value = stopact_model.score_of(stopact_model.probabilities(row["text"]))
        # What the server names the stop (the next-step form's lowered bar included): no guard settled it.
        return value, continued_by_server(row)

    early_rows = [score(r) for r in judged if r["act"] in EARLY]
    never_rows = [score(r) for r in judged if r["act"] in NEVER_CONTINUE]
    early = sorted((s for s, _ in early_rows), reverse=True)
    never = sorted((s for s, _ in never_rows), reverse=True)
    if not early or not never:
        return
    caught = sum(c for _, c in early_rows) / len(early)  # each at the threshold of the act the model names
    above = sum(c for _, c in never_rows)
    auc, shares = separation(early, never, (0, 2, 4))
    spare = "  ".join(f"above all but {k}: {share:.3f}" for k, share in shares.items())
    print(
        f"{name:16} early {len(early):3d} not {len(never):3d}  AUC {auc:.4f}  "
        f"caught {caught:.3f} with {above} above {continue_at}  {spare}"
    )


def _rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def separation(early: Sequence[float], never: Sequence[float], ks: Sequence[int]) -> tuple[float, dict[int, float]]:
    """The ROC AUC of early stops' scores against those of the stops not to continue (ties count half), and for
    each k the share of early stops above all but k of the latter: what a threshold at the (k+1)-th highest of
    them would catch."""
    ranked = sorted(never, reverse=True)
    auc = float(roc_auc_score([1] * len(early) + [0] * len(never), [*early, *never]))
    return auc, {k: sum(s > ranked[k] for s in early) / len(early) for k in ks if k < len(ranked)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?", type=Path, default=stopact_model.MODEL_PATH)
    args = parser.parse_args()
    data = json.loads(args.model.read_text(encoding="utf-8"))
    stopact_model._model = stopact_model._Model(data)
    continue_at = stopact_model.CONTINUE_AT
    print(f"{args.model}: CONTINUE_AT {continue_at}  ALLOW_BELOW {stopact_model.ALLOW_BELOW}")
    every: list[dict[str, str]] = []
    for path in sorted(HERE.glob("pending_*.jsonl")):
        rows = _rows(path)
        every += rows
        measure(path.stem, rows, continue_at)
    measure("all", every, continue_at)
    # ... and by the final act's language: outside English the gate catches far less (round 39).
    other = [stopact_model.in_other_language(stopact_model.final_act(row["text"])) for row in every]
    measure("all, English", [row for row, o in zip(every, other, strict=True) if not o], continue_at)
    measure("all, other", [row for row, o in zip(every, other, strict=True) if o], continue_at)
    for path in (*REVIEWS, *MIXED_REVIEWS):
        rows = _rows(path)
        mixed = path in MIXED_REVIEWS  # a row's act is its label only there
        early = [row for row in rows if mixed and row["act"] in EARLY]
        legitimate = [row for row in rows if not (mixed and row["act"] in EARLY)]
        continued = sum(continued_by_server(row) for row in legitimate)
        blocked = sum(blocked_with_a_plan(row) for row in legitimate)
        line = f"{path.stem:18} legitimate {len(legitimate):3d}  named early {continued:3d}  "
        line += f"blocked with a plan {blocked:3d}"
        if early:
            caught = sum(blocked_with_a_plan(row) for row in early)
            line += f"  (early {len(early):3d}, blocked with a plan {caught:3d})"
        print(line)


# Legitimate stops cold reviewers wrote to make a form of words or a rule fire (training/README.md): no pending
# author's, and not stops as agents write them, but where the model's own false blocks would come from.
REVIEWS = tuple(
    HERE / f"{name}_review.jsonl"
    for name in (
        "guard",
        "narration",
        "break_point",
        "permission",
        "context",
        "proposal",
        "remain",
        "context_form",
        "still",
        "next_elsewhere",
        "own_next",
        "progressive",
        "passive",
    )
)


# Reviews that wrote early stops beside their legitimate ones (rounds 33, 34 and 36): there a row's act is its
# label. The older reviews label some legitimate rows with an early act (the act the form would read), so theirs
# is not.
MIXED_REVIEWS = tuple(
    HERE / name
    for name in (
        "own_words_review.jsonl",
        "context_full_review.jsonl",
        "telling_review.jsonl",
        "telling_review2.jsonl",
        "still_to_do_review.jsonl",
        "still_to_do_review2.jsonl",
        "still_to_do_review3.jsonl",
        "still_to_do_review4.jsonl",
        "own_next_review2.jsonl",
        "own_next_review3.jsonl",
        "stated_floor_review.jsonl",
        "everyday_review.jsonl",
        "plans_unit_review.jsonl",
        "plan_step_review5.jsonl",
        "next_is_review.jsonl",
        "rest_review.jsonl",
        "more_forms_review.jsonl",
    )
)


def blocked_with_a_plan(row: dict[str, str]) -> bool:
    """Whether the rules authority would block this stop in a session with a plan older than it and a
    commit made in it: the act and what the rules ask of it (a permission question names its work, a
    break point says what remains)."""
    turns = (Turn("user", row["user"]),) if row.get("user") else ()
    plan = Artifact("PLAN.md", "a" * 40, "a" * 40, created_this_session=False, modified_this_session=False)
    commit = Commit("b" * 40, 1.0, "work", ("src/x.py",))
    case = Case(stop_text=row["text"], recent_turns=turns, artifacts=(plan,), session_commits=(commit,))
    return rules.judge(case).decision == "continue"


def continued_by_server(row: dict[str, str]) -> bool:
    """Whether the server would continue this stop (with a plan and progress): its act is an early one."""
    turns = (Turn("user", row["user"]),) if row.get("user") else ()
    return stopacts.classify(Case(stop_text=row["text"], recent_turns=turns)).name in EARLY


if __name__ == "__main__":
    main()
