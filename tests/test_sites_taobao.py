"""Taobao / Tmall parsers against the real pages (values read off the pages by hand) and hand-made bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcefinder.listing import FIELDS, normalize_listing
from sourcefinder.sites import WallError, parse_page, taobao
from sourcefinder.sites.jsdata import PageDataError

REAL = Path(__file__).parent / "fixtures" / "real-pages" / "taobao"
SEARCH = (REAL / "search_g_page_config_q-nvbao_2017-2018.json").read_text(encoding="utf-8")
DETAIL = (REAL / "tmall_h5_detail_item583789686010__DATA_Detail.json").read_text(encoding="utf-8")
MDSKIP = (REAL / "tmall_h5_detail_item583789686010__DATA_Mdskip.json").read_text(encoding="utf-8")
H5_PAGE = f"<html><script>var _DATA_Detail = {DETAIL};</script>\n<script>var _DATA_Mdskip = {MDSKIP};</script></html>"
ITEM_TITLE = "法国小众红色连衣裙女秋冬维多利亚复古大红色针织毛衣裙小红裙子"


def _assert_schema(listing: dict) -> None:
    assert set(listing) == set(FIELDS)
    normalize_listing(listing)


# --- search ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page():
    return taobao.parse_search_page(SEARCH)


def test_search_pager(page):
    # 36 auctions, of which 3 are theme blocks ("activity") without an item.
    assert len(page.listings) == 33
    assert (page.page, page.page_count, page.page_size, page.total) == (1, 100, 44, 8918512)
    for listing in page.listings:
        _assert_schema(listing)
        assert listing["role"] == "retail"


def test_search_first_hit_is_an_ad_with_a_different_raw_title(page):
    assert page.listings[0] == {
        "source": "taobao",
        "role": "retail",
        "item_id": "44280017876",
        "url": "https://detail.tmall.com/item.htm?id=44280017876",
        # title "金狐狸<span class=H>女包</span>链条包..." stripped; raw_title is the ad text "顺丰包邮!金狐狸女包..."
        "title": "金狐狸女包链条包小包包2017新款牛皮小方包百搭时尚单肩包斜挎包",
        "price": 238.0,
        "currency": "CNY",
        "price_tiers": [],
        "moq": None,
        "shipping_fee": 0.0,
        "seller": "金狐狸旗舰店",
        "location": "广东 广州",
        "badges": ["天猫"],
        "sales": 1881,
        "category": None,
        "attributes": {
            "大小": "小",
            "款式": "单肩包",
            "材质": "牛皮",
            "流行元素": "压花",
            "适用场景": "休闲",
        },
        "image_urls": [
            "https://g-search1.alicdn.com/img/bao/uploaded/i4/imgextra/i1/1391906034290755214/"
            "TB2rd_CorJkpuFjy1zcXXa5FFXa_!!0-saturn_solar.jpg"
        ],
        "image_phash": None,
        "crawled_at": None,
        "price_max": None,
    }


def test_search_taobao_hits(page):
    by_id = {listing["item_id"]: listing for listing in page.listings}
    paid_shipping = by_id["549823404426"]
    assert paid_shipping["url"] == "https://item.taobao.com/item.htm?id=549823404426"
    assert (paid_shipping["price"], paid_shipping["shipping_fee"], paid_shipping["sales"]) == (115.32, 8.0, 0)
    assert paid_shipping["badges"] == []
    assert paid_shipping["seller"] == "新南都商场"
    assert by_id["549813684519"]["location"] == "美国"
    assert by_id["540307999096"]["location"] == "上海"
    assert by_id["547087417188"]["title"] == "2017春夏新款小CK女包亮片方盒形链条潮包单肩斜百搭挎迷你小包包"
    assert sum("天猫" in listing["badges"] for listing in page.listings) == 4


def test_search_in_an_html_page():
    html = f"<script>\n    g_page_config = {SEARCH};\n    g_srp_loadCss();\n</script>"
    assert len(taobao.parse_search_page(html).listings) == 33


def test_search_mtop_items_array_hand_made():
    body = {
        "api": "mtop.relationrecommend.wirelessrecommend.recommend",
        "ret": ["SUCCESS::调用成功"],
        "data": {
            "mainInfo": {"page": "2", "pageSize": "48", "totalPage": "50", "totalResults": "2400"},
            "itemsArray": [
                {
                    "item_id": "700000000001",
                    "title": "<span class=H>女包</span>2024新款",
                    "pic_path": "//img.alicdn.com/bao/uploaded/i1/x.jpg",
                    "priceShow": {"price": "59.90", "unit": "¥"},
                    "realSales": "1.2万+人付款",
                    "procity": "浙江 杭州",
                    "nick": "某某旗舰店",
                    "isTmall": True,
                },
                {"title": "an ad block without item_id"},
            ],
        },
    }
    page = taobao.parse_search_page(
        json.dumps(body, ensure_ascii=False), "https://s.taobao.com/search?q=女包&page=2"
    )
    assert (page.page, page.page_count, page.page_size, page.total) == (2, 50, 48, 2400)
    [hit] = page.listings
    _assert_schema(hit)
    assert hit["title"] == "女包2024新款"
    assert (hit["price"], hit["sales"], hit["location"], hit["badges"]) == (
        59.9,
        12000,
        "浙江 杭州",
        ["天猫"],
    )
    assert hit["url"] == "https://detail.tmall.com/item.htm?id=700000000001"
    assert hit["image_urls"] == ["https://img.alicdn.com/bao/uploaded/i1/x.jpg"]


def test_search_without_results():
    with pytest.raises(PageDataError, match="no taobao search results"):
        taobao.parse_search_page('{"pageName": "mainsrp", "mods": {}}')
    with pytest.raises(PageDataError):
        taobao.parse_search_page(
            '<script>g_page_config = {"mods": {"itemlist": {"data": {"auctions": [{"nid": "1",'
        )


# --- item page -------------------------------------------------------------------------------------


def test_item_page_with_both_scripts():
    listing = taobao.parse_item_page(H5_PAGE)
    _assert_schema(listing)
    assert listing["item_id"] == "583789686010"
    assert listing["url"] == "https://detail.tmall.com/item.htm?id=583789686010"
    assert listing["title"] == ITEM_TITLE
    assert listing["price"] == 146.0  # 活动价; 专柜价 258 is the struck-through extra price
    assert listing["price_tiers"] == []
    assert listing["shipping_fee"] == 10.0  # "EMS: 10.00"
    assert listing["location"] == "广东 东莞"  # delivery.from "广东东莞"
    assert listing["seller"] == "kabeilin卡贝琳服饰旗舰店"
    assert listing["badges"] == ["天猫"]
    assert listing["sales"] is None  # sellCountAntiCreep: no sales count in the H5 data
    assert len(listing["image_urls"]) == 5
    assert (
        listing["image_urls"][0]
        == "https://img.alicdn.com/imgextra/i1/1648683338/O1CN01FqP9ee1aWqY88wFIu_!!1648683338.jpg"
    )


def test_item_attributes():
    attributes = taobao.parse_item_page(H5_PAGE)["attributes"]
    assert len(attributes) == 23
    assert attributes["货号"] == "L4491"
    assert attributes["品牌"] == "卡贝琳"
    assert attributes["材质成分"] == "粘胶纤维(粘纤)49.3% 聚酯纤维29.6% 聚酰胺纤维(锦纶)21.1%"
    assert "颜色分类" not in attributes and "尺码" not in attributes  # SKU properties with several values


def test_single_valued_sku_property_is_an_attribute():
    detail, mdskip = json.loads(DETAIL), json.loads(MDSKIP)
    mdskip["skuBase"]["props"][1]["values"] = [{"name": "均码", "vid": 1}]
    listing = taobao.parse_h5_detail(detail, mdskip, url="https://detail.tmall.com/item.htm?id=583789686010")
    assert listing["attributes"]["尺码"] == "均码"
    assert "颜色分类" not in listing["attributes"]


def test_detail_alone_uses_the_mock_price():
    listing = taobao.parse_item_page(DETAIL)
    assert (listing["title"], listing["price"], listing["location"], listing["shipping_fee"]) == (
        ITEM_TITLE,
        258.0,
        None,
        None,
    )


def test_mdskip_alone():
    listing = taobao.parse_item_page(MDSKIP)
    assert (listing["item_id"], listing["price"], listing["location"], listing["shipping_fee"]) == (
        "583789686010",
        146.0,
        "广东 东莞",
        10.0,
    )
    assert listing["seller"] is None


def test_getdetail_api_stack_and_free_shipping():
    detail, mdskip = json.loads(DETAIL), json.loads(MDSKIP)
    mdskip["delivery"]["postage"] = "快递: 免运费"
    detail["apiStack"] = [{"name": "esi", "value": json.dumps(mdskip, ensure_ascii=False)}]
    body = {"api": "mtop.taobao.detail.getdetail", "ret": ["SUCCESS::调用成功"], "data": detail}
    listing = taobao.parse_item_page(json.dumps(body, ensure_ascii=False))
    assert (listing["price"], listing["shipping_fee"], listing["location"]) == (146.0, 0.0, "广东 东莞")


def test_broken_or_missing_item_data():
    with pytest.raises(PageDataError):
        taobao.parse_item_page('<script>var _DATA_Detail = {"item": {"itemId": 1, "title": </script>')
    with pytest.raises(PageDataError, match="itemId and title"):
        taobao.parse_h5_detail({"seller": {"shopName": "x"}})


# --- parse_page ------------------------------------------------------------------------------------


def test_parse_page_taobao():
    assert len(parse_page(SEARCH, "https://s.taobao.com/search?q=%E5%A5%B3%E5%8C%85")) == 33
    assert len(parse_page(SEARCH, spider="retail")) == 33
    with pytest.raises(PageDataError):
        parse_page(SEARCH, spider="factory")
    [item] = parse_page(H5_PAGE.encode(), "https://detail.tmall.com/item.htm?id=583789686010")
    assert item["price"] == 146.0
    assert item["url"] == "https://detail.tmall.com/item.htm?id=583789686010"
    [mdskip_only] = parse_page(MDSKIP)
    assert mdskip_only["item_id"] == "583789686010"


def test_parse_page_tmall_wall():
    wall = (REAL / "antibot_tmall_detail_login_jump.html").read_text(encoding="utf-8")
    with pytest.raises(WallError, match="login_jump"):
        parse_page(wall, "https://detail.tmall.com/item.htm?id=960399694030")
