"""page_kind, the one routing of pages to parsers: real saved pages, the demo's pages, URLs and spider names."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sourcefinder.demo.factory_pages import factory_index_page, factory_offer_page
from sourcefinder.demo.generator import Generator
from sourcefinder.demo.retail_pages import retail_item_page, retail_search_page
from sourcefinder.sites import PageKind, page_kind
from sourcefinder.sites.routing import FACTORY_KINDS, RETAIL_KINDS, is_factory_spider

REAL = Path(__file__).parent / "fixtures" / "real-pages"
BASE = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("1688/detail_pc_od2024_offer769706957407.html", PageKind.OFFER),
        ("1688/detail_pc_od2024_offer769706957407_context_result.json", PageKind.OFFER),
        ("1688/mobile_init_data_excerpt_offer813724060928.json", PageKind.MOBILE_OFFER),
        ("1688/mtop_mbox_gateway_skus_offer813724060928.json", PageKind.SKU_GATEWAY),
        ("1688/search_results_tmapi_style_bags.json", PageKind.FACTORY_SEARCH),
        ("taobao/search_g_page_config_q-nvbao_2017-2018.json", PageKind.RETAIL_SEARCH),
        ("taobao/tmall_h5_detail_item583789686010__DATA_Mdskip.json", PageKind.RETAIL_ITEM),
        ("1688/description_offer813724060928.txt", None),
    ],
)
def test_real_pages_are_told_apart_by_their_content(name: str, kind: PageKind | None) -> None:
    body = (REAL / name).read_bytes()
    assert page_kind(body) == kind
    assert page_kind(body.decode("utf-8")) == kind


def test_the_url_decides_before_the_content() -> None:
    search = (REAL / "taobao/search_g_page_config_q-nvbao_2017-2018.json").read_text(encoding="utf-8")
    assert page_kind(search, "https://detail.tmall.com/item.htm?id=1") == PageKind.RETAIL_ITEM
    assert page_kind("", "https://detail.1688.com/offer/769706957407.html") == PageKind.OFFER
    assert page_kind("", "https://m.1688.com/offer/769706957407.html") == PageKind.MOBILE_OFFER
    assert (
        page_kind("", "https://h5api.m.1688.com/h5/mtop.mbox.fc.common.gateway/1.0/") == PageKind.SKU_GATEWAY
    )
    assert page_kind("", "https://s.taobao.com/search?q=x") == PageKind.RETAIL_SEARCH
    assert page_kind("", "https://shop.example/product/1") is None


def test_a_spider_name_narrows_the_content_guess_to_its_side() -> None:
    search = (REAL / "taobao/search_g_page_config_q-nvbao_2017-2018.json").read_text(encoding="utf-8")
    assert page_kind(search, spider="retail") == PageKind.RETAIL_SEARCH
    assert page_kind(search, spider="factory") not in RETAIL_KINDS
    offer = (REAL / "1688/detail_pc_od2024_offer769706957407.html").read_text(encoding="utf-8")
    assert page_kind(offer, spider="1688") == PageKind.OFFER
    assert page_kind(offer, spider="taobao") not in FACTORY_KINDS
    assert is_factory_spider("factory") and is_factory_spider("Alibaba") and not is_factory_spider("retail")


def test_the_demo_pages_route_as_the_real_ones() -> None:
    plan = Generator(random.Random(3), 30, 80).plan()
    offer, listing = plan.factory[0], plan.retail[0]
    assert (
        page_kind(factory_offer_page(offer, BASE), f"{BASE}/1688/offer/{offer['id']}.html") == PageKind.OFFER
    )
    assert page_kind(retail_item_page(listing, BASE), f"{BASE}/taobao/item.htm?id=1") == PageKind.RETAIL_ITEM
    assert page_kind(retail_search_page(plan.retail, "", 0, BASE), f"{BASE}/taobao/search") == (
        PageKind.RETAIL_SEARCH
    )
    # An offer list is no parser's page: the factory spider follows its links instead.
    assert page_kind(factory_index_page(plan.factory, 1, BASE), f"{BASE}/1688/offers?page=1") is None
