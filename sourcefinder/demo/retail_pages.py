"""The demo's retail site in the shape of Taobao: search pages (``g_page_config``) and H5 item pages.

The embedded objects copy the real field paths (see docs/demo.md), so the parsers that read real pages
read these too. Page functions are pure: catalogue records and the server's base URL in, HTML out.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from sourcefinder.demo.markup import html_page, image_url, place_text, price_text, script_json

RETAIL_PAGE_SIZE = 44


def _paid_text(sales: int) -> str:
    """Taobao's sales text: 1881人付款, 1万+人付款."""
    return f"{sales}人付款" if sales < 10000 else f"{sales // 10000}万+人付款"


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
        "view_price": price_text(listing["price"]),
        "view_fee": price_text(listing["shipping_fee"]),
        "item_loc": place_text(listing),
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
    script = f"    g_page_config = {script_json(config)};\n    g_srp_loadCss();\n    g_srp_init();"
    return html_page(f"{query or '全部宝贝'}_淘宝搜索", body, [script])


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
    price = {"priceMoney": round(listing["price"] * 100), "priceText": price_text(listing["price"])}
    mdskip = {
        "item": {"itemId": item_id, "title": listing["title"], "vagueSellCount": str(listing["sales"])},
        "price": {"price": {"priceText": price["priceText"], "priceTitle": "价格"}},
        "delivery": {
            "from": place_text(listing, sep=""),
            "to": "罗湖区",
            "completedTo": "广东省 深圳市 罗湖区",
            "postage": "免运费" if fee == 0 else f"快递: {price_text(fee)}",
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
        f"<p>¥{price_text(listing['price'])} · {html.escape(listing['nick'])}</p>{imgs}</div>"
    )
    scripts = [f"var _DATA_Detail = {script_json(detail)};", f"var _DATA_Mdskip = {script_json(mdskip)};"]
    return html_page(f"{listing['title']}-淘宝网", body, scripts)
