"""Character n-gram TF-IDF vectors, computed in numpy without a Python loop per n-gram.

The vectors are those of scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=..., max_df=N,
sublinear_tf=True)`` (tested equal): each whitespace-separated word is padded with one space on each side and
cut into n-grams that never cross a word; the term weight is ``(1 + ln tf) * (ln((1 + n) / (1 + df)) + 1)``;
rows are L2-normalised; n-grams in more than ``max_df`` fitted documents are dropped. scikit-learn builds each
n-gram as a Python string (~90 us a title); here an n-gram is one integer made of its code points, so a
corpus is cut, counted and weighted by whole-array operations (docs/matching-titles.md has the numbers).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

_BITS = 21  # a code point (<= 0x10FFFF) plus one fits in 21 bits; three of them in 63
_SPACE = ord(" ") + 1


def _encoded(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts as one array of code points + 1 (never 0), and the position of the text of each."""
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64) + 1
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    return codes, np.repeat(np.arange(len(texts), dtype=np.int64), lengths)


def _code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The padded words of every text (lowercased) as code points + 1, and the document of each position."""
    return _encoded([" " + "  ".join(w) + " " if w else "" for w in (t.lower().split() for t in texts)])


def bigram_keys(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(document, key) of every pair of consecutive characters of each text with its spaces removed."""
    codes, docs = _encoded([t.replace(" ", "") for t in texts])
    same = docs[:-1] == docs[1:]
    return docs[:-1][same], ((codes[:-1] << _BITS) | codes[1:])[same]


def ngram_keys(texts: Sequence[str], ngram_range: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(document, key) of every char_wb n-gram of the texts; a key packs the n-gram's code points (int64)."""
    low, high = ngram_range
    if not 1 <= low <= high <= 3:
        raise ValueError(f"ngram_range must lie within (1, 3), not {ngram_range}")
    codes, docs = _code_points(texts)
    # A padded word is a space, a run of other characters, a space: it starts at a space followed by a
    # non-space (words are joined by two spaces, so every space starts or ends exactly one word).
    starts = np.zeros(len(codes), dtype=bool)
    starts[:-1] = (codes[:-1] == _SPACE) & (codes[1:] != _SPACE)
    word = np.cumsum(starts)
    found_docs, found_keys = [], []
    for n in range(low, high + 1):
        m = len(codes) - n + 1
        if m <= 0:
            continue
        key = codes[:m].copy()
        for shift in range(1, n):
            key = (key << _BITS) | codes[shift : shift + m]
        inside = word[:m] == word[n - 1 :]
        found_docs.append(docs[:m][inside])
        found_keys.append(key[inside])
    if not found_keys:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(found_docs), np.concatenate(found_keys)


def _stacked(parts: list[sparse.csr_matrix], n_columns: int) -> sparse.csr_matrix:
    """The rows of all parts, one under the other (an empty matrix when there are none)."""
    return sparse.vstack(parts, format="csr") if parts else sparse.csr_matrix((0, n_columns))


def _counts(docs: np.ndarray, columns: np.ndarray, n_docs: int, n_columns: int) -> sparse.csr_matrix:
    """Term counts per document (CSR, sorted indices) from one (document, column) entry per occurrence."""
    counts = sparse.csr_matrix((np.ones(len(docs), np.float64), (docs, columns)), shape=(n_docs, n_columns))
    counts.sum_duplicates()
    return counts


def _renumbered(counts: sparse.csr_matrix, columns: np.ndarray, n_columns: int) -> sparse.csr_matrix:
    """The matrix with column j moved to ``columns[j]``, or dropped where that is -1."""
    new = columns[counts.indices]
    entries = new >= 0
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))[entries]
    indptr = np.zeros(counts.shape[0] + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=counts.shape[0]), out=indptr[1:])
    return sparse.csr_matrix((counts.data[entries], new[entries], indptr), shape=(counts.shape[0], n_columns))


# Documents cut into n-grams at once: bounds the scratch memory (whole-corpus arrays of a million titles took
# ~15 GB; a block of 50,000 takes under 1 GB).
BLOCK_DOCS = 50_000


def _blocks(texts: Sequence[str]) -> list[Sequence[str]]:
    return [texts[start : start + BLOCK_DOCS] for start in range(0, len(texts), BLOCK_DOCS)]


Counted = tuple[sparse.csr_matrix, np.ndarray]  # (term counts over the block's own n-grams, their keys)


def count_ngrams(texts: Sequence[str], ngram_range: tuple[int, int]) -> Counted:
    """The n-grams of a block of texts, counted over the block's own vocabulary: what a fit merges."""
    docs, keys = ngram_keys(texts, ngram_range)
    local, uniques = pd.factorize(keys)
    return _counts(docs, local, len(texts), len(uniques)), uniques


def count_blocks(texts: Sequence[str], ngram_range: tuple[int, int]) -> list[Counted]:
    """``count_ngrams`` of the texts, BLOCK_DOCS at a time (bounded scratch memory)."""
    return [count_ngrams(block, ngram_range) for block in _blocks(texts)]


def merge_counted(blocks: Sequence[Counted]) -> Counted:
    """Blocks of counted texts (in order) as one block over the union of their n-grams; n-grams that no text
    holds any more are dropped."""
    if not blocks:
        return sparse.csr_matrix((0, 0), dtype=np.int32), np.empty(0, np.int64)
    ids, keys = pd.factorize(np.concatenate([keys for _, keys in blocks]))
    parts, offset = [], 0
    for counts, keys_of_block in blocks:
        parts.append(_renumbered(counts, ids[offset : offset + len(keys_of_block)], len(keys)))
        offset += len(keys_of_block)
    merged = _stacked(parts, len(keys))
    used = np.bincount(merged.indices, minlength=len(keys)) > 0
    if not used.all():
        column = np.cumsum(used) - 1
        merged = _renumbered(merged, np.where(used, column, -1), int(used.sum()))
    return merged, np.asarray(keys)[used]


def take_counted(counted: Counted, rows: np.ndarray) -> Counted:
    """The given rows of a counted block, without the n-grams none of them holds."""
    counts, keys = counted
    return merge_counted([(counts[rows], keys)])


class CharNgramTfidf:
    """Fit on a corpus, then turn texts into L2-normalised TF-IDF rows (a ``scipy.sparse.csr_matrix``)."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 3), max_df: int | None = None) -> None:
        self.ngram_range = ngram_range
        self.max_df = max_df
        self.vocabulary: pd.Index | None = None  # n-gram key -> column
        self.idf: np.ndarray | None = None

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Learn the vocabulary and document frequencies of ``texts`` and return their rows (block by block:
        each block's n-grams are counted against its own vocabulary, then the blocks' vocabularies merged)."""
        return self.fit_counted(count_blocks(texts, self.ngram_range))

    def fit_counted(self, blocks: Sequence[Counted]) -> sparse.csr_matrix:
        """``fit_transform`` of texts already counted block by block with ``count_ngrams`` (in order; e.g. on
        pool workers, each its own span)."""
        n_texts = sum(counts.shape[0] for counts, _ in blocks)
        merged = np.concatenate([u for _, u in blocks]) if blocks else np.empty(0, np.int64)
        ids, keys = pd.factorize(merged)
        block_df = [np.bincount(c.indices, minlength=len(u)) for c, u in blocks]
        df = np.bincount(ids, weights=np.concatenate(block_df) if blocks else None, minlength=len(keys))
        keep = df <= self.max_df if self.max_df is not None else np.ones(len(df), bool)
        column = np.where(keep, np.cumsum(keep) - 1, -1)
        self.vocabulary = pd.Index(keys[keep])
        self.idf = np.log((1 + n_texts) / (1 + df[keep])) + 1
        parts, offset = [], 0
        for counts, uniques in blocks:
            parts.append(_renumbered(counts, column[ids[offset : offset + len(uniques)]], int(keep.sum())))
            offset += len(uniques)
        return self._weighted(_stacked(parts, int(keep.sum())))

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The rows of ``texts`` in the fitted vocabulary (n-grams not in it are ignored)."""
        if self.vocabulary is None:
            raise ValueError("fit_transform first")
        parts = []
        for block in _blocks(texts):
            docs, keys = ngram_keys(block, self.ngram_range)
            columns = self.vocabulary.get_indexer(keys)
            known = columns >= 0
            parts.append(_counts(docs[known], columns[known], len(block), len(self.vocabulary)))
        return self._weighted(_stacked(parts, len(self.vocabulary)))

    def _weighted(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Sublinear tf times idf, rows scaled to unit length, float32."""
        counts.sort_indices()
        weights = (1 + np.log(counts.data)) * self.idf[counts.indices]
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=weights**2, minlength=counts.shape[0]))
        weights /= norms[rows]
        return sparse.csr_matrix(
            (weights.astype(np.float32), counts.indices, counts.indptr), shape=counts.shape
        )
