"""Fit the match model (sourcefinder/resources/match_model.json) on demo marketplaces and real titles.

Three sources of candidate pairs, all found and scored by the matcher itself (FactoryIndex):

- demo marketplaces of seeds 11 and 12 (the default demo, seed 7, is what `sourcefinder demo` and
  bench_accuracy.py score, so it is never fitted on), with issue 14's photo edits and re-shoots. Every pair is
  used three times: as matched; without the photos' colour codes (a feed's hashes, a database hashed before
  them: photo_far_uncoloured); and the retail photos asked alone, without a title (a photo-only lookup);
- the real Taobao titles of EMBER's train.csv (titles only; val.csv is never read here): left listings as
  retail, right ones as factory, split into the title model's universes; a pair is true when both are of one
  cluster and their titles do not conflict on a quantity, size or colour (clusters lump variants together;
  the product calls those different items);
- the fit half of the English shop titles (bench_english.py; the dev half is never read here), titles only.

The threshold is the best F1 over the pairs of all three sources.

    python benchmarks/fit_match_model.py [--workdir /tmp/sourcefinder-fit] [--seeds 11 12]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sourcefinder.demo.job import crawl_demo  # noqa: E402
from sourcefinder.match.evaluation import read_truth  # noqa: E402
from sourcefinder.match.index import DEFAULT_TITLE_TOP_N, FactoryIndex  # noqa: E402
from sourcefinder.match.scoring import FEATURES, ScoredPairs, feature_matrix  # noqa: E402
from sourcefinder.match.title_features import pair_features  # noqa: E402
from sourcefinder.match.title_sets import TitleSets  # noqa: E402
from sourcefinder.match.title_side import prepare_listing  # noqa: E402
from sourcefinder.store import database as store  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_english import load as load_english  # noqa: E402
from fit_title_model import DATA, HARD_CONFLICTS, load_side, universes  # noqa: E402

MODEL = Path(__file__).resolve().parent.parent / "sourcefinder" / "resources" / "match_model.json"
# The English fit half's rows count three times (its 6,400 pairs are a sixth of the rows): a small effect,
# measured once on the fit half's own calibration: pairs >= 0.2 in bins off by more than 0.05, 331 of 728
# weighted 1, 307 of 698 weighted 3 (docs/matching.md).
ENGLISH_WEIGHT = 3.0


def demo_pairs(workdir: Path, seed: int) -> tuple[list[ScoredPairs], np.ndarray]:
    """Candidate-pair evidence and labels of the demo marketplace of ``seed`` (crawled once, then reused): the
    pairs as matched, the same pairs without colour codes (a feed's hashes, a database hashed before them), and
    the same retail photos asked alone (a photo-only lookup: no title)."""
    db_path = workdir / f"seed{seed}" / "sourcefinder.db"
    if not db_path.exists():
        crawl_demo(db_path, seed=seed)
    database = store.open_db(db_path)
    retail = list(store.listings(database, "retail"))
    factories = list(store.listings(database, "factory"))
    truth = read_truth(db_path.parent / "demo-marketplace" / "ground_truth.csv")
    index = FactoryIndex.build(factories)
    photos_only = [{"id": r["id"], "title": "", "image_hashes": r.get("image_hashes")} for r in retail]
    no_titles = [prepare_listing(listing) for listing in photos_only]
    matched = index.evidence(retail)
    found = [
        matched,
        dataclasses.replace(matched, colour=None),
        index.scored_pairs(
            photos_only,
            no_titles,
            index.candidate_pairs(photos_only, no_titles, DEFAULT_TITLE_TOP_N, search_parts=True),
            False,
        ),
    ]
    labels = [
        np.array(
            [
                (retail[r]["id"], factories[f]["id"]) in truth
                for r, f in zip(pairs.retail.tolist(), pairs.factory.tolist(), strict=True)
            ],
            dtype=int,
        )
        for pairs in found
    ]
    return found, np.concatenate(labels)


def ember_pairs(train_csv: Path = DATA / "train.csv") -> tuple[list[ScoredPairs], np.ndarray]:
    """The matcher's candidate pairs among the EMBER train listings, universe by universe, and their labels."""
    pairs = pd.read_csv(train_csv)
    found, labels = [], []
    for retail, factory in universes(load_side(pairs, "left"), load_side(pairs, "right")):
        index = FactoryIndex.build(factory.listings)
        candidates = index.candidate_pairs(retail.listings, retail.infos, DEFAULT_TITLE_TOP_N)
        found.append(index.scored_pairs(retail.listings, retail.infos, candidates))
        features = pair_features(
            TitleSets.of(retail.infos, index.sets.vocabulary),
            index.sets,
            candidates.retail,
            candidates.factory,
        )
        conflict = (features.matrix(HARD_CONFLICTS) > 0).any(axis=1)
        same = retail.clusters[candidates.retail] == factory.clusters[candidates.factory]
        labels.append(same & ~conflict)
    return found, np.concatenate(labels).astype(int)


def english_pairs() -> tuple[np.ndarray, np.ndarray]:
    """The features and labels of the matcher's candidate pairs of the English fit half (Amazon as retail, every
    Google listing as factory; titles only); the dev half is never read here. Left out: the listings without a
    labelled source that have a Google listing of the very same title among their candidates (their label is
    missing, not negative: english_dev_audit.csv reads such pairs as the same item)."""
    english = load_english("fit")
    index = FactoryIndex.build(english.factory)
    pairs = index.evidence(english.retail)
    retail, factory = pairs.retail.tolist(), pairs.factory.tolist()
    labels = np.array(
        [
            (english.retail[r]["id"], english.factory[f]["id"]) in english.truth
            for r, f in zip(retail, factory, strict=True)
        ],
        dtype=int,
    )
    sourced = {r for r, _ in english.truth}
    unlabelled = {
        r
        for r, f in zip(retail, factory, strict=True)
        if english.retail[r]["id"] not in sourced
        and " ".join(english.retail[r]["title"].split()) == " ".join(english.factory[f]["title"].split())
    }
    kept = ~np.isin(pairs.retail, sorted(unlabelled))
    return feature_matrix(pairs)[kept], labels[kept]


def fit_monotone(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, c: float = 1.0
) -> tuple[np.ndarray, float]:
    """Logistic regression (L2 penalty as scikit-learn's ``C``, intercept not penalised; each row's loss times
    its weight) with one constraint: a pair whose photos are not known never scores above the same pair with a
    close photo (photo_missing <= photo_close). Fitted as photo_close on (close or missing) plus a non-positive
    extra weight for missing."""
    close, missing = FEATURES.index("photo_close"), FEATURES.index("photo_missing")
    design = x.copy()
    design[:, close] += x[:, missing]
    signs = 2 * y - 1
    weights = np.ones(len(y)) if weights is None else weights

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = design @ w + b
        residual = (1 / (1 + np.exp(-z)) - y) * weights
        value = (weights * np.logaddexp(0, -signs * z)).sum() + 0.5 / c * w @ w
        return value, np.append(design.T @ residual + w / c, residual.sum())

    bounds = [(None, 0.0) if j == missing else (None, None) for j in range(x.shape[1])] + [(None, None)]
    theta = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds).x
    w = theta[:-1].copy()
    w[missing] += w[close]
    return w, float(theta[-1])


def f1_at(probabilities: np.ndarray, labels: np.ndarray, threshold: float) -> float:
    """F1 of the candidate pairs at or above ``threshold`` against the true ones among them."""
    chosen = probabilities >= threshold
    hits = int((chosen & (labels == 1)).sum())
    return 2 * hits / (int(chosen.sum()) + int(labels.sum())) if hits else 0.0


def best_threshold(probabilities: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(threshold, F1) maximising F1 over the candidate pairs."""
    best = (0.5, 0.0)
    for threshold in np.arange(0.05, 0.96, 0.01):
        f1 = f1_at(probabilities, labels, threshold)
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
    features, labels = [], []
    for seed in args.seeds:
        pairs, y = demo_pairs(args.workdir, seed)
        features.append(np.vstack([feature_matrix(p) for p in pairs]))
        labels.append(y)
        print(f"seed {seed}: {len(y)} candidate pairs (with and without titles), {int(y.sum())} true")
    x_demo, y_demo = np.vstack(features), np.concatenate(labels)
    ember, y_ember = ember_pairs()
    x_ember = np.vstack([feature_matrix(pairs) for pairs in ember])
    print(f"EMBER train: {len(x_ember)} candidate pairs, {int(y_ember.sum())} true")
    x_english, y_english = english_pairs()
    print(f"English fit half: {len(x_english)} candidate pairs, {int(y_english.sum())} true")
    x_all = np.vstack([x_demo, x_ember, x_english])
    y_all = np.concatenate([y_demo, y_ember, y_english])
    weights = np.concatenate([np.ones(len(y_demo) + len(y_ember)), np.full(len(y_english), ENGLISH_WEIGHT)])
    coef, intercept = fit_monotone(x_all, y_all, weights)
    demo, real, shop = (1 / (1 + np.exp(-(x @ coef + intercept))) for x in (x_demo, x_ember, x_english))
    threshold, f1 = best_threshold(np.concatenate([demo, real, shop]), y_all)
    per_source = {
        name: round(f1_at(p, y, threshold), 4)
        for name, p, y in (
            ("demo", demo, y_demo),
            ("ember_train", real, y_ember),
            ("english_fit", shop, y_english),
        )
    }
    photo_only = x_demo[:, FEATURES.index("title_missing")] == 1
    fitted = {
        "about": "Logistic regression over sourcefinder.match.scoring.FEATURES; refit with benchmarks/fit_match_model.py",
        "trained_on": f"demo marketplaces, seeds {args.seeds} (default size, with their photos) and EMBER train.csv "
        "candidate pairs (titles only), the English fit half's candidate pairs (bench_english.py, titles only), "
        "the demo pairs again without colour codes, and the demo retail photos asked alone (title_missing); "
        f"photo_missing <= photo_close; the English rows weighted {ENGLISH_WEIGHT:g}",
        "features": list(FEATURES),
        "coef": [round(float(c), 4) for c in coef],
        "intercept": round(intercept, 4),
        "threshold": threshold,
        "fit_f1": round(f1, 4),
        "fit_f1_by_source": per_source,
        "calibration_demo": calibration(demo, y_demo),
        "calibration_demo_photo_only": calibration(demo[photo_only], y_demo[photo_only]),
        "calibration_ember_train": calibration(real, y_ember),
        "calibration_english_fit": calibration(shop, y_english),
    }
    MODEL.write_text(json.dumps(fitted, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, coef in zip(FEATURES, fitted["coef"], strict=True):
        print(f"  {name:14s} {coef:+.3f}")
    print(f"  intercept      {fitted['intercept']:+.3f}")
    print(f"threshold {threshold} (F1 {f1:.4f} on the fit pairs; by source at it: {per_source})")
    for source in ("demo", "demo_photo_only", "ember_train", "english_fit"):
        print(f"calibration, {source}:")
        for row in fitted[f"calibration_{source}"]:
            print(
                f"  {row['bin']}  pairs {row['pairs']:5d}  mean p {row['mean_p']:.3f}  observed {row['observed']:.3f}"
            )
    print(f"wrote {MODEL}")


if __name__ == "__main__":
    main()
