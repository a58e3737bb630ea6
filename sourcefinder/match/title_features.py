"""The title features of many (left, right) pairs at once.

A title's facts are sets: its tokens, character bigrams, colours, brands, model and article numbers,
quantities and attributes (``prepare.TitleInfo``). :class:`TitleSets` holds them for many titles as binary
sparse rows over one vocabulary per kind of value, so that the overlaps of many pairs are a few sparse
products instead of a Python loop over pairs; :func:`pair_features` turns those overlaps into the numbers the
title model reads (docs/matching-titles.md). ``title_compare.compare`` is this for one pair, with its messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy import sparse

if TYPE_CHECKING:
    pass

# Quantity dimensions that are clothing and shoe sizes (their own features); the others are quantities.
from sourcefinder.match.title_sets import SIZE_DIMENSIONS, TitleSets
from sourcefinder.match.title_words import WORD_DIMENSIONS
from sourcefinder.match.units import PRODUCT_TYPE

# Fact dimensions with their own agree/conflict features: the English word facts and the product type.
FACT_DIMENSIONS = (*WORD_DIMENSIONS, PRODUCT_TYPE)

BASE_FEATURES = (
    "ratio",
    "token_jaccard",
    "bigram_jaccard",
    "token_contained",
    "bigram_contained",
    "token_idf_jaccard",
    "token_idf_contained",
    "attr_equal_share",
    "attr_shared_log",
    "attr_different_log",
    "quantity_agree",
    "quantity_conflict",
    "size_agree",
    "size_conflict",
    "colour_agree",
    "colour_conflict",
    "model_agree",
    "model_conflict",
    "brand_agree",
    "brand_conflict",
    *(f"{dim}_{side}" for dim in FACT_DIMENSIONS for side in ("agree", "conflict")),
    "version_one_sided",
    "edition_one_sided",
)
# The features read again for titles in Latin script (English shop titles: words, not characters, carry the
# item), so that one model weighs them apart from Chinese titles: latin*<feature> = latin share x feature. Not
# the English word facts (they are Latin-only already) and not the model numbers: on the English fit data a
# Google title's catalogue number rarely equals an Amazon title's code, and a fitted latin weight cancelled the
# code conflict, which must hold (NN-SN667W against NN-C994S).
LATIN_READ = tuple(
    name
    for name in BASE_FEATURES
    if not name.startswith(("model_", *FACT_DIMENSIONS)) and not name.endswith("_one_sided")
)
FEATURES = (*BASE_FEATURES, "latin", *(f"latin*{name}" for name in LATIN_READ))
ATTRIBUTE_PREFIX = "attr="


def _met(a: sparse.csr_matrix, b: sparse.csr_matrix, ai: np.ndarray, bi: np.ndarray) -> sparse.csr_matrix:
    """For each pair (ai[k], bi[k]): the values both rows hold (binary, pairs x vocabulary)."""
    return a[ai].multiply(b[bi]).tocsr()


def _count(matrix: sparse.csr_matrix) -> np.ndarray:
    return np.diff(matrix.indptr)


def _groups_met(met: sparse.csr_matrix, group_of: np.ndarray, n_groups: int) -> sparse.csr_matrix:
    """Pairs x groups, 1 where a shared value belongs to the group (a key or a dimension met on some value)."""
    coo = met.tocoo()
    keys = pd.unique(coo.row.astype(np.int64) * n_groups + group_of[coo.col])  # np.unique: ~10x slower
    return sparse.csr_matrix(
        (np.ones(len(keys), np.float32), (keys // n_groups, keys % n_groups)), shape=(met.shape[0], n_groups)
    )


def latin_share(text: str) -> float:
    """The share of a text's characters that are ASCII, read from its UTF-8 length (a character outside ASCII
    counted as a 3-byte one, as CJK characters are): one C call a text instead of a loop over its characters."""
    return 1.0 - (len(text.encode()) - len(text)) / (2 * len(text)) if text else 0.0


def _latin(left: TitleSets, ai: np.ndarray) -> np.ndarray:
    """The latin_share of each pair's left (retail, query) title: its script says how the pair is read (the
    factory titles are not read again for every span of pairs)."""
    unique, inverse = np.unique(ai, return_inverse=True)
    values = np.fromiter((latin_share(left.texts[k]) for k in unique.tolist()), float, len(unique))
    return np.clip(values, 0.0, 1.0)[inverse]


def _jaccard(shared: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|A n B| / |A u B|, 0 when either side is empty."""
    union = a + b - shared
    return np.where((a > 0) & (b > 0), shared / np.maximum(union, 1), 0.0)


def _contained(shared: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|A n B| / min(|A|, |B|): how much of the shorter title the longer one holds (a Google title is often an
    Amazon title with the maker, a catalogue number and the platform around it); 0 when either is empty."""
    return np.where((a > 0) & (b > 0), shared / np.maximum(np.minimum(a, b), 1), 0.0)


def _idf_overlaps(
    left: TitleSets, right: TitleSets, ai: np.ndarray, bi: np.ndarray, met: sparse.csr_matrix
) -> tuple[np.ndarray, np.ndarray]:
    """(weighted Jaccard, weighted containment) of the pairs' tokens, each token weighed by its inverse document
    frequency on the right (factory) side: a rare word shared (nonprofits, spanish) says more than a common one
    (software, edition). A left token unknown on the right weighs as much as the rarest; ``met`` holds the tokens
    each pair shares."""
    idf, rarest = right.token_idf
    unknown = left.sizes["tokens"] - np.diff(left.rows["tokens"].indptr)
    left_weight = (left.rows["tokens"] @ idf + unknown * rarest)[ai]
    right_weight = right.token_weights[bi]
    shared = met @ idf
    union = left_weight + right_weight - shared
    both = (left_weight > 0) & (right_weight > 0)
    jaccard = np.where(both, shared / np.maximum(union, 1e-9), 0.0)
    contained = np.where(both, shared / np.maximum(np.minimum(left_weight, right_weight), 1e-9), 0.0)
    return jaccard, contained


def _one_sided(
    left: TitleSets, right: TitleSets, ai: np.ndarray, bi: np.ndarray, dimension: str
) -> np.ndarray:
    """1 where exactly one title of the pair names the dimension (hoyle card games 2007 against hoyle card games:
    the version may differ; word 2004 upgrade against word 2004), else 0."""
    column = right.vocabulary["dimensions"].get_indexer([dimension])[0]
    if column < 0:
        return np.zeros(len(ai))
    named_left = left.rows["dimensions"][:, column].toarray().ravel()[ai] > 0
    named_right = right.rows["dimensions"][:, column].toarray().ravel()[bi] > 0
    return (named_left != named_right).astype(float)


def _agree_conflict(met: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a fact both sides must name: agree when they share a value, conflict when they share none."""
    both = (a > 0) & (b > 0)
    return (both & met).astype(float), (both & ~met).astype(float)


def models_match(a: str, b: str) -> bool:
    """Equal codes, or one inside the other when both are long enough (SHB610 ~ SHB610CR)."""
    return a == b or (min(len(a), len(b)) >= 3 and (a in b or b in a))


def _contains_one(codes: frozenset[str], joined: str) -> bool:
    """Is one of ``codes`` (3 characters or more) inside one of the codes joined in ``joined``?"""
    return any(len(code) >= 3 and code in joined for code in codes)


def _models_meet(left: TitleSets, right: TitleSets, ai: np.ndarray, bi: np.ndarray) -> np.ndarray:
    """Do the model numbers of each pair match (models_match)? Exact matches by sparse product; for the rest of
    the pairs where both sides name a model, containment by substring search in each side's codes joined by a
    separator no code holds (one search a code instead of one comparison per pair of codes)."""
    exact = _count(_met(left.rows["models"], right.rows["models"], ai, bi)) > 0
    both = (left.sizes["models"][ai] > 0) & (right.sizes["models"][bi] > 0)
    rest = np.flatnonzero(both & ~exact)
    # A code inside another, unequal one is shorter than it: a pair needs a longer code on one side than a
    # code of 3+ characters on the other (most pairs of unrelated listings have codes of one length).
    left_short, left_long = left.model_lengths
    right_short, right_long = right.model_lengths
    ar, br = ai[rest], bi[rest]
    rest = rest[(right_long[br] > left_short[ar]) | (left_long[ar] > right_short[br])]
    if len(rest):
        lm, rm, lj, rj = left.models, right.models, left.joined_models, right.joined_models
        exact[rest] = [
            _contains_one(lm[i], rj[j]) or _contains_one(rm[j], lj[i])
            for i, j in zip(ai[rest].tolist(), bi[rest].tolist(), strict=True)
        ]
    return exact


@dataclass
class PairFeatures:
    """The title features of many pairs: the fixed FEATURES, and per attribute key shared / equal."""

    columns: np.ndarray  # (pairs, len(FEATURES)) float64
    attribute_keys: pd.Index  # the columns of the two matrices below
    shared_keys: sparse.csr_matrix  # pairs x keys: both listings fill the key
    equal_keys: sparse.csr_matrix  # pairs x keys: ... and their values share a part

    def __len__(self) -> int:
        return len(self.columns)

    def matrix(self, names: Sequence[str]) -> np.ndarray:
        """The features ``names`` (FEATURES and attr=<key>; an unknown key reads 0) as a dense matrix."""
        out = np.zeros((len(self), len(names)))
        fixed = [(j, FEATURES.index(name)) for j, name in enumerate(names) if name in FEATURES]
        if fixed:
            out[:, [j for j, _ in fixed]] = self.columns[:, [c for _, c in fixed]]
        keys = [n.removeprefix(ATTRIBUTE_PREFIX) if n.startswith(ATTRIBUTE_PREFIX) else None for n in names]
        key_columns = self.attribute_keys.get_indexer(keys)
        known = np.flatnonzero(key_columns >= 0)
        if len(known):
            signed = 2 * self.equal_keys - self.shared_keys
            out[:, known] = signed[:, key_columns[known]].toarray()
        return out

    def as_dict(self, k: int) -> dict[str, float]:
        """Pair ``k``'s features by name, with attr=<key> (+1 equal, -1 different) for every shared key."""
        values = dict(zip(FEATURES, self.columns[k].tolist(), strict=True))
        shared, equal = self.shared_keys[k], self.equal_keys[k]
        equal_columns = set(equal.indices.tolist())
        for column in shared.indices.tolist():
            values[ATTRIBUTE_PREFIX + self.attribute_keys[column]] = 1.0 if column in equal_columns else -1.0
        return values


def pair_features(left: TitleSets, right: TitleSets, ai: np.ndarray, bi: np.ndarray) -> PairFeatures:
    """The features of the pairs (left[ai[k]], right[bi[k]]); both sides counted in one vocabulary."""
    ai, bi = np.asarray(ai, np.int64), np.asarray(bi, np.int64)
    vocabulary = right.vocabulary

    def overlap(field: str, other: str | None = None) -> np.ndarray:
        return _count(_met(left.rows[field], right.rows[other or field], ai, bi))

    def sizes(field: str) -> tuple[np.ndarray, np.ndarray]:
        return left.sizes[field][ai], right.sizes[field][bi]

    n = len(ai)
    ratio = (
        process.cpdist(
            [left.texts[i] for i in ai], [right.texts[j] for j in bi], scorer=fuzz.ratio, dtype=np.float64
        )
        / 100
        if n
        else np.zeros(0)
    )
    # Attributes: keys both fill, and those whose values share a part.
    n_keys = len(vocabulary["attribute_keys"])
    shared_keys = _met(left.rows["attribute_keys"], right.rows["attribute_keys"], ai, bi)
    equal_keys = _groups_met(
        _met(left.rows["attributes"], right.rows["attributes"], ai, bi),
        right.key_columns["attributes"],
        n_keys,
    )
    attr_shared, attr_equal = _count(shared_keys), _count(equal_keys)
    attr_different = attr_shared - attr_equal
    # Quantities: per dimension both name, agree when a value meets.
    dims = vocabulary["dimensions"]
    shared_dims = _met(left.rows["dimensions"], right.rows["dimensions"], ai, bi)
    met_dims = _groups_met(
        _met(left.rows["quantities"], right.rows["quantities"], ai, bi),
        right.key_columns["quantities"],
        len(dims),
    )
    named = np.asarray(dims, dtype=object)

    def in_dimensions(matrix: sparse.csr_matrix, chosen: Sequence[str]) -> np.ndarray:
        return np.asarray(matrix @ np.isin(named, chosen).astype(float)).ravel()

    size_shared, size_met = (
        in_dimensions(shared_dims, SIZE_DIMENSIONS),
        in_dimensions(met_dims, SIZE_DIMENSIONS),
    )
    words = {}
    for dim in FACT_DIMENSIONS:
        shared, met = in_dimensions(shared_dims, (dim,)), in_dimensions(met_dims, (dim,))
        words[f"{dim}_agree"], words[f"{dim}_conflict"] = met, shared - met
    words_shared, words_met = (
        in_dimensions(shared_dims, FACT_DIMENSIONS),
        in_dimensions(met_dims, FACT_DIMENSIONS),
    )
    quantity_shared = _count(shared_dims) - size_shared - words_shared
    quantity_met = _count(met_dims) - size_met - words_met
    colour_agree, colour_conflict = _agree_conflict(overlap("colours") > 0, *sizes("colours"))
    brand_agree, brand_conflict = _agree_conflict(overlap("brands") > 0, *sizes("brands"))
    model_agree, model_conflict = _agree_conflict(_models_meet(left, right, ai, bi), *sizes("models"))
    articles = (overlap("articles") + overlap("articles", "models")) > 0
    articles |= _count(_met(left.rows["models"], right.rows["articles"], ai, bi)) > 0
    met_tokens = _met(left.rows["tokens"], right.rows["tokens"], ai, bi)
    tokens, bigrams = _count(met_tokens), overlap("bigrams")
    idf_jaccard, idf_contained = (
        _idf_overlaps(left, right, ai, bi, met_tokens) if n else (np.zeros(0), np.zeros(0))
    )
    columns = {
        "ratio": ratio,
        "token_jaccard": _jaccard(tokens, *sizes("tokens")),
        "bigram_jaccard": _jaccard(bigrams, *sizes("bigrams")),
        "token_contained": _contained(tokens, *sizes("tokens")),
        "bigram_contained": _contained(bigrams, *sizes("bigrams")),
        "token_idf_jaccard": idf_jaccard,
        "token_idf_contained": idf_contained,
        "attr_equal_share": np.where(attr_shared > 0, attr_equal / np.maximum(attr_shared, 1), 0.0),
        "attr_shared_log": np.log1p(attr_shared),
        "attr_different_log": np.log1p(attr_different),
        "quantity_agree": quantity_met,
        "quantity_conflict": quantity_shared - quantity_met,
        "size_agree": size_met,
        "size_conflict": size_shared - size_met,
        "colour_agree": colour_agree,
        "colour_conflict": colour_conflict,
        "model_agree": model_agree + articles,
        "model_conflict": model_conflict,
        "brand_agree": brand_agree,
        "brand_conflict": brand_conflict,
        **words,
        "version_one_sided": _one_sided(left, right, ai, bi, "version"),
        "edition_one_sided": _one_sided(left, right, ai, bi, "edition"),
    }
    columns["latin"] = _latin(left, ai) if n else np.zeros(0)
    columns |= {f"latin*{name}": columns["latin"] * columns[name] for name in LATIN_READ}
    matrix = np.column_stack([np.asarray(columns[name], float) for name in FEATURES]).reshape(
        n, len(FEATURES)
    )
    return PairFeatures(matrix, vocabulary["attribute_keys"], shared_keys, equal_keys)
