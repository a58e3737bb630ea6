"""The photo side of the index: every listing's image hashes as padded matrices, Hamming range search over the
factory side (image candidates), and the best distance of any pair of listings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sourcefinder.match.hamming import HammingIndex, as_uint64, popcount
from sourcefinder.match.scoring import CLOSE, NO_DISTANCE, nearer

# Image hashes compared across listings: each retail hash against the factory's same hash and its mirror,
# within a radius chosen on the hashing benchmark (docs/hashing.md): phash <= 12 or dhash <= 10.
IMAGE_KINDS = {"phash": ("phash", "phash_mirror", 12), "dhash": ("dhash", "dhash_mirror", 10)}
# The colour code of every photo (image_hashes.colour_code): compared, never searched.
COLOUR = "colour"
# The factory side's crops of its main photo (image_hashes.CROPS): compared, never searched.
FACTORY_CROPS = "phash_crops"
# The best phash distance of a pair once windows count: the query's parts, the factory's crops (its own evidence).
WINDOW = "window"
# The query side's extra phashes (image_hashes.PARTS: a photo without its banner, frame, or a collage's tiles):
# compared with every candidate pair, searched within the radius only for a single query (a lookup).
QUERY_PARTS = "phash_parts"
# A query searched with its parts keeps the factory listings of its this many closest photos: a quarter or a
# half of a plain photo can be near many of them, and each candidate is scored.
PARTS_SEARCH_TOP_N = 50
# Pairs per block of the vectorised distances (times both sides' hash counts): bounds scratch memory.
DISTANCE_BLOCK = 1 << 20


def listing_hashes(listing: dict[str, Any], kinds: Sequence[str]) -> list[str]:
    """Every hash of the given kinds over all of a listing's images (or its feed's ``image_phash``); a kind may
    hold several, space-separated (``phash_parts``)."""
    hashes = [
        v for h in listing.get("image_hashes") or [] for kind in kinds for v in (h.get(kind) or "").split()
    ]
    if not hashes and listing.get("image_phash") and "phash" in kinds:
        hashes.append(listing["image_phash"])
    return hashes


@dataclass
class HashMatrix:
    """Every listing's hashes of some kinds, one row per listing, padded; ``valid`` marks the real ones."""

    hashes: np.ndarray  # (listings, width) uint64
    valid: np.ndarray  # (listings, width) bool

    @classmethod
    def of(cls, listings: Sequence[dict[str, Any]], kinds: Sequence[str]) -> HashMatrix:
        per_listing = [listing_hashes(listing, kinds) for listing in listings]
        counts = np.fromiter(map(len, per_listing), np.int64, len(per_listing))
        owner = np.repeat(np.arange(len(per_listing)), counts)
        width = max(int(counts.max(initial=0)), 1)
        column = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
        matrix = cls(np.zeros((len(listings), width), np.uint64), np.zeros((len(listings), width), bool))
        matrix.hashes[owner, column] = as_uint64([h for hashes in per_listing for h in hashes])
        matrix.valid[owner, column] = True
        return matrix

    def __len__(self) -> int:
        return len(self.hashes)

    @classmethod
    def concat(cls, parts: Sequence[HashMatrix]) -> HashMatrix:
        """The rows of all parts in order, padded to the widest."""
        width = max(p.hashes.shape[1] for p in parts)

        def padded(a: np.ndarray, fill: Any) -> np.ndarray:
            return np.pad(a, ((0, 0), (0, width - a.shape[1])), constant_values=fill)

        return cls(
            np.vstack([padded(p.hashes, 0) for p in parts]),
            np.vstack([padded(p.valid, False) for p in parts]),
        )

    def take(self, rows: np.ndarray) -> HashMatrix:
        """The given rows, in that order."""
        return HashMatrix(np.ascontiguousarray(self.hashes[rows]), np.ascontiguousarray(self.valid[rows]))


def best_distances(
    left: HashMatrix, right: HashMatrix, li: np.ndarray, ri: np.ndarray, compiled: Any = None
) -> np.ndarray:
    """For each pair (li[k], ri[k]): the smallest distance between any of their hashes, NO_DISTANCE if a side
    has none (int16); with ``compiled`` (the hamming_numba module a numba HammingIndex holds) in its kernel."""
    if compiled is not None:
        return compiled.best_pair_distances(left.hashes, left.valid, right.hashes, right.valid, li, ri)
    out = np.full(len(li), NO_DISTANCE, np.int16)
    step = max(1, DISTANCE_BLOCK // (left.hashes.shape[1] * right.hashes.shape[1]))
    for start in range(0, len(li), step):
        a, b = li[start : start + step], ri[start : start + step]
        d = popcount(left.hashes[a][:, :, None] ^ right.hashes[b][:, None, :]).astype(np.int16)
        d[~(left.valid[a][:, :, None] & right.valid[b][:, None, :])] = 99
        best = d.reshape(len(a), -1).min(axis=1)
        out[start : start + step] = np.where(best == 99, NO_DISTANCE, best)
    return out


def _closest(q: np.ndarray, f: np.ndarray, d: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Of the (query, factory, distance) hits, each query's ``n`` closest factory listings (ties: lower id)."""
    order = np.lexsort((d, f, q))  # by query, factory, distance: each pair's best hit first
    q, f, d = q[order], f[order], d[order]
    best = np.r_[True, (q[1:] != q[:-1]) | (f[1:] != f[:-1])] if len(q) else np.zeros(0, bool)
    q, f, d = q[best], f[best], d[best]
    order = np.lexsort((f, d, q))  # by query, distance, factory
    q, f = q[order], f[order]
    starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]]) if len(q) else np.zeros(0, np.int64)
    rank = np.arange(len(q)) - np.repeat(starts, np.diff(np.r_[starts, len(q)]))
    return q[rank < n], f[rank < n]


@dataclass
class QueryHashes:
    """The query side's hashes (the factory side holds the mirrors): ``searched`` per kind within the radius of
    IMAGE_KINDS; ``windows`` (phash and QUERY_PARTS) and ``colours`` compared with each candidate pair; with
    ``search_parts`` (a lookup), a query without a close photo is searched with its windows too."""

    searched: dict[str, HashMatrix]
    windows: HashMatrix
    colours: HashMatrix
    search_parts: bool = False

    @classmethod
    def of(cls, listings: Sequence[dict[str, Any]], search_parts: bool = False) -> QueryHashes:
        """``search_parts``: for a few queries (a batch searches its plain hashes only)."""
        return cls(
            {kind: HashMatrix.of(listings, (kind,)) for kind in IMAGE_KINDS},
            HashMatrix.of(listings, ("phash", QUERY_PARTS)),
            HashMatrix.of(listings, (COLOUR,)),
            search_parts,
        )


class ImageIndex:
    """Per hash kind, the factory listings' hashes and their mirrors (a HashMatrix) and a Hamming index over
    them, each hash owned by its listing's position; and, compared but not searched, their photos' colour codes
    and their main photos' crops."""

    def __init__(self, matrices: dict[str, HashMatrix], backend: str = "auto") -> None:
        self.matrices = matrices
        self.backend = backend
        self.searchers: dict[str, HammingIndex] = {}
        self.owners: dict[str, np.ndarray] = {}
        for kind in IMAGE_KINDS:
            matrix = matrices[kind]
            owners, columns = np.nonzero(matrix.valid)
            if len(owners):
                self.searchers[kind] = HammingIndex(matrix.hashes[owners, columns], backend=backend)
                self.owners[kind] = owners.astype(np.int64)
        # the numba kernels when the Hamming search compiled them (never imported just for this)
        self.compiled = next((s.compiled for s in self.searchers.values() if s.compiled is not None), None)

    @classmethod
    def of(cls, listings: Sequence[dict[str, Any]], backend: str = "auto") -> ImageIndex:
        """The image index of factory listings (``backend``: the Hamming search's, see HammingIndex)."""
        matrices = {
            kind: HashMatrix.of(listings, (plain, mirror)) for kind, (plain, mirror, _) in IMAGE_KINDS.items()
        }
        compared = (COLOUR, FACTORY_CROPS)
        return cls({**matrices, **{name: HashMatrix.of(listings, (name,)) for name in compared}}, backend)

    def __len__(self) -> int:
        return len(next(iter(self.matrices.values())))

    def concat(self, other: ImageIndex) -> ImageIndex:
        """This index's listings, then ``other``'s."""
        merged = {k: HashMatrix.concat([m, other.matrices[k]]) for k, m in self.matrices.items()}
        return ImageIndex(merged, self.backend)

    def take(self, rows: np.ndarray) -> ImageIndex:
        """An index of the given listing positions, in that order."""
        return ImageIndex({kind: matrix.take(rows) for kind, matrix in self.matrices.items()}, self.backend)

    def candidates(self, queries: QueryHashes) -> tuple[np.ndarray, np.ndarray]:
        """(query position, factory position) of every pair with a photo within the radius of IMAGE_KINDS. With
        ``queries.search_parts``, the queries without a close photo (<= CLOSE) are searched with their parts
        too, and each query keeps its PARTS_SEARCH_TOP_N closest factory listings."""
        q, f, d = self._search(queries.searched)
        if not queries.search_parts:
            return q, f
        close = np.zeros(len(next(iter(queries.searched.values()))), bool)
        close[q[d <= CLOSE]] = True
        rows = np.flatnonzero(~close)
        if len(rows):
            pq, pf, pd = self._search({"phash": queries.windows.take(rows)})
            q, f, d = np.r_[q, rows[pq]], np.r_[f, pf], np.r_[d, pd]
        return _closest(q, f, d, PARTS_SEARCH_TOP_N)

    def _search(self, hashes: dict[str, HashMatrix]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query position, factory position, distance) of every hash of the given kinds within their radius."""
        found_q, found_f, found_d = [np.empty(0, np.int64)], [np.empty(0, np.int64)], [np.empty(0, np.int64)]
        for kind, searcher in self.searchers.items():
            if kind not in hashes:
                continue
            owners, columns = np.nonzero(hashes[kind].valid)
            q, entry, d = searcher.search_arrays(hashes[kind].hashes[owners, columns], IMAGE_KINDS[kind][2])
            found_q.append(owners.astype(np.int64)[q])
            found_f.append(self.owners[kind][entry])
            found_d.append(d)
        return np.concatenate(found_q), np.concatenate(found_f), np.concatenate(found_d)

    def distances(self, queries: QueryHashes, qi: np.ndarray, fi: np.ndarray) -> dict[str, np.ndarray]:
        """The best distance of each pair (qi[k], fi[k]) per hash kind (the photos whole, and the factory's
        mirrors), of their colour codes, and ``window``: the best phash distance once the query's parts and the
        factory's crops count too; NO_DISTANCE where a side has none."""
        found = {
            kind: best_distances(queries.searched[kind], self.matrices[kind], qi, fi, self.compiled)
            for kind in IMAGE_KINDS
        }
        found[COLOUR] = best_distances(queries.colours, self.matrices[COLOUR], qi, fi, self.compiled)
        whole = best_distances(queries.windows, self.matrices["phash"], qi, fi, self.compiled)
        cropped = best_distances(queries.windows, self.matrices[FACTORY_CROPS], qi, fi, self.compiled)
        found[WINDOW] = nearer(whole, cropped)
        return found
