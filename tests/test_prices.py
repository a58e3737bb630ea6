"""Prices, shipping fees and counts as the real pages write them, grouped by where each example came from."""

from __future__ import annotations

import pytest

from sourcefinder.prices import parse_count, parse_price, parse_price_range, parse_shipping_fee

# (text, (low, high)) for parse_price_range; parse_price is the low end.
PRICE_RANGES = {
    "1688 offer page": [
        ("11.00", (11.0, 11.0)),  # mainPrice.priceModel.currentPrices[0].price
        ("19.50", (19.5, 19.5)),
        ("11.00-19.50", (11.0, 19.5)),  # tradeWithoutPromotion.offerPriceDisplay
        (3, (3.0, 3.0)),  # shippingServices.postFeeValue, a number
        (3.0, (3.0, 3.0)),  # detailDescription.freightInfo.totalCost
    ],
    "1688 SKU gateway": [
        ("3.6", (3.6, 3.6)),
        ("5.5", (5.5, 5.5)),
    ],
    "1688 search API": [
        ("37.00", (37.0, 37.0)),
        ("168.0", (168.0, 168.0)),
        ("6.07", (6.07, 6.07)),
    ],
    "taobao search": [
        ("238.00", (238.0, 238.0)),  # view_price
        ("115.32", (115.32, 115.32)),
        ("5350.00", (5350.0, 5350.0)),
    ],
    "tmall H5": [
        ("146", (146.0, 146.0)),  # price.price.priceText
        ("258.00", (258.0, 258.0)),  # mock price
        ("146-168", (146.0, 168.0)),
    ],
    "hand-written": [
        ("¥8.8", (8.8, 8.8)),
        ("￥8.80", (8.8, 8.8)),
        ("30元", (30.0, 30.0)),
        ("¥8.8-12.5", (8.8, 12.5)),
        ("8.8~12.5", (8.8, 12.5)),
        ("¥12.5 - ¥8.8", (8.8, 12.5)),
        ("8.8元至12.5元", (8.8, 12.5)),
        ("¥1,288.00", (1288.0, 1288.0)),
        ("价格：¥ 15.9 元", (15.9, 15.9)),
        ("面议", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
        (True, (None, None)),
    ],
}

SHIPPING_FEES = {
    "1688 offer page": [
        (3, 3.0),  # shippingServices.totalCost
        ("", None),  # shippingServices.text
    ],
    "1688 search API": [
        ("包邮", 0.0),  # tag
    ],
    "taobao search": [
        ("0.00", 0.0),  # view_fee
        ("8.00", 8.0),
        ("10.00", 10.0),
    ],
    "tmall H5": [
        ("EMS: 10.00", 10.0),  # delivery.postage
    ],
    "hand-written": [
        ("免运费", 0.0),
        ("包邮", 0.0),
        ("快递: 0.00", 0.0),
        ("快递: 12.00 EMS: 20.00", 12.0),
        ("运费8元", 8.0),
        ("满99包邮", None),  # conditional: says nothing about one piece
        ("选择配送地址为您计算运费", None),
        ("", None),
        (None, None),
    ],
}

COUNTS = {
    "1688 offer page": [
        ("400+", 400),  # productTitle.saleNum
        (420, 420),  # tempModel.saledCount
    ],
    "1688 search API": [
        ("已售100+件", 100),
        ("已售10万+件", 100_000),
        ("全网3.3万+件", 33_000),
        ("已售5.8万+件", 58_000),
        ("1000个", 1000),  # quantity_prices[].begin_num
    ],
    "taobao search": [
        ("1881人付款", 1881),
        ("0人付款", 0),
    ],
    "hand-written": [
        ("700+", 700),
        ("1.2万+人付款", 12_000),
        ("10w+", 100_000),
        ("≥2", 2),
        ("1,234笔", 1234),
        ("", None),
        ("暂无", None),
        (None, None),
    ],
}


def _cases(table: dict[str, list[tuple]]) -> list:
    return [
        pytest.param(*case, id=f"{origin}: {case[0]!r}") for origin, cases in table.items() for case in cases
    ]


@pytest.mark.parametrize(("text", "expected"), _cases(PRICE_RANGES))
def test_parse_price_range(text, expected):
    assert parse_price_range(text) == expected
    assert parse_price(text) == expected[0]


@pytest.mark.parametrize(("text", "expected"), _cases(SHIPPING_FEES))
def test_parse_shipping_fee(text, expected):
    assert parse_shipping_fee(text) == expected


@pytest.mark.parametrize(("text", "expected"), _cases(COUNTS))
def test_parse_count(text, expected):
    assert parse_count(text) == expected
