"""The evidence of one candidate pair, the features read from it, and the fitted model that turns them into a
calibrated confidence (resources/match_model.json, refitted by benchmarks/fit_match_model.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from sourcefinder.titles import TitleEvidence

IDENTIFIER_KEYS = ("gtin", "gtin8", "gtin12", "gtin13", "gtin14", "ean", "upc", "mpn")
FEATURES = (
    "title_logit",
    "title_gap",
    "photo_close",
    "photo_near",
    "photo_far",
    "photo_missing",
    "photo_gap",
)
# Identifiers are never in the demo or the real title data, so their weight is set, not fitted: an equal
# GTIN/MPN multiplies the odds by e^6 (~400), a different one divides them by as much.
IDENTIFIER_LOG_ODDS = 6.0
# Photo distances (bits of 64), from the hashing benchmark: edited copies of one photo stay within ~12 on
# phash or dhash; photos of different products sit near 28 (docs/hashing.md).
CLOSE, NEAR, FAR_SPAN = 6, 12, 16


@dataclass
class PairEvidence:
    """What is known about one (retail, factory) candidate pair."""

    retail: int
    factory: int
    title: TitleEvidence
    title_probability: float
    phash: int | None
    dhash: int | None
    ids_agree: list[str] = field(default_factory=list)
    ids_conflict: list[str] = field(default_factory=list)

    @property
    def photo(self) -> int | None:
        """The best distance over the photo hashes, None when a side has no photo."""
        known = [d for d in (self.phash, self.dhash) if d is not None]
        return min(known) if known else None

    @property
    def conflicting(self) -> list[str]:
        return self.ids_conflict + list(self.title.conflicting)

    @property
    def agreeing(self) -> list[str]:
        photo = (
            [f"same photo ({self.photo}/64 bits apart)"]
            if self.photo is not None and self.photo <= NEAR
            else []
        )
        return photo + self.ids_agree + list(self.title.agreeing)


def identifier_evidence(a: dict[str, str] | None, b: dict[str, str] | None) -> tuple[list[str], list[str]]:
    """GTIN/MPN agreement (near-certain) and conflicts (a different product) between two attribute sets."""
    agree, conflict = [], []
    for key in IDENTIFIER_KEYS:
        left, right = (a or {}).get(key), (b or {}).get(key)
        if left and right:
            if left.strip().lower() == right.strip().lower():
                agree.append(f"{key} {left}")
            else:
                conflict.append(f"{key} {left} ≠ {right}")
    return agree, conflict


def logits(p: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)), clipped to +-8."""
    p = np.clip(p, 3.4e-4, 1 - 3.4e-4)
    return np.log(p / (1 - p))


def _group_best(
    values: np.ndarray, group: np.ndarray, groups: int, reduce: np.ufunc, start: float
) -> np.ndarray:
    """``reduce`` (np.maximum or np.minimum) of the values of each group, read back for every value."""
    best = np.full(groups, start)
    reduce.at(best, group, values)
    return best[group]


def _photo_features(photo: np.ndarray, group: np.ndarray, groups: int) -> list[np.ndarray]:
    """photo_close, photo_near, photo_far, photo_missing, photo_gap from the best distances (-1: none)."""
    known = photo >= 0
    best = _group_best(np.where(known, photo, 99.0), group, groups, np.minimum, 99.0)
    return [
        known & (photo <= CLOSE),
        known & (photo > CLOSE) & (photo <= NEAR),
        np.where(known, np.clip((photo - NEAR) / FAR_SPAN, 0.0, 1.0), 0.0),
        ~known,
        np.where(known, np.minimum((photo - best) / 10, 2.0), 0.0),
    ]


def feature_matrix(pairs: Sequence[PairEvidence], hide_photos: bool = False) -> np.ndarray:
    """One row of FEATURES per pair; gaps are measured against the best candidate of the same retail listing.

    ``hide_photos`` reads every pair as if no photo were known (used to fit the title-only behaviour).
    """
    n = len(pairs)
    _, group = np.unique(np.fromiter((p.retail for p in pairs), np.int64, n), return_inverse=True)
    groups = int(group.max(initial=-1)) + 1
    title = logits(np.fromiter((p.title_probability for p in pairs), float, n))
    photos = (-1 if hide_photos or p.photo is None else p.photo for p in pairs)
    photo = np.fromiter(photos, float, n)
    best_title = _group_best(title, group, groups, np.maximum, -99.0)
    columns = [title, np.minimum(best_title - title, 10.0) / 5, *_photo_features(photo, group, groups)]
    return np.column_stack(columns).astype(float).reshape(n, len(FEATURES))


@cache
def _model_file() -> dict[str, Any]:
    text = resources.files("sourcefinder.resources").joinpath("match_model.json").read_text(encoding="utf-8")
    return json.loads(text)


def fitted_threshold() -> float:
    """The confidence threshold chosen when the model was fitted (the default --min-confidence)."""
    return float(_model_file()["threshold"])


def match_model() -> dict[str, Any]:
    """The fitted coefficients, intercept and threshold (resources/match_model.json)."""
    model = _model_file()
    if tuple(model["features"]) != FEATURES:
        raise ValueError("match_model.json was fitted on other features: run benchmarks/fit_match_model.py")
    return model


def confidences(pairs: Sequence[PairEvidence]) -> np.ndarray:
    """The calibrated probability that each pair is the identical item."""
    if not pairs:
        return np.zeros(0)
    model = match_model()
    z = feature_matrix(pairs) @ np.array(model["coef"]) + model["intercept"]
    z += IDENTIFIER_LOG_ODDS * np.array([bool(p.ids_agree) - bool(p.ids_conflict) for p in pairs])
    return 1 / (1 + np.exp(-z))
