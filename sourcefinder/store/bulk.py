"""Bulk saving: normalised listings upserted in batches, one transaction per batch, with their history rows.

The rows are built by the same code as ``database.save_listing`` (``to_row``, ``stamp_row``) and a history
row is written when ``history.changed`` says so, so a listing saved here ends up as it would one at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any

import sqlite_utils

from sourcefinder.store import history
from sourcefinder.store.database import stamp_row, to_row

BATCH_SIZE = 5000


@dataclass
class BulkCounts:
    """What a bulk save did, in the runs table's terms."""

    items_stored: int = 0
    items_new: int = 0
    items_updated: int = 0
    prices_changed: int = 0


def batches(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``values`` in lists of ``size`` (the last one shorter)."""
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def save_listings(
    db: sqlite_utils.Database, listings: Iterable[dict[str, Any]], batch_size: int = BATCH_SIZE
) -> BulkCounts:
    """Upsert normalised listings in transactions of ``batch_size``; history rows for new or changed terms."""
    counts = BulkCounts()
    for chunk in batches(listings, batch_size):
        save_batch(db, chunk, counts)
    return counts


def save_batch(db: sqlite_utils.Database, listings: list[dict[str, Any]], counts: BulkCounts) -> None:
    """Save one batch in one transaction, adding what it did to ``counts``."""
    save_rows(db, [to_row(listing) for listing in listings], counts)


def save_rows(db: sqlite_utils.Database, rows: list[dict[str, Any]], counts: BulkCounts) -> None:
    """Save listings rows made by ``to_row`` in one transaction, adding what it did to ``counts``."""
    known = _stored(db, [row["id"] for row in rows])
    merged: dict[str, dict[str, Any]] = {}
    changes = []
    for row in rows:
        old = known.get(row["id"])
        seen = stamp_row(row, old)
        if old is not None and old.get("delisted_at"):
            row["delisted_at"] = None  # seen again: listed again
        changed = history.changed(old, row)
        if changed:
            changes.append(history.history_row(row, seen))
        counts.items_stored += 1
        counts.items_new += old is None
        counts.items_updated += old is not None
        counts.prices_changed += old is not None and changed
        # A listing twice in one batch: the second sees the first as stored, as one at a time would.
        known[row["id"]] = row if old is None else {**old, **row}
        merged[row["id"]] = {**merged[row["id"]], **row} if row["id"] in merged else row
    with db.conn:
        for group in _same_columns(merged.values()):
            _insert(db, "listings", group, upsert_on="id")
        if changes:
            _insert(db, "price_history", changes)


def _stored(db: sqlite_utils.Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored rows of these ids (absent ids left out)."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in batches(sorted(set(ids)), 900):
        marks = ",".join("?" * len(chunk))
        found.update(
            (row["id"], row) for row in db.query(f"select * from listings where id in ({marks})", chunk)
        )
    return found


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]], upsert_on: str = "") -> None:
    """Insert (or upsert on ``upsert_on``) rows that carry the same columns, in one executemany;
    sqlite-utils adds the columns the table lacks.

    (``Table.upsert_all`` converts every value and splits the rows into 999-variable statements: three
    times slower here.)"""
    db[table].add_missing_columns(rows[:1])
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f"insert into {table} ({names}) values ({', '.join('?' * len(columns))})"
    if upsert_on:
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != upsert_on)
        sql += f" on conflict({upsert_on}) do update set {updates}"
    db.conn.executemany(sql, map(itemgetter(*columns), rows))


def _same_columns(rows: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows grouped by their set of columns, so that an upsert never blanks a column a row does not carry."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(frozenset(row), []).append(row)
    return list(groups.values())
