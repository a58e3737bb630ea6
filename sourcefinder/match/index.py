"""The factory index: the factory side of the matcher built once, saved, loaded, grown and queried.

Built from settings-free parts, in the manner of a record-linkage linker: the title side (``title_side``,
``title_index``), the photo side (``images``), blocking (``candidates``), comparisons (``title_features``,
``images.best_distances``) and scoring (``scoring``, the fitted model saved as JSON). ``query`` answers one
listing or lookup at a time in this process; ``match`` runs many retail listings on the caller's ``Workers``.
See docs/architecture.md and docs/matching.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from sourcefinder.match import persist
from sourcefinder.match.candidates import Candidates, every_pair, find_candidates
from sourcefinder.match.columns import StringColumn, column
from sourcefinder.match.hamming import single_threaded
from sourcefinder.match.images import HashMatrix, ImageIndex, QueryHashes
from sourcefinder.match.prepare import TitleInfo
from sourcefinder.match.results import Match, match_of, own_id
from sourcefinder.match.scoring import (
    ScoredPairs,
    confidences,
    fitted_threshold,
    identifier_signs,
    identifiers,
)
from sourcefinder.match.timings import timed
from sourcefinder.match.title_compare import title_probabilities
from sourcefinder.match.title_features import pair_features
from sourcefinder.match.title_index import TitleIndex
from sourcefinder.match.title_sets import TitleSets
from sourcefinder.match.title_side import TitleSide, prepare_listing, spans
from sourcefinder.match.workers import Workers

# The default --min-confidence: the threshold chosen when the model was fitted (docs/matching.md).
DEFAULT_MIN_CONFIDENCE = fitted_threshold()
# Pairs below this are not stored (on the demo and on real titles, fewer than one in five of them is right);
# deals, export and evaluate filter the stored ones at --min-confidence.
STORE_FLOOR = 0.2
DEFAULT_TITLE_TOP_N = 10
# Candidate pairs per span of retail listings scored at once (bounds each worker's memory).
SPAN_PAIRS = 50_000


class FactoryIndex:
    """The factory side held compactly: ids, identifiers, the title side, a title index and an image index."""

    def __init__(
        self,
        ids: Sequence[str],
        digests: Sequence[str | None],
        ids_of: list[dict[str, str] | None],
        side: TitleSide,
        images: ImageIndex,
        titles: TitleIndex | None = None,
    ) -> None:
        self.ids = ids
        self.digests = digests  # each listing's content hash when it was indexed (what `match` compares)
        self.identifiers = ids_of  # GTIN/MPN of each listing, None for most
        self.side = side
        self.images = images
        self.titles = titles if titles is not None else TitleIndex.fit(side.counted)
        self.timings: dict[str, float] = {}  # stage -> seconds over the index's life (benchmarks read it)
        self.pairs_scored = 0

    @cached_property
    def positions(self) -> dict[str, int]:
        """id -> position (made on first use: a loaded index answers queries without it)."""
        return {listing: k for k, listing in enumerate(self.ids)}

    @property
    def sets(self) -> TitleSets:
        return self.side.sets

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, listing: str) -> bool:
        return listing in self.positions

    # --- building -----------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls, listings: Sequence[dict[str, Any]], workers: Workers | None = None, backend: str = "auto"
    ) -> FactoryIndex:
        """The index of factory listings (dicts in the listing schema, as stored); titles are prepared on
        ``workers`` (in this process without) while this process builds the image index (``backend``: its
        Hamming search's)."""
        listings = list(listings)
        if not listings:
            raise ValueError("an index needs at least one factory listing")
        timings: dict[str, float] = {}
        images: list[ImageIndex] = []

        def index_images() -> None:
            with timed(timings, "image index build"):
                images.append(ImageIndex.of(listings, backend))

        with timed(timings, "prepare factory titles"):
            side = TitleSide.prepared(listings, workers or Workers(1), meanwhile=index_images)
        with timed(timings, "title index build"):
            index = cls(
                [own_id(listing) for listing in listings],
                [listing.get("content_hash") for listing in listings],
                [identifiers(listing.get("attributes")) for listing in listings],
                side,
                images[0],
            )
        index.timings.update(timings)
        return index

    def add(self, listings: Sequence[dict[str, Any]], workers: Workers | None = None) -> None:
        """Add listings (one already in the index is replaced); the title weights are refitted on all of them,
        so the index equals one built from the same listings."""
        listings = list(listings)
        if not listings:
            return
        self.remove([own_id(listing) for listing in listings])
        new = FactoryIndex.build(listings, workers, self.images.backend)
        self._become(
            self.ids + new.ids,
            self.digests + new.digests,
            self.identifiers + new.identifiers,
            TitleSide.concat([self.side, new.side]) if len(self) else new.side,
            self.images.concat(new.images) if len(self) else new.images,
        )

    def remove(self, ids: Iterable[str]) -> None:
        """Remove the listings with these ids (those not in the index are ignored)."""
        gone = {self.positions[i] for i in ids if i in self.positions}
        if not gone:
            return
        keep = np.array([k for k in range(len(self)) if k not in gone], np.int64)
        self._become(
            [self.ids[k] for k in keep],
            [self.digests[k] for k in keep],
            [self.identifiers[k] for k in keep],
            self.side.take(keep),
            self.images.take(keep),
        )

    def _become(
        self, ids: list[str], digests: list, ids_of: list, side: TitleSide, images: ImageIndex
    ) -> None:
        """Take these parts as the index's own, refitting the title index."""
        titles = TitleIndex.fit(side.counted) if ids else None
        self.__dict__.pop("positions", None)  # made again from the new ids on first use
        self.__init__(ids, digests, ids_of, side, images, titles)  # type: ignore[misc]

    # --- saving -------------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Save the index as a folder (arrays memory-mapped by ``load``); replaces an older one atomically."""
        digests = column([digest or "" for digest in self.digests])
        parts: dict[str, Any] = {**column(self.ids).to_parts("ids"), **digests.to_parts("digests")}
        parts["identifiers"] = {str(k): found for k, found in enumerate(self.identifiers) if found}
        parts["size"] = len(self)
        parts.update({f"sets.{k}": v for k, v in self.sets.to_parts().items()})
        parts.update({"counted.counts": self.side.counted[0], "counted.keys": self.side.counted[1]})
        parts.update({f"titles.{k}": v for k, v in self.titles.to_parts().items()})
        for kind, matrix in self.images.matrices.items():
            parts.update({f"images.{kind}.hashes": matrix.hashes, f"images.{kind}.valid": matrix.valid})
        return persist.write_parts(path, parts)

    @classmethod
    def load(cls, path: str | Path) -> FactoryIndex:
        """An index saved by ``save``; raises persist.IndexFileError when there is none or it is damaged."""
        parts = persist.read_parts(path)

        def named(prefix: str) -> dict[str, Any]:
            return {k.removeprefix(prefix): v for k, v in parts.items() if k.startswith(prefix)}

        kinds = {name.split(".")[0] for name in named("images.")}
        matrices = {
            kind: HashMatrix(parts[f"images.{kind}.hashes"], parts[f"images.{kind}.valid"])
            for kind in sorted(kinds)
        }
        # numpy: a loaded index answers a few queries at a time, where numba's import and kernel load (1-3 s)
        # would be most of the start-up, and faiss's threads fight the server's; the results are the same.
        images = ImageIndex(matrices, "numpy")
        side = TitleSide(
            TitleSets.from_parts(named("sets.")), (parts["counted.counts"], parts["counted.keys"])
        )
        ids_of: list[dict[str, str] | None] = [None] * parts["size"]
        for k, found in parts["identifiers"].items():
            ids_of[int(k)] = found
        index = cls(
            StringColumn.from_parts(parts, "ids"),
            StringColumn.from_parts(parts, "digests"),
            ids_of,
            side,
            images,
            TitleIndex.from_parts(named("titles.")),
        )
        # the segmenter, the fitted models and the kernels, before any user asks
        index.query(title="warm 500ml")
        return index

    # --- answering ----------------------------------------------------------------------------------------

    def query(
        self,
        title: str | None = None,
        image_hashes: Sequence[dict[str, str]] | None = None,
        attributes: dict[str, str] | None = None,
        k: int = 10,
    ) -> list[Match]:
        """The ``k`` factory listings most likely to sell the item described by any subset of a title, photo
        hashes (dicts of hash kind -> hex, as ``image_hashes.compute_hashes`` gives) and attributes; best first,
        with confidence and evidence (``Match.same_item`` tells whether it reaches the threshold)."""
        if not (title or "").strip() and not image_hashes and not attributes:
            raise ValueError("a query needs a title, a photo or attributes")
        listing = {"id": "query", "title": title or "", "attributes": attributes or {}}
        listing["image_hashes"] = list(image_hashes or [])
        has_text = bool((title or "").strip() or attributes)
        found = self._answer([listing], max(k, DEFAULT_TITLE_TOP_N), 0.0, has_text)
        return sorted(found, key=lambda m: (-m.confidence, m.factory_id))[:k]

    def match(
        self,
        retail: Sequence[dict[str, Any]],
        min_confidence: float = STORE_FLOOR,
        top_n: int | None = DEFAULT_TITLE_TOP_N,
        workers: Workers | None = None,
    ) -> list[Match]:
        """Every (retail, factory) pair at or above ``min_confidence``, several factories per retail kept.

        Candidates are each retail listing's ``top_n`` closest titles and its near photos; ``top_n=None``
        scores every factory listing (exhaustive: the reference of bench_match's recall). Spans of retail
        listings run on ``workers`` from title preparation to scoring; ``timings`` sums the stages."""
        return self._spans(list(retail), min_confidence, top_n, workers or Workers(1), False)[0]

    def match_indexed(
        self,
        retail: Sequence[dict[str, Any]],
        workers: Workers | None = None,
        min_confidence: float = STORE_FLOOR,
    ) -> tuple[list[Match], FactoryIndex]:
        """``match``, and an index of the retail listings made from the titles it prepared (``match`` keeps one
        beside the database to find which retail listings a new factory listing may be the source of)."""
        retail = list(retail)
        matches, sides = self._spans(retail, min_confidence, DEFAULT_TITLE_TOP_N, workers or Workers(1), True)
        side = TitleSide.concat(sides)
        ids = [own_id(listing) for listing in retail]
        digests = [listing.get("content_hash") for listing in retail]
        own = FactoryIndex(
            ids, digests, [identifiers(r.get("attributes")) for r in retail], side, ImageIndex.of(retail)
        )
        return matches, own

    def _spans(
        self,
        retail: list[dict[str, Any]],
        min_confidence: float,
        top_n: int | None,
        workers: Workers,
        sides: bool,
    ) -> tuple[list[Match], list[TitleSide]]:
        """The matches of ``retail`` span by span on ``workers``, and each span's TitleSide when ``sides``."""
        per_listing = len(self) if top_n is None else top_n
        self.sets.cache_model_arrays()  # computed here, before the fork, so the workers share them

        def span_of(span: tuple[int, int]) -> tuple[list[Match], dict[str, float], int, TitleSide | None]:
            self.timings, self.pairs_scored = {}, 0  # the worker's own copy: its stage timings and count
            listings = retail[span[0] : span[1]]
            with timed(self.timings, "prepare retail titles"):
                infos = [prepare_listing(listing) for listing in listings]
            found = self.score(listings, infos, self.candidate_pairs(listings, infos, top_n), min_confidence)
            side = TitleSide.of_infos(infos) if sides else None
            return found, self.timings, self.pairs_scored, side

        timings, scored = self.timings, self.pairs_scored
        bounds = spans(len(retail), workers, max(1, SPAN_PAIRS // per_listing))
        parts = workers.map(span_of, bounds, setup=self._single_threaded)
        self.timings, self.pairs_scored = timings, scored
        found: list[Match] = []
        for matches, span_timings, pairs, _ in parts:
            found += matches
            self.pairs_scored += pairs
            for stage, seconds in span_timings.items():
                self.timings[stage] = self.timings.get(stage, 0.0) + seconds
        return found, [side for *_, side in parts if side is not None]

    def _single_threaded(self) -> None:
        """In a worker process: one thread for the sparse products and faiss (the workers share the cores)."""
        self.titles.threads = 1
        single_threaded()

    def _answer(
        self, retail: Sequence[dict[str, Any]], top_n: int | None, min_confidence: float, has_text: bool
    ) -> list[Match]:
        """Prepare, find candidates and score the given listings in this process."""
        with timed(self.timings, "prepare retail titles"):
            infos = [prepare_listing(listing) for listing in retail]
        found = self.candidate_pairs(retail, infos, top_n, search_parts=True)
        return self.score(retail, infos, found, min_confidence, has_text)

    def candidate_pairs(
        self,
        retail: Sequence[dict[str, Any]],
        infos: Sequence[TitleInfo],
        top_n: int | None,
        search_parts: bool = False,
    ) -> Candidates:
        """Blocking: each listing's ``top_n`` closest titles and near photos (every pair when ``top_n`` is None);
        ``search_parts`` searches the photos' parts too (QueryHashes)."""
        with timed(self.timings, "candidates"):
            vectors = self.titles.vectors([info.index_text for info in infos])
            queries = QueryHashes.of(retail, search_parts)
            if top_n is None:
                return every_pair(self.titles, self.images, vectors, queries)
            return find_candidates(self.titles, self.images, vectors, queries, top_n)

    def evidence(self, retail: Sequence[dict[str, Any]]) -> ScoredPairs:
        """The evidence of every candidate pair of the given retail listings (the model is fitted on it)."""
        infos = [prepare_listing(listing) for listing in retail]
        return self.scored_pairs(retail, infos, self.candidate_pairs(retail, infos, DEFAULT_TITLE_TOP_N))

    def scored_pairs(
        self,
        retail: Sequence[dict[str, Any]],
        infos: Sequence[TitleInfo],
        found: Candidates,
        has_text: bool = True,
    ) -> ScoredPairs:
        """The comparisons of the candidate pairs: title probability (all pairs at once), photo distances and
        identifiers; ``has_text`` False marks the queries as having no title (a photo-only lookup)."""
        features = pair_features(
            TitleSets.of(infos, self.sets.vocabulary), self.sets, found.retail, found.factory
        )
        return ScoredPairs(
            found.retail,
            found.factory,
            title_probabilities(features),
            found.distances["phash"],
            found.distances["dhash"],
            identifier_signs(
                [identifiers(r.get("attributes")) for r in retail],
                self.identifiers,
                found.retail,
                found.factory,
            ),
            found.cosine,
            np.full(len(found), has_text),
            found.distances["colour"],
            features.matrix(["latin"])[:, 0],
            found.distances["window"],
        )

    def score(
        self,
        retail: Sequence[dict[str, Any]],
        infos: Sequence[TitleInfo],
        found: Candidates,
        min_confidence: float,
        has_text: bool = True,
    ) -> list[Match]:
        """The given candidate pairs scored; those at ``min_confidence`` or more (messages only for those)."""
        self.pairs_scored += len(found)
        with timed(self.timings, "evidence + scoring"):
            pairs = self.scored_pairs(retail, infos, found, has_text)
            values, photos = confidences(pairs), pairs.photo
            kept = np.flatnonzero(values >= min_confidence)
            rows = self.sets.rows_of(pairs.factory[kept])
            return [
                match_of(
                    retail[ri],
                    infos[ri],
                    row,
                    self.ids,
                    self.identifiers,
                    pairs,
                    k,
                    float(values[k]),
                    int(photos[k]),
                )
                for k, ri, row in zip(kept.tolist(), pairs.retail[kept].tolist(), rows, strict=True)
            ]


def match_listings(
    retail: Iterable[dict[str, Any]],
    factories: Iterable[dict[str, Any]],
    workers: Workers | None = None,
    **options: Any,
) -> list[Match]:
    """Match retail listings against factory listings (a convenience over FactoryIndex)."""
    factories = list(factories)
    if not factories:
        return []
    return FactoryIndex.build(factories, workers).match(list(retail), workers=workers, **options)
