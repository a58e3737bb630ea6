"""Deals: what a buyer really pays (one piece or wholesale, shipping known or not), landed against landed."""

from __future__ import annotations

import pandas as pd
import pytest

from sourcefinder.deals.frame import deals_frame
from sourcefinder.deals.pricing import Span, buy_mode, buy_quantity, landed_cost, price_pair
from sourcefinder.deals.rows import deal_row, evidence_text
from sourcefinder.deals.staging import DealFilters, iter_deals, staged_deals
from sourcefinder.listing import normalize_listing
from sourcefinder.store import database as store

TIERS_50 = [{"min_qty": 50, "price": 101.88}, {"min_qty": 200, "price": 95.0}]

# (case, retail fields, factory fields, expected figures). Unknown is None; a range is its text.
CASES = [
    (
        "one piece, both shippings known",
        {"price": 26.0, "shipping_fee": 0},
        {"price": 9.0, "shipping_fee": 6.0},
        {
            "buy_mode": "one_piece",
            "buy_quantity": 1,
            "unit_price": 9.0,
            "landed_cost": 15.0,
            "outlay": 15.0,
            "retail_landed": 26.0,
            "saving": 11.0,
            "markup_pct": 73.3,
        },
    ),
    (
        "MOQ 50: wholesale, the outlay in full and no per-piece saving",
        {"price": 108.0, "shipping_fee": 0},
        {"price": 101.88, "moq": 50, "price_tiers": TIERS_50, "shipping_fee": 0},
        {
            "buy_mode": "wholesale",
            "buy_quantity": 50,
            "unit_price": 101.88,
            "outlay": 5094.0,
            "landed_cost": 101.88,
            "saving": None,
            "markup_pct": 6.0,
        },
    ),
    (
        "MOQ 50 but 一件代发: one piece at the listing price",
        {"price": 108.0, "shipping_fee": 0},
        {"price": 110.0, "moq": 50, "price_tiers": TIERS_50, "shipping_fee": 8, "badges": ["一件代发"]},
        {
            "buy_mode": "one_piece",
            "buy_quantity": 1,
            "unit_price": 110.0,
            "landed_cost": 118.0,
            "saving": -10.0,
        },
    ),
    (
        "factory shipping unknown: never 0, no landed cost, saving or markup",
        {"price": 20.0, "shipping_fee": 0},
        {"price": 8.0},
        {
            "shipping_fee": None,
            "shipping_known": False,
            "landed_cost": None,
            "saving": None,
            "markup_pct": None,
            "outlay": 8.0,
            "unit_price": 8.0,
        },
    ),
    (
        "retail shipping unknown: no retail landed price, no saving",
        {"price": 20.0},
        {"price": 8.0, "shipping_fee": 0},
        {"retail_shipping_known": False, "retail_landed": None, "landed_cost": 8.0, "saving": None},
    ),
    (
        "retail shipping +5 is added to the retail side",
        {"price": 13.9, "shipping_fee": 5},
        {"price": 10.18, "shipping_fee": 4.0},
        {"retail_landed": 18.9, "landed_cost": 14.18, "saving": 4.72, "markup_pct": 33.3},
    ),
    (
        "free shipping (包邮) is a known 0",
        {"price": 30.0, "shipping_fee": 0},
        {"price": 10.0, "shipping_fee": 0.0},
        {
            "shipping_fee": 0.0,
            "shipping_known": True,
            "retail_landed": 30.0,
            "landed_cost": 10.0,
            "saving": 20.0,
        },
    ),
    (
        "a retail price range is shown as the range, never its minimum",
        {"price": "¥8.8-12.5", "shipping_fee": 0},
        {"price": 5.0, "shipping_fee": 0},
        {
            "retail_price": "8.80–12.50",
            "retail_landed": "8.80–12.50",
            "saving": "3.80–7.50",
            "markup_pct": "76.0–150.0",
            "saving_least": 3.8,
        },
    ),
    (
        "a factory price range: landed cost and saving as ranges",
        {"price": 20.0, "shipping_fee": 0},
        {"price": "6.5-8", "shipping_fee": 2},
        {
            "unit_price": "6.50–8.00",
            "landed_cost": "8.50–10.00",
            "saving": "10.00–11.50",
            "landed_most": 10.0,
        },
    ),
    (
        "tiers: the price at the quantity bought, with shipping spread over it",
        {"price": 12.0, "shipping_fee": 0},
        {
            "price": 6.0,
            "moq": 10,
            "shipping_fee": 10.0,
            "price_tiers": [{"min_qty": 10, "price": 6.0}, {"min_qty": 100, "price": 5.0}],
        },
        {
            "buy_mode": "wholesale",
            "buy_quantity": 10,
            "unit_price": 6.0,
            "landed_cost": 7.0,
            "outlay": 70.0,
            "markup_pct": 71.4,
        },
    ),
    (
        "tiers of a one-piece offer: the first tier",
        {"price": 12.0, "shipping_fee": 0},
        {"price": 9.0, "price_tiers": [{"min_qty": 1, "price": 9.0}, {"min_qty": 50, "price": 7.0}]},
        {"buy_mode": "one_piece", "unit_price": 9.0},
    ),
]


def _pair(retail: dict, factory: dict) -> dict:
    r = normalize_listing({"source": "shop", "role": "retail", "item_id": "r", "title": "勺子", **retail})
    f = normalize_listing({"source": "1688", "role": "factory", "item_id": "f", "title": "勺子", **factory})
    pair = {"retail_id": "shop:r", "factory_id": "1688:f", "confidence": 0.9}
    return pair | {f"r_{k}": v for k, v in r.items()} | {f"f_{k}": v for k, v in f.items()}


@pytest.mark.parametrize(("case", "retail", "factory", "expected"), CASES, ids=[c[0] for c in CASES])
def test_deal_semantics(case, retail, factory, expected):
    row = deal_row(_pair(retail, factory))
    assert {key: row[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("moq", "badges", "mode"),
    [
        (1, [], "one_piece"),
        (None, [], "one_piece"),
        (2, [], "wholesale"),
        (50, ["一件起批"], "one_piece"),
        (50, '["实力商家", "支持一件代发"]', "one_piece"),
        (50, ["实力商家"], "wholesale"),
    ],
)
def test_buy_mode(moq, badges, mode):
    assert buy_mode(moq, badges) == mode


def test_span_arithmetic():
    assert Span.of(8.8, 12.5).minus(Span.of(5.0)) == Span(3.8, 7.5)
    assert Span.of(8.8, None).exact and Span.of(8.8, 7.0) == Span(8.8, 8.8)
    assert Span.of(10).markup_over(Span.of(0.0)) is None


def test_landed_cost_of_a_factory_row_keeps_unknown_shipping_unknown():
    assert landed_cost({"factory_list_price": 8.0, "moq": 1, "shipping_fee": None}) == (8.0, None)
    assert landed_cost({"price": 6.0, "moq": 10, "shipping_fee": 10.0, "price_tiers": "[]"}) == (6.0, 7.0)


def test_price_pair_never_counts_unknown_shipping_as_free():
    deal = price_pair({"price": 20.0, "shipping_fee": 0}, {"price": 8.0, "shipping_fee": None})
    assert deal.landed_cost is None and not deal.known and deal.outlay == Span(8.0, 8.0)


def test_evidence_text():
    pair = {
        "image_distance": 3,
        "title_similarity": 0.8123,
        "agreeing": '["photo", "货号"]',
        "conflicting": "[]",
    }
    assert evidence_text(pair) == "photo distance 3; titles 0.81; agree: photo, 货号"


@pytest.fixture
def matched(database, make_listing):
    """Retail r1 with four sources (one piece, wholesale, unknown shipping, low confidence); r2 with one."""
    listings = [
        make_listing(
            "r1", price=26.0, shipping_fee=0, category="餐具", title='=HYPERLINK("http://x","y") 陶瓷勺子'
        ),
        make_listing("r2", price=40.0, shipping_fee=5, category="床品"),
        make_listing("single", role="factory", price=9.0, shipping_fee=6.0, location="广东 潮州"),
        make_listing("bulk", role="factory", price=6.0, moq=10, shipping_fee=10.0, location="江苏 南通"),
        make_listing("unknown", role="factory", price=5.0, location="广东 潮州"),
        make_listing("doubtful", role="factory", price=4.0, shipping_fee=0),
        make_listing("quilt", role="factory", price=20.0, shipping_fee=0, location="江苏 南通"),
    ]
    for listing in listings:
        store.save_listing(database, listing)
    rows = [
        {"retail_id": "demotaobao:r1", "factory_id": f"demo1688:{f}", "confidence": c, "agreeing": ["photo"]}
        for f, c in (("single", 0.95), ("bulk", 0.9), ("unknown", 0.9), ("doubtful", 0.4))
    ]
    store.replace_matches(database, ["demotaobao:r1"], rows)
    store.replace_matches(
        database,
        ["demotaobao:r2"],
        [{"retail_id": "demotaobao:r2", "factory_id": "demo1688:quilt", "confidence": 0.8}],
    )
    return database


def test_frame_ranks_known_costs_first_and_marks_the_cheapest_one_piece_source(matched):
    frame = deals_frame(matched, 0.5)
    assert list(frame["factory_id"]) == [
        "demo1688:quilt",
        "demo1688:single",
        "demo1688:bulk",
        "demo1688:unknown",
    ]
    cheapest = frame[frame["cheapest"]].set_index("retail_id")["factory_id"].to_dict()
    # The offer with unknown shipping is not "cheaper" for its lower price; the wholesale offer is not one piece.
    assert cheapest == {"demotaobao:r1": "demo1688:single", "demotaobao:r2": "demo1688:quilt"}
    unknown = frame.set_index("factory_id").loc["demo1688:unknown"]
    assert pd.isna(unknown["landed_cost"]) and pd.isna(unknown["shipping_fee"])
    assert list(deals_frame(matched, 0.5, best_only=True)["factory_id"]) == [
        "demo1688:quilt",
        "demo1688:single",
    ]


@pytest.mark.parametrize(
    ("filters", "factories"),
    [
        (DealFilters(min_confidence=0.3), {"quilt", "single", "bulk", "unknown", "doubtful"}),
        (DealFilters(min_confidence=0.92), {"single"}),
        (DealFilters(one_piece=True), {"quilt", "single", "unknown", "doubtful"}),
        (DealFilters(location="南通"), {"bulk", "quilt"}),
        (DealFilters(category="床品"), {"quilt"}),
        (DealFilters(min_saving=15), {"quilt", "doubtful"}),
        (DealFilters(min_saving=15, min_confidence=0.5), {"quilt"}),
        (DealFilters(min_markup=50), {"single", "bulk", "quilt", "doubtful"}),
        (DealFilters(since="2999-01-01"), set()),
        (DealFilters(since="2000-01-01", min_confidence=0.5), {"quilt", "single", "bulk", "unknown"}),
        (DealFilters(limit=2), {"quilt", "doubtful"}),
    ],
)
def test_filters(matched, filters, factories):
    with staged_deals(matched, filters) as conn:
        found = {row["factory_id"].split(":")[1] for row in iter_deals(conn, filters)}
    assert found == factories


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [
        ("saving", "quilt", "unknown"),
        ("markup", "bulk", "unknown"),
        ("landed", "bulk", "unknown"),
        ("confidence", "single", "quilt"),
        ("outlay", "single", "unknown"),
    ],
)
def test_sorts_put_unknown_figures_last(matched, sort, first, last):
    filters = DealFilters(min_confidence=0.5, sort=sort)
    with staged_deals(matched, filters) as conn:
        order = [row["factory_id"].split(":")[1] for row in iter_deals(conn, filters)]
    assert (order[0], order[-1]) == (first, last)


def test_unknown_sort_is_refused(matched):
    with staged_deals(matched) as conn, pytest.raises(ValueError, match="unknown sort"):
        list(iter_deals(conn, DealFilters(sort="cheapness")))


@pytest.mark.parametrize(
    ("moq", "badges", "quantity"), [(None, None, 1), (1, [], 1), (3, [], 3), (50, ["一件代发"], 1)]
)
def test_buy_quantity(moq, badges, quantity):
    assert buy_quantity(moq, badges) == quantity


def test_every_deal_column_is_documented():
    from pathlib import Path

    from sourcefinder.deals.columns import DEAL_COLUMNS_SPEC

    docs = (Path(__file__).parents[1] / "docs" / "deals.md").read_text(encoding="utf-8")
    for column in DEAL_COLUMNS_SPEC:
        assert f"| `{column.name}` | {column.kind} |" in docs, column.name


def test_deals_command_shows_one_piece_deals_and_wholesale_only_when_asked(matched, tmp_path):
    from typer.testing import CliRunner

    from sourcefinder.cli import app

    runner = CliRunner()
    shown = runner.invoke(app, ["deals", "--db", str(tmp_path / "test.db"), "--all"])
    assert shown.exit_code == 0, shown.output
    assert "¥11.00" in shown.output  # 26 delivered against 9 + 6 shipping
    assert "from ¥5.00 + shipping" in shown.output  # the offer whose shipping is unknown
    assert "wholesale" not in shown.output and "buy 10" not in shown.output
    wholesale = runner.invoke(app, ["deals", "--db", str(tmp_path / "test.db"), "--wholesale"])
    assert "buy 10: ¥70.00 in all, ¥7.00 a piece" in wholesale.output
