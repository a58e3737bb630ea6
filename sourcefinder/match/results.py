"""What matching answers: a retail listing (or a query), a factory listing, the confidence and the evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sourcefinder.listing import listing_id
from sourcefinder.match.prepare import TitleInfo
from sourcefinder.match.scoring import (
    NO_DISTANCE,
    ScoredPairs,
    fitted_threshold,
    identifier_evidence,
    photo_message,
)
from sourcefinder.match.title_compare import facts, similarity
from sourcefinder.match.title_sets import TitleRow


@dataclass
class Match:
    """A retail listing (``retail_id``; "query" for a lookup), a factory listing that may sell the identical
    item, the calibrated confidence that it does, and the evidence in words."""

    retail_id: str
    factory_id: str
    confidence: float
    image_distance: int | None
    dhash_distance: int | None
    title_similarity: float
    agreeing: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)

    @property
    def same_item(self) -> bool:
        """Whether the confidence reaches the fitted threshold (the default --min-confidence)."""
        return self.confidence >= fitted_threshold()

    def as_row(self) -> dict[str, Any]:
        """The row stored in the matches table."""
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


def _known(distance: int) -> int | None:
    """A distance, None when unknown (NO_DISTANCE)."""
    return None if distance == NO_DISTANCE else distance


def own_id(listing: dict[str, Any]) -> str:
    """A listing's id: its stored ``id``, else made from its source and item id."""
    return listing.get("id") or listing_id(listing["source"], listing["item_id"])


def match_of(
    listing: dict[str, Any],
    info: TitleInfo,
    factory: TitleRow,
    factory_ids: list[str],
    factory_identifiers: list[dict[str, str] | None],
    pairs: ScoredPairs,
    k: int,
    value: float,
    photo: int,
) -> Match:
    """The Match of scored pair ``k``: the retail ``listing`` as prepared (``info``), the factory title read back
    (``factory``), confidence ``value`` and best photo distance ``photo``, with its evidence in words."""
    fi = int(pairs.factory[k])
    theirs = factory_identifiers[fi]
    ids_agree, ids_conflict = identifier_evidence(listing.get("attributes"), theirs) if theirs else ([], [])
    stated = facts(info, factory)
    return Match(
        retail_id=own_id(listing),
        factory_id=factory_ids[fi],
        confidence=value,
        image_distance=_known(int(pairs.phash[k])),
        dhash_distance=_known(int(pairs.dhash[k])),
        title_similarity=similarity(info, factory),
        agreeing=photo_message(_known(photo)) + ids_agree + [agree() for _, (agree, _) in stated if agree],
        conflicting=ids_conflict + [conflict() for _, (_, conflict) in stated if conflict],
    )


# A lookup's answer is the same record, its retail side being the query.
Candidate = Match
