"""Deals: the price you can pay for one piece, plus shipping, against what the shop asks; safe CSV."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from sourcefinder.deals.pricing import buy_quantity, deals_frame, neutralise_formula, write_csv
from sourcefinder.store import database as store


@pytest.fixture
def matched(database, make_listing):
    """A retail spoon matched to two factories: one sells single pieces, one has an MOQ of 10."""
    retail = make_listing("r1", price=26.0, shipping_fee=0, title='=HYPERLINK("http://x") 网红陶瓷勺子')
    single = make_listing(
        "f1",
        role="factory",
        price=9.0,
        shipping_fee=6.0,
        price_tiers=[{"min_qty": 1, "price": 9.0}, {"min_qty": 50, "price": 7.0}],
    )
    bulk = make_listing(
        "f2",
        role="factory",
        price=6.0,
        moq=10,
        shipping_fee=10.0,
        price_tiers=[{"min_qty": 10, "price": 6.0}, {"min_qty": 100, "price": 5.0}],
    )
    for listing in (retail, single, bulk):
        store.save_listing(database, listing)
    rows = [
        {
            "retail_id": "demotaobao:r1",
            "factory_id": "demo1688:f1",
            "confidence": 0.95,
            "agreeing": ["photo"],
        },
        {"retail_id": "demotaobao:r1", "factory_id": "demo1688:f2", "confidence": 0.9, "conflicting": []},
    ]
    store.replace_matches(database, ["demotaobao:r1"], rows)
    return database


@pytest.mark.parametrize(("moq", "qty"), [(None, 1), (1, 1), (3, 3), (0, 1)])
def test_buy_quantity(moq, qty):
    assert buy_quantity(moq) == qty


def test_one_piece_price_plus_shipping(matched):
    frame = deals_frame(matched, 0.5).set_index("factory_id")
    single = frame.loc["demo1688:f1"]
    assert (single["factory_price"], single["landed_cost"]) == (9.0, 15.0)
    assert single["markup_pct"] == pytest.approx((26 - 15) / 15 * 100, abs=0.05)
    assert single["saving"] == 11.0


def test_moq_tier_and_shipping_shared_over_the_pieces(matched):
    bulk = deals_frame(matched, 0.5).set_index("factory_id").loc["demo1688:f2"]
    assert bulk["moq"] == 10
    assert bulk["factory_price"] == 6.0
    assert bulk["landed_cost"] == 7.0  # 6.00 + 10.00 shipping / 10 pieces


def test_best_only_keeps_the_cheapest_landed_cost(matched):
    best = deals_frame(matched, 0.5, best_only=True)
    assert list(best["factory_id"]) == ["demo1688:f2"]
    assert list(deals_frame(matched, 0.5)["cheapest"]) == [True, False]


def test_min_confidence_filters(matched):
    assert list(deals_frame(matched, 0.93)["factory_id"]) == ["demo1688:f1"]
    assert deals_frame(matched, 0.99).empty


def test_unknown_shipping_counts_as_zero_but_stays_unknown(database, make_listing):
    store.save_listing(database, make_listing("r", price=20))
    store.save_listing(database, make_listing("f", role="factory", price=8))
    store.replace_matches(
        database,
        ["demotaobao:r"],
        [{"retail_id": "demotaobao:r", "factory_id": "demo1688:f", "confidence": 0.9}],
    )
    row = deals_frame(database, 0.5).iloc[0]
    assert row["landed_cost"] == 8.0
    assert pd.isna(row["shipping_fee"])  # unknown, not free


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+86 123", "'+86 123"),
        ("-5折", "'-5折"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("陶瓷", "陶瓷"),
        (3.5, 3.5),
    ],
)
def test_neutralise_formula(text, safe):
    assert neutralise_formula(text) == safe


def test_csv_has_bom_required_columns_and_no_live_formula(matched, tmp_path):
    path = write_csv(deals_frame(matched, 0.5), tmp_path / "deals.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    required = "retail_id retail_title retail_price retail_url factory_id factory_title factory_price factory_url moq "
    required += "shipping_fee landed_cost markup_pct saving confidence"
    assert set(required.split()) <= set(rows[0])
    assert rows[0]["retail_title"].startswith("'=HYPERLINK")
    assert "网红陶瓷勺子" in rows[0]["retail_title"]
