"""Test databases of matched pairs for the deals, export, report and browse tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sourcefinder.store import database as store


def store_pairs(database: Any, listings: Iterable[dict], pairs: Iterable[tuple[str, str, float]]) -> None:
    """Save the listings, then the matches (retail item id, factory item id, confidence) of the demo sources."""
    for listing in listings:
        store.save_listing(database, listing)
    matches = [
        {"retail_id": f"demotaobao:{retail}", "factory_id": f"demo1688:{factory}", "confidence": confidence}
        for retail, factory, confidence in pairs
    ]
    store.replace_matches(database, [], matches)
