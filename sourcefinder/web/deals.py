"""What the pages show besides a lookup: the deals table with its filters, and stored photos on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sourcefinder.deals.frame import filtered_frame
from sourcefinder.deals.staging import DealFilters
from sourcefinder.match.index import DEFAULT_MIN_CONFIDENCE

DEALS_SHOWN = 100


def deal_rows(
    database: Any, category: str = "", min_saving: float = 0.0, one_piece: bool = False
) -> tuple[list[dict[str, Any]], list[str]]:
    """The cheapest source of each retail listing, biggest markup first, filtered; and the categories to
    choose from."""
    filters = DealFilters(
        min_confidence=DEFAULT_MIN_CONFIDENCE,
        category=category or None,
        min_saving=min_saving or None,
        one_piece=one_piece,
        cheapest_only=True,
        sort="markup",
        limit=DEALS_SHOWN,
    )
    frame = filtered_frame(database, filters)
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    categories = [
        row["category"]
        for row in database.query(
            "select distinct category from listings where category != '' order by category"
        )
    ]
    return rows, categories


def photo_file(db_path: Path, listing: dict[str, Any], number: int) -> Path | None:
    """The downloaded file of a listing's ``number``-th photo (Scrapy's ImagesPipeline names it by the
    SHA1 of its URL, under images/ beside the database), or None."""
    urls = listing.get("image_urls") or []
    if not 0 <= number < len(urls):
        return None
    name = hashlib.sha1(urls[number].encode()).hexdigest() + ".jpg"
    path = Path(db_path).parent / "images" / "full" / name
    return path if path.is_file() else None


def money(value: Any) -> str:
    """A price as the pages print it: ¥12.80, a range ¥8.80–12.50 as it is, ? when unknown."""
    if value is None or value == "":
        return "?"
    if isinstance(value, int | float):
        return f"¥{value:.2f}"
    return f"¥{value}"
