"""The matching engine: pair retail listings with the factory listings that sell the identical item.

Candidates come from indexes (a Hamming index over image hashes, a TF-IDF index over titles); only the
short list is scored with rapidfuzz and the attribute rules. See docs/matching.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sourcefinder import titles
from sourcefinder.hamming import HammingIndex

# Image-hash kinds compared across listings: the retail photo against the factory photo and its mirror.
QUERY_HASH = "phash"
INDEX_HASHES = ("phash", "phash_mirror")
IDENTIFIER_KEYS = ("gtin", "gtin13", "gtin14", "gtin8", "ean", "upc", "mpn")

DEFAULT_MIN_CONFIDENCE = 0.5
DEFAULT_IMAGE_RADIUS = 14
DEFAULT_TITLE_TOP_N = 10


@dataclass
class Match:
    """A retail listing, the factory listing that sells the identical item, and the evidence."""

    retail_id: str
    factory_id: str
    confidence: float
    image_distance: int | None
    title_similarity: float
    agreeing: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)

    def as_row(self) -> dict[str, Any]:
        return {
            "retail_id": self.retail_id,
            "factory_id": self.factory_id,
            "confidence": round(self.confidence, 4),
            "image_distance": self.image_distance,
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


def image_llr(distance: int | None) -> float:
    """Log-likelihood ratio that two listings show the same photo, from their best phash distance.

    Edited copies of one photo (border, crop, watermark, tone, mirror) stay within ~10 bits; photos of
    different products sit near 32. A re-shot photo of the same product can also be far, so a large
    distance is only weak evidence against a match.
    """
    if distance is None:
        return 0.0
    if distance <= 6:
        return 5.0
    if distance <= 16:
        return 5.0 - (distance - 6) * 0.6
    return max(-2.0, -1.0 - (distance - 16) * 0.1)


def identifier_evidence(a: dict[str, str], b: dict[str, str]) -> tuple[list[str], list[str]]:
    """GTIN/MPN agreement (near-certain) and conflicts (a different product) between two attribute sets."""
    agree, conflict = [], []
    for key in IDENTIFIER_KEYS:
        left, right = (a or {}).get(key), (b or {}).get(key)
        if left and right:
            if left.strip().lower() == right.strip().lower():
                agree.append(f"{key} {left}")
            else:
                conflict.append(f"{key} {left} ≠ {right}")
    return agree, conflict


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def confidence(title_probability: float, distance: int | None, ids_agree: int, conflicts: int) -> float:
    """Combine the evidence in log-odds: the title model, the image likelihood ratio, identifiers, conflicts."""
    score = _logit(title_probability) + image_llr(distance) + 8.0 * ids_agree - 4.0 * conflicts
    return 1 / (1 + math.exp(-score))


class FactoryIndex:
    """The factory side held in memory: title infos, a title index and an image-hash index."""

    def __init__(self, factories: Sequence[dict[str, Any]]) -> None:
        self.listings = list(factories)
        self.infos = [titles.prepare(f["title"], f.get("attributes")) for f in self.listings]
        self.titles = titles.TitleIndex(self.infos)
        owners, hashes = [], []
        for position, listing in enumerate(self.listings):
            for value in listing_hashes(listing, INDEX_HASHES):
                owners.append(position)
                hashes.append(value)
        self.images = HammingIndex.from_hex(hashes, owners=owners) if hashes else None

    def candidates(
        self, retail: Sequence[dict[str, Any]], infos: Sequence[titles.TitleInfo], radius: int, top_n: int
    ) -> dict[tuple[int, int], int | None]:
        """Candidate (retail position, factory position) pairs with their best image distance (or None)."""
        pairs: dict[tuple[int, int], int | None] = {}
        for query, entry, _ in self.titles.candidates(infos, top_n=top_n):
            pairs[(query, entry)] = None
        if self.images is not None:
            owners, hashes = [], []
            for position, listing in enumerate(retail):
                for value in listing_hashes(listing, (QUERY_HASH,)):
                    owners.append(position)
                    hashes.append(value)
            if hashes:
                for query, entry, distance in self.images.search_owners(hashes, owners, radius):
                    pairs[(query, entry)] = distance
        return pairs

    def match(
        self,
        retail: Sequence[dict[str, Any]],
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        radius: int = DEFAULT_IMAGE_RADIUS,
        top_n: int = DEFAULT_TITLE_TOP_N,
    ) -> list[Match]:
        """Every (retail, factory) pair at or above ``min_confidence``, several factories per retail kept."""
        infos = [titles.prepare(r["title"], r.get("attributes")) for r in retail]
        found = []
        for (ri, fi), distance in self.candidates(retail, infos, radius, top_n).items():
            match = self.score(retail[ri], infos[ri], fi, distance)
            if match.confidence >= min_confidence:
                found.append(match)
        return found

    def score(
        self, listing: dict[str, Any], info: titles.TitleInfo, position: int, distance: int | None
    ) -> Match:
        """Score one candidate pair with every rule."""
        factory = self.listings[position]
        if distance is None:
            distance = pair_distance(listing, factory)
        evidence = titles.compare(info, self.infos[position])
        ids_agree, ids_conflict = identifier_evidence(listing.get("attributes"), factory.get("attributes"))
        agreeing = ids_agree + list(evidence.agreeing)
        conflicting = ids_conflict + list(evidence.conflicting)
        if distance is not None and distance <= 10:
            agreeing.insert(0, f"photo {distance}/64 bits apart")
        value = confidence(titles.title_probability(evidence), distance, len(ids_agree), len(conflicting))
        return Match(
            retail_id=f"{listing['source']}:{listing['item_id']}",
            factory_id=f"{factory['source']}:{factory['item_id']}",
            confidence=value,
            image_distance=distance,
            title_similarity=evidence.similarity,
            agreeing=agreeing,
            conflicting=conflicting,
        )


def pair_distance(retail: dict[str, Any], factory: dict[str, Any]) -> int | None:
    """The best phash distance between any retail image and any factory image or its mirror."""
    left = listing_hashes(retail, (QUERY_HASH,))
    right = listing_hashes(factory, INDEX_HASHES)
    if not left or not right:
        return None
    return min(bin(int(a, 16) ^ int(b, 16)).count("1") for a in left for b in right)


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


def match_database(
    database: Any, full: bool = False, min_confidence: float = DEFAULT_MIN_CONFIDENCE, **options: Any
) -> MatchSummary:
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
        hit = {
            ri for ri, _ in fresh.candidates(retail, infos, options.get("radius", DEFAULT_IMAGE_RADIUS), 5)
        }
        chosen = {r["id"] for r in rescore} | {retail[ri]["id"] for ri in hit}
        rescore = [r for r in retail if r["id"] in chosen]
    found = match_listings(rescore, factories, min_confidence=min_confidence, **options) if rescore else []
    stored = store.replace_matches(database, [r["id"] for r in rescore], [m.as_row() for m in found])
    store.mark_matched(database)
    return MatchSummary(len(retail), len(factories), len(rescore), stored, time.perf_counter() - started)
