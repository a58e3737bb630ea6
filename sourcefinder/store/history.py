"""Price history: what counts as a change of a listing's terms, its history rows, lows and delisting."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from sourcefinder.listing import now_iso

# The terms of a listing whose every change is a history row.
TRACKED = ("price", "price_tiers", "moq", "shipping_fee")
_SPARKS = "▁▂▃▄▅▆▇█"


def _decoded(value: Any) -> Any:
    """JSON text as its value, so the same tiers written two ways compare equal."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def terms(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """The tracked terms of a listings row (JSON columns decoded)."""
    return tuple(_decoded(row.get(name)) for name in TRACKED)


def previous(db: sqlite_utils.Database, listing_id: str) -> dict[str, Any] | None:
    """The stored row of a listing before it is saved again (None when it is new)."""
    return next(db.query("select * from listings where id = ?", [listing_id]), None)


def changed(old: Mapping[str, Any] | None, row: Mapping[str, Any]) -> bool:
    """Whether saving ``row`` over the stored ``old`` changes its terms (a new listing does)."""
    return old is None or terms(old) != terms(row)


def history_row(row: Mapping[str, Any], seen_at: str) -> dict[str, Any]:
    """The price_history row of a listings row seen at ``seen_at`` (bulk savers insert these themselves)."""
    tiers = row.get("price_tiers")
    return {
        "listing_id": row["id"],
        "price": row.get("price"),
        "shipping_fee": row.get("shipping_fee"),
        "seen_at": seen_at,
        "price_tiers": tiers if tiers is None or isinstance(tiers, str) else json.dumps(tiers),
        "moq": row.get("moq"),
    }


def record(
    db: sqlite_utils.Database, row: Mapping[str, Any], old: Mapping[str, Any] | None, seen_at: str
) -> bool:
    """Write a history row when ``row``'s terms differ from ``old``'s (or it is new); True when written.

    A delisted listing seen again is listed again. Call inside the transaction that saves ``row``."""
    if old is not None and old.get("delisted_at"):
        db.execute("update listings set delisted_at = null where id = ?", [row["id"]])
    if not changed(old, row):
        return False
    db["price_history"].insert(history_row(row, seen_at), alter=True)
    return True


def _ensure_delisted_column(db: sqlite_utils.Database) -> None:
    if "delisted_at" not in db["listings"].columns_dict:
        db["listings"].add_column("delisted_at", str)


def mark_delisted(db: sqlite_utils.Database, source: str, not_seen_since: str) -> int:
    """Mark delisted the listings of ``source`` not seen since ``not_seen_since`` (ISO time); how many.

    Call it after a full crawl of ``source`` that finished without errors, with the crawl's start time:
    every listing still on the site was saved (``updated_at`` >= start) during it. Nothing is deleted."""
    _ensure_delisted_column(db)
    with db.conn:
        cursor = db.execute(
            "update listings set delisted_at = ? where source = ? and delisted_at is null"
            " and (updated_at is null or updated_at < ?)",
            [now_iso(), source, not_seen_since],
        )
    return cursor.rowcount


def delisted_at(db: sqlite_utils.Database, listing_id: str) -> str | None:
    """When a listing was marked delisted (None when listed, or never marked)."""
    row = previous(db, listing_id)
    return row.get("delisted_at") if row else None


@dataclass(frozen=True)
class PricePoint:
    """One history row: the terms seen from ``seen_at`` on."""

    seen_at: str
    price: float | None
    shipping_fee: float | None
    moq: int | None
    price_tiers: list[dict[str, Any]] | None

    @property
    def when(self) -> datetime:
        """``seen_at`` as a datetime (UTC when the text names no zone)."""
        when = datetime.fromisoformat(self.seen_at)
        return when if when.tzinfo else when.replace(tzinfo=UTC)


def price_history(db: sqlite_utils.Database, listing_id: str) -> list[PricePoint]:
    """A listing's history rows, oldest first."""
    rows = db.query("select * from price_history where listing_id = ? order by seen_at, rowid", [listing_id])
    return [
        PricePoint(
            row["seen_at"],
            row["price"],
            row["shipping_fee"],
            row.get("moq"),
            _decoded(row.get("price_tiers")),
        )
        for row in rows
    ]


def lowest(points: Iterable[PricePoint], since: datetime | None = None) -> PricePoint | None:
    """The lowest-priced point in force at some time after ``since`` (all of them without), earliest on a tie.

    The point in force when ``since`` began counts too: its price held during the window."""
    chosen = list(points)
    if since is not None:
        before = [p for p in chosen if p.when <= since]
        chosen = before[-1:] + [p for p in chosen if p.when > since]
    priced = [p for p in chosen if p.price is not None]
    return min(priced, key=lambda p: (p.price, p.seen_at)) if priced else None


def weeks_ago(weeks: int, now: datetime) -> datetime:
    """The time ``weeks`` weeks before ``now``."""
    return now - timedelta(weeks=weeks)


def sparkline(values: Iterable[float]) -> str:
    """A one-line chart of ``values`` in block characters (flat values draw a flat line)."""
    numbers = list(values)
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    span = high - low
    if span == 0:
        return _SPARKS[len(_SPARKS) // 2] * len(numbers)
    return "".join(_SPARKS[round((n - low) / span * (len(_SPARKS) - 1))] for n in numbers)


def lowest_since(points: list[PricePoint]) -> datetime | None:
    """Since when the current price is the lowest (None when it is the lowest ever), as Keepa's "lowest in N weeks"."""
    if not points or points[-1].price is None:
        return None
    current = points[-1].price
    for earlier, following in zip(reversed(points[:-1]), reversed(points[1:]), strict=True):
        if earlier.price is not None and earlier.price < current:
            return following.when
    return None
