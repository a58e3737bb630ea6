"""Blocking: the candidate pairs worth scoring, from the title index (each query's closest titles) and the image
index (every factory listing with a photo within the radius), never from all pairs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from sourcefinder.match.images import ImageIndex, QueryHashes
from sourcefinder.match.title_index import TitleIndex


@dataclass
class Candidates:
    """Candidate pairs as arrays sorted by query position, with the best distance per hash kind."""

    retail: np.ndarray  # query (retail) position of each pair
    factory: np.ndarray  # factory position of each pair
    distances: dict[str, np.ndarray]  # kind -> int16 per pair, NO_DISTANCE when unknown
    cosine: np.ndarray  # the titles' TF-IDF cosine (text, model codes, brands, attribute values)

    def __len__(self) -> int:
        return len(self.retail)


def _with_evidence(
    titles: TitleIndex,
    images: ImageIndex,
    vectors: sparse.csr_matrix,
    queries: QueryHashes,
    ri: np.ndarray,
    fi: np.ndarray,
) -> Candidates:
    """The pairs (ri[k], fi[k]) with their best distance per hash kind and their title cosine."""
    return Candidates(ri, fi, images.distances(queries, ri, fi), titles.cosines(vectors, ri, fi))


def find_candidates(
    titles: TitleIndex,
    images: ImageIndex,
    vectors: sparse.csr_matrix,
    queries: QueryHashes,
    top_n: int,
) -> Candidates:
    """Each query's ``top_n`` closest titles and every factory listing with a near photo, once each, sorted by
    query; ``vectors`` are the queries' TF-IDF rows, ``queries`` their hashes per kind."""
    rows, cols, _ = titles.closest(vectors, top_n=top_n)
    image_rows, image_cols = images.candidates(queries)
    n = max(len(images), 1)
    # pandas' hash-based unique, then a sort: numpy 2.4's np.unique takes ~10x longer on these keys
    keys = np.sort(pd.unique(np.concatenate([rows, image_rows]) * n + np.concatenate([cols, image_cols])))
    return _with_evidence(titles, images, vectors, queries, keys // n, keys % n)


def every_pair(
    titles: TitleIndex, images: ImageIndex, vectors: sparse.csr_matrix, queries: QueryHashes
) -> Candidates:
    """Every (query, factory) pair: exhaustive scoring, the reference that blocking's recall is measured by."""
    n_queries, n_factories = vectors.shape[0], len(images)
    ri, fi = np.repeat(np.arange(n_queries), n_factories), np.tile(np.arange(n_factories), n_queries)
    return _with_evidence(titles, images, vectors, queries, ri, fi)
