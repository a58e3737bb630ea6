"""The one place lookup calls the matching engine: a query (title, photo hashes, attributes) -> ranked hits,
from the warm FactoryIndex (the one ``sourcefinder match`` saved beside the database, or one built here)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourcefinder.match import persist
from sourcefinder.match.database import index_paths
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE, FactoryIndex


@dataclass(frozen=True)
class Hit:
    """One factory listing found for a query, with the engine's evidence."""

    factory_id: str
    confidence: float
    same_item: bool
    image_distance: int | None
    title_similarity: float  # 0..100
    agreeing: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)


class WarmIndex:
    """A FactoryIndex kept in memory, queried by one thread at a time (the engine keeps per-call state)."""

    def __init__(self, factories: Sequence[dict[str, Any]] = (), index: FactoryIndex | None = None) -> None:
        self.index = index if index is not None else (_build(factories) if factories else None)
        self.size = len(self.index) if self.index is not None else 0
        self.lock = threading.Lock()

    def query(
        self,
        title: str = "",
        image_hashes: Sequence[dict[str, str]] = (),
        attributes: dict | None = None,
        k: int = 10,
    ) -> list[Hit]:
        """The ``k`` best factory listings for the query, best first."""
        if self.index is None:
            return []
        with self.lock:
            return query_index(self.index, title, list(image_hashes), attributes or {}, k)


def _saved_path(db_path: str | Path) -> tuple[Path, float | None]:
    """(where ``sourcefinder match`` saves the index of this database, when it last did)."""
    path = index_paths(db_path)[0]
    return path, persist.saved_at(path)


def saved_index_time(db_path: str | Path) -> float | None:
    """When the index beside the database was saved, None when there is none."""
    return _saved_path(db_path)[1]


def saved_index(db_path: str | Path) -> tuple[FactoryIndex | None, float | None]:
    """(the index ``sourcefinder match`` saved beside the database, when it was saved), or (None, None)."""
    path, stamp = _saved_path(db_path)
    if path is None or stamp is None:
        return None, None
    try:
        return FactoryIndex.load(path), stamp
    except (OSError, ValueError):
        return None, None


def _build(factories: Sequence[dict[str, Any]]) -> FactoryIndex:
    return FactoryIndex.build(list(factories))


def query_index(
    index: FactoryIndex, title: str, image_hashes: list[dict[str, str]], attributes: dict[str, str], k: int
) -> list[Hit]:
    """THE adapter: ask the engine for the factory listings of one query, as Hits, best first."""
    found = index.query(
        title=title or None, image_hashes=image_hashes or None, attributes=attributes or None, k=k
    )
    return [_hit(c, _percent(c.title_similarity)) for c in found]


def _percent(similarity: float) -> float:
    """A title similarity on 0..100 (the engine gives 0..1)."""
    return similarity * 100 if similarity <= 1 else similarity


def _hit(found: Any, title_similarity: float) -> Hit:
    return Hit(
        factory_id=found.factory_id,
        confidence=round(float(found.confidence), 4),
        same_item=found.same_item,
        image_distance=found.image_distance,
        title_similarity=round(float(title_similarity), 1),
        agreeing=list(found.agreeing or []),
        conflicting=list(found.conflicting or []),
    )


def stored_hit(row: dict[str, Any]) -> Hit:
    """A row of the matches table as a Hit."""
    return Hit(
        factory_id=row["factory_id"],
        confidence=row["confidence"],
        same_item=row["confidence"] >= DEFAULT_MIN_CONFIDENCE,
        image_distance=row["image_distance"],
        title_similarity=round(_percent(row["title_similarity"] or 0.0), 1),
        agreeing=json.loads(row["agreeing"] or "[]"),
        conflicting=json.loads(row["conflicting"] or "[]"),
    )
