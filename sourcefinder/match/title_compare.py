"""Two titles lined up: what they agree on and where they conflict, in words; the similarity shown with
a match; the title model's probability (resources/title_model.json, fitted by benchmarks/fit_title_model.py)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from types import MappingProxyType

import numpy as np
from rapidfuzz import fuzz

from sourcefinder.match.prepare import TitleInfo
from sourcefinder.match.title_features import (
    FACT_DIMENSIONS,
    PairFeatures,
    models_match,
    pair_features,
)
from sourcefinder.match.title_sets import SIZE_DIMENSIONS, TitleRow, TitleSets
from sourcefinder.match.title_text import resource
from sourcefinder.match.units import dimension_label

Message = Callable[[], str]
Fact = tuple[Message | None, Message | None]  # (agreeing, conflicting) message of one fact, written on demand


@dataclass(frozen=True)
class TitleEvidence:
    """What two titles share and where they disagree (the messages are only written when read)."""

    similarity: float
    values: Mapping[str, float]
    facts: tuple[Fact, ...] = ()

    @cached_property
    def agreeing(self) -> list[str]:
        return [agree() for agree, _ in self.facts if agree]

    @cached_property
    def conflicting(self) -> list[str]:
        return [conflict() for _, conflict in self.facts if conflict]

    def features(self) -> dict[str, float]:
        """The numbers the probability model reads."""
        return dict(self.values)


def _compare_sets(name: str, a: frozenset[str], b: frozenset[str], show) -> Fact:
    """(agreeing, conflicting) message for two sets of values of one fact; None when one side is silent."""
    if not a or not b:
        return None, None
    shared = a & b
    if shared:
        return (lambda: f"{name} {'/'.join(sorted(show(v) for v in shared))}"), None
    return None, lambda: f"{name} {'/'.join(sorted(map(show, a)))} ≠ {'/'.join(sorted(map(show, b)))}"


def _model_sets(a: frozenset[str], b: frozenset[str]) -> Fact:
    if not a or not b:
        return None, None
    if any(models_match(x, y) for x in a for y in b):
        pairs = [(x, y) for x in sorted(a) for y in sorted(b) if models_match(x, y)]
        return (lambda: f"型号 {pairs[0][0]} ~ {pairs[0][1]}"), None
    return None, lambda: f"型号 {'/'.join(sorted(a))} ≠ {'/'.join(sorted(b))}"


def _article_agreement(a: TitleInfo, b: TitleInfo) -> Fact:
    """An article number (货号) of one listing found among the other's article or model numbers."""
    shared = (a.articles & (b.articles | b.models)) | (b.articles & a.models)
    return ((lambda: f"货号 {'/'.join(sorted(shared))}") if shared else None), None


def facts(a: TitleInfo | TitleRow, b: TitleInfo | TitleRow) -> list[tuple[str, Fact]]:
    """(kind, fact) for the quantities, colours, models and brands of two titles: what they agree on and where
    they conflict, in words (title_features counts the same facts for many pairs at once; tested equal)."""
    surfaces = {**b.surfaces, **a.surfaces}

    def as_written(value: str) -> str:
        return surfaces.get(value, value)

    facts = [
        (
            "size" if dim in SIZE_DIMENSIONS else dim if dim in FACT_DIMENSIONS else "quantity",
            _compare_sets(dimension_label(dim), a.quantities[dim], b.quantities[dim], as_written),
        )
        for dim in sorted(a.quantities.keys() & b.quantities.keys())
    ]
    facts += [
        ("colour", _compare_sets("颜色", a.colours, b.colours, str)),
        ("model", _model_sets(a.models, b.models)),
        ("model", _article_agreement(a, b)),
        ("brand", _compare_sets("品牌", a.brands, b.brands, str)),
    ]
    return facts


def similarity(a: TitleInfo | TitleRow, b: TitleInfo | TitleRow) -> float:
    """The similarity shown with a match: rapidfuzz's token_set_ratio of the segmented titles, 0-1."""
    return fuzz.token_set_ratio(a.joined, b.joined) / 100


def compare(a: TitleInfo, b: TitleInfo) -> TitleEvidence:
    """Line up two titles: their features (as title_features computes them for many pairs) and the quantities,
    colours, models and brands they agree on or not, in words."""
    both = TitleSets.of([a, b])
    features = pair_features(both, both, np.array([0]), np.array([1]))
    values = MappingProxyType(features.as_dict(0))
    return TitleEvidence(similarity(a, b), values, tuple(fact for _, fact in facts(a, b)))


MODEL_RESOURCE = "title_model.json"


@cache
def title_model() -> dict:
    """The fitted logistic regression: feature names, scaling, coefficients, intercept, threshold."""
    return json.loads(resource(MODEL_RESOURCE))


def title_threshold() -> float:
    """The decision threshold chosen on the training pairs (best F1 there)."""
    return float(title_model()["threshold"])


@cache
def _title_weights() -> tuple[float, dict[str, float]]:
    """The model as (log-odds of all-zero features, weight per feature): standardisation folded in."""
    model = title_model()
    names, means, scales, coefs = model["features"], model["mean"], model["scale"], model["coef"]
    weights = {name: coef / scale for name, scale, coef in zip(names, scales, coefs, strict=True)}
    base = model["intercept"] - sum(w * m for w, m in zip(weights.values(), means, strict=True))
    return base, weights


def title_probability(ev: TitleEvidence) -> float:
    """Probability that two listings are the identical product, from title evidence alone."""
    base, weights = _title_weights()
    z = base + sum(weights[name] * value for name, value in ev.values.items() if name in weights)
    return 1.0 / (1.0 + math.exp(-z))


def title_probabilities(features: PairFeatures) -> np.ndarray:
    """title_probability of many pairs at once."""
    base, weights = _title_weights()
    z = base + features.matrix(list(weights)) @ np.fromiter(weights.values(), float, len(weights))
    return 1.0 / (1.0 + np.exp(-z))
