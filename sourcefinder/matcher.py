"""The matching engine: pair retail listings with the factory listings that sell the identical item.

Candidates come from indexes (a Hamming index over image hashes, a TF-IDF index over titles); only the
short list is scored (sourcefinder.evidence): title rules and rapidfuzz ratios, photo distances, identifiers,
combined into one calibrated confidence. See docs/matching.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sourcefinder import titles
from sourcefinder.evidence import PairEvidence, confidences, fitted_threshold, identifier_evidence
from sourcefinder.hamming import HammingIndex

# Image hashes compared across listings: each retail hash against the factory's same hash and its mirror,
# within a radius chosen on the hashing benchmark (docs/hashing.md): phash <= 12 or dhash <= 10.
IMAGE_KINDS = {"phash": ("phash", "phash_mirror", 12), "dhash": ("dhash", "dhash_mirror", 10)}
# The default --min-confidence: the threshold chosen when the model was fitted (docs/matching.md).
DEFAULT_MIN_CONFIDENCE = fitted_threshold()
# Pairs below this are not stored; deals, export and evaluate filter at --min-confidence.
STORE_FLOOR = 0.05
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


def _hash_table(listings: Sequence[dict[str, Any]], kinds: Sequence[str]) -> tuple[list[str], list[int]]:
    """(hashes, owner positions) over every listing's images for the given hash kinds."""
    hashes, owners = [], []
    for position, listing in enumerate(listings):
        for value in listing_hashes(listing, kinds):
            hashes.append(value)
            owners.append(position)
    return hashes, owners


class FactoryIndex:
    """The factory side held in memory: title infos, a title index and one Hamming index per hash kind."""

    def __init__(self, factories: Sequence[dict[str, Any]]) -> None:
        self.listings = list(factories)
        self.infos = [titles.prepare(f["title"], f.get("attributes")) for f in self.listings]
        self.titles = titles.TitleIndex(self.infos)
        self.images: dict[str, HammingIndex] = {}
        for kind, (plain, mirror, _) in IMAGE_KINDS.items():
            hashes, owners = _hash_table(self.listings, (plain, mirror))
            if hashes:
                self.images[kind] = HammingIndex(hashes, owners=owners)

    def candidates(
        self, retail: Sequence[dict[str, Any]], infos: Sequence[titles.TitleInfo], top_n: int
    ) -> dict[tuple[int, int], Distances]:
        """Candidate (retail position, factory position) pairs, with the image distances the indexes found."""
        pairs: dict[tuple[int, int], Distances] = {}
        for query, entry, _ in self.titles.candidates(infos, top_n=top_n):
            pairs[(query, entry)] = {}
        for kind, index in self.images.items():
            hashes, owners = _hash_table(retail, (kind,))
            if hashes:
                for query, entry, distance in index.search_owners(hashes, owners, IMAGE_KINDS[kind][2]):
                    pairs.setdefault((query, entry), {})[kind] = distance
        return pairs

    def evidence(self, retail: Sequence[dict[str, Any]]) -> list[PairEvidence]:
        """The evidence of every candidate pair of the given retail listings."""
        infos = [titles.prepare(r["title"], r.get("attributes")) for r in retail]
        return [
            self._pair(retail[ri], infos[ri], ri, fi, distances)
            for (ri, fi), distances in self.candidates(retail, infos, DEFAULT_TITLE_TOP_N).items()
        ]

    def _pair(
        self, listing: dict[str, Any], info: titles.TitleInfo, ri: int, fi: int, distances: Distances
    ) -> PairEvidence:
        factory = self.listings[fi]
        distances = {**pair_distances(listing, factory), **distances}
        title = titles.compare(info, self.infos[fi])
        agree, conflict = identifier_evidence(listing.get("attributes"), factory.get("attributes"))
        return PairEvidence(
            ri,
            fi,
            title,
            titles.title_probability(title),
            distances.get("phash"),
            distances.get("dhash"),
            agree,
            conflict,
        )

    def match(self, retail: Sequence[dict[str, Any]], min_confidence: float = STORE_FLOOR) -> list[Match]:
        """Every (retail, factory) pair at or above ``min_confidence``, several factories per retail kept."""
        pairs = self.evidence(retail)
        found = []
        for pair, value in zip(pairs, confidences(pairs), strict=True):
            if value >= min_confidence:
                found.append(self._match(retail[pair.retail], pair, float(value)))
        return found

    def _match(self, listing: dict[str, Any], pair: PairEvidence, value: float) -> Match:
        factory = self.listings[pair.factory]
        return Match(
            retail_id=f"{listing['source']}:{listing['item_id']}",
            factory_id=f"{factory['source']}:{factory['item_id']}",
            confidence=value,
            image_distance=pair.phash,
            dhash_distance=pair.dhash,
            title_similarity=pair.title.similarity,
            agreeing=pair.agreeing,
            conflicting=pair.conflicting,
        )


def _best_distance(left: list[str], right: list[str]) -> int | None:
    if not left or not right:
        return None
    return min(bin(int(a, 16) ^ int(b, 16)).count("1") for a in left for b in right)


def pair_distances(retail: dict[str, Any], factory: dict[str, Any]) -> Distances:
    """Per hash kind, the best distance between any retail image and any factory image or its mirror."""
    out = {}
    for kind, (plain, mirror, _) in IMAGE_KINDS.items():
        distance = _best_distance(listing_hashes(retail, (kind,)), listing_hashes(factory, (plain, mirror)))
        if distance is not None:
            out[kind] = distance
    return out


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
    from sourcefinder import db as store

    started = time.perf_counter()
    retail = list(store.listings(database, "retail"))
    factories = list(store.listings(database, "factory"))
    rescore = retail if full else _changed(retail)
    new_factories = [] if full else _changed(factories)
    if new_factories and len(rescore) < len(retail):
        # A new or changed factory listing may be the source of a retail listing that did not change.
        fresh = FactoryIndex(new_factories)
        infos = [titles.prepare(r["title"], r.get("attributes")) for r in retail]
        hit = {ri for ri, _ in fresh.candidates(retail, infos, top_n=5)}
        chosen = {r["id"] for r in rescore} | {retail[ri]["id"] for ri in hit}
        rescore = [r for r in retail if r["id"] in chosen]
    found = match_listings(rescore, factories, **options) if rescore else []
    stored = store.replace_matches(database, [r["id"] for r in rescore], [m.as_row() for m in found])
    store.mark_matched(database)
    return MatchSummary(len(retail), len(factories), len(rescore), stored, time.perf_counter() - started)
