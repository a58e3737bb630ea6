"""1688 (Alibaba wholesale) parsers: PC offer page, mobile ``__INIT_DATA``, SKU gateway, search result lists.

Every parser returns plain dicts with the schema keys (see sourcefinder.listing) and role "factory".
The PC offer page is read in three layers, each a fallback for the one before: the module fields under
``result.data`` (productTitle, mainPrice, gallery, shippingServices...), then the nested model of the
``Root.fields.dataJson`` layout (tempModel, orderParamModel, skuModel...), then the
``result.global.globalData.model`` layout (tradeModel, sellerModel, offerDetail...). See docs/sites.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from sourcefinder.prices import parse_count, parse_price, parse_shipping_fee
from sourcefinder.sites.common import (
    clean_text,
    dig,
    first,
    image_urls,
    is_empty,
    new_listing,
    normalize_location,
    price_tiers,
    to_int,
    unique,
)
from sourcefinder.sites.jsdata import (
    PageDataError,
    find_assignment,
    find_iife_argument,
    load_data,
    resolve_refs,
)

# Badge tag ids of 1688 search results.
FACTORY_TAGS = {3910593: "实力商家", 3938689: "超级工厂"}
# Seller sign flags -> badge. isSlsj is 实力商家 (shi li shang jia), isTp is 诚信通 (TrustPass).
_SIGN_BADGES = {"isFactoryDealer": "工厂", "isSlsj": "实力商家", "isTp": "诚信通"}
_RANGE_KEYS = ("currentPrices", "skuRangePrices", "disPriceRanges")
_OFFER_ID = re.compile(r"/offer/(\d+)\.html|[?&]offerId=(\d+)")
_GATEWAY_FIELDS = ("item_id", "title", "price", "price_tiers", "moq", "sales", "badges")

Facts = dict[str, Any]


def offer_url(offer_id: Any) -> str:
    """The canonical PC URL of a 1688 offer."""
    return f"https://detail.1688.com/offer/{offer_id}.html"


def offer_id_from_url(url: str | None) -> str | None:
    match = _OFFER_ID.search(url or "")
    return first(*match.groups()) if match else None


# --- PC offer page -------------------------------------------------------------------------------


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
    facts = _merge(
        _module_facts(data),
        _model_facts(_data_json(data)),
        _global_model_facts(dig(result, "global", "globalData", "model") or {}),
    )
    return _offer_listing(facts, url, source)


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
            _ranges(price.get("priceModel")), _price_pairs(price.get("originalPricesWithoutPromotion"))
        ),
        "sku_prices": _sku_prices(trade.get("skuMapOriginal")),
        "min_price": first(trade.get("offerMinPrice"), shipping.get("price")),
        "moq": trade.get("offerBeginAmount"),
        "sales_text": title.get("saleNum"),
        "seller": first(dig(title, "shopInfo", "companyName"), dig(title, "shopInfo", "authCompanyName")),
        "location": first(shipping.get("location"), dig(shipping, "freightInfo", "location")),
        "shipping_fee": _shipping_fee(shipping),
        "badges": _module_badges(data),
    }


def _model_facts(model: dict[str, Any]) -> Facts:
    """Facts of the nested model shared by PC ``Root.fields.dataJson``, mobile ``globalData`` and the
    SKU gateway: tempModel, offerBaseInfo, orderParamModel, skuModel, images, sellerSign, mixModel."""
    temp = model.get("tempModel") or {}
    base = model.get("offerBaseInfo") or {}
    order_model = model.get("orderParamModel") or {}
    order = order_model.get("orderParam") or {}
    sku = model.get("skuModel") or {}
    mixes = (model.get("mixModel"), order_model.get("mixParam"), order.get("mixParam"))
    return {
        "item_id": first(temp.get("offerId"), base.get("offerId")),
        "title": first(temp.get("offerTitle"), base.get("title")),
        "images": [dig(image, "fullPathImageURI") for image in model.get("images") or []],
        "ranges": first(_ranges(order.get("skuParam")), _ranges(order_model.get("skuParam")), _ranges(order)),
        "sku_prices": _sku_prices((sku.get("skuInfoMap") or {}).values()),
        "moq": order.get("beginNum"),
        "sales": first(order.get("saledCount"), temp.get("saledCount")),
        "seller": temp.get("companyName"),
        "badges": _sign_badges(dig(model, "sellerSign", "signs")) + _mix_badges(*mixes),
        "sku_dims": _sku_dimensions(sku.get("skuProps")),
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
        "ranges": first(_ranges(trade.get("offerPriceModel")), _ranges(trade)),
        "sku_prices": _sku_prices(trade.get("skuMap")),
        "min_price": trade.get("minPrice"),
        "moq": trade.get("beginAmount"),
        "sales": trade.get("saleCount"),
        "seller": first(seller.get("companyName"), shop.get("companyName")),
        "location": freight.get("location"),
        "shipping_fee": _shipping_fee(freight),
        "badges": _card_badges(shop)
        + _sign_badges(dig(seller, "sellerSign", "signs"))
        + _mix_badges(trade.get("mixModel")),
        "attributes": _named_values(detail.get("featureAttributes")),
        "category": detail.get("leafCategoryName"),
        "sku_dims": _sku_dimensions(detail.get("skuProps")),
    }


def _merge(*layers: Facts) -> Facts:
    """Each fact from the first layer that has it; badges from all layers."""
    merged: Facts = {}
    for layer in layers:
        for key, value in layer.items():
            if key == "badges":
                merged["badges"] = merged.get("badges", []) + value
            elif is_empty(merged.get(key)):
                merged[key] = value
    return merged


def _offer_listing(facts: Facts, url: str | None, source: str) -> dict[str, Any]:
    item_id = first(facts.get("item_id"), offer_id_from_url(url))
    title = clean_text(facts.get("title"))
    if item_id is None or title is None:
        raise PageDataError("no 1688 offer data (offer id and title not found)")
    tiers = price_tiers(facts.get("ranges") or [])
    sku_prices = facts.get("sku_prices") or []
    dimensions = facts.get("sku_dims") or set()
    return new_listing(
        source,
        "factory",
        item_id=str(item_id),
        url=url or offer_url(item_id),
        title=title,
        price=first(
            tiers[0]["price"] if tiers else None,
            min(sku_prices) if sku_prices else None,
            parse_price(facts.get("min_price")),
        ),
        price_tiers=tiers,
        moq=first(to_int(facts.get("moq")), tiers[0]["min_qty"] if tiers else None),
        shipping_fee=facts.get("shipping_fee"),
        seller=clean_text(facts.get("seller")),
        location=normalize_location(facts.get("location")),
        badges=unique(facts.get("badges") or []),
        sales=first(to_int(facts.get("sales")), parse_count(facts.get("sales_text"))),
        category=clean_text(facts.get("category")),
        attributes={k: v for k, v in (facts.get("attributes") or {}).items() if k not in dimensions},
        image_urls=image_urls(facts.get("images") or [], url),
    )


def _price_pairs(entries: Any) -> list[tuple[Any, Any]]:
    """(beginAmount, price) pairs of a 1688 price list ``[{"price": "11.00", "beginAmount": 1}, ...]``."""
    if not isinstance(entries, list):
        return []
    return [(e.get("beginAmount"), e.get("price")) for e in entries if isinstance(e, dict)]


def _ranges(holder: Any) -> list[tuple[Any, Any]]:
    """The first non-empty price list among currentPrices / skuRangePrices / disPriceRanges of ``holder``."""
    if not isinstance(holder, dict):
        return []
    return first(*(_price_pairs(holder.get(key)) for key in _RANGE_KEYS)) or []


def _sku_prices(skus: Iterable[Any] | None) -> list[float]:
    prices = (
        parse_price(first(s.get("price"), s.get("discountPrice"))) for s in skus or [] if isinstance(s, dict)
    )
    return [price for price in prices if price is not None]


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
    badges = _card_badges(title.get("shopInfo") or {}) + list(title.get("labels") or [])
    badges += _tag_badges(title.get("tagList"))
    if any(dig(scene, "sceneKey") == "consign" for scene in scenes):
        badges.append("一件代发")
    if delivery:
        badges.append(delivery.removeprefix("承诺"))
    return badges


def _card_badges(shop: dict[str, Any]) -> list[str]:
    return ["工厂"] if shop.get("cardType") == "factory" else []


def _sign_badges(signs: Any) -> list[str]:
    return [badge for flag, badge in _SIGN_BADGES.items() if dig(signs, flag) is True]


def _mix_badges(*mixes: Any) -> list[str]:
    supported = any(dig(mix, "isSupportMix") or dig(mix, "supportMix") for mix in mixes)
    return ["混批"] if supported else []


def _named_values(entries: Any) -> dict[str, str]:
    """Attributes from ``[{"name": "货号", "value": "15995"}, ...]`` (featureAttributes, propsList)."""
    attributes = {}
    for entry in entries or []:
        name = clean_text(dig(entry, "name"))
        values = dig(entry, "values")
        value = ",".join(map(str, values)) if isinstance(values, list) and values else dig(entry, "value")
        if name and not is_empty(value):
            attributes[name] = clean_text(value) or ""
    return attributes


def _sku_dimensions(props: Any) -> set[str]:
    """Names of SKU properties with several values (颜色, 尺码): they vary per SKU, so they are no attribute."""
    return {
        prop["prop"]
        for prop in props or []
        if isinstance(prop, dict) and prop.get("prop") and len(prop.get("value") or []) > 1
    }


# --- mobile page and SKU gateway -----------------------------------------------------------------


def _as_data(text_or_obj: Any, what: str, variable: str | None = None) -> Any:
    """The parsed object, from a page assigning ``variable``, a JSON/JSONP body or an object as is."""
    if not isinstance(text_or_obj, str | bytes):
        return text_or_obj
    text = text_or_obj.decode("utf-8", errors="replace") if isinstance(text_or_obj, bytes) else text_or_obj
    found = find_assignment(text, variable) if variable else None
    return found if found is not None else load_data(text, what)


def parse_mobile_init_data(text_or_obj: Any, url: str | None = None, source: str = "1688") -> dict[str, Any]:
    """Parse m.1688.com ``window.__INIT_DATA`` (page text, JSON text or the parsed object)."""
    init = _as_data(text_or_obj, "1688 mobile data", "window.__INIT_DATA")
    if not isinstance(init, dict):
        raise PageDataError("window.__INIT_DATA is not an object")
    components = [dig(c, "data") for c in (init.get("data") or {}).values()]
    components = [c for c in components if isinstance(c, dict)]
    facts = _merge(_component_facts(components), _model_facts(init.get("globalData") or {}))
    return _offer_listing(facts, url, source)


def _component_facts(components: list[dict[str, Any]]) -> Facts:
    return {
        "item_id": first(*(c.get("offerId") for c in components)),
        "images": first(*(c.get("offerImgList") for c in components)),
        "attributes": first(*(_named_values(c.get("propsList")) for c in components)),
    }


def parse_sku_gateway(text_or_obj: Any) -> dict[str, Any]:
    """Parse the mtop.mbox.fc.common.gateway SKU response into partial listing fields.

    Returns item_id, title, price, price_tiers, moq, sales and badges.
    """
    body = _as_data(text_or_obj, "1688 SKU gateway body")
    ret = [str(r) for r in dig(body, "ret") or []]
    if ret and not any(r.startswith("SUCCESS") for r in ret):
        raise PageDataError(f"1688 SKU gateway call failed: {'; '.join(ret)}")
    model = first(dig(body, "data", "result", "data"), dig(body, "data"))
    if not isinstance(model, dict):
        raise PageDataError("1688 SKU gateway response without data.result.data")
    listing = _offer_listing(_model_facts(model), None, "1688")
    return {key: listing[key] for key in _GATEWAY_FIELDS}


# --- search results --------------------------------------------------------------------------------


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
        badges=_tag_badges(offer.get("tags")),
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
        badges=_tag_badges(first(offer.get("offerTags"), offer.get("tags"))),
        sales=parse_count(offer.get("bookedCount")),
        image_urls=image_urls([first(offer.get("offerPicUrl"), offer.get("odPicUrl"))]),
    )


def _tag_badges(tags: Any) -> list[str]:
    """Badges of tags: known tag ids (3938689 超级工厂...) and tag objects' text; unknown ids dropped."""
    badges = []
    for tag in tags or []:
        if isinstance(tag, dict):
            known = FACTORY_TAGS.get(int(tag["tagId"])) if str(tag.get("tagId", "")).isdigit() else None
            badges.append(first(known, tag.get("text"), tag.get("name")))
        elif str(tag).isdigit():
            badges.append(FACTORY_TAGS.get(int(tag)))
        else:
            badges.append(str(tag))
    return unique(badges)


_SEARCH_SHAPES = (
    (_tmapi_items, _tmapi_listing),
    (_pc_offer_list, _pc_offer_listing),
    (_mtop_offer_items, _mtop_offer_listing),
)
