"""Evaluation against true pairs."""

from __future__ import annotations

import pytest

from sourcefinder.match.evaluation import read_truth, recall_by_kind, score_pairs


def test_precision_recall_f1():
    truth = {("t:1", "f:1"), ("t:2", "f:2"), ("t:3", "f:3"), ("t:3", "f:4")}
    scores = score_pairs({("t:1", "f:1"), ("t:2", "f:2"), ("t:2", "f:9")}, truth)
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (2, 1, 2)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_pairs_of_other_sites_are_not_counted():
    scores = score_pairs({("t:1", "f:1"), ("taobao:9", "1688:9")}, {("t:1", "f:1")})
    assert scores.false_positives == 0 and scores.f1 == 1.0


def test_nothing_found_scores_zero():
    assert score_pairs(set(), {("t:1", "f:1")}).f1 == 0.0


def test_read_truth(tmp_path):
    path = tmp_path / "truth.csv"
    path.write_text("\ufeffretail_id,factory_id\nt:1, f:1\n", encoding="utf-8")
    assert read_truth(path) == {("t:1", "f:1")}


def test_read_truth_names_missing_columns(tmp_path):
    path = tmp_path / "truth.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="factory_id, retail_id"):
        read_truth(path)


def test_recall_by_kind_counts_sourced_listings_found_per_kind():
    truth = {("t:1", "f:1"), ("t:1", "f:2"), ("t:2", "f:3"), ("t:3", "f:4")}
    kinds = {"t:1": "border", "t:2": "border", "t:3": "collage"}
    predicted = {("t:1", "f:2"), ("t:2", "f:9"), ("t:3", "f:4"), ("t:4", "f:1")}
    assert recall_by_kind(predicted, truth, kinds) == {"border": (1, 2), "collage": (1, 1)}
    assert recall_by_kind(set(), truth, {}) == {"unknown": (0, 3)}
