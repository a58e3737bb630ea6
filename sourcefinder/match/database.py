"""Matching the stored listings: the factory index and a retail index kept on disk beside the database, brought
up to date with what changed since the last run, and only the retail listings that may have a new answer
re-scored."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcefinder.match.index import FactoryIndex
from sourcefinder.match.persist import IndexFileError
from sourcefinder.match.workers import Workers
from sourcefinder.store import database as store

# Retail listings looked up per new or changed factory listing in the retail index (its reverse candidates):
# wider than a retail listing's own top 10, because one factory photo is resold by dozens of shops.
REVERSE_TOP_N = 50


@dataclass
class MatchSummary:
    """What a matching run did."""

    retail_total: int
    factory_total: int
    retail_scored: int
    matches_stored: int
    seconds: float
    factory_changed: int = 0


def index_paths(db_path: str | Path) -> tuple[Path, Path]:
    """Where the factory and retail indexes of a database are kept: beside it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".index"), db_path.with_name(db_path.name + ".retail-index")


def database_file(database: Any) -> Path | None:
    """The file of an open sqlite-utils database, None for one in memory."""
    name = database.execute("PRAGMA database_list").fetchone()[2]
    return Path(name) if name else None


def _digests(database: Any, role: str) -> dict[str, str]:
    """id -> content hash of every stored listing of a role (no JSON decoded)."""
    return dict(database.execute("select id, content_hash from listings where role = ?", [role]).fetchall())


def _rows(database: Any, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The stored listings with these ids, decoded, in id order."""
    ids, found = sorted(set(ids)), []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        where = f"id in ({','.join('?' * len(chunk))})"
        found += [store.from_row(row) for row in database["listings"].rows_where(where, chunk, order_by="id")]
    return found


def _synced(
    path: Path | None, database: Any, role: str, full: bool, workers: Workers
) -> tuple[FactoryIndex | None, list[str] | None]:
    """The index of a role's listings, loaded from ``path`` and brought up to date (built anew when there is
    none, it is damaged or ``full``); and the ids added, changed or removed since it was saved (None when it
    was built anew: everything is new)."""
    digests = _digests(database, role)
    index = None
    if path is not None and not full:
        try:
            index = FactoryIndex.load(path)
        except IndexFileError:
            index = None
    if index is None:
        listings = _rows(database, digests)
        return (FactoryIndex.build(listings, workers) if listings else None), None
    gone = [i for i in index.ids if i not in digests]
    stale = [
        i for i, digest in digests.items() if i not in index or index.digests[index.positions[i]] != digest
    ]
    index.remove(gone)
    index.add(_rows(database, stale), workers)
    return (index if len(index) else None), gone + stale


def _to_rescore(
    database: Any, retail_index: FactoryIndex | None, changed_retail: list[str], changed_factories: list[str]
) -> set[str]:
    """Retail listings that may have a new answer: the changed ones, those matched to a changed or removed
    factory listing, and the retail candidates of the new and changed factory listings."""
    ids = set(changed_retail)
    for start in range(0, len(changed_factories), 500):
        chunk = changed_factories[start : start + 500]
        query = f"select retail_id from matches where factory_id in ({','.join('?' * len(chunk))})"
        ids |= {row[0] for row in database.execute(query, chunk).fetchall()}
    present = _rows(database, changed_factories)
    if retail_index is not None and present:
        ids |= {m.factory_id for m in retail_index.match(present, min_confidence=0.0, top_n=REVERSE_TOP_N)}
    return ids


def match_database(
    database: Any, full: bool = False, workers: Workers | None = None, **options: Any
) -> MatchSummary:
    """Match the stored listings: the retail listings that may have a new answer, or all with ``full``. The
    indexes are kept beside the database file and updated, so a run after a small crawl costs in proportion
    to what changed."""
    started = time.perf_counter()
    workers = workers or Workers(1)
    db_file = database_file(database)
    factory_path, retail_path = index_paths(db_file) if db_file else (None, None)
    factories, changed_factories = _synced(factory_path, database, "factory", full, workers)
    retail, changed_retail = _synced(retail_path, database, "retail", full, workers)
    retail_total = len(retail) if retail is not None else 0
    if changed_factories is None or changed_retail is None or factories is None:
        rescore = set(retail.ids if retail is not None else [])
    else:
        rescore = _to_rescore(database, retail, changed_retail, changed_factories)
    listings = _rows(database, rescore)
    found = (
        factories.match(listings, workers=workers, **options) if factories is not None and listings else []
    )
    stored = store.replace_matches(database, rescore, [m.as_row() for m in found])
    store.mark_matched(database)
    for index, path in ((factories, factory_path), (retail, retail_path)):
        if index is not None and path is not None:
            index.save(path)
    factory_total = len(factories) if factories is not None else 0
    return MatchSummary(
        retail_total,
        factory_total,
        len(listings),
        stored,
        time.perf_counter() - started,
        factory_total if changed_factories is None else len(changed_factories),
    )
