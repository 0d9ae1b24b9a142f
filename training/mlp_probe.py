"""A probe, not a model in use: does one hidden layer over the same features separate the pending files' early
stops from their legitimate ones better than the committed linear model? (round 24, training/README.md)

    python training/mlp_probe.py --hidden 64 --epochs 20

Trains sklearn's MLPClassifier on the whole corpus (generated + cases.jsonl, cases weighted as train.py
weighs them) and scores the pending files (never trained on), over the stops the guards leave, beside the
committed model (stopact_model.json): ROC AUC, and the early stops scored above all but k of a file's
legitimate ones (threshold-free, as training/pending.py prints them). It chooses no threshold and exports
nothing: a model the server could serve needs train.py's out-of-fold thresholds and an exporter.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.neural_network import MLPClassifier  # type: ignore[import-untyped]

from stopwarden.common.names import STOP_ACTS
from stopwarden.gate import stopact_model, stopacts

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from pending import separation
from train import CASE_WEIGHT, EARLY, N_PER_ACT, NEVER_CONTINUE, SEED, load_cases, matrix

HERE = Path(__file__).resolve().parent
KS = (0, 2, 4, 8, 16)


def separation_line(early: list[float], never: list[float], ks: tuple[int, ...] = KS) -> str:
    auc, shares = separation(early, never, ks)
    return f"AUC {auc:.4f} " + " ".join(f"k{k}:{share:.3f}" for k, share in shares.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--alpha", type=float, default=1e-4)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()

    start = time.time()
    corpus = generate(N_PER_ACT, SEED) + load_cases()
    x = matrix([ex.text for ex in corpus])
    used = np.unique(x.indices)  # a bucket no training example has adds nothing at scoring either
    y = np.array([STOP_ACTS.index(ex.act) for ex in corpus])
    weights = np.array([CASE_WEIGHT if "case" in ex.tags else 1.0 for ex in corpus])
    mlp = MLPClassifier(
        hidden_layer_sizes=(args.hidden,), alpha=args.alpha, max_iter=args.epochs, batch_size=256, random_state=SEED
    )
    mlp.fit(x[:, used].tocsr(), y, sample_weight=weights / weights.mean())
    print(f"fitted on {x.shape[0]} examples, {len(used)} buckets, in {time.time() - start:.0f} s")
    columns = [list(mlp.classes_).index(STOP_ACTS.index(act)) for act in EARLY]

    def probe(texts: list[str]) -> list[float]:
        return [float(s) for s in mlp.predict_proba(matrix(texts)[:, used].tocsr())[:, columns].sum(axis=1)]

    def linear(texts: list[str]) -> list[float]:
        return [stopact_model.score_of(stopact_model.probabilities(text)) for text in texts]

    totals: dict[str, list[list[float]]] = {"probe": [[], []], "linear": [[], []]}
    for path in sorted(HERE.glob("pending_*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        rows: list[dict[str, Any]] = [json.loads(line) for line in lines if line.strip()]
        judged = [r for r in rows if stopacts.guarded(r["text"]) is None and not stopacts.says_nothing_ahead(r["text"])]
        early = [r["text"] for r in judged if r["act"] in EARLY]
        never = [r["text"] for r in judged if r["act"] in NEVER_CONTINUE]
        line = []
        for name, score in (("probe", probe), ("linear", linear)):
            e, n = score(early), score(never)
            totals[name][0] += e
            totals[name][1] += n
            line.append(f"{name} {separation_line(e, n, (0, 2, 4))}")
        print(f"{path.stem:14} " + " | ".join(line))
    for name, (e, n) in totals.items():
        print(f"all {name:6} {separation_line(e, n)}")


if __name__ == "__main__":
    main()
