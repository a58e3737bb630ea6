"""What 1688 offer data says, layer by layer ("facts"), and the one listing built from merged facts.

The nested offer model (tempModel, orderParamModel, skuModel...) is shared by the PC page's
``Root.fields.dataJson``, the mobile ``globalData`` and the SKU gateway; its reader lives here with the
price, badge and attribute helpers every 1688 parser uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sourcefinder.prices import parse_count, parse_price
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
from sourcefinder.sites.jsdata import PageDataError

# Badge tag ids of 1688 search results.
FACTORY_TAGS = {3910593: "实力商家", 3938689: "超级工厂"}
# Seller sign flags -> badge. isSlsj is 实力商家 (shi li shang jia), isTp is 诚信通 (TrustPass).
_SIGN_BADGES = {"isFactoryDealer": "工厂", "isSlsj": "实力商家", "isTp": "诚信通"}
_RANGE_KEYS = ("currentPrices", "skuRangePrices", "disPriceRanges")
_OFFER_ID = re.compile(r"/offer/(\d+)\.html|[?&]offerId=(\d+)")

Facts = dict[str, Any]


def offer_url(offer_id: Any) -> str:
    """The canonical PC URL of a 1688 offer."""
    return f"https://detail.1688.com/offer/{offer_id}.html"


def offer_id_from_url(url: str | None) -> str | None:
    """The offer id in a 1688 offer URL (``/offer/ID.html`` or ``?offerId=ID``), None if there is none."""
    match = _OFFER_ID.search(url or "")
    return first(*match.groups()) if match else None


def model_facts(model: dict[str, Any]) -> Facts:
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
        "ranges": first(
            price_ranges(order.get("skuParam")),
            price_ranges(order_model.get("skuParam")),
            price_ranges(order),
        ),
        "sku_prices": sku_prices((sku.get("skuInfoMap") or {}).values()),
        "moq": order.get("beginNum"),
        "sales": first(order.get("saledCount"), temp.get("saledCount")),
        "seller": temp.get("companyName"),
        "badges": sign_badges(dig(model, "sellerSign", "signs")) + mix_badges(*mixes),
        "sku_dims": sku_dimensions(sku.get("skuProps")),
    }


def merge_facts(*layers: Facts) -> Facts:
    """Each fact from the first layer that has it; badges from all layers."""
    merged: Facts = {}
    for layer in layers:
        for key, value in layer.items():
            if key == "badges":
                merged["badges"] = merged.get("badges", []) + value
            elif is_empty(merged.get(key)):
                merged[key] = value
    return merged


def offer_listing(facts: Facts, url: str | None, source: str) -> dict[str, Any]:
    """The factory listing the merged facts describe; PageDataError without an offer id and a title."""
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


def price_pairs(entries: Any) -> list[tuple[Any, Any]]:
    """(beginAmount, price) pairs of a 1688 price list ``[{"price": "11.00", "beginAmount": 1}, ...]``."""
    if not isinstance(entries, list):
        return []
    return [(e.get("beginAmount"), e.get("price")) for e in entries if isinstance(e, dict)]


def price_ranges(holder: Any) -> list[tuple[Any, Any]]:
    """The first non-empty price list among currentPrices / skuRangePrices / disPriceRanges of ``holder``."""
    if not isinstance(holder, dict):
        return []
    return first(*(price_pairs(holder.get(key)) for key in _RANGE_KEYS)) or []


def sku_prices(skus: Iterable[Any] | None) -> list[float]:
    """The prices of a SKU list (``price``, else ``discountPrice``), unreadable ones left out."""
    prices = (
        parse_price(first(s.get("price"), s.get("discountPrice"))) for s in skus or [] if isinstance(s, dict)
    )
    return [price for price in prices if price is not None]


def card_badges(shop: dict[str, Any]) -> list[str]:
    """工厂 for a shop card of type factory."""
    return ["工厂"] if shop.get("cardType") == "factory" else []


def sign_badges(signs: Any) -> list[str]:
    """The badges of the seller sign flags that are set (isFactoryDealer, isSlsj, isTp)."""
    return [badge for flag, badge in _SIGN_BADGES.items() if dig(signs, flag) is True]


def mix_badges(*mixes: Any) -> list[str]:
    """混批 when any of the mix models supports mixed batches."""
    supported = any(dig(mix, "isSupportMix") or dig(mix, "supportMix") for mix in mixes)
    return ["混批"] if supported else []


def named_values(entries: Any) -> dict[str, str]:
    """Attributes from ``[{"name": "货号", "value": "15995"}, ...]`` (featureAttributes, propsList)."""
    attributes = {}
    for entry in entries or []:
        name = clean_text(dig(entry, "name"))
        values = dig(entry, "values")
        value = ",".join(map(str, values)) if isinstance(values, list) and values else dig(entry, "value")
        if name and not is_empty(value):
            attributes[name] = clean_text(value) or ""
    return attributes


def sku_dimensions(props: Any) -> set[str]:
    """Names of SKU properties with several values (颜色, 尺码): they vary per SKU, so they are no attribute."""
    return {
        prop["prop"]
        for prop in props or []
        if isinstance(prop, dict) and prop.get("prop") and len(prop.get("value") or []) > 1
    }


def tag_badges(tags: Any) -> list[str]:
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
