"""The vectorised title features equal what the rules say pair by pair, on real titles and small cases."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from sourcefinder.match import prepare, title_compare
from sourcefinder.match.title_features import FACT_DIMENSIONS, FEATURES, models_match, pair_features
from sourcefinder.match.title_sets import TitleSets

REAL = Path(__file__).parent / "fixtures" / "titles" / "ember_val_titles.csv"


@pytest.fixture(scope="module")
def real_infos() -> list[prepare.TitleInfo]:
    with open(REAL, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [prepare.prepare(r["title"], prepare.parse_pv_pairs(r["pv_pairs"])) for r in rows]


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _contained(a: set, b: set) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _bigrams(info: prepare.TitleInfo) -> set[str]:
    compact = info.text.replace(" ", "")
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def _expected(a: prepare.TitleInfo, b: prepare.TitleInfo) -> dict[str, float]:
    """The features of one pair, written out with Python sets and the fact messages."""
    counts = dict.fromkeys(("quantity", "size", "colour", "model", "brand", *FACT_DIMENSIONS), (0, 0))
    for kind, (agree, conflict) in title_compare.facts(a, b):
        agreed, conflicted = counts[kind]
        counts[kind] = (agreed + (agree is not None), conflicted + (conflict is not None))
    shared = a.attributes.keys() & b.attributes.keys()
    equal = {k for k in shared if a.attributes[k] & b.attributes[k]}
    values = {
        "token_jaccard": _jaccard(set(a.tokens), set(b.tokens)),
        "bigram_jaccard": _jaccard(_bigrams(a), _bigrams(b)),
        "token_contained": _contained(set(a.tokens), set(b.tokens)),
        "bigram_contained": _contained(_bigrams(a), _bigrams(b)),
        "attr_equal_share": len(equal) / len(shared) if shared else 0.0,
        "attr_shared_log": np.log1p(len(shared)),
        "attr_different_log": np.log1p(len(shared) - len(equal)),
    }
    for kind, (agree, conflict) in counts.items():
        values[f"{kind}_agree"], values[f"{kind}_conflict"] = agree, conflict
    values |= {f"attr={k}": 1.0 if k in equal else -1.0 for k in shared}
    return values


def test_features_of_many_real_pairs_equal_the_rules_pair_by_pair(real_infos) -> None:
    """Retail titles counted in the factory side's vocabulary (unknown values still count), as the matcher does."""
    retail, factory = real_infos[::2], real_infos[1::2]
    rng = np.random.default_rng(0)
    n = min(len(retail), len(factory))  # the labelled pairs side by side, then random ones
    ai = np.concatenate([np.arange(n), rng.integers(0, len(retail), 3000)])
    bi = np.concatenate([np.arange(n), rng.integers(0, len(factory), 3000)])
    factory_sets = TitleSets.of(factory)
    features = pair_features(TitleSets.of(retail, factory_sets.vocabulary), factory_sets, ai, bi)
    for k, (i, j) in enumerate(zip(ai.tolist(), bi.tolist(), strict=True)):
        got, want = features.as_dict(k), _expected(retail[i], factory[j])
        got = {
            k: v
            for k, v in got.items()
            if not k.startswith("latin") and "_idf_" not in k and "one_sided" not in k
        }
        assert got.keys() - {"ratio"} == want.keys(), (retail[i].title, factory[j].title)
        assert all(got[name] == pytest.approx(value) for name, value in want.items()), (k, got, want)


def test_a_fact_both_sides_name_agrees_or_conflicts() -> None:
    pairs = [
        ("不锈钢汤锅16.5cm 红色", "不锈钢汤锅165mm 酒红"),  # length agrees, colour family agrees
        ("不锈钢汤锅16.5cm 红色", "不锈钢汤锅18cm 黑色"),  # both conflict
        (
            "卫衣 XL码 型号KX-200",
            "卫衣 S码 KX200CR",
        ),  # letter size conflicts, model inside the longer one agrees
        ("汤锅", "汤锅18cm 黑色"),  # one side silent: nothing
    ]
    infos = [prepare.prepare(t) for pair in pairs for t in pair]
    sets = TitleSets.of(infos)
    features = pair_features(sets, sets, np.arange(0, 8, 2), np.arange(1, 8, 2))
    m = features.matrix(["quantity_agree", "quantity_conflict", "colour_agree", "colour_conflict"])
    assert m.tolist() == [[1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]]
    sizes = features.matrix(["size_agree", "size_conflict", "model_agree", "model_conflict"])
    assert sizes[2].tolist() == [0, 1, 1, 0]


def test_compare_is_the_batch_for_one_pair(real_infos) -> None:
    a, b = real_infos[0], real_infos[1]
    sets = TitleSets.of([a, b])
    batch = pair_features(sets, sets, np.array([0]), np.array([1])).as_dict(0)
    assert title_compare.compare(a, b).features() == batch
    assert set(FEATURES) <= batch.keys()


def test_matrix_reads_unknown_attribute_keys_as_zero(real_infos) -> None:
    sets = TitleSets.of(real_infos[:4])
    features = pair_features(sets, sets, np.array([0, 2]), np.array([1, 3]))
    assert features.matrix(["attr=no such key"]).tolist() == [[0.0], [0.0]]


def test_no_pairs_give_an_empty_matrix(real_infos) -> None:
    sets = TitleSets.of(real_infos[:3])
    features = pair_features(sets, sets, np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert features.matrix(list(FEATURES)).shape == (0, len(FEATURES))
    assert title_compare.title_probabilities(features).shape == (0,)


def test_spans_concatenated_equal_one_build(real_infos) -> None:
    """The factory side is made span by span on pool workers, each with its own vocabulary, then joined."""
    whole = TitleSets.of(real_infos)
    joined = TitleSets.concat([TitleSets.of(real_infos[:100]), TitleSets.of(real_infos[100:])])
    retail = TitleSets.of(real_infos[::3], whole.vocabulary)
    ai, bi = np.repeat(np.arange(len(retail)), 3), np.tile([0, 150, 300], len(retail))
    one = pair_features(retail, whole, ai, bi)
    two = pair_features(TitleSets.of(real_infos[::3], joined.vocabulary), joined, ai, bi)
    assert np.array_equal(one.columns, two.columns)
    assert [one.as_dict(k) for k in range(len(one))] == [two.as_dict(k) for k in range(len(two))]


def test_a_title_reads_back_from_its_sets(real_infos) -> None:
    """The messages of a match read the factory side from its sets: the same facts and similarity."""
    sets = TitleSets.concat([TitleSets.of(real_infos[:50]), TitleSets.of(real_infos[50:])])
    rich = next(k for k, info in enumerate(real_infos) if info.quantities and info.colours and info.brands)
    ks = [rich, 0, 49, 50, 200, 49]

    def said(a, b) -> list:
        return [
            (kind, agree and agree(), conflict and conflict())
            for kind, (agree, conflict) in title_compare.facts(a, b)
        ]

    for k in ks:
        row, info = sets.row(k), real_infos[k]
        assert (row.colours, row.articles, row.brands, row.models) == (
            info.colours,
            info.articles,
            info.brands,
            info.models,
        )
        assert (row.quantities, row.surfaces, row.text, row.joined) == (
            dict(info.quantities),
            dict(info.surfaces),
            info.text,
            info.joined,
        )
        assert said(real_infos[rich], row) == said(real_infos[rich], info)
        assert title_compare.similarity(real_infos[rich], row) == title_compare.similarity(
            real_infos[rich], info
        )
    assert any(agree or conflict for _, agree, conflict in said(real_infos[rich], sets.row(rich)))
    together = sets.rows_of(ks)  # what the matcher reads for the kept pairs of a span, at once
    assert [said(real_infos[rich], row) for row in together] == [
        said(real_infos[rich], real_infos[k]) for k in ks
    ]


def test_model_containment_in_batch_equals_models_match_code_by_code() -> None:
    """The batch's substring search over joined codes says what models_match says for every pair of codes."""
    rng = np.random.default_rng(3)
    alphabet = list("AB12-")

    def codes() -> frozenset[str]:
        return frozenset("".join(rng.choice(alphabet, rng.integers(1, 7))) for _ in range(rng.integers(1, 4)))

    infos = [prepare.TitleInfo(title="", text="", tokens=(), models=codes()) for _ in range(300)]
    sets = TitleSets.of(infos)
    ai, bi = rng.integers(0, 300, 5000), rng.integers(0, 300, 5000)
    got = pair_features(sets, sets, ai, bi).matrix(["model_agree"]).ravel() > 0
    want = [
        any(models_match(x, y) for x in infos[i].models for y in infos[j].models)
        for i, j in zip(ai.tolist(), bi.tolist(), strict=True)
    ]
    assert got.tolist() == want
    assert 0 < sum(want) < len(want)
