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

# Image hashes compared across listings: each retail hash against the factory's same hash and its mirror,
# within a radius chosen on the hashing benchmark (docs/hashing.md): phash <= 12 or dhash <= 10.
IMAGE_KINDS = {"phash": ("phash", "phash_mirror", 12), "dhash": ("dhash", "dhash_mirror", 10)}
IDENTIFIER_KEYS = ("gtin", "gtin13", "gtin14", "gtin8", "ean", "upc", "mpn")

DEFAULT_MIN_CONFIDENCE = 0.5
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


def image_llr(distance: int | None, strong: int, weak: int) -> float:
    """Log-likelihood ratio that two listings show the same photo, from one hash's best distance.

    Edited copies of one photo (border, crop, watermark, tone, mirror) stay within ``weak`` bits of each
    other on at least one hash; photos of different products sit near 28. A re-shot photo of the same
    product can also be far, so a large distance is only weak evidence against a match.
    """
    if distance is None:
        return 0.0
    if distance <= strong:
        return 5.0
    if distance <= weak:
        return 5.0 - (distance - strong) * 3.5 / (weak - strong)
    return max(-2.0, 1.5 - (distance - weak) * 0.5)


def photo_llr(phash: int | None, dhash: int | None) -> float:
    """The image evidence of a pair: the stronger of its phash and dhash likelihood ratios."""
    return max(image_llr(phash, 6, 12), image_llr(dhash, 5, 10))


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


def confidence(title_probability: float, photo: float, ids_agree: int, conflicts: int) -> float:
    """Combine the evidence in log-odds: the title model, the photo likelihood ratio, identifiers, conflicts."""
    score = _logit(title_probability) + photo + 8.0 * ids_agree - 4.0 * conflicts
    return 1 / (1 + math.exp(-score))


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

    def match(
        self,
        retail: Sequence[dict[str, Any]],
        min_confidence: float = STORE_FLOOR,
        top_n: int = DEFAULT_TITLE_TOP_N,
    ) -> list[Match]:
        """Every (retail, factory) pair at or above ``min_confidence``, several factories per retail kept."""
        infos = [titles.prepare(r["title"], r.get("attributes")) for r in retail]
        found = []
        for (ri, fi), distances in self.candidates(retail, infos, top_n).items():
            match = self.score(retail[ri], infos[ri], fi, distances)
            if match.confidence >= min_confidence:
                found.append(match)
        return found

    def score(
        self,
        listing: dict[str, Any],
        info: titles.TitleInfo,
        position: int,
        distances: Distances | None = None,
    ) -> Match:
        """Score one candidate pair with every rule."""
        factory = self.listings[position]
        distances = {**pair_distances(listing, factory), **(distances or {})}
        evidence = titles.compare(info, self.infos[position])
        ids_agree, ids_conflict = identifier_evidence(listing.get("attributes"), factory.get("attributes"))
        agreeing = ids_agree + list(evidence.agreeing)
        conflicting = ids_conflict + list(evidence.conflicting)
        photo = photo_llr(distances.get("phash"), distances.get("dhash"))
        if photo >= 3:
            agreeing.insert(0, "same photo ({} bits apart)".format(min(distances.values())))
        value = confidence(titles.title_probability(evidence), photo, len(ids_agree), len(conflicting))
        return Match(
            retail_id=f"{listing['source']}:{listing['item_id']}",
            factory_id=f"{factory['source']}:{factory['item_id']}",
            confidence=value,
            image_distance=distances.get("phash"),
            dhash_distance=distances.get("dhash"),
            title_similarity=evidence.similarity,
            agreeing=agreeing,
            conflicting=conflicting,
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
        hit = {
            ri for ri, _ in fresh.candidates(retail, infos, options.get("radius", DEFAULT_IMAGE_RADIUS), 5)
        }
        chosen = {r["id"] for r in rescore} | {retail[ri]["id"] for ri in hit}
        rescore = [r for r in retail if r["id"] in chosen]
    found = match_listings(rescore, factories, **options) if rescore else []
    stored = store.replace_matches(database, [r["id"] for r in rescore], [m.as_row() for m in found])
    store.mark_matched(database)
    return MatchSummary(len(retail), len(factories), len(rescore), stored, time.perf_counter() - started)
