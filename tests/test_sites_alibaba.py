"""1688 parsers against the real pages (values read off the pages by hand) and hand-made bodies."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from sourcefinder.listing import FIELDS, normalize_listing
from sourcefinder.sites import WallError, alibaba, parse_page
from sourcefinder.sites.jsdata import PageDataError

REAL = Path(__file__).parent / "fixtures" / "real-pages" / "1688"
OFFER_HTML = (REAL / "detail_pc_od2024_offer769706957407.html").read_text(encoding="utf-8")
FIRST_IMAGE = "https://cbu01.alicdn.com/img/ibank/O1CN01gVZGAC1GlF7f6FV2t_!!2212371130662-0-cib.jpg"
TITLE = "260克重磅纯棉短袖T恤女宽松大码白色打底衫百搭上衣纯白短袖t恤"
SELLER = "深圳市鑫奇特贸易有限公司"


def _read(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def _assert_schema(listing: dict) -> None:
    assert set(listing) == set(FIELDS)
    if listing["price"] is not None:
        normalize_listing(listing)


@pytest.fixture(scope="module")
def offer():
    return alibaba.parse_offer_page(OFFER_HTML)


@pytest.fixture
def result():
    return alibaba.offer_result(OFFER_HTML)


# --- PC offer page ---------------------------------------------------------------------------------


def test_offer_identity(offer):
    _assert_schema(offer)
    assert offer["source"] == "1688"
    assert offer["role"] == "factory"
    assert offer["item_id"] == "769706957407"
    assert offer["url"] == "https://detail.1688.com/offer/769706957407.html"
    assert offer["title"] == TITLE
    assert offer["currency"] == "CNY"


def test_offer_prices(offer):
    # SKU prices 11.00 (200克 white) to 19.50; currentPrices [11.00 @1, 19.50 @1] is a SKU range, not tiers.
    assert offer["price"] == 11.0
    assert offer["price_tiers"] == [{"min_qty": 1, "price": 11.0}]
    assert offer["moq"] == 1


def test_offer_images(offer):
    assert len(offer["image_urls"]) == 21
    assert offer["image_urls"][0] == FIRST_IMAGE


def test_offer_seller_shipping_and_place(offer):
    assert offer["seller"] == SELLER
    assert offer["shipping_fee"] == 3.0  # freight template, default destination (totalCost / postFeeValue)
    assert offer["location"] is None  # freightInfo.location is "" on this page; only sendAddressCode 33307058


def test_offer_badges_and_sales(offer):
    assert offer["badges"] == ["工厂", "一件代发", "48小时发货", "诚信通", "混批"]
    assert offer["sales"] == 420  # exact tradeModel.saleCount / tempModel.saledCount beats "400+"


def test_offer_attributes_and_category(offer):
    attributes = offer["attributes"]
    assert len(attributes) == 23
    assert attributes["货号"] == "260克纯棉短袖"
    assert attributes["品牌"] == "鑫奇特"
    assert attributes["主面料成分"] == "棉"
    assert attributes["衣长"] == "中长款(65cm<衣长≤80cm)"
    assert "颜色" not in attributes and "尺码" not in attributes  # SKU dimensions, not attributes
    assert offer["category"] == "女式T恤"


def test_saved_context_result_json_gives_the_module_and_root_fields():
    listing = alibaba.parse_offer_page(_read("detail_pc_od2024_offer769706957407_context_result.json"))
    assert (listing["title"], listing["price"], listing["moq"], listing["sales"]) == (TITLE, 11.0, 1, 420)
    assert listing["attributes"] == {}  # featureAttributes live in result.global, not saved in this file
    assert listing["category"] is None


def test_module_fields_alone(result):
    del result["data"]["Root"]
    del result["global"]
    listing = alibaba.parse_offer_result(result)
    _assert_schema(listing)
    assert listing["title"] == TITLE
    assert listing["price"] == 11.0
    assert listing["moq"] == 1
    assert len(listing["image_urls"]) == 21 and listing["image_urls"][0] == FIRST_IMAGE
    assert listing["shipping_fee"] == 3.0
    assert listing["seller"] == SELLER
    assert listing["sales"] == 400  # only "400+" is left
    assert listing["badges"] == ["工厂", "一件代发", "48小时发货"]


def test_root_data_json_model_alone(result):
    result["data"] = {"Root": result["data"]["Root"]}
    del result["global"]
    listing = alibaba.parse_offer_result(result)
    assert listing["item_id"] == "769706957407"
    assert listing["title"] == TITLE
    assert listing["price"] == 11.0  # orderParamModel.orderParam.skuParam.skuRangePrices
    assert listing["moq"] == 1  # orderParam.beginNum
    assert len(listing["image_urls"]) == 21 and listing["image_urls"][0] == FIRST_IMAGE
    assert listing["seller"] == SELLER
    assert listing["sales"] == 420
    assert listing["badges"] == ["工厂", "诚信通", "混批"]
    assert listing["shipping_fee"] is None


def test_global_model_alone(result):
    result["data"] = {}
    listing = alibaba.parse_offer_result(result)
    assert listing["title"] == TITLE
    assert listing["price"] == 11.0  # tradeModel.offerPriceModel.currentPrices
    assert listing["moq"] == 1  # tradeModel.beginAmount
    assert len(listing["image_urls"]) == 21 and listing["image_urls"][0] == FIRST_IMAGE
    assert listing["shipping_fee"] == 3.0  # detailDescription.freightInfo.totalCost
    assert listing["seller"] == SELLER
    assert listing["attributes"]["货号"] == "260克纯棉短袖"


def test_quantity_tiers_and_free_shipping(result):
    fields = result["data"]["mainPrice"]["fields"]
    fields["priceModel"]["currentPrices"] = [
        {"price": "5.50", "beginAmount": 2},
        {"price": "5.00", "beginAmount": 50},
        {"price": "4.50", "beginAmount": 200},
    ]
    fields["finalPriceModel"]["tradeWithoutPromotion"]["offerBeginAmount"] = 2
    result["data"]["shippingServices"]["fields"]["postFree"] = True
    listing = alibaba.parse_offer_result(
        result, url="https://detail.1688.com/offer/769706957407.html?sk=consign"
    )
    assert listing["price_tiers"] == [
        {"min_qty": 2, "price": 5.5},
        {"min_qty": 50, "price": 5.0},
        {"min_qty": 200, "price": 4.5},
    ]
    assert listing["price"] == 5.5
    assert listing["moq"] == 2
    assert listing["shipping_fee"] == 0.0
    assert listing["url"].endswith("?sk=consign")


def test_page_without_offer_data():
    with pytest.raises(PageDataError, match="not a 1688 PC offer page"):
        alibaba.parse_offer_page(_read("search_pc_offer_search_shell.html"))
    with pytest.raises(PageDataError, match="offer id and title"):
        alibaba.parse_offer_result({"data": {}})


def test_broken_window_context():
    cut = OFFER_HTML[: OFFER_HTML.find('"productTitle"')] + "</script></html>"
    with pytest.raises(PageDataError):
        alibaba.parse_offer_page(cut)


def test_broken_root_data_json(result):
    result["data"]["Root"]["fields"]["dataJson"] = '{"tempModel": {'
    with pytest.raises(PageDataError, match="dataJson"):
        alibaba.parse_offer_result(result)


# --- mobile page and SKU gateway -----------------------------------------------------------------


def test_mobile_init_data():
    listing = alibaba.parse_mobile_init_data(_read("mobile_init_data_excerpt_offer813724060928.json"))
    _assert_schema(listing)
    assert listing["item_id"] == "813724060928"
    assert listing["title"] == "太阳眼镜木纹腿男女复古墨镜高级感潮遮阳防紫外线太阳镜复古墨镜"
    assert listing["url"] == "https://detail.1688.com/offer/813724060928.html"
    assert len(listing["image_urls"]) == 5
    assert listing["image_urls"][0] == (
        "https://cbu01.alicdn.com/img/ibank/O1CN01koPXJ91zwNVJZ3ypz_!!2207622276778-0-cib.jpg"
    )
    assert listing["attributes"]["货号"] == "15995"
    assert listing["attributes"]["产地"] == "台州"
    assert len(listing["attributes"]) == 24
    assert listing["price"] is None  # the saved excerpt holds no price


def test_mobile_init_data_in_a_page():
    data = json.loads(_read("mobile_init_data_excerpt_offer813724060928.json"))
    page = f"<script>window.__INIT_DATA={json.dumps(data, ensure_ascii=False)}</script>"
    assert alibaba.parse_mobile_init_data(page)["item_id"] == "813724060928"


def test_sku_gateway():
    fields = alibaba.parse_sku_gateway(_read("mtop_mbox_gateway_skus_offer813724060928.json"))
    assert fields == {
        "item_id": "813724060928",
        "title": "太阳眼镜木纹腿男女复古墨镜高级感潮遮阳防紫外线太阳镜复古墨镜",
        "price": 3.6,  # lowest SKU (亮黑/砂黑/砂灰 太阳镜); with the 005 box 5.5
        "price_tiers": [{"min_qty": 1, "price": 3.6}],
        "moq": 1,
        "sales": 95,
        "badges": ["混批"],
    }


def test_failed_gateway_call():
    with pytest.raises(PageDataError, match="FAIL_SYS_TOKEN_EXOIRED"):
        alibaba.parse_sku_gateway({"ret": ["FAIL_SYS_TOKEN_EXOIRED::令牌过期"], "data": {}})


# --- search results --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bags():
    return alibaba.parse_search_results(_read("search_results_tmapi_style_bags.json"))


def test_tmapi_bags_first_hit(bags):
    assert len(bags) == 20
    for listing in bags:
        _assert_schema(listing)
    assert bags[0] == {
        "source": "1688",
        "role": "factory",
        "item_id": "737342241195",
        "url": "https://detail.1688.com/offer/737342241195.html",
        "title": "包包女新款欧美时尚手提包通勤托特女包大容量复古单肩包大包bags",
        "price": 37.0,
        "currency": "CNY",
        "price_tiers": [
            {"min_qty": 1, "price": 37.0},
            {"min_qty": 200, "price": 36.0},
            {"min_qty": 1000, "price": 35.0},
        ],
        "moq": 1,
        "shipping_fee": None,
        "seller": "深圳市龙岗区郭亿贸易商行",
        "location": "广东 广州",
        "badges": ["48小时发货", "7天无理由", "混批", "生产加工"],
        "sales": 100,
        "category": None,
        "attributes": {},
        "image_urls": [
            "https://cbu01.alicdn.com/img/ibank/O1CN01fbq3xe1OPGzt5Z5VU_!!2212947511697-0-cib.jpg"
        ],
        "image_phash": None,
        "crawled_at": None,
        "price_max": None,
    }


def test_tmapi_promotion_price_is_not_the_listing_price(bags):
    by_id = {listing["item_id"]: listing for listing in bags}
    hit = by_id["816316472679"]  # price 30.40 (sale_price) but tiers 36/35/34 and origin_price 36.00
    assert hit["price"] == 36.0
    assert hit["shipping_fee"] == 0.0  # tag 包邮
    assert hit["location"] == "广东 深圳"
    assert hit["sales"] == 1300
    moq3 = by_id["679227886885"]
    assert (moq3["price"], moq3["moq"], moq3["sales"]) == (6.1, 3, 100_000)
    assert "深度验商" in moq3["badges"]


def test_tmapi_hit_without_tiers(bags):
    hit = {listing["item_id"]: listing for listing in bags}["823063819808"]
    assert hit["price"] == 168.0
    assert hit["price_tiers"] == []
    assert hit["moq"] is None
    assert hit["badges"] == ["48小时发货", "混批", "先采后付", "深度验厂"]
    assert hit["seller"] == "广州戴氏皮具有限公司"


def test_tmapi_sunglasses():
    hits = alibaba.parse_search_results(_read("search_results_tmapi_style_sunglasses.json"))
    assert len(hits) == 20
    by_id = {listing["item_id"]: listing for listing in hits}
    assert by_id["820581318475"]["location"] == "浙江 金华"
    assert by_id["820581318475"]["sales"] == 700
    assert by_id["624028383083"]["moq"] == 2
    assert by_id["624028383083"]["location"] == "浙江 临海"
    assert by_id["745514940033"]["price"] == 1.25
    assert "代发包邮" in by_id["745514940033"]["badges"]
    assert by_id["745514940033"]["shipping_fee"] is None  # free only for dropshipping orders


def test_pc_offer_list_hand_made():
    body = {
        "offerresultData": {
            "totalCount": 1,
            "offerList": [
                {
                    "id": 624028383083,
                    "information": {
                        "subject": "<font color=red>太阳镜</font>批发",
                        "detailUrl": "https://detail.1688.com/offer/624028383083.html",
                    },
                    "image": {"imgUrl": "//cbu01.alicdn.com/img/ibank/a.jpg"},
                    "company": {"name": "临海市希英眼镜商行", "province": "浙江", "city": "临海市"},
                    "tradePrice": {
                        "offerPrice": {
                            "priceInfo": {"price": "4.50"},
                            "quantityPrices": [
                                {"quantity": "≥2", "valueString": "5.50"},
                                {"quantity": "≥20", "valueString": "4.50"},
                            ],
                        }
                    },
                    "tradeQuantity": {"quantityBegin": 2, "saleQuantity": "1500+"},
                    "tags": [3938689, 3910593, 1234567],
                }
            ],
        }
    }
    [hit] = alibaba.parse_search_results(json.dumps(body, ensure_ascii=False))
    _assert_schema(hit)
    assert hit["item_id"] == "624028383083"
    assert hit["title"] == "太阳镜批发"
    assert hit["price"] == 5.5
    assert hit["price_tiers"] == [{"min_qty": 2, "price": 5.5}, {"min_qty": 20, "price": 4.5}]
    assert hit["moq"] == 2
    assert hit["location"] == "浙江 临海"
    assert hit["seller"] == "临海市希英眼镜商行"
    assert hit["badges"] == ["超级工厂", "实力商家"]
    assert hit["sales"] == 1500
    assert hit["image_urls"] == ["https://cbu01.alicdn.com/img/ibank/a.jpg"]


def test_mtop_offer_items_hand_made():
    body = {
        "ret": ["SUCCESS::调用成功"],
        "data": {
            "data": {
                "OFFER": {
                    "items": [
                        {
                            "data": {
                                "offerId": 820581318475,
                                "title": "谬家工厂批发圆框墨镜女",
                                "offerPicUrl": "https://cbu01.alicdn.com/img/ibank/b.jpg",
                                "priceInfo": {"price": "18.00"},
                                "quantityBegin": "1",
                                "province": "浙江",
                                "city": "金华市",
                                "bookedCount": "700+",
                                "company": "义乌市瑶柱日用百货商行",
                                "offerTags": [{"text": "48小时发货"}, "3938689"],
                            }
                        }
                    ]
                }
            }
        },
    }
    [hit] = alibaba.parse_search_results("mtopjsonp3(" + json.dumps(body, ensure_ascii=False) + ")")
    _assert_schema(hit)
    assert (hit["item_id"], hit["price"], hit["moq"], hit["sales"]) == ("820581318475", 18.0, 1, 700)
    assert hit["url"] == "https://detail.1688.com/offer/820581318475.html"
    assert hit["location"] == "浙江 金华"
    assert hit["badges"] == ["48小时发货", "超级工厂"]


def test_search_body_without_results():
    with pytest.raises(PageDataError, match="no 1688 search results"):
        alibaba.parse_search_results('{"data": {"data": {}}}')


# --- parse_page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "url", "count", "first_id"),
    [
        (
            "detail_pc_od2024_offer769706957407.html",
            "https://detail.1688.com/offer/769706957407.html",
            1,
            "769706957407",
        ),
        ("detail_pc_od2024_offer769706957407.html", None, 1, "769706957407"),
        ("detail_pc_od2024_offer769706957407_context_result.json", None, 1, "769706957407"),
        ("mobile_init_data_excerpt_offer813724060928.json", None, 1, "813724060928"),
        ("mtop_mbox_gateway_skus_offer813724060928.json", None, 1, "813724060928"),
        ("search_results_tmapi_style_bags.json", None, 20, "737342241195"),
    ],
)
def test_parse_page_picks_the_parser(name, url, count, first_id):
    listings = parse_page((REAL / name).read_bytes(), url, spider="1688")
    assert len(listings) == count
    assert listings[0]["item_id"] == first_id
    for listing in listings:
        _assert_schema(listing)


def test_parse_page_gateway_listing_is_complete():
    [listing] = parse_page(_read("mtop_mbox_gateway_skus_offer813724060928.json"))
    assert listing["url"] == "https://detail.1688.com/offer/813724060928.html"
    assert listing["price"] == 3.6


def test_parse_page_wall_and_nothing():
    with pytest.raises(WallError) as wall:
        parse_page(
            _read("antibot_login_jump_from_offer_search.html"),
            "https://s.1688.com/selloffer/offer_search.htm",
        )
    assert wall.value.reason == "login_jump page"
    with pytest.raises(PageDataError):
        parse_page(
            _read("search_pc_offer_search_shell.html"), "https://s.1688.com/selloffer/offer_search.htm"
        )
    with pytest.raises(PageDataError):
        parse_page(_read("description_offer813724060928.txt"))


def test_parsers_do_not_change_their_input(result):
    before = copy.deepcopy(result)
    alibaba.parse_offer_result(result)
    assert result == before
