"""schema.org Product data (JSON-LD, microdata, OpenGraph) as listings, and GTIN/MPN evidence in the matcher."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from sourcefinder.match.scoring import identifier_evidence
from sourcefinder.sites.schemaorg import parse_product_page
from tests.conftest import FIXTURES

SHOP = FIXTURES / "shop"
URL = "https://shop.example/products/item"


def _jsonld(*blocks: dict[str, Any] | str, body: str = "<h1>x</h1>") -> str:
    """A page holding the given JSON-LD blocks (a string is inserted as written, e.g. broken JSON)."""
    scripts = "".join(
        f'<script type="application/ld+json">{b if isinstance(b, str) else json.dumps(b)}</script>'
        for b in blocks
    )
    return f"<html><head>{scripts}</head><body>{body}</body></html>"


def _product(**fields: Any) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "Product", "name": "陶瓷勺子", "sku": "S1", **fields}


OFFER = {"@type": "Offer", "price": "12.90", "priceCurrency": "CNY"}

CASES = [
    pytest.param(
        "product_jsonld_graph.html",
        [
            {
                "item_id": "CS165W",
                "title": "网红陶瓷勺子 16.5cm 白色 & 哑光釉",
                "price": 12.9,
                "currency": "CNY",
                "seller": "瓷韵家居",
                "shipping_fee": 6.0,
                "category": "厨房餐具 > 勺子",
                "url": "https://shop.example/products/ceramic-spoon-16-5cm",
                "attributes": {
                    "gtin13": "6901234567892",
                    "mpn": "CS-165-W",
                    "sku": "CS165W",
                    "brand": "瓷韵",
                    "材质": "陶瓷",
                    "长度": "16.5",
                },
                "image_urls": [
                    "https://cdn.shop.example/files/ceramic-spoon-white.jpg",
                    "https://shop.example/files/ceramic-spoon-white-side.jpg",
                ],
            }
        ],
        id="jsonld-graph-offer-imageobjects-shipping",
    ),
    pytest.param(
        "product_aggregate_offer.html",
        [
            {
                "item_id": "BC10",
                "price": 19.9,
                "seller": "瓷韵家居",
                "shipping_fee": None,
                "attributes": {"gtin": "06901234567809", "sku": "BC10", "brand": "竹语"},
                "image_urls": ["https://cdn.shop.example/files/bamboo-chopsticks.jpg"],
            }
        ],
        id="aggregateoffer-lowprice-string-image-brand-text",
    ),
    pytest.param(
        "product_price_specification.html",
        [{"item_id": "GT-600", "price": 68.0, "currency": "CNY", "shipping_fee": 0.0}],
        id="pricespecification-skips-strikethrough-free-shipping",
    ),
    pytest.param(
        "product_microdata.html",
        [
            {
                "item_id": "EM350",
                "title": "复古搪瓷杯 350ml",
                "price": 39.0,
                "currency": "CNY",
                "seller": "瓷韵家居",
                "attributes": {"gtin13": "6901234567816", "sku": "EM350", "brand": "老上海"},
                "image_urls": [
                    "https://shop.example/files/enamel-mug-350.jpg",
                    "https://shop.example/files/enamel-mug-350-back.jpg",
                ],
            }
        ],
        id="microdata",
    ),
    pytest.param(
        "product_opengraph.html",
        [
            {
                "item_id": "LA-KHAKI",
                "title": "日式亚麻围裙 卡其色",
                "price": 59.0,
                "url": "https://shop.example/products/linen-apron",
                "attributes": {"sku": "LA-KHAKI", "brand": "瓷韵"},
                "image_urls": ["https://cdn.shop.example/files/linen-apron-khaki.jpg"],
            }
        ],
        id="opengraph-only",
    ),
    pytest.param(
        "product_broken_jsonld.html",
        [{"item_id": "TT3", "title": "纯棉茶巾 3条装", "price": 25.0}],
        id="broken-jsonld-microdata-still-read",
    ),
    pytest.param(
        "product_group_variants.html",
        [
            {
                "item_id": "SB-45",
                "price": 15.8,
                "attributes": {"gtin13": "6901234567823", "sku": "SB-45", "brand": "瓷韵"},
            },
            {
                "item_id": "SB-60",
                "price": 22.0,
                "url": "https://shop.example/products/stoneware-bowl?variant=60",
            },
        ],
        id="productgroup-gives-its-variants",
    ),
    pytest.param(
        "collection_itemlist.html",
        [{"item_id": "CS165W", "price": 12.9}, {"item_id": "BC10", "price": 19.9}],
        id="several-products-in-an-itemlist",
    ),
    pytest.param("no_product.html", [], id="no-product"),
    pytest.param("home.html", [], id="home-page"),
    pytest.param(
        _jsonld(
            _product(
                image="/img/a.jpg",
                offers={
                    "@type": "Offer",
                    "priceSpecification": {
                        "@type": "UnitPriceSpecification",
                        "price": 9.5,
                        "priceCurrency": "USD",
                    },
                },
            )
        ),
        [{"price": 9.5, "currency": "USD", "image_urls": ["https://shop.example/img/a.jpg"]}],
        id="pricespecification-currency-relative-image",
    ),
    pytest.param(
        _jsonld(_product(offers=[{**OFFER, "price": "15.00"}, OFFER, {**OFFER, "price": "0.00"}])),
        [{"price": 12.9}],
        id="lowest-of-several-offers-zero-is-no-price",
    ),
    pytest.param(
        _jsonld(
            _product(
                offers={"@type": "AggregateOffer", "offers": [{**OFFER, "price": 20}, {**OFFER, "price": 18}]}
            )
        ),
        [{"price": 18.0}],
        id="aggregateoffer-without-lowprice-reads-its-offers",
    ),
    pytest.param(
        _jsonld(
            _product(
                offers={
                    **OFFER,
                    "seller": "小王的店",
                    "shippingDetails": [{"shippingRate": {"value": "8", "currency": "CNY"}}],
                }
            )
        ),
        [{"seller": "小王的店", "shipping_fee": 8.0}],
        id="seller-as-text-shipping-list",
    ),
    pytest.param(
        _jsonld(_product(image="https://cdn.example/a.jpg", offers=OFFER)),
        [{"image_urls": ["https://cdn.example/a.jpg"]}],
        id="image-string",
    ),
    pytest.param(
        _jsonld(
            _product(
                image=["//cdn.example/a.jpg", {"@type": "ImageObject", "contentUrl": "b.jpg"}], offers=OFFER
            )
        ),
        [{"image_urls": ["https://cdn.example/a.jpg", "https://shop.example/products/b.jpg"]}],
        id="image-list-mixed",
    ),
    pytest.param(
        _jsonld(
            _product(
                gtin13="6901234567892",
                mpn="CS-165",
                brand={"@type": "Brand", "name": "瓷韵"},
                additionalProperty={"@type": "PropertyValue", "name": "颜色", "value": "白色"},
                offers=OFFER,
            )
        ),
        [
            {
                "attributes": {
                    "gtin13": "6901234567892",
                    "mpn": "CS-165",
                    "sku": "S1",
                    "brand": "瓷韵",
                    "颜色": "白色",
                }
            }
        ],
        id="identifiers-and-additionalproperty-as-attributes",
    ),
    pytest.param(
        _jsonld(
            {
                "@context": "https://schema.org",
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {
                        "name": "首页",
                    }
                ],
            },
            '{"@type": "Product", "name": "坏的", "offers": {"price": {{ price }} }',
            _product(offers=OFFER),
        ),
        [{"item_id": "S1", "price": 12.9}],
        id="a-broken-block-does-not-hide-the-others",
    ),
    pytest.param(
        _jsonld(
            '{"@context": "https://schema.org", "@type": "Product", "name": "x", "offers": {"price": 1,},}'
        ),
        [{"title": "x", "price": 1.0}],
        id="trailing-commas-tolerated",
    ),
    pytest.param(_jsonld('{"@type": "Product", "name": "坏的", "offers": {'), [], id="only-broken-jsonld"),
    pytest.param(
        _jsonld(
            _product(offers=OFFER),
            body='<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">陶瓷勺子</span>'
            '<meta itemprop="sku" content="S1"><meta itemprop="gtin13" content="6901234567892"></div>',
        ),
        [{"item_id": "S1", "price": 12.9, "attributes": {"sku": "S1", "gtin13": "6901234567892"}}],
        id="jsonld-and-microdata-of-one-product-merge",
    ),
    pytest.param(
        _jsonld(_product(name="甲", sku=None, offers=OFFER), _product(name="乙", sku=None, offers=OFFER)),
        [{"title": "甲"}, {"title": "乙"}],
        id="products-without-ids-stay-apart",
    ),
    pytest.param("<html><body>plain page</body></html>", [], id="no-structured-data"),
]


def _page(page: str) -> str:
    return (SHOP / page).read_text(encoding="utf-8") if page.endswith(".html") else page


@pytest.mark.parametrize("page, expected", CASES)
def test_parse_product_page(page: str, expected: list[dict[str, Any]]) -> None:
    url = "https://shop.example/products/" + (page if page.endswith(".html") else "item")
    listings = parse_product_page(_page(page), url, role="retail")
    assert len(listings) == len(expected)
    assert [{key: got[key] for key in want} for got, want in zip(listings, expected, strict=True)] == expected
    assert all(listing["source"] == "shop.example" and listing["role"] == "retail" for listing in listings)


def test_role_and_source_are_the_callers() -> None:
    [listing] = parse_product_page(_page("product_microdata.html"), URL, role="factory", source="瓷韵工厂")
    assert (listing["role"], listing["source"]) == ("factory", "瓷韵工厂")


def test_listings_carry_every_schema_key() -> None:
    from sourcefinder.listing import FIELDS

    [listing] = parse_product_page(_page("product_jsonld_graph.html"), URL)
    assert set(listing) == set(FIELDS)


def test_parsing_never_touches_the_network() -> None:
    """extruct and its dependencies (rdflib, mf2py, tldextract) must not fetch anything: sockets refused."""
    code = (
        "import pathlib, socket, sys\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = socket.socket.connect_ex = refuse\n"
        "socket.getaddrinfo = socket.create_connection = refuse\n"
        "from sourcefinder.sites.schemaorg import parse_product_page\n"
        "pages = sorted(pathlib.Path(sys.argv[1]).glob('*.html'))\n"
        "found = sum(len(parse_product_page(p.read_text('utf-8'), 'https://shop.example/p')) for p in pages)\n"
        "print(len(pages), found, 'tldextract' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(SHOP)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["10", "10", "False"]


@pytest.mark.parametrize(
    "retail, factory, agree, conflict",
    [
        ({"gtin13": "6901234567892"}, {"gtin13": "6901234567892"}, ["gtin13 6901234567892"], []),
        ({"mpn": "CS-165-W"}, {"mpn": "cs-165-w "}, ["mpn CS-165-W"], []),
        (
            {"gtin13": "6901234567892"},
            {"gtin13": "6901234567816"},
            [],
            ["gtin13 6901234567892 ≠ 6901234567816"],
        ),
        (
            {"gtin13": "6901234567892", "mpn": "A1"},
            {"gtin13": "6901234567892", "mpn": "B2"},
            ["gtin13 6901234567892"],
            ["mpn A1 ≠ B2"],
        ),
        ({"gtin13": "6901234567892"}, {"mpn": "A1"}, [], []),
        ({"sku": "CS165W"}, {"sku": "OTHER"}, [], []),
        (None, {"gtin13": "6901234567892"}, [], []),
    ],
    ids=[
        "equal-gtin",
        "equal-mpn-case-space",
        "different-gtin",
        "one-agrees-one-conflicts",
        "no-shared-key",
        "shop-sku-is-not-evidence",
        "no-attributes",
    ],
)
def test_identifier_evidence(retail, factory, agree, conflict) -> None:
    assert identifier_evidence(retail, factory) == (agree, conflict)


def test_parsed_gtins_feed_the_matcher_evidence() -> None:
    [retail] = parse_product_page(_page("product_jsonld_graph.html"), URL)
    [factory] = parse_product_page(_page("collection_itemlist.html"), URL, role="factory")[:1]
    [other] = parse_product_page(_page("product_microdata.html"), URL, role="factory")
    assert identifier_evidence(retail["attributes"], factory["attributes"]) == (["gtin13 6901234567892"], [])
    assert identifier_evidence(retail["attributes"], other["attributes"])[1] == [
        "gtin13 6901234567892 ≠ 6901234567816"
    ]
