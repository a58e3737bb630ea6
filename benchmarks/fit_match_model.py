"""Fit the match model (sourcefinder/resources/match_model.json) on demo marketplaces of other seeds.

The default demo (seed 7) is what `sourcefinder demo` and bench_accuracy.py score, so the model is fitted on
seeds 11 and 12 only. Every pair is used twice: with its photos and with the photos hidden, so that listings
without images (feeds, re-shot photos) get a title-only confidence that is calibrated too.

    python benchmarks/fit_match_model.py [--workdir /tmp/sourcefinder-fit] [--seeds 11 12]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sourcefinder import db as store  # noqa: E402
from sourcefinder.demo.job import crawl_demo  # noqa: E402
from sourcefinder.evaluate import read_truth  # noqa: E402
from sourcefinder.evidence import FEATURES, ScoredPairs, feature_matrix  # noqa: E402
from sourcefinder.matcher import FactoryIndex  # noqa: E402

MODEL = Path(__file__).resolve().parent.parent / "sourcefinder" / "resources" / "match_model.json"


def demo_pairs(workdir: Path, seed: int) -> tuple[ScoredPairs, np.ndarray]:
    """Candidate-pair evidence and labels of the demo marketplace of ``seed`` (crawled once, then reused)."""
    db_path = workdir / f"seed{seed}" / "sourcefinder.db"
    if not db_path.exists():
        crawl_demo(db_path, seed=seed)
    database = store.open_db(db_path)
    retail = list(store.listings(database, "retail"))
    factories = list(store.listings(database, "factory"))
    truth = read_truth(db_path.parent / "demo-marketplace" / "ground_truth.csv")
    pairs = FactoryIndex(factories).evidence(retail)
    labels = np.array(
        [
            (retail[r]["id"], factories[f]["id"]) in truth
            for r, f in zip(pairs.retail.tolist(), pairs.factory.tolist(), strict=True)
        ],
        dtype=int,
    )
    return pairs, labels


def best_threshold(probabilities: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(threshold, F1) maximising F1 over the candidate pairs."""
    best = (0.5, 0.0)
    for threshold in np.arange(0.05, 0.96, 0.01):
        chosen = probabilities >= threshold
        hits = int((chosen & (labels == 1)).sum())
        f1 = 2 * hits / (int(chosen.sum()) + int(labels.sum())) if hits else 0.0
        if f1 > best[1]:
            best = (round(float(threshold), 2), f1)
    return best


def calibration(probabilities: np.ndarray, labels: np.ndarray) -> list[dict]:
    """Observed precision per bin of predicted probability."""
    table = []
    for low in np.arange(0, 1, 0.1):
        inside = (probabilities >= low) & (probabilities < low + 0.1 + (low >= 0.9))
        if inside.any():
            table.append(
                {
                    "bin": f"{low:.1f}-{low + 0.1:.1f}",
                    "pairs": int(inside.sum()),
                    "mean_p": round(float(probabilities[inside].mean()), 3),
                    "observed": round(float(labels[inside].mean()), 3),
                }
            )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sourcefinder-fit"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12])
    args = parser.parse_args()
    features, hidden, labels = [], [], []
    for seed in args.seeds:
        pairs, y = demo_pairs(args.workdir, seed)
        features.append(feature_matrix(pairs))
        hidden.append(feature_matrix(pairs, hide_photos=True))
        labels.append(y)
        print(f"seed {seed}: {len(pairs)} candidate pairs, {int(y.sum())} true")
    x_seen, x_hidden, y = np.vstack(features), np.vstack(hidden), np.concatenate(labels)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(
        np.vstack([x_seen, x_hidden]), np.concatenate([y, y])
    )
    seen = model.predict_proba(x_seen)[:, 1]
    threshold, f1 = best_threshold(seen, y)
    title_only = best_threshold(model.predict_proba(x_hidden)[:, 1], y)
    fitted = {
        "about": "Logistic regression over sourcefinder.evidence.FEATURES; refit with benchmarks/fit_match_model.py",
        "trained_on": f"demo marketplaces, seeds {args.seeds} (default size), every pair with and without photos",
        "features": list(FEATURES),
        "coef": [round(float(c), 4) for c in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 4),
        "threshold": threshold,
        "fit_f1": round(f1, 4),
        "fit_f1_title_only": round(title_only[1], 4),
        "calibration": calibration(seen, y),
    }
    MODEL.write_text(json.dumps(fitted, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, coef in zip(FEATURES, fitted["coef"], strict=True):
        print(f"  {name:14s} {coef:+.3f}")
    print(f"  intercept      {fitted['intercept']:+.3f}")
    print(f"threshold {threshold} (F1 {f1:.4f} on the fit pairs; title only: F1 {title_only[1]:.4f})")
    for row in fitted["calibration"]:
        print(
            f"  {row['bin']}  pairs {row['pairs']:5d}  mean p {row['mean_p']:.3f}  observed {row['observed']:.3f}"
        )
    print(f"wrote {MODEL}")


if __name__ == "__main__":
    main()
