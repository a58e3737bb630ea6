"""The 1688 PC offer page (``window.context``), read in three layers, each a fallback for the one before.

First the module fields under ``result.data`` (productTitle, mainPrice, gallery, shippingServices...),
then the nested model of the ``Root.fields.dataJson`` layout (tempModel, orderParamModel, skuModel...),
then the ``result.global.globalData.model`` layout (tradeModel, sellerModel, offerDetail...). See docs/sites.md.
"""

from __future__ import annotations

import json
from typing import Any

from sourcefinder.prices import parse_price, parse_shipping_fee
from sourcefinder.sites.alibaba.facts import (
    Facts,
    card_badges,
    merge_facts,
    mix_badges,
    model_facts,
    named_values,
    offer_listing,
    price_pairs,
    price_ranges,
    sign_badges,
    sku_dimensions,
    sku_prices,
    tag_badges,
)
from sourcefinder.sites.common import dig, first
from sourcefinder.sites.jsdata import PageDataError, find_iife_argument, load_data, resolve_refs


def parse_offer_page(html: str, url: str | None = None, source: str = "1688") -> dict[str, Any]:
    """Parse a PC offer page (``window.context=(function(b,d){...})(window.contextPath,{...})``).

    Also accepts the saved JSON of ``window.context`` or of its ``result``.
    """
    return parse_offer_result(offer_result(html), url=url, source=source)


def offer_result(html: str) -> dict[str, Any]:
    """The ``window.context.result`` object of a PC offer page, with fastjson ``$ref`` links resolved."""
    context = find_iife_argument(html, "window.context")
    if context is None and html.lstrip().startswith("{"):
        context = load_data(html, "1688 offer JSON")
        if isinstance(context, dict) and "result" not in context:
            context = {"result": context}
    if not isinstance(dig(context, "result"), dict):
        raise PageDataError("no window.context result: not a 1688 PC offer page")
    return resolve_refs(context)["result"]


def parse_offer_result(
    result: dict[str, Any], url: str | None = None, source: str = "1688"
) -> dict[str, Any]:
    """Build the listing from a ``window.context.result`` object (module fields first, then models)."""
    data = result.get("data") or {}
    facts = merge_facts(
        _module_facts(data),
        model_facts(_data_json(data)),
        _global_model_facts(dig(result, "global", "globalData", "model") or {}),
    )
    return offer_listing(facts, url, source)


def _data_json(data: dict[str, Any]) -> dict[str, Any]:
    value = dig(data, "Root", "fields", "dataJson")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise PageDataError(f"Root.fields.dataJson is not JSON: {exc}") from exc
    return value if isinstance(value, dict) else {}


def _fields(data: dict[str, Any], module: str) -> dict[str, Any]:
    fields = dig(data, module, "fields")
    return fields if isinstance(fields, dict) else {}


def _module_facts(data: dict[str, Any]) -> Facts:
    title = _fields(data, "productTitle")
    gallery = _fields(data, "gallery")
    price = _fields(data, "mainPrice")
    shipping = _fields(data, "shippingServices")
    trade = dig(price, "finalPriceModel", "tradeWithoutPromotion") or {}
    return {
        "item_id": first(gallery.get("offerId"), _fields(data, "sceneKey").get("offerId")),
        "title": first(title.get("title"), gallery.get("subject")),
        "images": first(gallery.get("offerImgList"), gallery.get("mainImage")),
        "ranges": first(
            price_ranges(price.get("priceModel")), price_pairs(price.get("originalPricesWithoutPromotion"))
        ),
        "sku_prices": sku_prices(trade.get("skuMapOriginal")),
        "min_price": first(trade.get("offerMinPrice"), shipping.get("price")),
        "moq": trade.get("offerBeginAmount"),
        "sales_text": title.get("saleNum"),
        "seller": first(dig(title, "shopInfo", "companyName"), dig(title, "shopInfo", "authCompanyName")),
        "location": first(shipping.get("location"), dig(shipping, "freightInfo", "location")),
        "shipping_fee": _shipping_fee(shipping),
        "badges": _module_badges(data),
    }


def _global_model_facts(model: dict[str, Any]) -> Facts:
    trade = model.get("tradeModel") or {}
    seller = model.get("sellerModel") or {}
    detail = model.get("offerDetail") or {}
    shop = dig(model, "detailBusiness", "shopBaseInfo") or {}
    freight = dig(model, "detailDescription", "freightInfo") or {}
    images = detail.get("imageList") or detail.get("mainImageList") or []
    return {
        "item_id": first(detail.get("offerId"), trade.get("offerId")),
        "title": detail.get("subject"),
        "images": [dig(image, "fullPathImageURI") for image in images],
        "ranges": first(price_ranges(trade.get("offerPriceModel")), price_ranges(trade)),
        "sku_prices": sku_prices(trade.get("skuMap")),
        "min_price": trade.get("minPrice"),
        "moq": trade.get("beginAmount"),
        "sales": trade.get("saleCount"),
        "seller": first(seller.get("companyName"), shop.get("companyName")),
        "location": freight.get("location"),
        "shipping_fee": _shipping_fee(freight),
        "badges": card_badges(shop)
        + sign_badges(dig(seller, "sellerSign", "signs"))
        + mix_badges(trade.get("mixModel")),
        "attributes": named_values(detail.get("featureAttributes")),
        "category": detail.get("leafCategoryName"),
        "sku_dims": sku_dimensions(detail.get("skuProps")),
    }


def _shipping_fee(shipping: dict[str, Any]) -> float | None:
    """Fee of the freight template for one piece (to a default destination), 0.0 when the page says free."""
    if shipping.get("postFree") or shipping.get("freeDeliverFee"):
        return 0.0
    fee = first(
        parse_shipping_fee(shipping.get("text")),
        parse_price(shipping.get("totalCost")),
        parse_price(shipping.get("postFeeValue")),
    )
    freight = shipping.get("freightInfo")
    return fee if fee is not None or not isinstance(freight, dict) else _shipping_fee(freight)


def _module_badges(data: dict[str, Any]) -> list[str]:
    title = _fields(data, "productTitle")
    scenes = _fields(data, "sceneKey").get("sceneList") or []
    delivery = _fields(data, "shippingServices").get("deliveryLimitText") or ""
    badges = card_badges(title.get("shopInfo") or {}) + list(title.get("labels") or [])
    badges += tag_badges(title.get("tagList"))
    if any(dig(scene, "sceneKey") == "consign" for scene in scenes):
        badges.append("一件代发")
    if delivery:
        badges.append(delivery.removeprefix("承诺"))
    return badges
