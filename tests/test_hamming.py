"""HammingIndex against a brute-force Python computation, for every backend installed."""

from __future__ import annotations

import numpy as np
import pytest

from sourcefinder.match import hamming
from sourcefinder.match.hamming import HammingIndex, as_uint64

BACKENDS = (
    ["numpy"] + (["faiss"] if hamming.faiss is not None else []) + (["numba"] if hamming.HAVE_NUMBA else [])
)


def _data(seed: int = 0, n: int = 700, m: int = 60) -> tuple[list[int], list[int]]:
    """Entries with many near duplicates and ties: random hashes, some with few bits set, copies flipped."""
    rng = np.random.default_rng(seed)
    entries = rng.integers(0, 2**64, size=n, dtype=np.uint64)
    entries[: n // 2] &= np.uint64(0xFF000000000000FF)
    queries = entries[rng.integers(0, n, size=m)] ^ (
        np.uint64(1) << rng.integers(0, 64, size=m).astype(np.uint64)
    )
    return [int(v) for v in entries], [int(v) for v in queries]


def _brute(queries: list[int], entries: list[int]) -> list[list[int]]:
    return [[(q ^ e).bit_count() for e in entries] for q in queries]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("block_pairs", [1, 997, 1 << 22])
def test_search_equals_brute_force(backend: str, block_pairs: int) -> None:
    entries, queries = _data()
    index = HammingIndex(entries, backend=backend, block_pairs=block_pairs)
    d = _brute(queries, entries)
    for radius in (0, 3, 12):
        expected = sorted(
            (qi, ei, d[qi][ei])
            for qi in range(len(queries))
            for ei in range(len(entries))
            if d[qi][ei] <= radius
        )
        assert index.search(queries, radius) == sorted(expected, key=lambda t: (t[0], t[2], t[1]))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("block_pairs", [1, 997, 1 << 22])
def test_knn_equals_brute_force_with_ties_to_lower_index(backend: str, block_pairs: int) -> None:
    entries, queries = _data(1)
    index = HammingIndex(entries, backend=backend, block_pairs=block_pairs)
    d = _brute(queries, entries)
    for k in (1, 5, 40):
        expected = [
            (qi, ei, d[qi][ei])
            for qi in range(len(queries))
            for ei in sorted(range(len(entries)), key=lambda e: (d[qi][e], e))[:k]
        ]
        assert index.knn(queries, k) == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_knn_k_larger_than_index(backend: str) -> None:
    index = HammingIndex(["0000000000000000", "0000000000000003"], backend=backend)
    assert index.knn(["0000000000000001"], 5) == [(0, 0, 1), (0, 1, 1)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_owners_returns_best_distance_per_owner_pair(backend: str) -> None:
    # listing A has two images; B has one; the retail query R has a hash and a mirror hash
    entries = ["00000000000000ff", "000000000000000f", "ffffffffffffffff"]
    index = HammingIndex(entries, owners=["A", "A", "B"], backend=backend)
    queries = ["0000000000000000", "fffffffffffffff0"]
    assert index.search_owners(queries, ["R", "R"], max_distance=10) == [("R", "A", 4), ("R", "B", 4)]
    assert index.search_owners(queries, ["R", "S"], max_distance=3) == []
    assert index.search_owners(queries, ["S", "R"], max_distance=64) == [
        ("S", "A", 4),
        ("R", "B", 4),
        ("R", "A", 60),
        ("S", "B", 64),
    ]


def test_as_uint64_accepts_hex_signed_and_unsigned() -> None:
    expected = np.array([0, 2**63, 2**64 - 1], dtype=np.uint64)
    assert (as_uint64(["0000000000000000", "8000000000000000", "ffffffffffffffff"]) == expected).all()
    assert (as_uint64([0, -(2**63), -1]) == expected).all()
    assert (as_uint64([0, 2**63, 2**64 - 1]) == expected).all()
    assert (as_uint64(np.array([0, -(2**63), -1], dtype=np.int64)) == expected).all()


def test_popcount_fallback_matches_bitwise_count(monkeypatch: pytest.MonkeyPatch) -> None:
    entries, queries = _data(2, n=50, m=10)
    expected = hamming.distances(as_uint64(queries), as_uint64(entries))
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    assert (hamming.distances(as_uint64(queries), as_uint64(entries)) == expected).all()
    assert expected.tolist() == _brute(queries, entries)


def test_errors() -> None:
    with pytest.raises(ValueError, match="owners"):
        HammingIndex([1, 2], owners=["a"])
    with pytest.raises(ValueError, match="without owners"):
        HammingIndex([1, 2]).search_owners([1], ["q"], 3)
    with pytest.raises(ValueError, match="backend"):
        HammingIndex([1], backend="gpu")
    assert HammingIndex([1], backend="numpy").search([], 3) == []


@pytest.mark.skipif(not hamming.HAVE_NUMBA, reason="numba not installed")
def test_numba_blocks_and_query_chunks_find_what_numpy_finds() -> None:
    """More entries than one block and more queries than one chunk of the compiled kernel, near copies planted
    at the edges of blocks."""
    from sourcefinder.match import hamming_numba

    rng = np.random.default_rng(5)
    entries = rng.integers(0, 2**64, size=3 * hamming_numba.BLOCK + 17, dtype=np.uint64)
    queries = rng.integers(0, 2**64, size=hamming_numba.QUERY_CHUNK + 300, dtype=np.uint64)
    edges = [0, hamming_numba.BLOCK - 1, hamming_numba.BLOCK, len(entries) - 1]
    at = rng.choice(len(queries), size=400, replace=False)
    queries[at] = entries[rng.choice(edges, size=400)] ^ np.uint64(0b1011)
    by_numba = HammingIndex(entries, backend="numba").search_arrays(queries, 12)
    by_numpy = HammingIndex(entries, backend="numpy").search_arrays(queries, 12)
    assert sorted(zip(*(a.tolist() for a in by_numba), strict=True)) == sorted(
        zip(*(a.tolist() for a in by_numpy), strict=True)
    )
    assert len(by_numba[0]) >= 400
