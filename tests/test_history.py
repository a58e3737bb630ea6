"""Price history: a row for every change of price, tiers, MOQ or shipping; lows over time; delisting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from sourcefinder.cli import app
from sourcefinder.store import database as store
from sourcefinder.store import history, moves

runner = CliRunner()


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


def _days_ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).isoformat()


@pytest.fixture
def week_of_prices(tmp_path, make_listing):
    """A week of prices: a retail listing and its factory source, an unrelated drop, a rise, a newcomer."""
    db_path = tmp_path / "week.db"
    database = store.open_db(db_path)
    for item_id, role, then, now in [
        ("spoon", "retail", 30.0, 24.0),  # -20%
        ("spoon-src", "factory", 6.0, 4.0),  # markup 5x -> 6x
        ("cup", "retail", 10.0, 9.0),  # -10%
        ("bowl", "retail", 10.0, 12.0),  # a rise
    ]:
        url = f"https://example.org/{item_id}"
        store.save_listing(
            database, make_listing(item_id, role=role, price=then, url=url, crawled_at=_days_ago(20))
        )
        store.save_listing(
            database, make_listing(item_id, role=role, price=now, url=url, crawled_at=_days_ago(2))
        )
    store.save_listing(
        database, make_listing("new", price=1.0, crawled_at=_days_ago(1))
    )  # no price a week ago
    pair = {"retail_id": "demotaobao:spoon", "factory_id": "demo1688:spoon-src", "confidence": 0.99}
    store.replace_matches(database, [], [pair])
    return db_path


def test_drops_lists_the_biggest_drops_and_the_markups_that_moved(week_of_prices):
    database = store.open_db(week_of_prices)
    moves_now = moves.price_moves(database, datetime.now(UTC) - moves.parse_period("7d"))
    drops = moves.biggest_drops(moves_now, top=10)
    assert [(d.listing_id, d.change_percent) for d in drops] == [
        ("demo1688:spoon-src", -33.3),
        ("demotaobao:spoon", -20.0),
        ("demotaobao:cup", -10.0),
    ]
    [markup] = moves.markup_moves(database, moves_now, min_confidence=0.5)
    assert (markup.before, markup.now) == (5.0, 6.0)
    assert (
        moves.price_moves(database, datetime.now(UTC) - moves.parse_period("1d"))["demotaobao:cup"].before
        == 9.0
    )
    result = runner.invoke(app, ["drops", "--since", "7d", "--db", str(week_of_prices)])
    assert result.exit_code == 0, result.output
    assert "-33.3%" in result.stdout and "-20.0%" in result.stdout and "5.0x" in result.stdout
    assert "demotaobao:bowl" not in result.stdout and "demotaobao:new" not in result.stdout
    bad = runner.invoke(app, ["drops", "--since", "a week", "--db", str(week_of_prices)])
    assert bad.exit_code == 1 and "not a period such as 7d" in bad.stderr


def test_history_by_url_with_a_png_chart_and_a_clear_error_for_an_unknown_listing(week_of_prices, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "spoon.png"
    result = runner.invoke(
        app,
        [
            "history",
            "https://example.org/spoon",
            "--weeks",
            "1",
            "--png",
            str(png),
            "--db",
            str(week_of_prices),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "¥30.00" in result.stdout and "¥24.00" in result.stdout and "█▁" in result.stdout
    assert "lowest in the last 1 weeks ¥24.00" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    missing = runner.invoke(app, ["history", "nowhere:1", "--db", str(week_of_prices)])
    assert missing.exit_code == 1 and "no listing 'nowhere:1'" in missing.stderr
