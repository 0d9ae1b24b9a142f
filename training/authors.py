"""How the stop-act model does on a new author: train without one author's hand-written cases, score them.

    python training/authors.py                      # the committed settings (train.CASE_WEIGHT, --c 20)
    python training/authors.py --weights 3,30 --c 20,50 --at 0.9,0.95

Out-of-fold scores (train.py) hold out a phrasing, but the rest of its author's cases stay in training, and
one writer's habits carry across phrasings. The stops the gate meets are written by other agents, in other
styles, so this holds out a whole author: each batch of training/cases.jsonl that another writer wrote
(ids `r4a-…`, `r4b-…`; the earlier cases are one author, `early`) is scored by a model trained on the
generated corpus and every other author's cases. It prints, per setting and held-out author, the ROC AUC
of early stops against stops that must not be continued (threshold-free), and the early stops caught and
the legitimate ones blocked at a few thresholds. The case weight of the committed model was chosen with it.

Only training data is read: the evaluation sets under tests/data are never opened here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed  # type: ignore[import-untyped]
from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]

from stopwarden.common.names import STOP_ACTS

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train
from generate import generate

THRESHOLDS = "0.8,0.9"
author = train.author


def held_out(
    x: Any, y: Any, authors: Any, acts: list[str], weight: float, c: float, held: str, at: list[float]
) -> dict[str, Any]:
    weights = np.where(authors == "gen", 1.0, weight)
    test_rows, probs = train.held_out(x, y, weights, c, authors, held)
    scores = train.early_score(probs)
    tested = [a for a, t in zip(acts, test_rows, strict=True) if t]
    early = np.array([a in train.EARLY for a in tested])
    never = np.array([a in train.NEVER_CONTINUE for a in tested])
    out: dict[str, Any] = {"weight": weight, "c": c, "held_out": held, "cases": len(tested)}
    out["auc"] = round(float(roc_auc_score(early[early | never], scores[early | never])), 4)
    out["accuracy"] = round(float((probs.argmax(axis=1) == y[test_rows]).mean()), 3)
    for threshold in at:
        out[f"caught@{threshold}"] = round(float((scores[early] >= threshold).mean()), 3)
        out[f"blocked@{threshold}"] = int((scores[never] >= threshold).sum())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default=str(train.CASE_WEIGHT), help="case weights to try, comma-separated")
    parser.add_argument("--c", default="20", help="regularisations to try, comma-separated")
    parser.add_argument("--at", default=THRESHOLDS, help="early-stop thresholds to report, comma-separated")
    args = parser.parse_args()
    corpus = generate(train.N_PER_ACT, train.SEED) + train.load_cases()
    acts = [ex.act for ex in corpus]
    x, _ = train.compact(train.matrix([ex.text for ex in corpus]))
    y = np.array([STOP_ACTS.index(a) for a in acts])
    authors = np.array([author(ex.group) for ex in corpus])
    batches = sorted(set(authors) - {"gen", "early"})
    settings = [(float(w), float(c)) for w in args.weights.split(",") for c in args.c.split(",")]
    at = [float(t) for t in args.at.split(",")]
    jobs = (delayed(held_out)(x, y, authors, acts, w, c, held, at) for w, c in settings for held in batches)
    for row in Parallel(n_jobs=-1)(jobs):
        print("  ".join(f"{k} {v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
