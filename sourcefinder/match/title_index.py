"""The title candidate index: character n-gram TF-IDF over the factory titles, queried for the closest ones
(sparse top-n products)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from sourcefinder.match.ngrams import CharNgramTfidf, Counted

TOPN_THREADS = os.cpu_count() or 1  # threads of the sparse top-n product (1 in the matcher's pool workers)


def _topn_product(queries: sparse.csr_matrix, entries_t: sparse.csr_matrix, top_n: int, threshold: float):
    """``queries @ entries_t`` (the entries as columns) keeping the ``top_n`` largest values per row above
    ``threshold``."""
    try:
        from sparse_dot_topn import sp_matmul_topn
    except ImportError:
        return _blocked_topn(queries, entries_t, top_n, threshold)
    return sp_matmul_topn(queries, entries_t, top_n=top_n, threshold=threshold, n_threads=TOPN_THREADS)


def _blocked_topn(queries: sparse.csr_matrix, entries_t: sparse.csr_matrix, top_n: int, threshold: float):
    """Plain scipy fallback: the product in row blocks, each trimmed to its top ``top_n``."""
    rows, cols, vals = [], [], []
    for start in range(0, queries.shape[0], 2000):
        block = (queries[start : start + 2000] @ entries_t).toarray()
        keep = min(top_n, block.shape[1])
        best = np.argpartition(-block, keep - 1, axis=1)[:, :keep]
        scores = np.take_along_axis(block, best, axis=1)
        r, c = np.nonzero(scores > threshold)
        rows.append(r + start)
        cols.append(best[r, c])
        vals.append(scores[r, c])
    shape = (queries.shape[0], entries_t.shape[1])
    if not rows:
        return sparse.csr_matrix(shape)
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape
    )


# An n-gram in more than 1% of the entries, or in more than MOST_NGRAM_DOCS of them, is dropped (but never
# one in COMMON_NGRAM_DOCS or fewer): it cannot single out the identical item among a few hundred others, and
# its postings make the top-n product slow (100k x 100k: 70 s -> 4 s at 1%, then 28 -> 10 s summed over the
# pool at 300, with the same true pairs found; docs/matching.md). The cap keeps a query's cost from growing
# with the index (1% of a million entries would be 10,000 postings an n-gram).
COMMON_NGRAM_DOCS = 50
MOST_NGRAM_DOCS = 300
NGRAM_RANGE = (1, 3)  # character n-grams of the title index


class TitleIndex:
    """Character n-gram TF-IDF over many titles (the factory side), queried for the closest ones.

    Entries and queries are ``TitleInfo.index_text`` strings."""

    def __init__(self, texts: Iterable[str] = (), ngram_range: tuple[int, int] = NGRAM_RANGE) -> None:
        self.texts: list[str] = []
        self.ngram_range = ngram_range
        self._vectorizer: CharNgramTfidf | None = None
        self._matrix: sparse.csr_matrix | None = None
        self._rows: sparse.csr_matrix | None = None
        self.add(texts)

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, texts: Iterable[str]) -> None:
        """Add entries; the TF-IDF weights are refitted on all entries at the next query."""
        self.texts.extend(texts)
        self._matrix = None

    def fit(self, counted: Sequence[Counted] | None = None) -> None:
        """Fit the TF-IDF weights now (else at the first query). ``counted``: the entries' n-grams already
        counted block by block (``ngrams.count_blocks`` with ``ngram_range``, in order; the matcher counts them
        on its pool)."""
        max_df = max(min(int(0.01 * len(self.texts)), MOST_NGRAM_DOCS), COMMON_NGRAM_DOCS)
        self._vectorizer = CharNgramTfidf(self.ngram_range, max_df)
        if counted is None:
            self._rows = self._vectorizer.fit_transform(self.texts)
        else:
            self._rows = self._vectorizer.fit_counted(counted)
        # Also stored transposed (n-grams x entries), the shape the top-n product reads.
        self._matrix = self._rows.T.tocsr()

    def _fitted(self) -> tuple[CharNgramTfidf, sparse.csr_matrix]:
        if self._matrix is None:
            self.fit()
        return self._vectorizer, self._matrix

    def vectors(self, queries: Sequence[str]) -> sparse.csr_matrix:
        """The TF-IDF rows of query texts, in the entries' weights."""
        return self._fitted()[0].transform(queries)

    def cosines(self, vectors: sparse.csr_matrix, qi: np.ndarray, ei: np.ndarray) -> np.ndarray:
        """The cosine of each pair (query row vectors[qi[k]], entry ei[k])."""
        self._fitted()
        return np.asarray(vectors[qi].multiply(self._rows[ei]).sum(axis=1)).ravel()

    def candidates(
        self, queries: Sequence[str], top_n: int = 20, min_similarity: float = 0.1
    ) -> list[tuple[int, int, float]]:
        """(query index, entry index, cosine) for each query's ``top_n`` closest entries at ``min_similarity`` or more."""
        rows, cols, vals = self.candidate_arrays(queries, top_n, min_similarity)
        return list(zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True))

    def candidate_arrays(
        self, queries: Sequence[str], top_n: int = 20, min_similarity: float = 0.1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What ``candidates`` finds as three arrays (query index, entry index, cosine), best first per query."""
        if not self.texts or not queries:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64)
        return self.closest(self.vectors(queries), top_n, min_similarity)

    def closest(
        self, vectors: sparse.csr_matrix, top_n: int = 20, min_similarity: float = 0.1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """candidate_arrays of queries given as their TF-IDF rows (``vectors``)."""
        product = _topn_product(vectors, self._fitted()[1], top_n, min_similarity).tocoo()
        keep = product.data >= min_similarity
        rows, cols, vals = product.row[keep], product.col[keep], product.data[keep]
        order = np.lexsort((-vals, rows))
        return rows[order].astype(np.int64), cols[order].astype(np.int64), vals[order].astype(np.float64)
