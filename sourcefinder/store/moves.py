"""What prices and markups did over a period: the biggest price drops, and the markups that grew or shrank."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

# The price each listing had at a time: its last history row at or before it (SQLite's bare column of max()).
_PRICE_AT_SQL = """
select listing_id, price, max(seen_at) as seen_at from price_history
where seen_at <= ? group by listing_id
"""
_PAIRS_SQL = """
select m.retail_id, m.factory_id, max(m.confidence) as confidence from matches m
where m.confidence >= ? group by m.retail_id
"""
_PERIOD = re.compile(r"^(\d+)\s*([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_period(text: str) -> timedelta:
    """``7d``, ``12h`` or ``2w`` as a timedelta; ValueError with the reason otherwise."""
    found = _PERIOD.match(text.strip().lower())
    if not found or int(found.group(1)) == 0:
        raise ValueError(f"{text!r} is not a period such as 7d, 12h or 2w")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


@dataclass(frozen=True)
class PriceMove:
    """A listing's price at the start of the period and now."""

    listing_id: str
    title: str
    url: str | None
    role: str
    before: float
    now: float

    @property
    def change_percent(self) -> float:
        """The change as a percentage of the price before (negative for a drop)."""
        return round(100 * (self.now - self.before) / self.before, 1) if self.before else 0.0


@dataclass(frozen=True)
class MarkupMove:
    """A matched pair's markup (retail price over factory price) at the start of the period and now."""

    retail: PriceMove
    factory: PriceMove

    @property
    def before(self) -> float:
        """The markup at the start of the period."""
        return self.retail.before / self.factory.before if self.factory.before else 0.0

    @property
    def now(self) -> float:
        """The markup now."""
        return self.retail.now / self.factory.now if self.factory.now else 0.0


def price_moves(db: sqlite_utils.Database, since: datetime) -> dict[str, PriceMove]:
    """Every listing listed now that had a price at ``since``, with that price and today's, by id."""
    before = {row["listing_id"]: row["price"] for row in db.query(_PRICE_AT_SQL, [since.isoformat()])}
    delisted = "delisted_at is null" if "delisted_at" in db["listings"].columns_dict else "1"
    rows = db.query(
        f"select id, title, url, role, price from listings where price is not null and {delisted}"
    )
    return {
        row["id"]: PriceMove(
            row["id"], row["title"], row["url"], row["role"], before[row["id"]], row["price"]
        )
        for row in rows
        if before.get(row["id"]) is not None
    }


def biggest_drops(moves: dict[str, PriceMove], top: int) -> list[PriceMove]:
    """The ``top`` largest drops in percent, largest first."""
    drops = [move for move in moves.values() if move.now < move.before]
    return sorted(drops, key=lambda move: (move.change_percent, move.listing_id))[:top]


def markup_moves(
    db: sqlite_utils.Database, moves: dict[str, PriceMove], min_confidence: float
) -> list[MarkupMove]:
    """The matched pairs (each retail listing's likeliest source) whose markup changed, largest change first."""
    pairs: list[dict[str, Any]] = list(db.query(_PAIRS_SQL, [min_confidence]))
    changed = [
        MarkupMove(moves[pair["retail_id"]], moves[pair["factory_id"]])
        for pair in pairs
        if pair["retail_id"] in moves and pair["factory_id"] in moves
    ]
    changed = [move for move in changed if abs(move.now - move.before) > 1e-9]
    return sorted(changed, key=lambda move: -abs(move.now - move.before))
