"""The shop spider through Scrapy and the CLI, against a mock shop: robots.txt -> sitemap index -> sitemaps ->
product pages, plus a product only linked from the home page and links that lead off the site."""

from __future__ import annotations

import re

import pytest

from sourcefinder.store import database as store
from tests.conftest import FIXTURES
from tests.mockserver import MockServer, Route
from tests.test_crawl_real_pages import OFFLINE
from tests.test_import import run_cli

SHOP = FIXTURES / "shop"
XML = "application/xml; charset=utf-8"
PAGES = {
    "/": "home.html",
    "/products/ceramic-spoon-16-5cm": "product_jsonld_graph.html",
    "/products/bamboo-chopsticks-10-pairs": "product_aggregate_offer.html",
    "/products/enamel-mug-350ml": "product_microdata.html",
    "/products/linen-apron": "product_opengraph.html",
    "/products/cotton-tea-towel": "product_broken_jsonld.html",
    "/products/stoneware-bowl": "product_group_variants.html",
    "/products/glass-teapot-600ml": "product_price_specification.html",  # linked from the home page only
    "/pages/about-us": "no_product.html",
    "/collections/kitchen": "collection_itemlist.html",
}
SITEMAPS = ("/sitemap_index.xml", "/sitemap_products_1.xml", "/sitemap_pages_1.xml")
# item_id -> gtin-like attribute, for every product the shop holds (the bowl is two variants)
PRODUCTS = {
    "CS165W": ("gtin13", "6901234567892"),
    "BC10": ("gtin", "06901234567809"),
    "EM350": ("gtin13", "6901234567816"),
    "LA-KHAKI": ("sku", "LA-KHAKI"),
    "TT3": ("sku", "TT3"),
    "SB-45": ("gtin13", "6901234567823"),
    "SB-60": ("gtin13", "6901234567830"),
    "GT-600": ("mpn", "GT-600"),
}


@pytest.fixture
def shop():
    """The fixture shop served on 127.0.0.1, its absolute URLs pointed at the server."""
    routes: dict[str, Route] = {}
    with MockServer(routes) as server:

        def body(name: str) -> bytes:
            return (
                (SHOP / name).read_text(encoding="utf-8").replace("https://shop.example", server.url).encode()
            )

        routes["/robots.txt"] = Route(body("robots.txt"), "text/plain")
        routes.update({path: Route(body(path.lstrip("/")), XML) for path in SITEMAPS})
        routes.update({path: Route(body(name)) for path, name in PAGES.items()})
        routes["/cart"] = Route(b"<html>cart</html>")  # linked, but disallowed by robots.txt
        yield server


def _crawl(shop: MockServer, tmp_path, *args: str) -> tuple[dict[str, dict], str]:
    db_path = tmp_path / "shop.db"
    result = run_cli("crawl", "shop", "-a", f"start_url={shop.url}/", *args, "--db", str(db_path), *OFFLINE)
    assert result.returncode == 0, result.stderr
    log = (tmp_path / "crawl.log").read_text(encoding="utf-8")
    requested = re.findall(r"<GET (\S+)>", log)
    assert requested and all(url.startswith(shop.url) for url in requested), "nothing may leave the shop"
    return {row["item_id"]: row for row in store.listings(store.open_db(db_path))}, log


def _page_hits(shop: MockServer) -> int:
    return sum(n for path, n in shop.hits.items() if path in PAGES)


def test_shop_crawl_reads_sitemaps_and_links_and_stores_every_product(shop, tmp_path):
    rows, log = _crawl(shop, tmp_path, "-a", "role=retail")
    assert set(rows) == set(PRODUCTS)
    for item_id, (key, value) in PRODUCTS.items():
        row = rows[item_id]
        assert (row["source"], row["role"]) == ("127.0.0.1", "retail")
        assert row["attributes"][key] == value and row["price"] > 0 and row["title"]
    assert rows["CS165W"]["shipping_fee"] == 6.0 and rows["GT-600"]["price"] == 68.0
    assert all(shop.hits[path] == 1 for path in SITEMAPS), "the index leads to both sitemaps"
    assert all(shop.hits[path] == 1 for path in PAGES), "every page once, none twice"
    assert shop.hits["/cart"] == 0, "robots.txt is obeyed"
    assert "other.example" not in log and "weibo.com" not in log
    run = next(store.open_db(tmp_path / "shop.db")["runs"].rows)
    assert run["spider"] == "shop" and run["status"] == "finished" and run["items_stored"] == len(PRODUCTS)


def test_max_pages_bounds_the_pages_requested(shop, tmp_path):
    rows, _ = _crawl(shop, tmp_path, "-a", "max_pages=3")
    assert 0 < _page_hits(shop) <= 3
    assert set(rows) <= set(PRODUCTS) and len(rows) <= 3 + 1  # a page holds one product, the bowl two


def test_factory_recrawl_updates_in_place_and_records_price_changes(shop, tmp_path):
    args = ("-a", "role=factory", "-a", "source=瓷韵工厂")
    _crawl(shop, tmp_path, *args)
    spoon = shop.routes["/products/ceramic-spoon-16-5cm"]
    spoon.body = spoon.body.replace(b'"price": "12.90"', b'"price": "10.90"')
    rows, _ = _crawl(shop, tmp_path, *args)
    assert set(rows) == set(PRODUCTS) and rows["CS165W"]["price"] == 10.9
    assert all((row["role"], row["source"]) == ("factory", "瓷韵工厂") for row in rows.values())
    database = store.open_db(tmp_path / "shop.db")
    history = database["price_history"].rows_where("listing_id = ?", ["瓷韵工厂:CS165W"], order_by="rowid")
    assert [h["price"] for h in history] == [12.9, 10.9]
    assert database["price_history"].count == len(PRODUCTS) + 1
    second = list(database["runs"].rows)[-1]
    assert (second["items_new"], second["items_updated"], second["prices_changed"]) == (0, len(PRODUCTS), 1)
