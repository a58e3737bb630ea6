"""The combined confidence: identifiers, photos and titles move it the way the evidence says."""

from __future__ import annotations

import dataclasses

import numpy as np

from sourcefinder.match import prepare, title_compare, title_index
from sourcefinder.match.scoring import (
    NO_DISTANCE,
    ScoredPairs,
    confidences,
    fitted_threshold,
    identifier_evidence,
)


def _pairs(*rows: tuple) -> ScoredPairs:
    """ScoredPairs of (retail, factory, title_a, title_b[, phash, dhash, (attrs_a, attrs_b)]) rows."""
    columns: dict[str, list] = {k: [] for k in ("r", "f", "p", "ph", "dh", "ids", "cos")}
    for retail, factory, a, b, *rest in rows:
        phash, dhash, attrs = (rest + [None, None, ({}, {})][len(rest) :])[:3]
        agree, conflict = identifier_evidence(*attrs)
        info_a, info_b = prepare.prepare(a), prepare.prepare(b)
        ev = title_compare.compare(info_a, info_b)
        index = title_index.TitleIndex.of_texts([info_b.index_text])
        [cosine] = index.cosines(index.vectors([info_a.index_text]), np.array([0]), np.array([0]))
        values = (
            retail,
            factory,
            title_compare.title_probability(ev),
            phash,
            dhash,
            bool(agree) - bool(conflict),
            cosine,
        )
        for key, value in zip(columns, values, strict=True):
            columns[key].append(NO_DISTANCE if value is None else value)
    return ScoredPairs(*(np.array(v) for v in columns.values()))


SPOON = "景德镇陶瓷勺子家用汤勺"


def test_equal_gtin_is_near_certain_and_a_different_one_a_conflict():
    same_gtin = ({"gtin13": "6901234567892"}, {"gtin13": "6901234567892"})
    other_gtin = ({"gtin13": "6901234567892"}, {"gtin13": "6901234567809"})
    base, agreed, conflicting = confidences(
        _pairs(
            (0, 0, SPOON, "陶瓷汤勺家用"),
            (1, 0, SPOON, "陶瓷汤勺家用", None, None, same_gtin),
            (2, 0, SPOON, "陶瓷汤勺家用", None, None, other_gtin),
        )
    )
    assert agreed > 0.97 and agreed > base
    assert conflicting < fitted_threshold() / 4 and conflicting < base / 10


def test_the_same_photo_never_lowers_confidence_and_a_different_one_does():
    """The model is fitted with photo_missing <= photo_close (benchmarks/fit_match_model.py)."""
    title = "陶瓷勺子家用汤勺 工厂直供"
    none, same, far = confidences(
        _pairs((0, 0, SPOON, title), (1, 0, SPOON, title, 3, 4), (2, 0, SPOON, title, 30, 29))
    )
    assert same >= none > far


def test_a_photo_of_another_colour_counts_against_and_a_reshoot_keeps_the_title():
    """Issue 14: photos far apart (another shot) leave the title to carry a re-shot item when their colours
    agree, and count against the pair when they show other colours (another thing)."""
    title = "陶瓷勺子家用汤勺 工厂直供"
    rows = [(k, 0, SPOON, title, *photo) for k, photo in enumerate([(), (26, 27), (26, 27), (26, 27)])]
    pairs = dataclasses.replace(_pairs(*rows), colour=np.array([NO_DISTANCE, 0, 6, NO_DISTANCE]))
    no_photo, reshot, other_colour, uncoloured = confidences(pairs)  # one retail listing each
    assert reshot > other_colour and uncoloured > other_colour
    assert other_colour < no_photo - 0.2  # a different photo is not ignored


def test_a_size_conflict_is_not_a_match_even_with_the_same_photo():
    """Size siblings share one photo; the title must keep them apart."""
    sibling = (0, 0, "网红陶瓷勺子16.5cm", "陶瓷勺子18cm 厂家直销", 0, 0)
    ev = title_compare.compare(prepare.prepare(sibling[2]), prepare.prepare(sibling[3]))
    assert ev.conflicting == ["尺寸 16.5cm ≠ 18cm"]
    right = (0, 1, "网红陶瓷勺子16.5cm", "陶瓷勺子16.5cm 厂家直销", 0, 0)
    wrong_p, right_p = confidences(_pairs(sibling, right))
    assert right_p > 0.9 and wrong_p < 0.05
    [alone] = confidences(_pairs(sibling))  # even when it is the only candidate
    assert alone < fitted_threshold() / 4


def test_photo_is_the_best_known_distance():
    pairs = ScoredPairs(
        *(np.array(v) for v in ([0, 0, 0], [0, 1, 2], [0.5] * 3, [5, -1, -1], [9, 3, -1], [0] * 3, [0.5] * 3))
    )
    assert pairs.photo.tolist() == [5, 3, NO_DISTANCE]


def test_a_photo_found_by_a_window_counts_for_the_pair():
    """A collage's tile or a banner-cut copy (window_close) is evidence where the photos whole are far apart."""
    title = "陶瓷勺子家用汤勺 工厂直供"
    rows = [(k, 0, SPOON, title, *photo) for k, photo in enumerate([(26, 27), (26, 27), (26, 27), (3, 4)])]
    pairs = dataclasses.replace(_pairs(*rows), colour=np.array([3, 3, 3, 0]), window=np.array([26, 9, 3, 3]))
    far, window_near, window_close, whole = confidences(pairs)  # one retail listing each
    assert far < window_near < window_close and far < whole
