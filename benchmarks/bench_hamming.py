"""Benchmark exact Hamming search: numpy blocks vs faiss IndexBinaryFlat vs numba's compiled kernel vs naive Python.

100,000 random 64-bit entries; queries are random too, except 2,000 near copies of entries (0-8 bits
flipped) that must all be found. Reports pairs/s per backend and checks the results are identical. The
matcher runs each pool worker on one thread, so faiss is timed on one thread as well as on all of them.

Run from the repository root: python -m benchmarks.bench_hamming [--entries 100000] [--queries 20000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sourcefinder.match import hamming
from sourcefinder.match.hamming import HammingIndex

RADIUS = 8


def make_data(
    n_entries: int, n_queries: int, planted: int = 2000, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Random entries; queries are random except the first ``planted``, copies with 0-8 bits flipped."""
    rng = np.random.default_rng(seed)
    entries = rng.integers(0, 2**64, size=n_entries, dtype=np.uint64)
    queries = rng.integers(0, 2**64, size=n_queries, dtype=np.uint64)
    copies = entries[rng.integers(0, n_entries, size=planted)]
    for row in range(planted):
        for bit in rng.choice(64, size=rng.integers(0, RADIUS + 1), replace=False):
            copies[row] ^= np.uint64(1) << np.uint64(bit)
    queries[:planted] = copies
    return entries, queries


def naive(queries: list[int], entries: list[int], radius: int) -> list[tuple[int, int, int]]:
    found = [(qi, ei, (q ^ e).bit_count()) for qi, q in enumerate(queries) for ei, e in enumerate(entries)]
    return sorted((t for t in found if t[2] <= radius), key=lambda t: (t[0], t[2], t[1]))


def timed(label: str, pairs: int, fn):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {pairs / seconds / 1e9:7.3f} G pairs/s  ({pairs:.2e} pairs in {seconds:.2f} s)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20_000)
    args = parser.parse_args()
    entries, queries = make_data(args.entries, args.queries)
    pairs = len(entries) * len(queries)
    print(
        f"{len(queries)} queries x {len(entries)} entries, radius {RADIUS}; np.bitwise_count: {hasattr(np, 'bitwise_count')}"
    )
    sample_q, sample_e = [int(v) for v in queries[:200]], [int(v) for v in entries[:10_000]]
    expected = timed(
        "naive Python, 200 x 10,000 sample", 200 * 10_000, lambda: naive(sample_q, sample_e, RADIUS)
    )
    by_numpy = HammingIndex(entries, backend="numpy")
    found = timed("numpy search", pairs, lambda: by_numpy.search(queries, RADIUS))
    sample = HammingIndex(entries[:10_000], backend="numpy").search(queries[:200], RADIUS)
    print(f"numpy == naive on the sample: {sample == expected} ({len(expected)} pairs)")
    planted = {qi for qi, _, _ in found if qi < 2000}
    print(f"numpy found {len(found)} pairs; planted copies found: {len(planted)} / 2000")
    knn_queries = queries[:1000]
    knn_numpy = timed(
        "numpy knn k=10, 1000 queries", 1000 * len(entries), lambda: by_numpy.knn(knn_queries, 10)
    )
    if hamming.faiss is not None:
        by_faiss = HammingIndex(entries, backend="faiss")
        threads = hamming.faiss.omp_get_max_threads()
        found_faiss = timed(
            f"faiss search ({threads} threads)", pairs, lambda: by_faiss.search(queries, RADIUS)
        )
        hamming.faiss.omp_set_num_threads(1)
        timed("faiss search (1 thread)", pairs, lambda: by_faiss.search(queries, RADIUS))
        hamming.faiss.omp_set_num_threads(threads)
        knn_faiss = timed(
            "faiss knn k=10, 1000 queries", 1000 * len(entries), lambda: by_faiss.knn(knn_queries, 10)
        )
        print(f"faiss == numpy: search {found_faiss == found}, knn {knn_faiss == knn_numpy}")
    else:
        print("faiss not installed: skipped")
    if hamming.HAVE_NUMBA:
        by_numba = HammingIndex(entries, backend="numba")  # compiles, or reads numba's cache, here
        found_numba = timed("numba search (1 thread)", pairs, lambda: by_numba.search(queries, RADIUS))
        print(f"numba == numpy: search {found_numba == found}")
    else:
        print("numba not installed: skipped")


if __name__ == "__main__":
    main()
