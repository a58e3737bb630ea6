"""1688 search results: TMAPI-style item lists, the PC ``offerresultData.offerList`` and mtop ``OFFER.items``."""

from __future__ import annotations

from typing import Any

from sourcefinder.prices import parse_count, parse_price
from sourcefinder.sites.alibaba.facts import offer_url, tag_badges
from sourcefinder.sites.common import (
    clean_text,
    dig,
    first,
    image_urls,
    new_listing,
    normalize_location,
    price_tiers,
    to_int,
    unique,
)
from sourcefinder.sites.jsdata import PageDataError, load_data


def parse_search_results(text: Any, url: str | None = None) -> list[dict[str, Any]]:
    """Parse 1688 search hits: TMAPI-style lists, PC ``offerresultData.offerList`` or mtop ``OFFER.items``.

    Hit URLs are the canonical offer URLs (the lists' own links carry click tracking).

    ``text`` is a JSON/JSONP body or the parsed object; ``url`` (the search URL) is not needed by any shape
    and is accepted for a uniform parser signature.
    """
    body = load_data(text, "1688 search body") if isinstance(text, str | bytes) else text
    for find, parse in _SEARCH_SHAPES:
        items = find(body)
        if isinstance(items, list):
            return [parse(item) for item in items if isinstance(item, dict)]
    raise PageDataError(
        "no 1688 search results (no TMAPI item list, offerresultData.offerList or OFFER.items)"
    )


def _tmapi_items(body: Any) -> Any:
    items = first(dig(body, "data", "items"), dig(body, "items"), body)
    if isinstance(items, list) and items and isinstance(items[0], dict) and "product_url" in items[0]:
        return items
    return None


def _pc_offer_list(body: Any) -> Any:
    return first(
        dig(body, "offerresultData", "offerList"),
        dig(body, "offerResultData", "offerList"),
        dig(body, "data", "offerresultData", "offerList"),
    )


def _mtop_offer_items(body: Any) -> Any:
    return first(dig(body, "data", "data", "OFFER", "items"), dig(body, "data", "OFFER", "items"))


def _tmapi_listing(item: dict[str, Any]) -> dict[str, Any]:
    """A TMAPI-style hit. Its ``price`` is the promotion price (``price_info.sale_price``), often below
    every quantity tier; the listing price is the first tier (``origin_price``), as on the offer page."""
    shop = item.get("shop_info") or {}
    tiers = price_tiers((q.get("begin_num"), q.get("price")) for q in item.get("quantity_prices") or [])
    tags = list(item.get("tags") or []) + list(shop.get("service_tags") or [])
    flags = {"is_super_factory": "超级工厂", "factory_inspection": "深度验厂", "is_tp": "诚信通"}
    badges = tags + [badge for flag, badge in flags.items() if shop.get(flag)] + [shop.get("biz_type")]
    sale = item.get("sale_info") or {}
    return new_listing(
        "1688",
        "factory",
        item_id=str(item.get("item_id")),
        url=offer_url(item.get("item_id")),
        title=clean_text(item.get("title")),
        price=first(
            tiers[0]["price"] if tiers else None,
            parse_price(dig(item, "price_info", "origin_price")),
            parse_price(item.get("price")),
        ),
        price_tiers=tiers,
        moq=tiers[0]["min_qty"] if tiers else None,
        shipping_fee=0.0 if "包邮" in tags else None,
        seller=clean_text(first(shop.get("company_name"), shop.get("login_id"))),
        location=normalize_location(*(dig(item, "delivery_info", "area_from") or [])),
        badges=unique(badges),
        sales=first(to_int(sale.get("sale_quantity_int")), parse_count(sale.get("sale_quantity"))),
        image_urls=image_urls([item.get("img")]),
    )


def _pc_offer_listing(offer: dict[str, Any]) -> dict[str, Any]:
    """A hit of the PC search JSON ``offerresultData.offerList`` (field names of the old s.1688.com)."""
    info = offer.get("information") or {}
    company = offer.get("company") or {}
    offer_price = dig(offer, "tradePrice", "offerPrice") or {}
    quantity = offer.get("tradeQuantity") or {}
    pairs = (
        (q.get("quantity"), first(q.get("valueString"), q.get("value")))
        for q in offer_price.get("quantityPrices") or []
    )
    tiers = price_tiers(pairs)
    item_id = str(first(offer.get("id"), info.get("id")))
    return new_listing(
        "1688",
        "factory",
        item_id=item_id,
        url=offer_url(item_id),
        title=clean_text(first(info.get("subject"), info.get("title"))),
        price=first(
            tiers[0]["price"] if tiers else None, parse_price(dig(offer_price, "priceInfo", "price"))
        ),
        price_tiers=tiers,
        moq=first(to_int(quantity.get("quantityBegin")), tiers[0]["min_qty"] if tiers else None),
        seller=clean_text(company.get("name")),
        location=normalize_location(company.get("province"), company.get("city")),
        badges=tag_badges(offer.get("tags")),
        sales=parse_count(quantity.get("saleQuantity")),
        image_urls=image_urls([dig(offer, "image", "imgUrl")]),
    )


def _mtop_offer_listing(entry: dict[str, Any]) -> dict[str, Any]:
    """A hit of the mtop search ``data.data.OFFER.items[].data``."""
    offer = entry.get("data") if isinstance(entry.get("data"), dict) else entry
    item_id = str(offer.get("offerId"))
    return new_listing(
        "1688",
        "factory",
        item_id=item_id,
        url=offer_url(item_id),
        title=clean_text(offer.get("title")),
        price=parse_price(dig(offer, "priceInfo", "price")),
        moq=to_int(offer.get("quantityBegin")),
        seller=clean_text(first(offer.get("company"), dig(offer, "shop", "companyName"))),
        location=normalize_location(offer.get("province"), offer.get("city")),
        badges=tag_badges(first(offer.get("offerTags"), offer.get("tags"))),
        sales=parse_count(offer.get("bookedCount")),
        image_urls=image_urls([first(offer.get("offerPicUrl"), offer.get("odPicUrl"))]),
    )


_SEARCH_SHAPES = (
    (_tmapi_items, _tmapi_listing),
    (_pc_offer_list, _pc_offer_listing),
    (_mtop_offer_items, _mtop_offer_listing),
)
