"""Price history: a row for every change of price, tiers, MOQ or shipping; lows over time; delisting."""

from __future__ import annotations

from datetime import UTC, datetime

from sourcefinder.store import database as store
from sourcefinder.store import history


def _at(day: int) -> str:
    return datetime(2026, 11, day, 6, 0, tzinfo=UTC).isoformat()


def test_every_change_of_terms_is_a_row_and_nothing_else_is(database, make_listing):
    tiers = [{"min_qty": 1, "price": 5.0}, {"min_qty": 100, "price": 4.0}]
    factory = {"role": "factory", "price_tiers": tiers, "moq": 2, "shipping_fee": 4.0}
    assert store.save_listing(database, make_listing("f", **factory, crawled_at=_at(1))).new
    assert not store.save_listing(
        database, make_listing("f", **factory, title="另一个标题", crawled_at=_at(2))
    ).price_changed
    cheaper_tier = [{"min_qty": 1, "price": 5.0}, {"min_qty": 100, "price": 3.5}]
    changes = [
        {"price_tiers": cheaper_tier},
        {"price_tiers": cheaper_tier, "moq": 10},
        {"price_tiers": cheaper_tier, "moq": 10, "shipping_fee": 0.0},
    ]
    for day, change in enumerate(changes, start=3):
        saved = store.save_listing(database, make_listing("f", **{**factory, **change}, crawled_at=_at(day)))
        assert saved.price_changed, change
    points = history.price_history(database, "demo1688:f")
    assert [p.seen_at for p in points] == [_at(1), _at(3), _at(4), _at(5)]
    assert points[0].price_tiers == tiers and points[1].price_tiers == cheaper_tier
    assert [p.moq for p in points] == [2, 2, 10, 10]
    assert [p.shipping_fee for p in points] == [4.0, 4.0, 4.0, 0.0]


def test_lowest_ever_and_lowest_in_a_window(database, make_listing):
    for day, price in [(1, 10.0), (8, 7.0), (15, 9.0), (22, 8.0), (29, 8.5)]:
        store.save_listing(database, make_listing("r", price=price, crawled_at=_at(day)))
    points = history.price_history(database, "demotaobao:r")
    assert history.lowest(points).price == 7.0 and history.lowest(points).seen_at == _at(8)
    # Since Nov 20 the prices in force were 9 (from the 15th), 8 and 8.5.
    recent = history.lowest(points, since=datetime(2026, 11, 20, tzinfo=UTC))
    assert (recent.price, recent.seen_at) == (8.0, _at(22))
    assert history.sparkline(p.price for p in points) == "█▁▆▃▅"
    assert history.sparkline([3, 3]) == "▅▅"


def test_delisting_marks_the_unseen_listings_of_one_source_and_seeing_one_again_relists_it(
    database, make_listing
):
    store.save_listing(database, make_listing("gone", crawled_at=_at(1)))
    store.save_listing(database, make_listing("kept", crawled_at=_at(1)))
    store.save_listing(database, make_listing("f", role="factory", crawled_at=_at(1)))
    store.save_listing(database, make_listing("kept", crawled_at=_at(2)))
    assert history.mark_delisted(database, "demotaobao", not_seen_since=_at(2)) == 1
    assert history.delisted_at(database, "demotaobao:gone") is not None
    assert history.delisted_at(database, "demotaobao:kept") is None
    assert history.delisted_at(database, "demo1688:f") is None  # another source: not crawled
    assert database["listings"].count == 3  # marked, never deleted
    store.save_listing(database, make_listing("gone", crawled_at=_at(3)))
    assert history.delisted_at(database, "demotaobao:gone") is None
    assert len(history.price_history(database, "demotaobao:gone")) == 1  # same terms: no new row
