"""Refit the title model (``sourcefinder/resources/title_model.json``) on the EMBER train pairs, reproducibly.

Training rows: every pair in train.csv plus hard negatives mined the way the matcher meets them: the
left listings query a :class:`TitleIndex` of the right listings, and every candidate from another cluster
is a negative (same-cluster candidates are positives). val.csv is never read here.

    python benchmarks/fit_title_model.py [--brands]   # --brands also rewrites resources/userdict.txt
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sourcefinder import titles  # noqa: E402

DATA = Path("/work/shared/data/ali-title-pairs")
RESOURCES = Path(titles.__file__).parent / "resources"
TOP_N = 20
MIN_SIMILARITY = 0.05
C = 1.0


@dataclass
class Side:
    """The listings of one side of the pairs, deduplicated by id."""

    ids: np.ndarray
    clusters: np.ndarray
    infos: list[titles.TitleInfo]


def load_side(pairs: pd.DataFrame, side: str) -> Side:
    """Listings of the ``left`` or ``right`` side, each prepared once."""
    rows = pairs.drop_duplicates(f"id_{side}")
    infos = [
        titles.prepare(str(t), titles.parse_pv_pairs(p if isinstance(p, str) else None))
        for t, p in zip(rows[f"title_{side}"], rows[f"pv_pairs_{side}"], strict=True)
    ]
    return Side(rows[f"id_{side}"].to_numpy(), rows[f"cluster_id_{side}"].to_numpy(), infos)


def candidate_pairs(retail: Side, factory: Side) -> list[tuple[int, int, float]]:
    """(retail index, factory index, cosine) from the title index, as the matcher would get them."""
    return titles.TitleIndex(factory.infos).candidates(retail.infos, top_n=TOP_N, min_similarity=MIN_SIMILARITY)


def feature_matrix(pairs: list[tuple[int, int]], retail: Side, factory: Side) -> tuple[list[str], np.ndarray]:
    """Feature names and one row of :meth:`TitleEvidence.features` per (retail, factory) pair."""
    rows = [titles.compare(retail.infos[i], factory.infos[j]).features() for i, j in pairs]
    names = list(rows[0])
    return names, np.array([[r[n] for n in names] for r in rows], dtype=float)


def truth_count(retail: Side, factory: Side) -> int:
    """How many (retail, factory) listing pairs share a cluster."""
    counts = Counter(factory.clusters.tolist())
    return sum(counts[c] for c in retail.clusters.tolist())


def prf(predicted: np.ndarray, correct: np.ndarray, truth: int) -> tuple[float, float, float]:
    """Precision, recall, F1 of the predicted pairs (boolean masks over candidates) against ``truth`` pairs."""
    tp = int((predicted & correct).sum())
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(truth, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-12)


def best_threshold(scores: np.ndarray, correct: np.ndarray, truth: int) -> tuple[float, float]:
    """The threshold with the best F1 over the candidate pairs, and that F1."""
    grid = np.unique(np.round(scores, 3))
    f1s = [prf(scores >= t, correct, truth)[2] for t in grid]
    best = int(np.argmax(f1s))
    return float(grid[best]), float(f1s[best])


def training_rows(pairs: pd.DataFrame, retail: Side, factory: Side):
    """Labelled (retail, factory) index pairs: the train pairs plus the mined candidates."""
    r_pos = {v: i for i, v in enumerate(retail.ids.tolist())}
    f_pos = {v: i for i, v in enumerate(factory.ids.tolist())}
    labelled = {(r_pos[a], f_pos[b]) for a, b in zip(pairs.id_left, pairs.id_right, strict=True)}
    mined = candidate_pairs(retail, factory)
    labelled |= {(i, j) for i, j, _ in mined}
    index = sorted(labelled)
    labels = np.array([retail.clusters[i] == factory.clusters[j] for i, j in index])
    return index, labels, mined


def fit(train_csv: Path = DATA / "train.csv") -> dict:
    """Fit the logistic regression and choose the threshold on the training side only."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    pairs = pd.read_csv(train_csv)
    retail, factory = load_side(pairs, "left"), load_side(pairs, "right")
    index, labels, mined = training_rows(pairs, retail, factory)
    names, x = feature_matrix(index, retail, factory)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=C, max_iter=2000).fit((x - scaler.mean_) / scale, labels)

    position = {pair: k for k, pair in enumerate(index)}
    mined_rows = [position[(i, j)] for i, j, _ in mined]
    probabilities = model.predict_proba((x[mined_rows] - scaler.mean_) / scale)[:, 1]
    correct = labels[mined_rows]
    threshold, f1 = best_threshold(probabilities, correct, truth_count(retail, factory))
    return {
        "about": "Logistic regression on TitleEvidence.features(); refit with benchmarks/fit_title_model.py.",
        "trained_on": f"{train_csv.name}: {len(pairs)} pairs + candidates (top {TOP_N}, cosine >= {MIN_SIMILARITY})",
        "rows": len(index),
        "positives": int(labels.sum()),
        "features": names,
        "mean": scaler.mean_.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": model.coef_[0].round(6).tolist(),
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": threshold,
        "train_f1": round(f1, 4),
    }


def write_brand_dictionary(train_csv: Path = DATA / "train.csv", min_listings: int = 2) -> int:
    """Brands named in the train listings' 品牌 attribute, one per line, for the segmenter and brand rule."""
    pairs = pd.read_csv(train_csv)
    seen: Counter[str] = Counter()
    for side in ("left", "right"):
        rows = pairs.drop_duplicates(f"id_{side}")
        for pv in rows[f"pv_pairs_{side}"].dropna():
            brand = titles.parse_pv_pairs(pv).get("品牌", "")
            seen.update(set(titles._split_values(brand)))
    brands = sorted(b for b, n in seen.items() if n >= min_listings and len(b) >= 2 and not b.isdigit())
    header = "# Brands for the segmenter and the brand rule; written by benchmarks/fit_title_model.py --brands.\n"
    (RESOURCES / "userdict.txt").write_text(header + "\n".join(brands) + "\n", encoding="utf-8")
    return len(brands)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brands", action="store_true", help="also rewrite resources/userdict.txt")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.brands:
        print(f"brands written: {write_brand_dictionary()}")
    model = fit()
    (RESOURCES / titles.MODEL_RESOURCE).write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"rows {model['rows']} (positives {model['positives']}), threshold {model['threshold']}, "
          f"train F1 {model['train_f1']}, {time.perf_counter() - start:.1f}s")
    for name, coef in zip(model["features"], model["coef"], strict=True):
        print(f"  {name:20s} {coef:+.3f}")


if __name__ == "__main__":
    sys.exit(main())
