"""The listing schema: what normalize_listing accepts, fixes and refuses."""

from __future__ import annotations

import pytest

from sourcefinder.listing import InvalidListing, listing_id, normalize_listing, tier_price

BASE = {
    "source": "1688",
    "role": "factory",
    "item_id": "769706957407",
    "title": "陶瓷勺子 16.5cm",
    "price": 8.8,
}


def test_minimal_listing_gets_defaults():
    listing = normalize_listing(BASE)
    assert listing["currency"] == "CNY"
    assert listing["moq"] == 1
    assert listing["price_tiers"] == []
    assert listing["shipping_fee"] is None
    assert listing["badges"] == [] and listing["attributes"] == {}
    assert listing["crawled_at"]


@pytest.mark.parametrize("missing", ["source", "role", "item_id", "title", "price"])
def test_required_fields(missing):
    raw = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(InvalidListing, match=missing):
        normalize_listing(raw)


@pytest.mark.parametrize(
    ("price", "expected"),
    [("¥8.8-12.5", 8.8), ("30元", 30.0), ("￥8.80", 8.8), (12, 12.0)],
)
def test_price_text_is_parsed(price, expected):
    assert normalize_listing({**BASE, "price": price})["price"] == expected


def test_price_on_request_without_tiers_is_refused():
    with pytest.raises(InvalidListing, match="no price"):
        normalize_listing({**BASE, "price": "面议"})


def test_price_on_request_falls_back_to_the_first_tier():
    raw = {
        **BASE,
        "price": "面议",
        "price_tiers": [{"min_qty": 50, "price": "5.2"}, {"min_qty": 2, "price": 6.5}],
    }
    listing = normalize_listing(raw)
    assert listing["price_tiers"] == [{"min_qty": 2, "price": 6.5}, {"min_qty": 50, "price": 5.2}]
    assert listing["price"] == 6.5


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("role", "wholesale", "role"),
        ("price", -3, "negative"),
        ("moq", "many", "whole number"),
        ("image_phash", "xyz", "16 hex"),
        ("attributes", ["颜色"], "object"),
        ("price_tiers", [{"min_qty": 1}], "without a price"),
    ],
)
def test_unusable_values_are_refused_with_a_reason(field, value, message):
    with pytest.raises(InvalidListing, match=message):
        normalize_listing({**BASE, field: value})


def test_text_is_cleaned_and_lists_deduplicated():
    raw = {
        **BASE,
        "title": "  陶瓷勺子\n 16.5cm ",
        "badges": ["实力商家", "实力商家", "超级工厂"],
        "sales": "700+",
    }
    listing = normalize_listing(raw)
    assert listing["title"] == "陶瓷勺子 16.5cm"
    assert listing["badges"] == ["实力商家", "超级工厂"]
    assert listing["sales"] == 700


def test_image_urls_keep_web_and_file_urls_only():
    raw = {
        **BASE,
        "image_urls": ["//img.alicdn.com/a.jpg", "file:///tmp/b.jpg", "javascript:alert(1)", "c.jpg"],
    }
    assert normalize_listing(raw)["image_urls"] == ["https://img.alicdn.com/a.jpg", "file:///tmp/b.jpg"]


def test_phash_is_lowercased():
    assert normalize_listing({**BASE, "image_phash": "C3A1B2D4E5F60718"})["image_phash"] == "c3a1b2d4e5f60718"


def test_unknown_keys_are_dropped():
    assert "_secret" not in normalize_listing({**BASE, "_secret": 1})


def test_listing_id():
    assert listing_id("1688", "769706957407") == "1688:769706957407"


@pytest.mark.parametrize(("qty", "expected"), [(1, 8.8), (49, 8.8), (50, 7.5), (500, 6.0)])
def test_tier_price(qty, expected):
    tiers = [{"min_qty": 1, "price": 8.8}, {"min_qty": 50, "price": 7.5}, {"min_qty": 200, "price": 6.0}]
    assert tier_price(8.8, tiers, qty) == expected


def test_tier_price_below_every_tier_is_the_listing_price():
    assert tier_price(9.0, [{"min_qty": 10, "price": 7.0}], 1) == 9.0


def test_every_listing_field_is_documented_and_stored():
    """docs/schema.md, the Scrapy item and the listings table all hold the one definition's fields."""
    from pathlib import Path

    from sourcefinder.crawling.items import Listing
    from sourcefinder.listing import LISTING_FIELDS
    from sourcefinder.store.database import LISTING_COLUMNS

    docs = (Path(__file__).parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")
    for field in LISTING_FIELDS:
        assert f"| `{field.name}` |" in docs, field.name
        assert field.name in Listing.fields
        assert field.name in LISTING_COLUMNS or field.name == "images"
