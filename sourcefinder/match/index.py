"""The matching engine: pair retail listings with the factory listings that sell the identical item.

Candidates come from indexes (a Hamming index over image hashes, a TF-IDF index over titles); only the
short list is scored (sourcefinder.match.scoring): title rules and rapidfuzz ratios, photo distances, identifiers,
combined into one calibrated confidence. See docs/matching.md.
"""

from __future__ import annotations

import copy
import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from sourcefinder.listing import listing_id
from sourcefinder.match import prepare, title_compare, title_index
from sourcefinder.match.hamming import HammingIndex, as_uint64, faiss, popcount
from sourcefinder.match.ngrams import Counted, count_blocks
from sourcefinder.match.scoring import (
    NO_DISTANCE,
    ScoredPairs,
    confidences,
    fitted_threshold,
    identifier_evidence,
    identifiers,
    photo_message,
)
from sourcefinder.match.title_features import pair_features
from sourcefinder.match.title_sets import TitleRow, TitleSets

# Image hashes compared across listings: each retail hash against the factory's same hash and its mirror,
# within a radius chosen on the hashing benchmark (docs/hashing.md): phash <= 12 or dhash <= 10.
IMAGE_KINDS = {"phash": ("phash", "phash_mirror", 12), "dhash": ("dhash", "dhash_mirror", 10)}
# The default --min-confidence: the threshold chosen when the model was fitted (docs/matching.md).
DEFAULT_MIN_CONFIDENCE = fitted_threshold()
# Pairs below this are not stored (on the demo and on real titles, fewer than one in five of them is right);
# deals, export and evaluate filter the stored ones at --min-confidence.
STORE_FLOOR = 0.2
DEFAULT_TITLE_TOP_N = 10


@dataclass
class Match:
    """A retail listing, the factory listing that sells the identical item, and the evidence."""

    retail_id: str
    factory_id: str
    confidence: float
    image_distance: int | None
    dhash_distance: int | None
    title_similarity: float
    agreeing: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)

    def as_row(self) -> dict[str, Any]:
        return {
            "retail_id": self.retail_id,
            "factory_id": self.factory_id,
            "confidence": round(self.confidence, 4),
            "image_distance": self.image_distance,
            "dhash_distance": self.dhash_distance,
            "title_similarity": round(self.title_similarity, 4),
            "agreeing": self.agreeing,
            "conflicting": self.conflicting,
        }


def listing_hashes(listing: dict[str, Any], kinds: Sequence[str]) -> list[str]:
    """Every hash of the given kinds over all of a listing's images (or its feed's ``image_phash``)."""
    hashes = [h[kind] for h in listing.get("image_hashes") or [] for kind in kinds if h.get(kind)]
    if not hashes and listing.get("image_phash") and "phash" in kinds:
        hashes.append(listing["image_phash"])
    return hashes


Distances = dict[str, int]  # hash kind -> best distance of a pair
# Below this many listings everything runs in one process: a pool costs more than it saves.
POOL_MIN_LISTINGS = 2000
WORKERS = os.cpu_count() or 1
# Candidate pairs per span of retail listings scored at once (bounds each worker's memory).
SPAN_PAIRS = 50_000
# Pairs per block of the vectorised distances (times both sides' hash counts): bounds scratch memory.
DISTANCE_BLOCK = 1 << 20


def _hash_table(listings: Sequence[dict[str, Any]], kinds: Sequence[str]) -> tuple[list[str], list[int]]:
    """(hashes, owner positions) over every listing's images for the given hash kinds."""
    hashes, owners = [], []
    for position, listing in enumerate(listings):
        for value in listing_hashes(listing, kinds):
            hashes.append(value)
            owners.append(position)
    return hashes, owners


@dataclass
class HashMatrix:
    """Every listing's hashes of some kinds, one row per listing, padded; ``valid`` marks the real ones."""

    hashes: np.ndarray  # (listings, width) uint64
    valid: np.ndarray  # (listings, width) bool

    @classmethod
    def of(cls, listings: Sequence[dict[str, Any]], kinds: Sequence[str]) -> HashMatrix:
        hashes, owners = _hash_table(listings, kinds)
        owner = np.asarray(owners, dtype=np.int64)
        counts = np.bincount(owner, minlength=len(listings))
        width = max(int(counts.max(initial=0)), 1)
        column = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
        matrix = cls(np.zeros((len(listings), width), np.uint64), np.zeros((len(listings), width), bool))
        matrix.hashes[owner, column] = as_uint64(hashes)
        matrix.valid[owner, column] = True
        return matrix


def best_distances(left: HashMatrix, right: HashMatrix, li: np.ndarray, ri: np.ndarray) -> np.ndarray:
    """For each pair (li[k], ri[k]): the smallest distance between any of their hashes, NO_DISTANCE if a side
    has none (int16)."""
    out = np.full(len(li), NO_DISTANCE, np.int16)
    step = max(1, DISTANCE_BLOCK // (left.hashes.shape[1] * right.hashes.shape[1]))
    for start in range(0, len(li), step):
        a, b = li[start : start + step], ri[start : start + step]
        d = popcount(left.hashes[a][:, :, None] ^ right.hashes[b][:, None, :]).astype(np.int16)
        d[~(left.valid[a][:, :, None] & right.valid[b][:, None, :])] = 99
        best = d.reshape(len(a), -1).min(axis=1)
        out[start : start + step] = np.where(best == 99, NO_DISTANCE, best)
    return out


@dataclass
class Candidates:
    """Candidate pairs as arrays sorted by retail position, with the best distance per hash kind."""

    retail: np.ndarray
    factory: np.ndarray
    distances: dict[str, np.ndarray]  # kind -> int16 per pair, NO_DISTANCE when unknown
    cosine: np.ndarray  # the titles' TF-IDF cosine (text, model codes, brands, attribute values)

    def __len__(self) -> int:
        return len(self.retail)

    def pair_distances(self, k: int) -> Distances:
        """The known distances of pair ``k``."""
        return {kind: int(d[k]) for kind, d in self.distances.items() if d[k] != NO_DISTANCE}


def _known(distance: int) -> int | None:
    """A distance, None when unknown (NO_DISTANCE)."""
    return None if distance == NO_DISTANCE else distance


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the wall time of the block to ``timings[stage]``."""
    started = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def _prepare(listing: dict[str, Any]) -> prepare.TitleInfo:
    return prepare.prepare(listing["title"], listing.get("attributes"))


# What forked pool workers read: set before the pool starts, inherited by fork, never pickled.
_FORKED: dict[str, Any] = {}


def _worker_setup() -> None:
    """In a pool worker: one thread for faiss and the sparse top-n product (the workers share the cores), and
    no cyclic garbage collection (the workers' objects hold no cycles; the collector's passes over a span's
    titles and evidence cost a quarter of the scoring time)."""
    gc.disable()
    title_index.TOPN_THREADS = 1
    if faiss is not None:
        faiss.omp_set_num_threads(1)


def _spans(n: int, most: int | None) -> list[tuple[int, int]]:
    """Consecutive spans of range(n): 8 per worker (one when n is small), more if a span would hold more than
    ``most``."""
    count = 8 * WORKERS if n >= POOL_MIN_LISTINGS else 1
    if most is not None:
        count = min(max(count, -(-n // most)), max(n, 1))
    bounds = np.linspace(0, n, count + 1).astype(int).tolist()
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def _forked_map(
    function: Callable[[tuple[int, int]], list],
    n: int,
    most: int | None = None,
    meanwhile: Callable[[], None] | None = None,
    **shared: Any,
) -> list:
    """``function`` over consecutive spans of range(n) (see _spans), in a fork pool when there are several;
    results in order, concatenated. ``function`` reads ``shared`` from _FORKED. ``meanwhile`` runs in the main
    process while the pool works (after ``function`` without a pool): work that needs none of the results.
    The parent's objects are frozen out of the garbage collector while the pool runs, so the workers'
    collections do not copy the pages they share."""
    _FORKED.update(shared)
    spans = _spans(n, most)
    try:
        if len(spans) < 2 or WORKERS < 2:
            parts = [function((0, n))]
            if meanwhile is not None:
                meanwhile()
        else:
            gc.freeze()
            try:
                with multiprocessing.get_context("fork").Pool(WORKERS, initializer=_worker_setup) as pool:
                    pending = pool.map_async(function, spans, chunksize=1)
                    if meanwhile is not None:
                        meanwhile()
                    parts = pending.get()
            finally:
                gc.unfreeze()
        return [item for part in parts for item in part]
    finally:
        _FORKED.clear()


def _prepare_span(span: tuple[int, int]) -> list[prepare.TitleInfo]:
    return [_prepare(listing) for listing in _FORKED["listings"][span[0] : span[1]]]


def prepare_listings(listings: Sequence[dict[str, Any]]) -> list[prepare.TitleInfo]:
    """The TitleInfo of every listing (on all cores for many listings)."""
    return _forked_map(_prepare_span, len(listings), listings=listings)


def _sets_span(span: tuple[int, int]) -> list[tuple[TitleSets, list[str], list[Counted]]]:
    infos = _prepare_span(span)
    texts = [info.index_text for info in infos]
    return [(TitleSets.of(infos), texts, count_blocks(texts, title_index.NGRAM_RANGE))]


def prepare_sets(
    listings: Sequence[dict[str, Any]], meanwhile: Callable[[], None] | None = None
) -> tuple[TitleSets, list[str], list[Counted]]:
    """The titles of many listings as one TitleSets, their index texts and those texts' n-grams counted
    (for the title index's fit), made span by span on all cores: the workers send back compact arrays, not a
    TitleInfo per listing (unpickling those cost more than preparing them). ``meanwhile``: see _forked_map."""
    parts = _forked_map(_sets_span, len(listings), meanwhile=meanwhile, listings=listings)
    return (
        TitleSets.concat([sets for sets, _, _ in parts]),
        [t for _, texts, _ in parts for t in texts],
        [block for _, _, counted in parts for block in counted],
    )


def _every_pair(n_retail: int, n_factories: int) -> tuple[np.ndarray, np.ndarray]:
    return np.repeat(np.arange(n_retail), n_factories), np.tile(np.arange(n_factories), n_retail)


def _match_span(span: tuple[int, int]) -> list[tuple[list[Match], dict[str, float], int]]:
    """The whole retail side for a span of retail listings: titles, candidates, scoring; with the stage
    timings and the number of pairs scored (one item, so that _forked_map concatenates spans)."""
    index = copy.copy(_FORKED["index"])  # its own timings and count
    index.timings, index.pairs_scored = {}, 0
    retail = _FORKED["retail"][span[0] : span[1]]
    with _timed(index.timings, "prepare retail titles"):
        infos = [_prepare(listing) for listing in retail]
    top_n = _FORKED["top_n"]
    if top_n is None:
        vectors = index.titles.vectors([i.index_text for i in infos])
        found = index.with_distances(retail, vectors, *_every_pair(len(retail), len(index.listings)))
    else:
        found = index.candidate_pairs(retail, infos, top_n)
    matches = index.score(retail, infos, found, _FORKED["min_confidence"])
    return [(matches, index.timings, index.pairs_scored)]


class FactoryIndex:
    """The factory side held in memory: its titles as TitleSets, a title index and one Hamming index per hash
    kind."""

    def __init__(self, factories: Sequence[dict[str, Any]]) -> None:
        self.listings = list(factories)
        self.timings: dict[str, float] = {}  # stage -> seconds, over the index's life (benchmarks read it)
        self.pairs_scored = 0
        self.images: dict[str, HammingIndex] = {}
        self.image_owners: dict[str, np.ndarray] = {}
        self.hash_matrices: dict[str, HashMatrix] = {}
        with _timed(self.timings, "prepare factory titles"):
            # The image indexes need no title: the main process builds them while the pool prepares those.
            self.sets, index_texts, counted = prepare_sets(self.listings, meanwhile=self._index_images)
            self.sets.cache_model_arrays()
        with _timed(self.timings, "title index build"):
            self.titles = title_index.TitleIndex(index_texts, title_index.NGRAM_RANGE)
            self.titles.fit(counted)
            self.identifiers = [identifiers(listing.get("attributes")) for listing in self.listings]

    def _index_images(self) -> None:
        """One Hamming index and one padded hash matrix per hash kind (timed as "image index build")."""
        with _timed(self.timings, "image index build"):
            for kind, (plain, mirror, _) in IMAGE_KINDS.items():
                hashes, owners = _hash_table(self.listings, (plain, mirror))
                if hashes:
                    self.images[kind] = HammingIndex(hashes)
                    self.image_owners[kind] = np.asarray(owners, dtype=np.int64)
                self.hash_matrices[kind] = HashMatrix.of(self.listings, (plain, mirror))

    def candidate_pairs(
        self, retail: Sequence[dict[str, Any]], infos: Sequence[prepare.TitleInfo], top_n: int
    ) -> Candidates:
        """Candidate pairs: each retail listing's ``top_n`` closest titles and every factory listing with a photo
        within the radius of IMAGE_KINDS; then the best distance of every pair, per hash kind."""
        with _timed(self.timings, "title candidates"):
            vectors = self.titles.vectors([i.index_text for i in infos])
            rows, cols, _ = self.titles.closest(vectors, top_n=top_n)
        with _timed(self.timings, "image candidates + distances"):
            found_r, found_f = [rows], [cols]
            for kind, index in self.images.items():
                hashes, owners = _hash_table(retail, (kind,))
                query, entry, _ = index.search_arrays(hashes, IMAGE_KINDS[kind][2])
                found_r.append(np.asarray(owners, dtype=np.int64)[query])
                found_f.append(self.image_owners[kind][entry])
            n = len(self.listings)
            # pandas' hash-based unique, then a sort: numpy 2.4's np.unique takes ~10x longer on these keys
            keys = np.sort(pd.unique(np.concatenate(found_r) * n + np.concatenate(found_f)))
            return self.with_distances(retail, vectors, keys // n, keys % n)

    def with_distances(
        self, retail: Sequence[dict[str, Any]], vectors: sparse.csr_matrix, ri: np.ndarray, fi: np.ndarray
    ) -> Candidates:
        """The pairs (ri[k], fi[k]), sorted by retail position, with their best distance per hash kind and
        their title cosine (``vectors``: the retail listings' TF-IDF rows)."""
        distances = {
            kind: best_distances(HashMatrix.of(retail, (kind,)), self.hash_matrices[kind], ri, fi)
            for kind in IMAGE_KINDS
        }
        return Candidates(ri, fi, distances, self.titles.cosines(vectors, ri, fi))

    def candidates(
        self, retail: Sequence[dict[str, Any]], infos: Sequence[prepare.TitleInfo], top_n: int
    ) -> dict[tuple[int, int], Distances]:
        """Candidate (retail position, factory position) pairs, with the best image distances per hash kind."""
        found = self.candidate_pairs(retail, infos, top_n)
        return {
            (int(found.retail[k]), int(found.factory[k])): found.pair_distances(k) for k in range(len(found))
        }

    def evidence(self, retail: Sequence[dict[str, Any]]) -> ScoredPairs:
        """The evidence of every candidate pair of the given retail listings."""
        infos = prepare_listings(retail)
        return self.scored_pairs(retail, infos, self.candidate_pairs(retail, infos, DEFAULT_TITLE_TOP_N))

    def scored_pairs(
        self, retail: Sequence[dict[str, Any]], infos: Sequence[prepare.TitleInfo], found: Candidates
    ) -> ScoredPairs:
        """The evidence of the candidate pairs: title probability (title_features, all pairs at once), photo
        distances and identifiers."""
        features = pair_features(
            TitleSets.of(infos, self.sets.vocabulary), self.sets, found.retail, found.factory
        )
        return ScoredPairs(
            found.retail,
            found.factory,
            title_compare.title_probabilities(features),
            found.distances["phash"],
            found.distances["dhash"],
            self._identifier_signs(retail, found),
            found.cosine,
        )

    def _identifier_signs(self, retail: Sequence[dict[str, Any]], found: Candidates) -> np.ndarray:
        """+1 where a pair's GTIN/MPN agree, -1 where they conflict, 0 elsewhere (most listings have none)."""
        signs = np.zeros(len(found), np.int8)
        if not any(self.identifiers):
            return signs
        ours = [identifiers(listing.get("attributes")) for listing in retail]
        for k, (ri, fi) in enumerate(zip(found.retail.tolist(), found.factory.tolist(), strict=True)):
            if ours[ri] and self.identifiers[fi]:
                agree, conflict = identifier_evidence(ours[ri], self.identifiers[fi])
                signs[k] = bool(agree) - bool(conflict)
        return signs

    def match(
        self,
        retail: Sequence[dict[str, Any]],
        min_confidence: float = STORE_FLOOR,
        top_n: int | None = DEFAULT_TITLE_TOP_N,
    ) -> list[Match]:
        """Every (retail, factory) pair at or above ``min_confidence``, several factories per retail kept.

        Candidates are each retail listing's ``top_n`` closest titles and its near photos; ``top_n=None``
        scores every factory listing instead (exhaustive: the reference of bench_match's recall). Spans of
        retail listings run on the fork pool from title preparation to scoring; ``timings`` then sums the
        stages over the workers."""
        per_listing = len(self.listings) if top_n is None else top_n
        spans = _forked_map(
            _match_span,
            len(retail),
            max(1, SPAN_PAIRS // per_listing),
            index=self,
            retail=retail,
            min_confidence=min_confidence,
            top_n=top_n,
        )
        found = []
        for matches, timings, pairs in spans:
            found += matches
            self.pairs_scored += pairs
            for stage, seconds in timings.items():
                self.timings[stage] = self.timings.get(stage, 0.0) + seconds
        return found

    def score(
        self,
        retail: Sequence[dict[str, Any]],
        infos: Sequence[prepare.TitleInfo],
        found: Candidates,
        min_confidence: float,
    ) -> list[Match]:
        """The given candidate pairs scored; those at ``min_confidence`` or more (messages only for those)."""
        self.pairs_scored += len(found)
        with _timed(self.timings, "evidence + scoring"):
            pairs = self.scored_pairs(retail, infos, found)
            values, photos = confidences(pairs), pairs.photo
            kept = np.flatnonzero(values >= min_confidence)
            rows = self.sets.rows_of(pairs.factory[kept])
            return [
                self.as_match(retail[ri], infos[ri], row, pairs, k, float(values[k]), int(photos[k]))
                for k, ri, row in zip(kept.tolist(), pairs.retail[kept].tolist(), rows, strict=True)
            ]

    def as_match(
        self,
        listing: dict[str, Any],
        retail_info: prepare.TitleInfo,
        factory_info: TitleRow,
        pairs: ScoredPairs,
        k: int,
        value: float,
        photo: int,
    ) -> Match:
        """The Match of scored pair ``k`` (the retail ``listing`` and factory listing ``pairs.factory[k]``, their
        titles as prepared and as read back, confidence ``value``, best photo distance ``photo``), with its
        evidence in words."""
        fi = int(pairs.factory[k])
        factory = self.listings[fi]
        facts = title_compare.facts(retail_info, factory_info)
        ids_agree, ids_conflict = (
            identifier_evidence(listing.get("attributes"), factory.get("attributes"))
            if self.identifiers[fi]
            else ([], [])
        )
        phash, dhash = _known(int(pairs.phash[k])), _known(int(pairs.dhash[k]))
        return Match(
            retail_id=listing_id(listing["source"], listing["item_id"]),
            factory_id=listing_id(factory["source"], factory["item_id"]),
            confidence=value,
            image_distance=phash,
            dhash_distance=dhash,
            title_similarity=title_compare.similarity(retail_info, factory_info),
            agreeing=photo_message(_known(photo)) + ids_agree + [agree() for _, (agree, _) in facts if agree],
            conflicting=ids_conflict + [conflict() for _, (_, conflict) in facts if conflict],
        )


def match_listings(
    retail: Iterable[dict[str, Any]], factories: Iterable[dict[str, Any]], **options: Any
) -> list[Match]:
    """Match retail listings against factory listings (a convenience over FactoryIndex)."""
    factories = list(factories)
    if not factories:
        return []
    return FactoryIndex(factories).match(list(retail), **options)


@dataclass
class MatchSummary:
    """What a matching run did."""

    retail_total: int
    factory_total: int
    retail_scored: int
    matches_stored: int
    seconds: float


def _changed(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("matched_hash") != r.get("content_hash")]


def match_database(database: Any, full: bool = False, **options: Any) -> MatchSummary:
    """Match the stored listings: new and changed ones only, or all of them with ``full``."""
    from sourcefinder.store import database as store

    started = time.perf_counter()
    retail = list(store.listings(database, "retail"))
    factories = list(store.listings(database, "factory"))
    rescore = retail if full else _changed(retail)
    new_factories = [] if full else _changed(factories)
    if new_factories and len(rescore) < len(retail):
        # A new or changed factory listing may be the source of a retail listing that did not change.
        fresh = FactoryIndex(new_factories)
        infos = prepare_listings(retail)
        hit = {ri for ri, _ in fresh.candidates(retail, infos, top_n=5)}
        chosen = {r["id"] for r in rescore} | {retail[ri]["id"] for ri in hit}
        rescore = [r for r in retail if r["id"] in chosen]
    found = match_listings(rescore, factories, **options) if rescore else []
    stored = store.replace_matches(database, [r["id"] for r in rescore], [m.as_row() for m in found])
    store.mark_matched(database)
    return MatchSummary(len(retail), len(factories), len(rescore), stored, time.perf_counter() - started)
