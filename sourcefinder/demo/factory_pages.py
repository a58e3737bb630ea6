"""The demo's factory site in the shape of 1688: offer pages (``window.context``) and offer lists.

The embedded objects copy the real field paths (see docs/demo.md), so the parsers that read real pages
read these too. Page functions are pure: catalogue records and the server's base URL in, HTML out.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from sourcefinder.demo.markup import html_page, image_url, place_text, price_text, script_json

FACTORY_PAGE_SIZE = 40
BADGE_TAG_IDS = {"实力商家": 3910593, "超级工厂": 3938689}
_IIFE = (
    'window.context=(function(b,d){var c=d.module||{};var e={};for(var a in c){if(typeof c[a]==="string")'
    "{e[a]=c[a]}}Object.assign(e,c[b]||{});Object.assign(d,{module:e});return d})(window.contextPath,"
)


def _sales_text(sales: int) -> str:
    """1688's rounded sales count: 87, 400+, 1000+, 1.2万+."""
    if sales < 100:
        return str(sales)
    if sales < 10000:
        digits = 10 ** (len(str(sales)) - 1)
        return f"{sales // digits * digits}+"
    return f"{sales / 10000:.1f}".rstrip("0").rstrip(".") + "万+"


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
        "location": place_text(offer),
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
    low, high = price_text(min(prices)), price_text(max(prices))
    current = [{"price": price_text(t["price"]), "beginAmount": t["min_qty"]} for t in tiers]
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
        "price": price_text(prices[0]),
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
        "price": price_text(prices[0]),
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
        f"<li>≥{t['min_qty']}{html.escape(offer['unit'])}: ¥{price_text(t['price'])}</li>"
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
        f'<div id="shippingServices" data-module="od_shipping_services">{html.escape(place_text(offer))}</div>'
    )
    scripts = ['window.contextPath = "/default";', f"{_IIFE}{script_json(factory_context(offer, base))});"]
    return html_page(f"{offer['title']} - 阿里巴巴", body, scripts)


def factory_index_page(offers: Sequence[dict[str, Any]], page: int, base: str) -> str:
    """The list of offers the spider starts from: 40 links a page and a ``next`` link."""
    pages = max(1, math.ceil(len(offers) / FACTORY_PAGE_SIZE))
    chunk = offers[(page - 1) * FACTORY_PAGE_SIZE : page * FACTORY_PAGE_SIZE]
    items = "".join(
        f'<li class="offer"><a class="offer-link" href="/1688/offer/{o["id"]}.html">{html.escape(o["title"])}</a>'
        f' <span class="price">¥{price_text(o["price_tiers"][0]["price"])}</span></li>\n'
        for o in chunk
    )
    links = f'<a class="prev" rel="prev" href="/1688/offers?page={page - 1}">上一页</a> ' if page > 1 else ""
    if page < pages:
        links += f'<a class="next" rel="next" href="/1688/offers?page={page + 1}">下一页</a>'
    body = f'<h1>货源 第{page}/{pages}页</h1>\n<ul class="offer-list">\n{items}</ul>\n<div class="pager">{links}</div>'
    return html_page(f"批发_供应_阿里巴巴 第{page}页", body)
