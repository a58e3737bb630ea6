"""The title candidate index: character n-gram TF-IDF over the factory titles, queried for the closest ones
(sparse top-n products)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from sourcefinder.match.ngrams import CharNgramTfidf, Counted, count_blocks, merge_counted


def _topn_product(
    queries: sparse.csr_matrix, entries_t: sparse.csr_matrix, top_n: int, threshold: float, threads: int
):
    """``queries @ entries_t`` (the entries as columns) keeping the ``top_n`` largest values per row above
    ``threshold``."""
    try:
        from sparse_dot_topn import sp_matmul_topn
    except ImportError:
        return _blocked_topn(queries, entries_t, top_n, threshold)
    return sp_matmul_topn(queries, entries_t, top_n=top_n, threshold=threshold, n_threads=threads)


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

    Entries and queries are ``TitleInfo.index_text`` strings. Fitted from the entries' n-grams counted once
    (``counted``: one merged block, kept so that entries can be added or removed and the weights refitted
    exactly as a new index of the same entries would have them)."""

    def __init__(
        self, vectorizer: CharNgramTfidf, rows: sparse.csr_matrix, matrix: sparse.csr_matrix | None = None
    ):
        self.vectorizer = vectorizer
        self.rows = rows  # entries x n-grams, L2-normalised TF-IDF
        # Also held transposed (n-grams x entries), the shape the top-n product reads.
        self.matrix = rows.T.tocsr() if matrix is None else matrix
        self.threads = os.cpu_count() or 1  # of the sparse top-n product (1 in pool workers)

    @classmethod
    def fit(cls, counted: Counted, ngram_range: tuple[int, int] = NGRAM_RANGE) -> TitleIndex:
        """The index of entries whose n-grams are ``counted`` (``ngrams.merge_counted`` of their blocks)."""
        n = counted[0].shape[0]
        max_df = max(min(int(0.01 * n), MOST_NGRAM_DOCS), COMMON_NGRAM_DOCS)
        vectorizer = CharNgramTfidf(ngram_range, max_df)
        return cls(vectorizer, vectorizer.fit_counted([counted]))

    @classmethod
    def of_texts(cls, texts: Sequence[str], ngram_range: tuple[int, int] = NGRAM_RANGE) -> TitleIndex:
        """The index of ``texts``."""
        return cls.fit(merge_counted(count_blocks(texts, ngram_range)), ngram_range)

    def __len__(self) -> int:
        return self.rows.shape[0]

    def to_parts(self) -> dict[str, Any]:
        """The fitted weights and rows, to save (``from_parts`` reads them back)."""
        v = self.vectorizer
        return {
            "ngram_range": list(v.ngram_range),
            "max_df": v.max_df,
            "keys": np.asarray(v.vocabulary, np.int64),
            "idf": np.asarray(v.idf),
            "rows": self.rows,
            "matrix": self.matrix,
        }

    @classmethod
    def from_parts(cls, parts: dict[str, Any]) -> TitleIndex:
        """The TitleIndex that ``to_parts`` wrote."""
        vectorizer = CharNgramTfidf(tuple(parts["ngram_range"]), parts["max_df"])
        vectorizer.vocabulary = pd.Index(parts["keys"])
        vectorizer.idf = parts["idf"]
        return cls(vectorizer, parts["rows"], parts["matrix"])

    def vectors(self, queries: Sequence[str]) -> sparse.csr_matrix:
        """The TF-IDF rows of query texts, in the entries' weights."""
        return self.vectorizer.transform(queries)

    def cosines(self, vectors: sparse.csr_matrix, qi: np.ndarray, ei: np.ndarray) -> np.ndarray:
        """The cosine of each pair (query row vectors[qi[k]], entry ei[k])."""
        return np.asarray(vectors[qi].multiply(self.rows[ei]).sum(axis=1)).ravel()

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
        if not len(self) or not queries:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64)
        return self.closest(self.vectors(queries), top_n, min_similarity)

    def closest(
        self, vectors: sparse.csr_matrix, top_n: int = 20, min_similarity: float = 0.1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """candidate_arrays of queries given as their TF-IDF rows (``vectors``)."""
        if not len(self) or not vectors.shape[0]:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64)
        product = _topn_product(vectors, self.matrix, top_n, min_similarity, self.threads).tocoo()
        keep = product.data >= min_similarity
        rows, cols, vals = product.row[keep], product.col[keep], product.data[keep]
        order = np.lexsort((-vals, rows))
        return rows[order].astype(np.int64), cols[order].astype(np.int64), vals[order].astype(np.float64)
