"""Every matched pair priced into a ``deals`` table of its own SQLite file, then read back filtered and sorted.

The pairs are read from the store in chunks and written to the deals file chunk by chunk; SQLite sorts them
there (on disk when they are many), so a million pairs never sit in memory at once. See docs/deals.md.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcefinder.deals.columns import DEAL_COLUMNS
from sourcefinder.deals.pricing import ONE_PIECE
from sourcefinder.deals.rows import INTERNAL_COLUMNS, LISTING_COLUMNS, deal_row

CHUNK = 2000
FLAG_COLUMNS = ("retail_shipping_known", "shipping_known", "known", "cheapest")
STAGED_COLUMNS = (*DEAL_COLUMNS, *INTERNAL_COLUMNS)
# Each sort: its ORDER BY terms. Unknown figures (empty) always come last; so do outlays without shipping.
SORTS = {
    "saving": "saving_least is null, saving_least desc",
    "markup": "markup_least is null, markup_least desc",
    "landed": "landed_most is null, landed_most asc",
    "outlay": "shipping_known desc, outlay_most asc",
    "confidence": "confidence desc",
    "found": "found_at is null, found_at desc",
}


@dataclass(frozen=True)
class DealFilters:
    """Which pairs a view or export keeps, and in what order."""

    min_confidence: float = 0.0
    category: str | None = None  # part of the retail (else factory) category
    location: str | None = None  # part of the factory's ship-from place, e.g. 南通
    since: str | None = None  # ISO date or time: found or changed since
    min_markup: float | None = None  # percent
    min_saving: float | None = None  # yuan
    one_piece: bool = False
    cheapest_only: bool = False  # the cheapest one-piece source of each retail listing
    sort: str = "saving"
    limit: int | None = None


class Median:
    """SQLite aggregate ``median(x)``: the median of the non-null values."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: Any) -> None:
        if isinstance(value, int | float):
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return round(statistics.median(self.values), 1) if self.values else None


def _pairs_sql(database_columns: set[str], filters: DealFilters) -> tuple[str, list[Any]]:
    def side(alias: str) -> str:
        return ", ".join(
            f"{alias}.{c} as {alias}_{c}" if c in database_columns else f"null as {alias}_{c}"
            for c in LISTING_COLUMNS
        )

    sql = f"""
    select * from (
      select m.retail_id, m.factory_id, m.confidence, m.image_distance, m.title_similarity, m.agreeing,
             m.conflicting, {side("r")}, {side("f")},
             nullif(max(coalesce(m.matched_at, ''), coalesce(r.updated_at, ''), coalesce(f.updated_at, '')), '')
               as found_at
      from matches m join listings r on r.id = m.retail_id join listings f on f.id = m.factory_id
      where m.confidence >= ?
    ) where 1"""
    args: list[Any] = [filters.min_confidence]
    if filters.category:
        sql += " and instr(coalesce(r_category, f_category, ''), ?) > 0"
        args.append(filters.category)
    if filters.location:
        sql += " and instr(coalesce(f_location, ''), ?) > 0"
        args.append(filters.location)
    if filters.since:
        sql += " and found_at >= ?"
        args.append(filters.since)
    return sql, args


def _create_table(conn: sqlite3.Connection) -> None:
    columns = ", ".join(f"[{c}]" for c in STAGED_COLUMNS)
    conn.execute(f"create table deals ({columns}, cheapest integer default 0)")


def _mark_cheapest(conn: sqlite3.Connection) -> None:
    """Flag the cheapest one-piece source of each retail listing (known landed costs first)."""
    conn.execute(
        """update deals set cheapest = 1 where rowid in (
             select rowid from (
               select rowid, row_number() over (
                 partition by retail_id
                 order by known desc, landed_most is null, landed_most, confidence desc, factory_id) as rank
               from deals where buy_mode = ?)
             where rank = 1)""",
        [ONE_PIECE],
    )


def build_deals_db(database: Any, path: str | Path, filters: DealFilters | None = None) -> sqlite3.Connection:
    """Price the pairs of ``database`` (sqlite-utils) that pass ``filters`` into table ``deals`` at ``path``."""
    filters = filters or DealFilters()
    conn = sqlite3.connect(str(path))
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    conn.create_aggregate("median", 1, Median)
    _create_table(conn)
    sql, args = _pairs_sql(set(database["listings"].columns_dict), filters)
    cursor = database.conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    insert = f"insert into deals ({', '.join(f'[{c}]' for c in STAGED_COLUMNS)}) values "
    insert += f"({', '.join('?' * len(STAGED_COLUMNS))})"
    while chunk := cursor.fetchmany(CHUNK):
        rows = [deal_row(dict(zip(names, pair, strict=True))) for pair in chunk]
        conn.executemany(insert, [[row[c] for c in STAGED_COLUMNS] for row in rows])
    _mark_cheapest(conn)
    conn.commit()
    return conn


@contextmanager
def staged_deals(database: Any, filters: DealFilters | None = None) -> Iterator[sqlite3.Connection]:
    """The priced pairs in a temporary deals file, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="sourcefinder-deals-") as folder:
        conn = build_deals_db(database, Path(folder) / "deals.db", filters)
        try:
            yield conn
        finally:
            conn.close()


def select_sql(filters: DealFilters) -> tuple[str, list[Any]]:
    """The query over table ``deals`` that applies the value filters, the sort and the limit."""
    if filters.sort not in SORTS:
        raise ValueError(f"unknown sort {filters.sort!r}: one of {', '.join(SORTS)}")
    sql, args = "select * from deals where 1", []
    if filters.one_piece:
        sql += " and buy_mode = ?"
        args.append(ONE_PIECE)
    if filters.cheapest_only:
        sql += " and cheapest = 1"
    if filters.min_markup is not None:
        sql += " and markup_least >= ?"
        args.append(filters.min_markup)
    if filters.min_saving is not None:
        sql += " and saving_least >= ?"
        args.append(filters.min_saving)
    sql += f" order by {SORTS[filters.sort]}, confidence desc, retail_id, factory_id"
    if filters.limit is not None:
        sql += " limit ?"
        args.append(filters.limit)
    return sql, args


def iter_deals(conn: sqlite3.Connection, filters: DealFilters | None = None) -> Iterator[dict[str, Any]]:
    """The staged deals that pass ``filters``, in their order, read a chunk at a time."""
    sql, args = select_sql(filters or DealFilters())
    cursor = conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    while chunk := cursor.fetchmany(CHUNK):
        for values in chunk:
            row = dict(zip(names, values, strict=True))
            for flag in FLAG_COLUMNS:
                row[flag] = bool(row[flag])
            yield row
