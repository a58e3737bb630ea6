"""Bulk saving gives the same listings and history rows as saving one listing at a time."""

from __future__ import annotations

import pytest

from sourcefinder.store import bulk
from sourcefinder.store import database as store

SEEN = "2026-12-01T06:00:00+00:00"
LATER = "2026-12-02T06:00:00+00:00"


def _feeds(make_listing):
    """Two crawls' worth of listings: new ones, a price change, a duplicate id, one without hashes."""
    first = [
        make_listing("1", price=10, crawled_at=SEEN, image_phash="c3a1b2d4e5f60718"),
        make_listing("2", price=5, crawled_at=SEEN, image_hashes=[{"url": "u", "phash": "ab" * 8}]),
        make_listing("2", price=6, crawled_at=SEEN),  # twice in one batch: updated in place
        make_listing(
            "3", role="factory", price=3, crawled_at=SEEN, price_tiers=[{"min_qty": 10, "price": 2}]
        ),
    ]
    second = [
        make_listing("1", price=10, crawled_at=LATER, title="陶瓷勺子 新标题"),  # same terms
        make_listing(
            "3", role="factory", price=3, crawled_at=LATER, price_tiers=[{"min_qty": 10, "price": 1}]
        ),
        make_listing("4", price=7, crawled_at=LATER),
    ]
    return first, second


def _contents(database):
    listings = sorted(database.query("select * from listings order by id"), key=lambda r: r["id"])
    history = list(database.query("select * from price_history order by listing_id, seen_at, rowid"))
    return listings, history


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_bulk_saves_as_save_listing_does(tmp_path, make_listing, batch_size):
    one = store.open_db(tmp_path / "one.db")
    many = store.open_db(tmp_path / "many.db")
    totals = []
    for crawl in _feeds(make_listing):
        saved = [store.save_listing(one, listing) for listing in crawl]
        counts = bulk.save_listings(many, crawl, batch_size=batch_size)
        assert counts.items_stored == len(saved)
        assert counts.items_new == sum(s.new for s in saved)
        assert counts.prices_changed == sum(s.price_changed for s in saved)
        totals.append(counts)
    assert _contents(many) == _contents(one)
    assert (totals[1].items_new, totals[1].items_updated, totals[1].prices_changed) == (1, 2, 1)
    rows = {row["id"]: row for row in store.listings(many)}
    assert rows["demotaobao:1"]["first_seen"] == SEEN and rows["demotaobao:1"]["updated_at"] == LATER
    # a listing saved without hashes keeps the ones stored before (no column is blanked)
    assert rows["demotaobao:2"]["image_hashes"] == [{"url": "u", "phash": "ab" * 8}]
    assert rows["demotaobao:2"]["price"] == 6


def test_bulk_lists_a_delisted_listing_again(database, make_listing):
    from sourcefinder.store import history

    bulk.save_listings(database, [make_listing("1", crawled_at=SEEN)])
    assert history.mark_delisted(database, "demotaobao", LATER) == 1
    bulk.save_listings(database, [make_listing("1", crawled_at=LATER)])
    assert history.delisted_at(database, "demotaobao:1") is None
