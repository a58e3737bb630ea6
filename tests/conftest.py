"""Shared fixtures: a fresh database and listings in the item schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sourcefinder.listing import normalize_listing
from sourcefinder.store import database as store
from tests.browser import chromium  # noqa: F401  (one session-wide headless Chromium: Playwright's sync API allows one)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def database(tmp_path: Path):
    """An empty sourcefinder database in a temporary folder."""
    database = store.open_db(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture
def make_listing():
    """Build a normalised listing from a few fields (the rest defaulted)."""

    def make(item_id: str, role: str = "retail", **fields: Any) -> dict[str, Any]:
        raw = {
            "source": "demotaobao" if role == "retail" else "demo1688",
            "role": role,
            "item_id": item_id,
            "title": f"陶瓷勺子 {item_id}",
            "price": 10.0,
            **fields,
        }
        return normalize_listing(raw)

    return make
