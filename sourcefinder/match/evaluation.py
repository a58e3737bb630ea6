"""Match quality against a CSV of true retail_id,factory_id pairs: every-pair and best-source precision,
recall and F1, and calibration tables."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
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


@dataclass(frozen=True)
class BestSourceScores:
    """Issue 14's metric: precision over the pairs reported, recall over the retail listings that have a
    true source (one found source is enough: a consumer wants a source, not every pair of a cluster)."""

    reported: int  # pairs reported
    right: int  # reported pairs that are true
    sourced: int  # retail listings with at least one true source
    found: int  # ... of which at least one true source is reported
    retail_reported: int  # retail listings with at least one reported pair

    @property
    def precision(self) -> float:
        return self.right / self.reported if self.reported else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.sourced if self.sourced else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def sources_per_listing(self) -> float:
        """Pairs reported per retail listing that has any."""
        return self.reported / self.retail_reported if self.retail_reported else 0.0

    def line(self) -> str:
        """The scores in one line, as the CLI and the benchmarks print them."""
        return (
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"({self.reported} pairs reported, {self.sources_per_listing:.2f} a retail listing; "
            f"{self.found} of {self.sourced} sourced retail listings found)"
        )


def best_source_scores(predicted: Iterable[Pair], truth: set[Pair]) -> BestSourceScores:
    """Issue 14's best-source precision and recall of the reported pairs, among the sites the truth speaks of."""
    sites = _sources(truth)
    predicted = {pair for pair in predicted if _sources({pair}) <= sites}
    right = predicted & truth
    return BestSourceScores(
        reported=len(predicted),
        right=len(right),
        sourced=len({r for r, _ in truth}),
        found=len({r for r, _ in right}),
        retail_reported=len({r for r, _ in predicted}),
    )


def recall_by_kind(
    predicted: Iterable[Pair], truth: set[Pair], kinds: dict[str, str]
) -> dict[str, tuple[int, int]]:
    """Best-source recall per kind of retail listing (``kinds``: retail id -> kind, e.g. how the demo made its
    main photo): kind -> (sourced listings of that kind found, sourced listings of that kind)."""
    found = {r for r, f in set(predicted) & truth}
    counts: dict[str, tuple[int, int]] = {}
    for retail in sorted({r for r, _ in truth}):
        kind = kinds.get(retail, "unknown")
        hits, total = counts.get(kind, (0, 0))
        counts[kind] = (hits + (retail in found), total + 1)
    return counts


@dataclass(frozen=True)
class CalibrationBin:
    """The pairs predicted in one confidence bin and how often they are right."""

    low: float
    high: float
    pairs: int
    mean_p: float
    observed: float

    @property
    def within(self) -> bool:
        """Is the observed rate within 0.05 of the mean prediction (issue 14's calibration target)?"""
        return abs(self.observed - self.mean_p) <= 0.05


def calibration(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> list[CalibrationBin]:
    """The pairs in each confidence bin of width 1/bins (1.0 in the last) and their observed rate of being right."""
    table = []
    pairs = sorted(zip(confidence, correct, strict=True))
    for k in range(bins):
        low, high = k / bins, (k + 1) / bins
        inside = [right for p, right in pairs if low <= p < high or (k == bins - 1 and p == high)]
        values = [p for p, _ in pairs if low <= p < high or (k == bins - 1 and p == high)]
        if inside:
            table.append(
                CalibrationBin(low, high, len(inside), sum(values) / len(values), sum(inside) / len(inside))
            )
    return table


def calibration_lines(table: Sequence[CalibrationBin]) -> list[str]:
    """A calibration table as text, one bin a line, with whether it is within 0.05."""
    lines = ["  confidence   pairs  mean p  observed  within 0.05"]
    for row in table:
        lines.append(
            f"  {row.low:.1f}-{row.high:.1f}  {row.pairs:7d}  {row.mean_p:6.3f}  {row.observed:8.3f}  "
            f"{'yes' if row.within else 'no'}"
        )
    return lines
