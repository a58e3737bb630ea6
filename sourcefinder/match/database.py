"""Matching the stored listings: the factory index and a retail index kept on disk beside the database, brought
up to date with what changed since the last run, and only the retail listings that may have a new answer
re-scored."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcefinder.match.index import STORE_FLOOR, FactoryIndex
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


def _loaded(path: Path | None) -> FactoryIndex | None:
    """The index saved at ``path``; None when there is none or it cannot be read (it is then rebuilt)."""
    if path is None:
        return None
    try:
        return FactoryIndex.load(path)
    except IndexFileError:
        return None


def _synced(
    index: FactoryIndex, database: Any, role: str, workers: Workers
) -> tuple[list[str], list[dict[str, Any]]]:
    """Bring a loaded index up to date with the stored listings of its role: the ids added, changed or
    removed since it was saved, and the rows of those added or changed."""
    digests = _digests(database, role)
    gone = [i for i in index.ids if i not in digests]
    stale = [
        i for i, digest in digests.items() if i not in index or index.digests[index.positions[i]] != digest
    ]
    rows = _rows(database, stale)
    index.remove(gone)
    index.add(rows, workers)
    return gone + stale, rows


def _to_rescore(
    database: Any,
    retail_index: FactoryIndex,
    changed_retail: list[str],
    changed_factories: list[str],
    factory_rows: list[dict[str, Any]],
) -> set[str]:
    """Retail listings that may have a new answer: the changed ones, those matched to a changed or removed
    factory listing, and the retail candidates of the new and changed factory listings (``factory_rows``)."""
    ids = set(changed_retail)
    for start in range(0, len(changed_factories), 500):
        chunk = changed_factories[start : start + 500]
        query = f"select retail_id from matches where factory_id in ({','.join('?' * len(chunk))})"
        ids |= {row[0] for row in database.execute(query, chunk).fetchall()}
    if factory_rows:
        ids |= {m.factory_id for m in retail_index.match(factory_rows, STORE_FLOOR, REVERSE_TOP_N)}
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
    factories = None if full else _loaded(factory_path)
    retail = None if full else _loaded(retail_path)
    if factories is not None and retail is not None:
        changed_factories, factory_rows = _synced(factories, database, "factory", workers)
        changed_retail, _ = _synced(retail, database, "retail", workers)
        rescore = _to_rescore(database, retail, changed_retail, changed_factories, factory_rows)
        listings = _rows(database, rescore)
        found = factories.match(listings, workers=workers, **options) if len(factories) and listings else []
        changed = len(changed_factories)
    else:
        # Every listing of a role in one read (in id order, as _rows gives them).
        factory_rows = list(store.listings(database, "factory"))
        factories = FactoryIndex.build(factory_rows, workers) if factory_rows else None
        listings = list(store.listings(database, "retail"))
        found, retail = (
            factories.match_indexed(listings, workers, **options) if factories and listings else ([], None)
        )
        changed = len(factory_rows)
    stored = store.replace_matches(database, [r["id"] for r in listings], [m.as_row() for m in found])
    store.mark_matched(database)
    for index, path in ((factories, factory_path), (retail, retail_path)):
        if index is not None and path is not None and len(index):
            index.save(path)
    retail_total = database.execute("select count(*) from listings where role = 'retail'").fetchone()[0]
    factory_total = len(factories) if factories is not None else 0
    return MatchSummary(
        retail_total, factory_total, len(listings), stored, time.perf_counter() - started, changed
    )
