"""Refit the title model (``sourcefinder/resources/title_model.json``) on the EMBER train pairs, reproducibly.

Training rows: every pair in train.csv plus hard negatives mined the way the matcher meets them. The train
listings are split at random into FOLDS universes (about as many listings per product as a val-sized batch);
in each, the left listings query a :class:`TitleIndex` of the right listings, and every candidate from
another cluster is a negative (same-cluster candidates are positives). EMBER clusters lump variants
together; the product does not, so a same-cluster pair whose titles conflict on a quantity, size or colour
is relabelled negative before fitting. val.csv is never read here.

    python benchmarks/fit_title_model.py [--brands]   # --brands also rewrites userdict.txt, attribute_words.txt
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from sourcefinder.match import (
    prepare,  # noqa: E402
    title_compare,  # noqa: E402
    title_index,  # noqa: E402
    title_text,  # noqa: E402
)
from sourcefinder.match.title_features import (  # noqa: E402
    ATTRIBUTE_PREFIX,
    FEATURES,
    PairFeatures,
    pair_features,
)
from sourcefinder.match.title_sets import TitleSets  # noqa: E402

DATA = Path("/work/shared/data/ali-title-pairs")
RESOURCES = Path(title_text.__file__).parents[1] / "resources"
TOP_N = 20
MIN_SIMILARITY = 0.05
C = 1.0
FOLDS = 3
SEED = 0
ATTRIBUTE_KEYS = 40  # the most common attribute keys get a learned weight each
# Facts that make two listings different items whatever their cluster says (16.5cm vs 18cm, S vs XL, 红 vs 黑,
# 连衣裙 vs 半身裙, SHB610 vs SHB650: EMBER lumps a line's colourways, BV4780557 and BV4780682, in one cluster).
HARD_CONFLICTS = ("quantity_conflict", "size_conflict", "colour_conflict", "type_conflict", "model_conflict")


@dataclass
class Side:
    """The listings of one side of the pairs, deduplicated by id."""

    ids: np.ndarray
    clusters: np.ndarray
    infos: list[prepare.TitleInfo]
    listings: list[dict]  # in the item schema (source, item_id, title, attributes), for the matcher


def side_features(retail: Side, factory: Side, ri: np.ndarray, fi: np.ndarray) -> PairFeatures:
    """The title features of the pairs (retail.infos[ri[k]], factory.infos[fi[k]]), computed as the matcher
    does (the factory side's vocabulary)."""
    factory_sets = TitleSets.of(factory.infos)
    return pair_features(TitleSets.of(retail.infos, factory_sets.vocabulary), factory_sets, ri, fi)


def load_side(pairs: pd.DataFrame, side: str) -> Side:
    """Listings of the ``left`` (retail) or ``right`` (factory) side, each prepared once."""
    rows = pairs.drop_duplicates(f"id_{side}")
    role = "retail" if side == "left" else "factory"
    listings = [
        {
            "source": role,
            "item_id": str(i),
            "title": str(t),
            "attributes": prepare.parse_pv_pairs(p if isinstance(p, str) else None),
        }
        for i, t, p in zip(rows[f"id_{side}"], rows[f"title_{side}"], rows[f"pv_pairs_{side}"], strict=True)
    ]
    infos = [prepare.prepare(x["title"], x["attributes"]) for x in listings]
    return Side(rows[f"id_{side}"].to_numpy(), rows[f"cluster_id_{side}"].to_numpy(), infos, listings)


def candidate_pairs(retail: Side, factory: Side) -> list[tuple[int, int, float]]:
    """(retail index, factory index, cosine) from the title index, as the matcher would get them."""
    return title_index.TitleIndex.of_texts([i.index_text for i in factory.infos]).candidates(
        [i.index_text for i in retail.infos], top_n=TOP_N, min_similarity=MIN_SIMILARITY
    )


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


def subset(side: Side, keep: np.ndarray) -> Side:
    """The listings of ``side`` at positions ``keep``."""
    return Side(
        side.ids[keep], side.clusters[keep], [side.infos[k] for k in keep], [side.listings[k] for k in keep]
    )


def universes(retail: Side, factory: Side, folds: int = FOLDS, seed: int = SEED) -> list[tuple[Side, Side]]:
    """The listings split at random into ``folds`` (retail, factory) universes."""
    rng = np.random.default_rng(seed)
    r_fold, f_fold = rng.integers(0, folds, len(retail.ids)), rng.integers(0, folds, len(factory.ids))
    return [
        (subset(retail, np.flatnonzero(r_fold == k)), subset(factory, np.flatnonzero(f_fold == k)))
        for k in range(folds)
    ]


@dataclass
class Rows:
    """Labelled comparisons: features, cluster labels, and which rows are mined candidates."""

    features: PairFeatures
    same_cluster: np.ndarray
    mined: np.ndarray
    truth: int  # true pairs in the mined universes


def training_rows(pairs: pd.DataFrame, retail: Side, factory: Side) -> Rows:
    """The train pairs plus the candidates mined in each universe."""
    r_pos = {v: i for i, v in enumerate(retail.ids.tolist())}
    f_pos = {v: i for i, v in enumerate(factory.ids.tolist())}
    ri = [r_pos[a] for a in pairs.id_left]
    fi = [f_pos[b] for b in pairs.id_right]
    labels, mined, truth = pairs.label.astype(bool).tolist(), [False] * len(pairs), 0
    for part_retail, part_factory in universes(retail, factory):
        for i, j, _ in candidate_pairs(part_retail, part_factory):
            ri.append(r_pos[part_retail.ids[i]])
            fi.append(f_pos[part_factory.ids[j]])
            labels.append(part_retail.clusters[i] == part_factory.clusters[j])
            mined.append(True)
        truth += truth_count(part_retail, part_factory)
    features = side_features(retail, factory, np.array(ri), np.array(fi))
    return Rows(features, np.array(labels), np.array(mined), truth)


def english_rows() -> tuple[PairFeatures, np.ndarray]:
    """The English fit half (Amazon listings as retail, every Google listing as factory): its true pairs and the
    candidates the title index finds, with their labels (the dev half is never read here)."""
    from bench_english import load

    english = load("fit")
    retail = [prepare.prepare(r["title"], r["attributes"]) for r in english.retail]
    factory = [prepare.prepare(f["title"], f["attributes"]) for f in english.factory]
    r_pos = {r["id"]: k for k, r in enumerate(english.retail)}
    f_pos = {f["id"]: k for k, f in enumerate(english.factory)}
    pairs = {(r_pos[r], f_pos[f]) for r, f in english.truth}
    found = title_index.TitleIndex.of_texts([i.index_text for i in factory]).candidates(
        [i.index_text for i in retail], top_n=TOP_N, min_similarity=MIN_SIMILARITY
    )
    pairs |= {(i, j) for i, j, _ in found}
    ri, fi = (np.array(side) for side in zip(*sorted(pairs), strict=True))
    labels = np.array(
        [
            (english.retail[i]["id"], english.factory[j]["id"]) in english.truth
            for i, j in zip(ri, fi, strict=True)
        ]
    )
    factory_sets = TitleSets.of(factory)
    features = pair_features(TitleSets.of(retail, factory_sets.vocabulary), factory_sets, ri, fi)
    return features, labels


def model_features(rows: Rows) -> list[str]:
    """The evidence features plus the most common per-key attribute agreements."""
    shared = np.asarray(rows.features.shared_keys.sum(axis=0)).ravel()
    common = np.argsort(-shared, kind="stable")[:ATTRIBUTE_KEYS]
    keys = [ATTRIBUTE_PREFIX + rows.features.attribute_keys[k] for k in common if shared[k] > 0]
    return list(FEATURES) + keys


def fit(train_csv: Path = DATA / "train.csv") -> dict:
    """Fit the logistic regression and choose the threshold on the training side only."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    pairs = pd.read_csv(train_csv)
    rows = training_rows(pairs, load_side(pairs, "left"), load_side(pairs, "right"))
    names = model_features(rows)
    hard = (rows.features.matrix(HARD_CONFLICTS) > 0).any(axis=1)
    english, english_labels = english_rows()
    x = np.vstack([rows.features.matrix(names), english.matrix(names)])
    labels = np.concatenate([rows.same_cluster & ~hard, english_labels])
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=C, max_iter=5000).fit((x - scaler.mean_) / scale, labels)

    probabilities = model.predict_proba((x[: len(rows.mined)][rows.mined] - scaler.mean_) / scale)[:, 1]
    threshold, f1 = best_threshold(probabilities, rows.same_cluster[rows.mined], rows.truth)
    return {
        "about": "Logistic regression on title_features.pair_features; refit with benchmarks/fit_title_model.py.",
        "trained_on": f"{train_csv.name}: {len(pairs)} pairs + candidates in {FOLDS} universes "
        f"(top {TOP_N}, cosine >= {MIN_SIMILARITY}); the English fit half (bench_english.py): its true pairs "
        f"+ its top {TOP_N} candidates among all Google listings ({len(english_labels)} rows)",
        "rows": len(labels),
        "positives": int(labels.sum()),
        "features": names,
        "mean": scaler.mean_.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": model.coef_[0].round(6).tolist(),
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": threshold,
        "train_f1": round(f1, 4),
    }


# Attribute keys whose values name the item's maker or number, not what it is like.
_NAMING_KEYS = ("品牌", "货号", "款号", "型号")


def _listing_attributes(pairs: pd.DataFrame) -> list[dict[str, str]]:
    """Each train listing's attributes, once per listing id."""
    return [
        prepare.parse_pv_pairs(pv)
        for side in ("left", "right")
        for pv in pairs.drop_duplicates(f"id_{side}")[f"pv_pairs_{side}"].dropna()
    ]


def write_brand_dictionary(train_csv: Path = DATA / "train.csv", min_listings: int = 2) -> tuple[int, int]:
    """Write resources/attribute_words.txt (the values sellers give the attributes that describe an item, in 3+
    listings, more often there than as a 品牌) and then resources/userdict.txt (the brands of the train listings'
    品牌 attribute, one per line, for the segmenter and brand rule). Returns how many of each."""
    listings = _listing_attributes(pd.read_csv(train_csv))
    brands: Counter[str] = Counter()
    described: Counter[str] = Counter()
    for attributes in listings:
        brands.update(title_text.split_values(attributes.get("品牌", "")))
        described.update(
            {
                part
                for key, value in attributes.items()
                if key not in _NAMING_KEYS
                for part in title_text.split_values(value)
            }
        )
    words = sorted(
        w
        for w, n in described.items()
        if n >= 3 and n > brands[w] and len(w) >= 2 and re.fullmatch(r"[^\W\d_]+", w)
    )
    header = "# {} written by benchmarks/fit_title_model.py --brands.\n"
    (RESOURCES / "attribute_words.txt").write_text(
        header.format("Words that describe an item in attribute values (never a brand);")
        + "\n".join(words)
        + "\n",
        encoding="utf-8",
    )
    title_text.attribute_words.cache_clear()
    title_text.brand_names.cache_clear()
    named: Counter[str] = Counter()
    for attributes in listings:
        named.update(title_text.brand_names(attributes.get("品牌", "")))
    kept = sorted(b for b, n in named.items() if n >= min_listings and len(b) >= 2)
    (RESOURCES / "userdict.txt").write_text(
        header.format("Brands for the segmenter and the brand rule;") + "\n".join(kept) + "\n",
        encoding="utf-8",
    )
    return len(kept), len(words)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--brands", action="store_true", help="also rewrite userdict.txt and attribute_words.txt"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.brands:
        print("brands, attribute words written: {}, {}".format(*write_brand_dictionary()))
    model = fit()
    (RESOURCES / title_compare.MODEL_RESOURCE).write_text(
        json.dumps(model, ensure_ascii=False, indent=1) + "\n", "utf-8"
    )
    print(
        f"rows {model['rows']} (positives {model['positives']}), threshold {model['threshold']}, "
        f"train F1 {model['train_f1']}, {time.perf_counter() - start:.1f}s"
    )
    for name, coef in zip(model["features"], model["coef"], strict=True):
        print(f"  {name:20s} {coef:+.3f}")


if __name__ == "__main__":
    sys.exit(main())
