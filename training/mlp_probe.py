"""A probe, not a model in use: does one hidden layer over the same features separate the pending files' early
stops from their legitimate ones better than the committed linear model? (round 24, training/README.md)

    python training/mlp_probe.py --hidden 64 --epochs 20

Trains sklearn's MLPClassifier on the whole corpus (generated + cases.jsonl, cases weighted as train.py
weighs them) and scores the pending files (never trained on), over the stops the guards leave, beside the
committed model (stopact_model.json): ROC AUC, and the early stops scored above all but k of a file's
legitimate ones (threshold-free, as training/pending.py prints them). It exports nothing: a model the server
could serve needs train.py's out-of-author margin and an exporter.

    python training/mlp_probe.py --hidden 64 --epochs 20 --oof

With `--oof` it also fits on train.py's five folds (whole phrasings held out) and prints the bar each
threshold rule sets from those out-of-fold scores (1 in 500 of the stops not to continue, over all
examples, the hand-written cases only, or all but the generated hard negatives), and what each bar blocks
on the pending files and the cold reviews' legitimate stops (round 25, training/README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedGroupKFold  # type: ignore[import-untyped]
from sklearn.neural_network import MLPClassifier  # type: ignore[import-untyped]

from stopwarden.common.names import LEGIT_ACTS, STOP_ACTS
from stopwarden.gate import stopact_model, stopacts

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from pending import REVIEWS, separation
from train import CASE_WEIGHT, EARLY, FALSE_BLOCK_BUDGET, FOLDS, N_PER_ACT, NEVER_CONTINUE, SEED, load_cases, matrix

HERE = Path(__file__).resolve().parent
KS = (0, 2, 4, 8, 16)


def separation_line(early: list[float], never: list[float], ks: tuple[int, ...] = KS) -> str:
    auc, shares = separation(early, never, ks)
    return f"AUC {auc:.4f} " + " ".join(f"k{k}:{share:.3f}" for k, share in shares.items())


def _rows(paths: Any) -> list[dict[str, Any]]:
    return [
        json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _left(text: str) -> bool:
    """Whether the model judges the stop: no guard settles it, and it says something of work ahead."""
    return stopacts.guarded(text) is None and not stopacts.says_nothing_ahead(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--alpha", type=float, default=1e-4)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--oof", action="store_true", help="also fit train.py's folds and compare threshold rules")
    args = parser.parse_args()

    start = time.time()
    corpus = generate(N_PER_ACT, SEED) + load_cases()
    x = matrix([ex.text for ex in corpus])
    used = np.unique(x.indices)  # a bucket no training example has adds nothing at scoring either
    y = np.array([STOP_ACTS.index(ex.act) for ex in corpus])
    weights = np.array([CASE_WEIGHT if "case" in ex.tags else 1.0 for ex in corpus])
    x = x[:, used].tocsr()

    def fit(rows: Any) -> Any:
        mlp = MLPClassifier(
            hidden_layer_sizes=(args.hidden,), alpha=args.alpha, max_iter=args.epochs, batch_size=256, random_state=SEED
        )
        return mlp.fit(x[rows], y[rows], sample_weight=weights[rows] / weights.mean())

    mlp = fit(np.arange(x.shape[0]))
    print(f"fitted on {x.shape[0]} examples, {len(used)} buckets, in {time.time() - start:.0f} s")
    columns = [list(mlp.classes_).index(STOP_ACTS.index(act)) for act in EARLY]

    def probe(texts: list[str]) -> list[float]:
        return [float(s) for s in mlp.predict_proba(matrix(texts)[:, used].tocsr())[:, columns].sum(axis=1)]

    def linear(texts: list[str]) -> list[float]:
        return [stopact_model.score_of(stopact_model.probabilities(text)) for text in texts]

    totals: dict[str, list[list[float]]] = {"probe": [[], []], "linear": [[], []]}
    for path in sorted(HERE.glob("pending_*.jsonl")):
        judged = [r for r in _rows([path]) if _left(r["text"])]
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
    if args.oof:
        bars(corpus, x, y, fit, probe, totals["probe"])


def bars(corpus: list[Any], x: Any, y: Any, fit: Any, probe: Any, pending: list[list[float]]) -> None:
    """The bar each threshold rule sets from out-of-fold scores on train.py's folds, and what it blocks."""
    early_cols = [STOP_ACTS.index(act) for act in EARLY]
    oof = np.zeros(x.shape[0])
    folds = list(
        StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(x, y, [ex.group for ex in corpus])
    )
    models = Parallel(n_jobs=-1)(delayed(fit)(train_rows) for train_rows, _ in folds)
    for model, (_, test_rows) in zip(models, folds, strict=True):
        probs = np.zeros((len(test_rows), len(STOP_ACTS)))
        probs[:, model.classes_] = model.predict_proba(x[test_rows])
        oof[test_rows] = probs[:, early_cols].sum(axis=1)
    left = np.array([_left(ex.text) for ex in corpus])
    never = np.array([ex.act in NEVER_CONTINUE for ex in corpus]) & left
    legit = np.array([ex.act in LEGIT_ACTS for ex in corpus]) & left
    case = np.array(["case" in ex.tags for ex in corpus])
    hard = np.array(["hard" in ex.tags for ex in corpus])
    reviews = [r["text"] for r in _rows(REVIEWS) if r.get("act") not in EARLY and _left(r["text"])]
    on_reviews = np.array(probe(reviews))
    early, not_continued = (np.array(scores) for scores in pending)
    for name, among in (("all examples", left), ("hand-written only", case), ("no hard negatives", ~hard)):
        top = max(
            np.quantile(oof[never & among], 1 - FALSE_BLOCK_BUDGET),
            np.quantile(oof[legit & among], 1 - FALSE_BLOCK_BUDGET),
        )
        bar = float(np.ceil(top * 1000) / 1000)
        blocked = int((not_continued >= bar).sum()), int((on_reviews >= bar).sum())
        print(
            f"bar over {name:18} {bar:.3f}: pending early {(early >= bar).mean():.3f}, legitimate {blocked[0]};"
            f" reviews' legitimate {blocked[1]} of {len(reviews)}"
        )


if __name__ == "__main__":
    main()
