"""The title side of many listings prepared once, span by span on the caller's workers: their TitleSets and
their index texts' n-grams counted (what the title index is fitted from)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sourcefinder.match.ngrams import Counted, count_blocks, merge_counted, take_counted
from sourcefinder.match.prepare import TitleInfo, prepare
from sourcefinder.match.title_index import NGRAM_RANGE
from sourcefinder.match.title_sets import TitleSets
from sourcefinder.match.workers import Workers

# Below this many listings everything runs in one process: forking costs more than it saves.
POOL_MIN_LISTINGS = 2000


def prepare_listing(listing: dict[str, Any]) -> TitleInfo:
    """The TitleInfo of a listing's title and attributes."""
    return prepare(listing.get("title") or "", listing.get("attributes"))


def spans(n: int, workers: Workers, most: int | None = None) -> list[tuple[int, int]]:
    """Consecutive spans of range(n): 8 per worker process when n is large (one otherwise), more if a span
    would hold more than ``most``."""
    count = 8 * workers.processes if n >= POOL_MIN_LISTINGS and workers.parallel else 1
    if most is not None:
        count = min(max(count, -(-n // most)), max(n, 1))
    bounds = np.linspace(0, n, count + 1).astype(int).tolist()
    return list(zip(bounds[:-1], bounds[1:], strict=True))


@dataclass
class TitleSide:
    """Many listings' titles as sets (for the features) and as counted n-grams (for the title index)."""

    sets: TitleSets
    counted: Counted

    @classmethod
    def of(cls, listings: Sequence[dict[str, Any]]) -> TitleSide:
        """Prepare the titles of ``listings`` here, in this process."""
        return cls.of_infos([prepare_listing(listing) for listing in listings])

    @classmethod
    def of_infos(cls, infos: Sequence[TitleInfo]) -> TitleSide:
        """The title side of titles already prepared."""
        counted = merge_counted(count_blocks([info.index_text for info in infos], NGRAM_RANGE))
        return cls(TitleSets.of(infos), counted)

    @classmethod
    def prepared(
        cls,
        listings: Sequence[dict[str, Any]],
        workers: Workers,
        meanwhile: Callable[[], None] | None = None,
    ) -> TitleSide:
        """``of`` span by span on ``workers`` (the spans send back compact arrays, never a TitleInfo per
        listing); ``meanwhile`` runs in this process while they work."""
        parts = workers.map(
            lambda span: cls.of(listings[span[0] : span[1]]),
            spans(len(listings), workers),
            meanwhile=meanwhile,
        )
        return cls.concat(parts)

    @classmethod
    def concat(cls, parts: Sequence[TitleSide]) -> TitleSide:
        """The listings of all parts, in order."""
        return cls(TitleSets.concat([p.sets for p in parts]), merge_counted([p.counted for p in parts]))

    def take(self, positions: np.ndarray) -> TitleSide:
        """The listings at ``positions``, in that order."""
        return TitleSide(self.sets.take(positions), take_counted(self.counted, positions))
