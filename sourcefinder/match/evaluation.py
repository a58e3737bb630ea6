"""Precision, recall and F1 of the stored matches against a CSV of true retail_id,factory_id pairs."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Scores:
    """Match quality against the truth."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


Pair = tuple[str, str]


def read_truth(path: str | Path) -> set[Pair]:
    """True pairs from a CSV with columns retail_id,factory_id."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"retail_id", "factory_id"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path} lacks the column(s) {', '.join(sorted(missing))}")
        return {(row["retail_id"].strip(), row["factory_id"].strip()) for row in reader}


def _sources(pairs: set[Pair]) -> set[tuple[str, str]]:
    return {(r.split(":", 1)[0], f.split(":", 1)[0]) for r, f in pairs}


def score_pairs(predicted: Iterable[Pair], truth: set[Pair]) -> Scores:
    """Compare predicted pairs with the true ones, among the sites the truth speaks of."""
    sites = _sources(truth)
    predicted = {pair for pair in predicted if _sources({pair}) <= sites}
    hits = len(predicted & truth)
    return Scores(hits, len(predicted) - hits, len(truth) - hits)


def stored_pairs(database: Any, min_confidence: float) -> set[Pair]:
    """The matched pairs in the database at or above ``min_confidence``."""
    rows = database.query("select retail_id, factory_id from matches where confidence >= ?", [min_confidence])
    return {(row["retail_id"], row["factory_id"]) for row in rows}
