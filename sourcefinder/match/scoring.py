"""The evidence of candidate pairs, the features read from it, and the fitted model that turns them into a
calibrated confidence (resources/match_model.json, refitted by benchmarks/fit_match_model.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

IDENTIFIER_KEYS = ("gtin", "gtin8", "gtin12", "gtin13", "gtin14", "ean", "upc", "mpn")
FEATURES = (
    "title_logit",
    "title_gap",
    "title_lead",
    "title_cosine",
    "photo_close",
    "photo_near",
    "photo_far",
    "photo_missing",
    "photo_gap",
    "colour_far",
    "photo_far_uncoloured",
    "window_close",
    "window_near",
    "title_missing",
    "title_best",
    "latin",
    *(f"latin*{name}" for name in ("title_logit", "title_gap", "title_lead", "title_cosine", "title_best")),
)
# Identifiers are never in the demo or the real title data, so their weight is set, not fitted: an equal
# GTIN/MPN multiplies the odds by e^6 (~400), a different one divides them by as much.
IDENTIFIER_LOG_ODDS = 6.0
# Photo distances (bits of 64), from the hashing benchmark: edited copies of one photo stay within ~12 on
# phash or dhash; photos of different products sit near 28 (docs/hashing.md).
CLOSE, NEAR, FAR_SPAN = 6, 12, 16
NO_DISTANCE = -1  # a side has no photo hash of that kind
# Colour codes (image_hashes.colour_code) this many bits apart or more are different colours: photos of one
# item, re-shot, stay within 2 (tests/test_hashing.py), a different product is 3 or more in most pairs.
COLOUR_APART = 4


@dataclass
class ScoredPairs:
    """Candidate pairs as arrays: positions, the title probability, photo distances and identifiers."""

    retail: np.ndarray  # retail position of each pair
    factory: np.ndarray  # factory position of each pair
    title_probability: np.ndarray
    phash: np.ndarray  # best phash distance over both sides' photos, NO_DISTANCE when unknown
    dhash: np.ndarray  # the same for dhash
    identifiers: np.ndarray  # +1 an equal GTIN/MPN, -1 a different one, 0 neither
    title_cosine: np.ndarray  # TF-IDF cosine of the titles in the factory index's weights
    title_known: np.ndarray | None = None  # False where the query has no title (a photo-only lookup)
    colour: np.ndarray | None = None  # bits between the closest colour codes of both sides, NO_DISTANCE: none
    latin: np.ndarray | None = None  # Latin-script share of the query title (title_features.latin_share)
    window: np.ndarray | None = None  # best phash distance with the query's parts and the factory's crops

    def __len__(self) -> int:
        return len(self.retail)

    @property
    def photo(self) -> np.ndarray:
        """The best distance over the photo hashes, NO_DISTANCE when neither kind is known."""
        return nearer(self.phash, self.dhash)


def nearer(*distances: np.ndarray) -> np.ndarray:
    """Pair by pair, the smallest of the known distances (>= 0); NO_DISTANCE where none is known."""
    best = np.minimum.reduce([np.where(d >= 0, d, 99) for d in distances])
    return np.where(best == 99, NO_DISTANCE, best)


def photo_message(photo: int | None) -> list[str]:
    """The agreeing message of a photo distance, if the photos are the same."""
    return [f"same photo ({photo}/64 bits apart)"] if photo is not None and 0 <= photo <= NEAR else []


def identifiers(attributes: dict[str, str] | None) -> dict[str, str] | None:
    """The GTIN/MPN identifiers among a listing's attributes, None when it has none."""
    found = {k: attributes[k] for k in IDENTIFIER_KEYS if (attributes or {}).get(k)}
    return found or None


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


def identifier_signs(
    ours: list[dict[str, str] | None], theirs: list[dict[str, str] | None], ri: np.ndarray, fi: np.ndarray
) -> np.ndarray:
    """+1 where a pair's GTIN/MPN agree, -1 where they conflict, 0 elsewhere (most listings have none); ``ours``
    and ``theirs`` are each side's identifiers by position, the pairs (ri[k], fi[k])."""
    signs = np.zeros(len(ri), np.int8)
    if not any(ours) or not any(theirs):
        return signs
    for k, (r, f) in enumerate(zip(ri.tolist(), fi.tolist(), strict=True)):
        if ours[r] and theirs[f]:
            agree, conflict = identifier_evidence(ours[r], theirs[f])
            signs[k] = bool(agree) - bool(conflict)
    return signs


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


def lead_margins(values: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Each value's margin over the best other value of its group, clipped to +-10 and divided by 5: positive
    for a group's clear best, 0 for a tie, negative for the rest (an identical item rarely has rivals that
    score as well as it does); 0 for a group's only value."""
    best = _group_best(values, group, groups, np.maximum, -99.0)
    first = np.full(groups, -1)
    order = np.lexsort((-values, group))
    starts = np.r_[True, group[order][1:] != group[order][:-1]] if len(order) else np.zeros(0, bool)
    first[group[order][starts]] = order[starts]
    rest = values.copy()
    rest[first[first >= 0]] = -99.0
    second = _group_best(rest, group, groups, np.maximum, -99.0)
    is_first = np.zeros(len(values), bool)
    is_first[first[first >= 0]] = True
    other = np.where(is_first, second, best)
    # a lone candidate has no rival to be measured against: 0 (a missing comparison counts neither way)
    return np.where(other <= -99.0, 0.0, np.clip(values - other, -10.0, 10.0) / 5)


def _photo_features(
    photo: np.ndarray, colour: np.ndarray, window: np.ndarray, group: np.ndarray, groups: int
) -> list[np.ndarray]:
    """photo_close, photo_near, photo_far, photo_missing, photo_gap from the best distances of the photos
    whole (-1: none); colour_far: how far apart the colours of photos that are not the same photo (whole or by
    a window) are (a re-shot photo of the item keeps its colours; a photo of another thing mostly does not);
    photo_far_uncoloured: photo_far again where the photos carry no colour code (a feed's hashes, an older
    database); window_close, window_near: a window (a banner cut, a collage tile, a crop) is close or near
    where the photos whole are not (weaker evidence: windows are many)."""
    known = photo >= 0
    best = _group_best(np.where(known, photo, 99.0), group, groups, np.minimum, 99.0)
    far = np.where(known, np.clip((photo - NEAR) / FAR_SPAN, 0.0, 1.0), 0.0)
    by_window = known & (photo > NEAR) & (window >= 0)
    same = (known & (photo <= NEAR)) | (by_window & (window <= NEAR))
    return [
        known & (photo <= CLOSE),
        known & (photo > CLOSE) & (photo <= NEAR),
        far,
        ~known,
        np.where(known, np.minimum((photo - best) / 10, 2.0), 0.0),
        np.where(known & ~same & (colour >= 0), np.minimum(colour / COLOUR_APART, 1.0), 0.0),
        np.where(colour < 0, far, 0.0),
        by_window & (window <= CLOSE),
        by_window & (window > CLOSE) & (window <= NEAR),
    ]


def _measured(values: np.ndarray | None, n: int) -> np.ndarray:
    """Optional per-pair distances as floats (NO_DISTANCE for all when they were not measured)."""
    return np.full(n, float(NO_DISTANCE)) if values is None else values.astype(float)


def feature_matrix(pairs: ScoredPairs) -> np.ndarray:
    """One row of FEATURES per pair; gaps are measured against the best candidate of the same retail listing
    (``title_best``: 1 for the best, a lone candidate included). A pair whose query has no title reads no title
    features: they are 0 and ``title_missing`` is 1, so that the photo is the evidence (a comparison that is
    missing counts neither for nor against). ``latin*<feature>`` is the title feature times the Latin share of
    the query's title: English shop titles weigh the title evidence and the competition among a listing's
    candidates apart from Chinese ones (docs/matching.md)."""
    n = len(pairs)
    known = np.ones(n, bool) if pairs.title_known is None else np.asarray(pairs.title_known, bool)
    group = pd.factorize(np.asarray(pairs.retail))[0]  # np.unique(return_inverse=True) is ~10x slower
    groups = int(group.max(initial=-1)) + 1
    title = np.where(known, logits(np.asarray(pairs.title_probability, float)), 0.0)
    best_title = _group_best(np.where(known, title, -99.0), group, groups, np.maximum, -99.0)
    title_columns = [
        title,
        np.where(known, np.minimum(best_title - title, 10.0) / 5, 0.0),
        np.where(known, lead_margins(np.where(known, title, -99.0), group, groups), 0.0),
        np.where(known, np.asarray(pairs.title_cosine, float), 0.0),
    ]
    best = (known & (title >= best_title)).astype(float)
    latin = np.zeros(n) if pairs.latin is None else np.where(known, np.asarray(pairs.latin, float), 0.0)
    columns = [
        *title_columns,
        *_photo_features(
            pairs.photo.astype(float),
            _measured(pairs.colour, n),
            _measured(pairs.window, n),
            group,
            groups,
        ),
        (~known).astype(float),
        best,
        latin,
        *(latin * column for column in (*title_columns, best)),
    ]
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


def confidences(pairs: ScoredPairs) -> np.ndarray:
    """The calibrated probability that each pair is the identical item."""
    if not len(pairs):
        return np.zeros(0)
    model = match_model()
    z = feature_matrix(pairs) @ np.array(model["coef"]) + model["intercept"]
    return 1 / (1 + np.exp(-(z + IDENTIFIER_LOG_ODDS * np.asarray(pairs.identifiers, float))))
