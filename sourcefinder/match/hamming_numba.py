"""Exact Hamming range search over 64-bit hashes, compiled with numba (the ``fast`` extra).

Two passes over the entries, in blocks that stay in the L1 cache: the first counts each query's hits per block
(a loop LLVM vectorises with the CPU's popcount), the second rereads only the blocks that hold a hit and writes
those hits out. Near copies are rare among all pairs, so the second pass costs little: ~2.2x faiss's
``IndexBinaryFlat.range_search`` on one core (docs/hashing.md, ``benchmarks/bench_hamming.py``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

BLOCK = 1024  # entries per block: 8 KB
QUERY_CHUNK = 4096  # queries per kernel call: bounds the hit-count matrix (chunk x blocks, uint16)


@intrinsic
def _popcount(typingctx, value):
    """LLVM's ctpop of a uint64: the CPU's popcount instruction, or its vector form."""

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


# Not inlined: as a function of its own, LLVM vectorises the loop (measured 2.9 G pairs/s, 1.0 inlined).
@njit(cache=True, inline="never")
def _hits(value, entries, radius):
    count = 0
    for j in range(entries.shape[0]):
        count += _popcount(value ^ entries[j]) <= radius
    return count


@njit(cache=True)
def _block_hits(queries, entries, radius):
    """Hits of each query in each block of entries (block outer: it stays in cache for every query)."""
    n_blocks = (entries.shape[0] + BLOCK - 1) // BLOCK
    hits = np.zeros((queries.shape[0], n_blocks), np.uint16)
    for b in range(n_blocks):
        block = entries[b * BLOCK : (b + 1) * BLOCK]
        for i in range(queries.shape[0]):
            hits[i, b] = _hits(queries[i], block, radius)
    return hits


@njit(cache=True)
def _collect(queries, entries, radius, hits):
    """The hits themselves, rereading only the blocks that hold one: by query, then entry."""
    total = 0
    for i in range(hits.shape[0]):
        for b in range(hits.shape[1]):
            total += hits[i, b]
    found_q, found_e = np.empty(total, np.int64), np.empty(total, np.int64)
    found_d = np.empty(total, np.int64)
    n = 0
    for i in range(hits.shape[0]):
        for b in range(hits.shape[1]):
            if hits[i, b]:
                for j in range(b * BLOCK, min(entries.shape[0], (b + 1) * BLOCK)):
                    distance = _popcount(queries[i] ^ entries[j])
                    if distance <= radius:
                        found_q[n], found_e[n], found_d[n] = i, j, distance
                        n += 1
    return found_q, found_e, found_d


def range_search(
    queries: np.ndarray, entries: np.ndarray, max_distance: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (query index, entry index, distance) with distance <= ``max_distance`` >= 0, as three int64
    arrays, by query then entry (``queries`` and ``entries``: uint64 arrays)."""
    radius = np.uint64(max_distance)
    entries = np.ascontiguousarray(entries, np.uint64)
    parts = [(np.empty(0, np.int64),) * 3]
    for start in range(0, len(queries), QUERY_CHUNK):
        chunk = np.ascontiguousarray(queries[start : start + QUERY_CHUNK], np.uint64)
        q, e, d = _collect(chunk, entries, radius, _block_hits(chunk, entries, radius))
        parts.append((q + start, e, d))
    return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))


def warm_up() -> None:
    """Compile the kernels (or load them from numba's cache) now, e.g. before a fork pool starts."""
    one = np.zeros(1, np.uint64)
    range_search(one, one, 0)


@njit(cache=True)
def best_pair_distances(left, left_valid, right, right_valid, li, ri):
    """For each pair (li[k], ri[k]) of rows, the smallest distance between a valid hash of each; -1 when a
    side has none (as ``images.best_distances``, whose numpy form it replaces when numba is installed)."""
    out = np.empty(li.shape[0], np.int16)
    for k in range(li.shape[0]):
        a, b, best = li[k], ri[k], 99
        for i in range(left.shape[1]):
            if left_valid[a, i]:
                for j in range(right.shape[1]):
                    if right_valid[b, j]:
                        best = min(best, _popcount(left[a, i] ^ right[b, j]))
        out[k] = best if best < 99 else -1
    return out
