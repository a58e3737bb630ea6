"""What matching answers: a retail listing (or a query), a factory listing, the confidence and the evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sourcefinder.match.scoring import fitted_threshold


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


# A lookup's answer is the same record, its retail side being the query.
Candidate = Match
