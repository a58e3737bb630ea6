"""The pages of the demo marketplace, in the shape of the real 1688 and Taobao pages.

The embedded objects copy the real field paths (see docs/demo.md), so the parsers that read real pages
read these too. Page functions are pure: catalogue records and the server's base URL in, HTML out.
Every text shown as HTML goes through ``html.escape``; every object embedded in a <script> goes through
``_js``, which writes <, > and & as \\u escapes, so no text can close the script early.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from sourcefinder.demo.catalogue import load_catalogue

FACTORY_PAGE_SIZE = 40
RETAIL_PAGE_SIZE = 44
BADGE_TAG_IDS = {"实力商家": 3910593, "超级工厂": 3938689}
_IIFE = (
    'window.context=(function(b,d){var c=d.module||{};var e={};for(var a in c){if(typeof c[a]==="string")'
    "{e[a]=c[a]}}Object.assign(e,c[b]||{});Object.assign(d,{module:e});return d})(window.contextPath,"
)


@dataclass(frozen=True)
class Page:
    """An HTTP answer: status, content type and body."""

    status: int
    content_type: str
    body: bytes


_JS_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


@cache
def saved_wall(site: str) -> str:
    """A real anti-bot wall (login_jump, ``<!--rgv587_flag:sm-->``) saved from ``site``: "1688" or "tmall"."""
    return (
        resources.files("sourcefinder.resources").joinpath(f"wall_{site}_login_jump.html").read_text("utf-8")
    )


def _js(data: Any) -> str:
    """An object as a JavaScript literal that is safe inside <script> (valid JSON; no <, > or & in the text)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JS_ESCAPES)


def _html_page(title: str, body: str, scripts: Sequence[str] = ()) -> str:
    script_tags = "".join(f"<script>\n{script}\n</script>\n" for script in scripts)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{body}\n{script_tags}</body>\n</html>\n"
    )


def _price(value: float) -> str:
    return f"{value:.2f}"


def _place(record: dict[str, Any], sep: str = " ") -> str:
    return sep.join(part for part in (record["province"], record["city"]) if part)


def _sales_text(sales: int) -> str:
    """1688's rounded sales count: 87, 400+, 1000+, 1.2万+."""
    if sales < 100:
        return str(sales)
    if sales < 10000:
        digits = 10 ** (len(str(sales)) - 1)
        return f"{sales // digits * digits}+"
    return f"{sales / 10000:.1f}".rstrip("0").rstrip(".") + "万+"


def _paid_text(sales: int) -> str:
    """Taobao's sales text: 1881人付款, 1万+人付款."""
    return f"{sales}人付款" if sales < 10000 else f"{sales // 10000}万+人付款"


def image_url(base: str, path: str) -> str:
    """The absolute URL of a catalogue image on the server at ``base``."""
    return f"{base}/{path}"


# --- factory site (1688) --------------------------------------------------------------------------


def _module(name: str, ui_type: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "fields": {"uiType": ui_type, **fields},
        "id": name,
        "tag": name,
        "type": ui_type,
        "position": "body",
    }


def _freight(offer: dict[str, Any]) -> dict[str, Any]:
    """Ship-from place and fee as in shippingServices.fields.freightInfo; an unknown fee has no totalCost."""
    fee = offer["shipping_fee"]
    info: dict[str, Any] = {
        "location": _place(offer),
        "locationCode": offer["id"][:8],
        "deliveryFee": {"name": "TEMPLATED"},
        "freeDeliverFee": fee == 0,
        "logisticsText": "承诺48小时发货",
        "unitWeight": 0,
    }
    if fee is not None:
        info["totalCost"] = fee
    return info


def factory_context(offer: dict[str, Any], base: str) -> dict[str, Any]:
    """The object the real page passes to ``window.context=(function(b,d){...})(window.contextPath, {...})``."""
    images = [image_url(base, path) for path in offer["images"]]
    tiers = offer["price_tiers"]
    prices = [t["price"] for t in tiers]
    low, high = _price(min(prices)), _price(max(prices))
    current = [{"price": _price(t["price"]), "beginAmount": t["min_qty"]} for t in tiers]
    offer_id = int(offer["id"])
    features = [
        {"fid": 1000 + i, "name": name, "value": value, "values": value.split(",")}
        for i, (name, value) in enumerate(offer["attributes"].items())
    ]
    sku_props = [
        {
            "fid": 3216 + i,
            "prop": prop["prop"],
            "value": [{"name": v, "imageUrl": images[0]} for v in prop["values"]],
        }
        for i, prop in enumerate(offer["sku_props"])
    ]
    freight = _freight(offer)
    fee = offer["shipping_fee"]
    shipping = {
        "label": "物流发货",
        "location": freight["location"],
        "sendAddressCode": freight["locationCode"],
        "deliveryFee": "TEMPLATED",
        "postFree": fee == 0,
        "freeDeliverFee": fee == 0,
        "startAmount": offer["moq"],
        "unit": offer["unit"],
        "price": _price(prices[0]),
        "freightInfo": freight,
    }
    if fee is not None:
        shipping |= {"postFeeValue": fee, "totalCost": fee}
    company = offer["company"]
    solid, factory = "实力商家" in offer["badges"], offer["card_type"] == "factory"
    data = {
        "Root": {
            "fields": {
                "dataJson": {
                    "tempModel": {
                        "offerId": offer_id,
                        "offerTitle": offer["title"],
                        "offerUnit": offer["unit"],
                        "companyName": company,
                        "sellerLoginId": offer["login_id"],
                        "saledCount": offer["sales"],
                    },
                    "offerBaseInfo": {"offerId": offer_id, "sellerLoginId": offer["login_id"]},
                    "orderParamModel": {
                        "orderParam": {
                            "beginNum": offer["moq"],
                            "saledCount": offer["sales"],
                            "skuParam": {
                                "skuPriceType": "rangePrice",
                                "skuRangePrices": [
                                    {"price": c["price"], "beginAmount": str(c["beginAmount"])}
                                    for c in current
                                ],
                            },
                        }
                    },
                    "skuModel": {
                        "skuProps": sku_props,
                        "skuPriceScale": low if low == high else f"{low}-{high}",
                    },
                    "sellerSign": {"isSlsj": solid, "signs": {"isSlsj": solid, "isFactoryDealer": factory}},
                }
            },
            "id": "Root",
            "type": "od_root",
        },
        "productTitle": _module(
            "productTitle",
            "od_title",
            {
                "label": "产品标题",
                "title": offer["title"],
                "saleNum": _sales_text(offer["sales"]),
                "scrollInfo": [
                    {"prefix": "已售", "text": _sales_text(offer["sales"]), "suffix": offer["unit"]}
                ],
                "labels": offer["labels"],
                "tagList": [{"tagId": BADGE_TAG_IDS[b], "name": b} for b in offer["badges"]],
                "unit": offer["unit"],
                "shopInfo": {
                    "companyName": company,
                    "authCompanyName": company,
                    "cardType": offer["card_type"],
                },
            },
        ),
        "mainPrice": _module(
            "mainPrice",
            "od_main_price",
            {
                "label": "价格",
                "unit": offer["unit"],
                "displayType": "normal",
                "priceModel": {"currentPrices": current, "priceDisplayType": "rangePrice", "priceLabel": ""},
                "originalPricesWithoutPromotion": [
                    {**c, "beginAmount": str(c["beginAmount"])} for c in current
                ],
                "finalPriceModel": {
                    "tradeWithoutPromotion": {
                        "offerBeginAmount": offer["moq"],
                        "offerMinPrice": low,
                        "offerMaxPrice": high,
                        "offerPriceDisplay": low if low == high else f"{low}-{high}",
                    }
                },
            },
        ),
        "gallery": _module(
            "gallery",
            "od_picture_gallery",
            {
                "label": "商品主图",
                "offerId": offer_id,
                "subject": offer["title"],
                "offerImgList": images,
                "mainImage": images[:5],
            },
        ),
        "shippingServices": _module("shippingServices", "od_shipping_services", shipping),
        "productAttributes": _module(
            "productAttributes", "od_product_attributes", {"label": "商品参数", "featureAttributes": features}
        ),
        "imageList": images,
        "price": _price(prices[0]),
    }
    model = {
        "offerDetail": {"offerId": offer_id, "subject": offer["title"], "featureAttributes": features},
        "sellerModel": {"companyName": company, "loginId": offer["login_id"]},
        "tradeModel": {
            "offerId": offer_id,
            "beginAmount": offer["moq"],
            "minPrice": low,
            "maxPrice": high,
            "priceDisplay": low if low == high else f"{low}-{high}",
            "saleCount": offer["sales"],
            "unit": offer["unit"],
            "offerPriceModel": {"currentPrices": current, "priceDisplayType": "rangePrice"},
        },
        "detailDescription": {"freightInfo": freight},
    }
    return {
        "result": {"data": data, "global": {"globalData": {"model": model}}, "hierarchy": {"root": "Root"}}
    }


def factory_offer_page(offer: dict[str, Any], base: str) -> str:
    """An offer page like detail.1688.com/offer/{id}.html: visible summary plus the window.context script."""
    tiers = "".join(
        f"<li>≥{t['min_qty']}{html.escape(offer['unit'])}: ¥{_price(t['price'])}</li>"
        for t in offer["price_tiers"]
    )
    imgs = "".join(
        f'<img src="{html.escape(image_url(base, p))}" width="300" alt="">' for p in offer["images"]
    )
    body = (
        f'<div id="productTitle" data-module="od_title"><h1>{html.escape(offer["title"])}</h1>'
        f"<p>{html.escape(offer['company'])}</p></div>\n"
        f'<div id="mainPrice" data-module="od_main_price"><ul>{tiers}</ul></div>\n'
        f'<div id="gallery" data-module="od_picture_gallery">{imgs}</div>\n'
        f'<div id="shippingServices" data-module="od_shipping_services">{html.escape(_place(offer))}</div>'
    )
    scripts = ['window.contextPath = "/default";', f"{_IIFE}{_js(factory_context(offer, base))});"]
    return _html_page(f"{offer['title']} - 阿里巴巴", body, scripts)


def factory_index_page(offers: Sequence[dict[str, Any]], page: int, base: str) -> str:
    """The list of offers the spider starts from: 40 links a page and a ``next`` link."""
    pages = max(1, math.ceil(len(offers) / FACTORY_PAGE_SIZE))
    chunk = offers[(page - 1) * FACTORY_PAGE_SIZE : page * FACTORY_PAGE_SIZE]
    items = "".join(
        f'<li class="offer"><a class="offer-link" href="/1688/offer/{o["id"]}.html">{html.escape(o["title"])}</a>'
        f' <span class="price">¥{_price(o["price_tiers"][0]["price"])}</span></li>\n'
        for o in chunk
    )
    links = f'<a class="prev" rel="prev" href="/1688/offers?page={page - 1}">上一页</a> ' if page > 1 else ""
    if page < pages:
        links += f'<a class="next" rel="next" href="/1688/offers?page={page + 1}">下一页</a>'
    body = f'<h1>货源 第{page}/{pages}页</h1>\n<ul class="offer-list">\n{items}</ul>\n<div class="pager">{links}</div>'
    return _html_page(f"批发_供应_阿里巴巴 第{page}页", body)


# --- retail site (Taobao) -------------------------------------------------------------------------


def _no_scheme(url: str) -> str:
    """A protocol-relative URL (``//host/path``), as Taobao writes its links and images."""
    return url.split(":", 1)[1]


def _highlight(title: str, tokens: Sequence[str]) -> str:
    text = html.escape(title)
    for token in sorted({html.escape(t) for t in tokens}, key=len, reverse=True):
        text = text.replace(token, f"<span class=H>{token}</span>")
    return text


def _auction(listing: dict[str, Any], tokens: Sequence[str], base: str) -> dict[str, Any]:
    item_url = f"{base}/taobao/item.htm?id={listing['id']}&ns=1&abbucket=11#detail"
    return {
        "nid": listing["id"],
        "category": "",
        "pid": "",
        "title": _highlight(listing["title"], tokens),
        "raw_title": listing["title"],
        "pic_url": _no_scheme(image_url(base, listing["images"][0])),
        "detail_url": _no_scheme(item_url),
        "view_price": _price(listing["price"]),
        "view_fee": _price(listing["shipping_fee"]),
        "item_loc": _place(listing),
        "view_sales": _paid_text(listing["sales"]),
        "comment_count": "",
        "user_id": listing["user_id"],
        "nick": listing["nick"],
        "shopcard": {
            "isTmall": listing["is_tmall"],
            "delivery": [0, 1, 4800],
            "description": [0, 1, 4800],
            "service": [0, 1, 4800],
        },
        "icon": [],
    }


def search(listings: Sequence[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """The listings whose title or category contains every word of the query (all of them for "")."""
    tokens = query.split()
    return [item for item in listings if all(t in item["title"] or t in item["category"] for t in tokens)]


def retail_page_config(
    listings: Sequence[dict[str, Any]], query: str, offset: int, base: str
) -> dict[str, Any]:
    """The ``g_page_config`` object of a search page: 44 hits from ``offset``, and the pager."""
    hits = search(listings, query)
    tokens = query.split()
    chunk = hits[offset : offset + RETAIL_PAGE_SIZE]
    pager = {
        "pageSize": RETAIL_PAGE_SIZE,
        "totalPage": max(1, math.ceil(len(hits) / RETAIL_PAGE_SIZE)),
        "currentPage": offset // RETAIL_PAGE_SIZE + 1,
        "totalCount": len(hits),
    }
    return {
        "pageName": "mainsrp",
        "mods": {
            "itemlist": {
                "status": "show",
                "data": {
                    "postFeeText": "运费",
                    "query": query,
                    "auctions": [_auction(i, tokens, base) for i in chunk],
                },
            },
            "pager": {"status": "show", "data": pager},
            "noresult": {"status": "hide" if hits else "show"},
        },
        "mainInfo": {"currentUrl": _no_scheme(f"{base}/taobao/search?q={quote(query)}&s={offset}")},
    }


def retail_search_page(listings: Sequence[dict[str, Any]], query: str, offset: int, base: str) -> str:
    """A search page like s.taobao.com/search: a plain list for people, ``g_page_config`` for spiders."""
    config = retail_page_config(listings, query, offset, base)
    auctions = config["mods"]["itemlist"]["data"]["auctions"]
    items = "".join(
        f'<li><a href="/taobao/item.htm?id={a["nid"]}">{html.escape(a["raw_title"])}</a> ¥{a["view_price"]}</li>\n'
        for a in auctions
    )
    pager = config["mods"]["pager"]["data"]
    links = ""
    if pager["currentPage"] < pager["totalPage"]:
        links = f'<a class="next" href="/taobao/search?q={quote(query)}&amp;s={offset + RETAIL_PAGE_SIZE}">下一页</a>'
    body = f'<div id="mainsrp-itemlist"><ul>\n{items}</ul></div>\n<div class="pager">{links}</div>'
    script = f"    g_page_config = {_js(config)};\n    g_srp_loadCss();\n    g_srp_init();"
    return _html_page(f"{query or '全部宝贝'}_淘宝搜索", body, [script])


def retail_detail(listing: dict[str, Any], base: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``_DATA_Detail`` and ``_DATA_Mdskip`` objects of an H5 item page."""
    item_id = int(listing["id"])
    props, skus = [], []
    for i, prop in enumerate(listing["sku_props"]):
        pid = 1627207 if i == 0 else 20509
        props.append(
            {
                "pid": pid,
                "name": prop["prop"],
                "values": [
                    {"vid": pid * 10 + j, "name": v, "image": None} for j, v in enumerate(prop["values"])
                ],
            }
        )
    for j, value in enumerate(props[-1]["values"]):
        skus.append(
            {
                "skuId": item_id * 10 + j,
                "propPath": f"{props[0]['pid']}:{props[0]['values'][0]['vid']};{props[-1]['pid']}:{value['vid']}",
                "images": None,
            }
        )
    detail = {
        "seller": {
            "userId": int(listing["user_id"]),
            "shopName": listing["nick"],
            "sellerNick": listing["nick"],
            "shopType": "B" if listing["is_tmall"] else "C",
            "sellerType": "B" if listing["is_tmall"] else "C",
            "shopUrl": _no_scheme(f"{base}/taobao/search?q="),
            "evaluates": [
                {"title": "宝贝描述", "score": "4.8 ", "type": "desc", "level": "1"},
                {"title": "卖家服务", "score": "4.8 ", "type": "serv", "level": "1"},
                {"title": "物流服务", "score": "4.8 ", "type": "post", "level": "1"},
            ],
        },
        "item": {
            "itemId": item_id,
            "title": listing["title"],
            "subtitle": "",
            "images": [_no_scheme(image_url(base, p)) for p in listing["images"]],
        },
        "skuBase": {"skus": skus, "props": props},
        "props": {
            "groupProps": [{"基本信息": [{k: f"{v} "} for k, v in listing["attributes"].items()]}],
            "propsList": None,
        },
    }
    fee = listing["shipping_fee"]
    price = {"priceMoney": round(listing["price"] * 100), "priceText": _price(listing["price"])}
    mdskip = {
        "item": {"itemId": item_id, "title": listing["title"], "vagueSellCount": str(listing["sales"])},
        "price": {"price": {"priceText": price["priceText"], "priceTitle": "价格"}},
        "delivery": {
            "from": _place(listing, sep=""),
            "to": "罗湖区",
            "completedTo": "广东省 深圳市 罗湖区",
            "postage": "免运费" if fee == 0 else f"快递: {_price(fee)}",
        },
        "skuCore": {
            "sku2info": {"0": {"price": price, "quantity": 999}}
            | {str(s["skuId"]): {"price": price, "quantity": 200} for s in skus}
        },
    }
    return detail, mdskip


def retail_item_page(listing: dict[str, Any], base: str) -> str:
    """An item page in the Tmall H5 shape: ``var _DATA_Detail = {...}`` and ``var _DATA_Mdskip = {...}``."""
    detail, mdskip = retail_detail(listing, base)
    imgs = "".join(
        f'<img src="{html.escape(image_url(base, p))}" width="300" alt="">' for p in listing["images"]
    )
    body = (
        f'<div class="detail"><h1>{html.escape(listing["title"])}</h1>'
        f"<p>¥{_price(listing['price'])} · {html.escape(listing['nick'])}</p>{imgs}</div>"
    )
    scripts = [f"var _DATA_Detail = {_js(detail)};", f"var _DATA_Mdskip = {_js(mdskip)};"]
    return _html_page(f"{listing['title']}-淘宝网", body, scripts)


def home_page(counts: dict[str, int]) -> str:
    """The index of the demo marketplace, linking both sites."""
    body = (
        "<h1>sourcefinder 演示市场 (demo marketplace)</h1>\n<ul>\n"
        f'<li><a href="/1688/offers?page=1">工厂货源 1688 ({counts["factory"]} offers)</a></li>\n'
        f'<li><a href="/taobao/search?q=">淘宝零售 ({counts["retail"]} listings)</a></li>\n'
        '<li><a href="/taobao/search?q=%E5%8B%BA">搜索「勺」</a></li>\n</ul>'
    )
    return _html_page("sourcefinder demo marketplace", body)


# --- routing --------------------------------------------------------------------------------------


_OFFER_PATH = re.compile(r"^/1688/offer/(\d+)\.html$")
_IMAGE_PATH = re.compile(r"^/img/(1688|taobao)/[\w.-]+\.jpg$")


class Site:
    """Both sites over one built catalogue: ``answer(path, base)`` returns the page for a request path."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        catalogue = load_catalogue(self.root)
        self.factory = catalogue["factory"]
        self.retail = catalogue["retail"]
        self.factory_by_id = {o["id"]: o for o in self.factory}
        self.retail_by_id = {i["id"]: i for i in self.retail}

    def answer(self, target: str, base: str) -> Page:
        """The page for a request target (path and query), with absolute links on ``base``."""
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if _IMAGE_PATH.match(path):
            file = self.root / path.lstrip("/")
            return Page(200, "image/jpeg", file.read_bytes()) if file.is_file() else _not_found()
        if path == "/robots.txt":
            return Page(200, "text/plain; charset=utf-8", b"User-agent: *\nAllow: /\n")
        if path == "/":
            return _html(home_page({"factory": len(self.factory), "retail": len(self.retail)}))
        if path == "/1688/offers":
            page = _int(query, "page", 1)
            if page < 1 or (page - 1) * FACTORY_PAGE_SIZE >= max(1, len(self.factory)):
                return _not_found()
            return _html(factory_index_page(self.factory, page, base))
        if match := _OFFER_PATH.match(path):
            offer = self.factory_by_id.get(match.group(1))
            return _html(factory_offer_page(offer, base)) if offer else _not_found()
        if path == "/taobao/search":
            q = query.get("q", [""])[0]
            return _html(retail_search_page(self.retail, q, max(0, _int(query, "s", 0)), base))
        if path == "/taobao/item.htm":
            listing = self.retail_by_id.get(query.get("id", [""])[0])
            return _html(retail_item_page(listing, base)) if listing else _not_found()
        return _not_found()


def is_page(target: str) -> bool:
    """Whether a request is for a product or list page (what an anti-bot wall guards)."""
    return urlsplit(target).path.startswith(("/1688/", "/taobao/"))


def wall_page(target: str) -> Page:
    """The real login wall of the site the request was for."""
    wall = saved_wall("1688" if urlsplit(target).path.startswith("/1688/") else "tmall")
    return _html(wall)


def _int(query: dict[str, list[str]], name: str, default: int) -> int:
    try:
        return int(query.get(name, [default])[0])
    except ValueError:
        return default


def _html(text: str) -> Page:
    return Page(200, "text/html; charset=utf-8", text.encode("utf-8"))


def _not_found() -> Page:
    return Page(
        404, "text/html; charset=utf-8", _html_page("404 Not Found", "<h1>404 Not Found</h1>").encode("utf-8")
    )
