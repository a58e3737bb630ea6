"""Exact Hamming-distance search over 64-bit hashes, in bounded memory, with numpy, faiss or numba.

Entries may belong to owners (a listing has several images, each with a hash and a mirror hash):
``search_owners`` then returns the best distance per (query owner, entry owner) pair.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Hashable, Iterable, Sequence

import numpy as np

try:
    import faiss
except ImportError:  # faiss-cpu is optional (the "fast" extra)
    faiss = None

# numba is optional too (the "fast" extra); sourcefinder.match.hamming_numba imports it when an index uses it.
HAVE_NUMBA = importlib.util.find_spec("numba") is not None
BLOCK_PAIRS = 1 << 22
"""Pairs compared per numpy block: about 9 bytes each, so ~38 MB of scratch memory."""
BACKENDS = ("auto", "numpy", "faiss", "numba")
_UINT64_MASK = (1 << 64) - 1
_BYTE_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def as_uint64(hashes: Iterable[str | int] | np.ndarray) -> np.ndarray:
    """Hashes as a uint64 array: from 16-hex-digit strings, signed or unsigned ints, or an int64 array."""
    if isinstance(hashes, np.ndarray) and hashes.dtype in (np.int64, np.uint64):
        return hashes.view(np.uint64).ravel()
    values = list(hashes)
    if values and isinstance(values[0], str):
        return np.fromiter((int(v, 16) for v in values), dtype=np.uint64, count=len(values))
    return np.fromiter((int(v) & _UINT64_MASK for v in values), dtype=np.uint64, count=len(values))


def popcount(values: np.ndarray) -> np.ndarray:
    """The number of set bits of each uint64, as uint8."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(values)
    return _BYTE_POPCOUNT[values.view(np.uint8)].reshape(*values.shape, 8).sum(axis=-1, dtype=np.uint8)


def distances(queries: np.ndarray, entries: np.ndarray) -> np.ndarray:
    """The (len(queries), len(entries)) uint8 matrix of Hamming distances between two uint64 arrays."""
    return popcount(np.bitwise_xor(queries[:, None], entries[None, :]))


def _sorted_triples(q: np.ndarray, e: np.ndarray, d: np.ndarray) -> list[tuple[int, int, int]]:
    order = np.lexsort((e, d, q))
    return list(zip(q[order].tolist(), e[order].tolist(), d[order].tolist(), strict=True))


def _smallest(keys: np.ndarray, k: int) -> np.ndarray:
    """The k smallest values of each row, unordered."""
    return keys if keys.shape[1] <= k else np.partition(keys, k - 1, axis=1)[:, :k]


def _available(backend: str) -> str:
    """The backend ``backend`` names, "auto" resolved to the fastest range search installed."""
    if backend != "auto":
        return backend
    return "numba" if HAVE_NUMBA else "faiss" if faiss is not None else "numpy"


class HammingIndex:
    """Exact search of 64-bit hashes by Hamming distance.

    ``owners`` (optional, one per hash) says which listing each hash belongs to; ``backend`` is "numpy",
    "faiss" (needs faiss-cpu), "numba" (needs numba; its range search is ~2.2x faiss's, its ``knn`` is numpy's)
    or "auto" (numba, else faiss, else numpy: the fastest range search installed). All give identical results.
    """

    def __init__(
        self,
        hashes: Iterable[str | int] | np.ndarray,
        owners: Sequence[Hashable] | None = None,
        backend: str = "auto",
        block_pairs: int = BLOCK_PAIRS,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        if backend == "faiss" and faiss is None:
            raise ImportError("the faiss backend needs faiss-cpu")
        if backend == "numba" and not HAVE_NUMBA:
            raise ImportError("the numba backend needs numba")
        self.hashes = as_uint64(hashes)
        if owners is not None and len(owners) != len(self.hashes):
            raise ValueError(f"{len(owners)} owners for {len(self.hashes)} hashes")
        self.owners = list(owners) if owners is not None else None
        self.backend = _available(backend)
        self.block_pairs = block_pairs
        self._faiss = None
        self.compiled = None  # hamming_numba, imported (~0.5 s) only for an index that uses it
        if self.backend == "faiss":
            self._faiss = faiss.IndexBinaryFlat(64)
            self._faiss.add(self._packed(self.hashes))
        if self.backend == "numba":
            from sourcefinder.match import hamming_numba

            self.compiled = hamming_numba
            hamming_numba.warm_up()  # compiled (or read from numba's cache) here, before any fork pool

    def __len__(self) -> int:
        return len(self.hashes)

    @staticmethod
    def _packed(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(values).view(np.uint8).reshape(-1, 8)

    def _steps(self, n_queries: int) -> tuple[int, int]:
        """Query and entry block lengths with at most ~block_pairs pairs per block."""
        entry_step = max(1, min(len(self.hashes), self.block_pairs))
        return max(1, min(n_queries, self.block_pairs // entry_step)), entry_step

    def _blocks(self, q: np.ndarray) -> Iterable[tuple[int, Iterable[tuple[int, np.ndarray]]]]:
        """For each block of queries: its start and (entry start, distance matrix) for each entry block."""
        query_step, entry_step = self._steps(len(q))
        for qs in range(0, len(q), query_step):
            block = q[qs : qs + query_step]
            yield (
                qs,
                (
                    (es, distances(block, self.hashes[es : es + entry_step]))
                    for es in range(0, len(self), entry_step)
                ),
            )

    def search(
        self, queries: Iterable[str | int] | np.ndarray, max_distance: int
    ) -> list[tuple[int, int, int]]:
        """Every (query index, entry index, distance) with distance <= max_distance, sorted by query,
        distance, entry."""
        return _sorted_triples(*self.search_arrays(queries, max_distance))

    def search_arrays(
        self, queries: Iterable[str | int] | np.ndarray, max_distance: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What ``search`` finds as three int64 arrays (query index, entry index, distance), unsorted."""
        q = as_uint64(queries)
        if not len(q) or not len(self) or max_distance < 0:
            return (np.empty(0, np.int64),) * 3
        if self.compiled is not None:
            return self.compiled.range_search(q, self.hashes, max_distance)
        if self._faiss is not None:
            lims, dist, ids = self._faiss.range_search(self._packed(q), max_distance + 1)
            query_ids = np.repeat(np.arange(len(q)), np.diff(lims.astype(np.int64)))
            return query_ids, ids.astype(np.int64), dist.astype(np.int64)
        found = [(np.empty(0, np.int64),) * 3]
        for qs, entry_blocks in self._blocks(q):
            for es, d in entry_blocks:
                qi, ei = np.nonzero(d <= max_distance)
                found.append((qi + qs, ei + es, d[qi, ei].astype(np.int64)))
        return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))

    def knn(self, queries: Iterable[str | int] | np.ndarray, k: int) -> list[tuple[int, int, int]]:
        """The k nearest entries of each query as (query index, entry index, distance), ties going to the
        lower entry index, sorted by query, distance, entry."""
        q = as_uint64(queries)
        k = min(k, len(self))
        if not len(q) or k <= 0:
            return []
        if self._faiss is not None:
            dist, ids = self._faiss.search(self._packed(q), k)
            query_ids = np.repeat(np.arange(len(q)), k)
            return _sorted_triples(query_ids, ids.ravel().astype(np.int64), dist.ravel().astype(np.int64))
        n = len(self)
        best = []
        for _, entry_blocks in self._blocks(q):
            top = None
            for es, d in entry_blocks:
                keys = d.astype(np.int64) * n + np.arange(es, es + d.shape[1])
                top = _smallest(keys if top is None else np.concatenate([top, keys], axis=1), k)
            best.append(top)
        keys = np.concatenate(best)
        return _sorted_triples(np.repeat(np.arange(len(q)), k), (keys % n).ravel(), (keys // n).ravel())

    def search_owners(
        self,
        queries: Iterable[str | int] | np.ndarray,
        query_owners: Sequence[Hashable],
        max_distance: int,
    ) -> list[tuple[Hashable, Hashable, int]]:
        """The best distance <= max_distance per (query owner, entry owner) pair, over all their hashes,
        sorted by distance then by order of first appearance of the owners."""
        if self.owners is None:
            raise ValueError("this index was built without owners")
        q = as_uint64(queries)
        if len(query_owners) != len(q):
            raise ValueError(f"{len(query_owners)} query owners for {len(q)} queries")
        best: dict[tuple[Hashable, Hashable], int] = {}
        for qi, ei, d in self.search(q, max_distance):
            pair = (query_owners[qi], self.owners[ei])
            if d < best.get(pair, 65):
                best[pair] = d
        return sorted(((a, b, d) for (a, b), d in best.items()), key=lambda t: t[2])


def single_threaded() -> None:
    """Make faiss search on one thread in this process (pool workers share the cores)."""
    if faiss is not None:
        faiss.omp_set_num_threads(1)
