"""Taobao / Tmall parsers: search pages (``g_page_config`` or mtop ``itemsArray``) and H5 item pages
(``_DATA_Detail`` + ``_DATA_Mdskip``, or the mtop.taobao.detail.getdetail body). Role "retail"."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from sourcefinder.prices import parse_count, parse_price, parse_price_range, parse_shipping_fee
from sourcefinder.sites.common import (
    absolute,
    clean_text,
    dig,
    first,
    image_urls,
    new_listing,
    normalize_location,
    to_int,
)
from sourcefinder.sites.jsdata import PageDataError, find_assignment, load_data

TMALL_BADGE = "天猫"


@dataclass
class SearchPage:
    """One page of search results with the pager's numbers (None when the page does not say)."""

    listings: list[dict[str, Any]] = field(default_factory=list)
    page: int = 1
    page_count: int | None = None
    page_size: int | None = None
    total: int | None = None


def item_url(item_id: Any, tmall: bool = False) -> str:
    """The canonical URL of a Taobao or Tmall item."""
    host = "detail.tmall.com" if tmall else "item.taobao.com"
    return f"https://{host}/item.htm?id={item_id}"


# --- search ----------------------------------------------------------------------------------------


def parse_search_page(text: str, url: str | None = None, source: str = "taobao") -> SearchPage:
    """Parse a search page: the old ``g_page_config`` (HTML or its JSON) or the mtop ``itemsArray`` body."""
    body = find_assignment(text, "g_page_config")
    if body is None:
        body = load_data(text, "taobao search body")
    auctions = dig(body, "mods", "itemlist", "data", "auctions")
    if isinstance(auctions, list):
        pager = dig(body, "mods", "pager", "data") or {}
        listings = [
            _auction_listing(a, source, url) for a in auctions if isinstance(a, dict) and a.get("nid")
        ]
        return _search_page(
            listings,
            url,
            pager.get("currentPage"),
            pager.get("totalPage"),
            pager.get("pageSize"),
            pager.get("totalCount"),
        )
    items = first(dig(body, "data", "itemsArray"), dig(body, "itemsArray"))
    if isinstance(items, list):
        info = first(dig(body, "data", "mainInfo"), dig(body, "mainInfo")) or {}
        listings = [
            _mtop_item_listing(i, source, url) for i in items if isinstance(i, dict) and i.get("item_id")
        ]
        return _search_page(
            listings,
            url,
            info.get("page"),
            info.get("totalPage"),
            info.get("pageSize"),
            info.get("totalResults"),
        )
    raise PageDataError("no taobao search results (no mods.itemlist.data.auctions or itemsArray)")


def _search_page(listings: list[dict[str, Any]], url: str | None, page: Any, *numbers: Any) -> SearchPage:
    """A SearchPage; the page number falls back to the ``page`` parameter of the search URL, then 1."""
    url_page = first(*parse_qs(urlsplit(url or "").query).get("page", []))
    page_count, page_size, total = (to_int(n) for n in numbers)
    return SearchPage(listings, to_int(first(page, url_page)) or 1, page_count, page_size, total)


def _item_link(link: Any, base: str | None) -> str | None:
    """A search hit's own item-page link without tracking parameters, or None for an ad redirect
    (click.simba...) or no link."""
    url = absolute(link, base)
    if not url or "item.htm" not in url or "click." in url:
        return None
    parts = urlsplit(url)
    item_id = first(*parse_qs(parts.query).get("id", []))
    return urlunsplit(parts._replace(query=urlencode({"id": item_id}), fragment="")) if item_id else None


def _auction_listing(auction: dict[str, Any], source: str, base: str | None = None) -> dict[str, Any]:
    """One ``g_page_config`` auction. ``title`` (highlights stripped) is the item title; ``raw_title`` of an
    ad (p4p) hit can be a shorter ad text, so it is only the fallback. Links resolve against ``base``."""
    tmall = bool(dig(auction, "shopcard", "isTmall"))
    return new_listing(
        source,
        "retail",
        item_id=str(auction["nid"]),
        url=first(_item_link(auction.get("detail_url"), base), item_url(auction["nid"], tmall)),
        title=first(clean_text(auction.get("title")), clean_text(auction.get("raw_title"))),
        price=parse_price(auction.get("view_price")),
        shipping_fee=parse_shipping_fee(auction.get("view_fee")),
        seller=clean_text(auction.get("nick")),
        location=normalize_location(auction.get("item_loc")),
        badges=[TMALL_BADGE] if tmall else [],
        sales=parse_count(auction.get("view_sales")),
        attributes=_colon_pairs(auction.get("p4pTags")),
        image_urls=image_urls([auction.get("pic_url")], base),
    )


def _mtop_item_listing(item: dict[str, Any], source: str, base: str | None = None) -> dict[str, Any]:
    """One item of the newer mtop search ``itemsArray`` (field names of s.taobao.com since 2023)."""
    tmall = bool(item.get("isTmall"))
    return new_listing(
        source,
        "retail",
        item_id=str(item["item_id"]),
        url=first(_item_link(item.get("auctionURL"), base), item_url(item["item_id"], tmall)),
        title=clean_text(item.get("title")),
        price=parse_price(first(dig(item, "priceShow", "price"), item.get("price"))),
        seller=clean_text(first(item.get("nick"), dig(item, "shopInfo", "title"))),
        location=normalize_location(item.get("procity")),
        badges=[TMALL_BADGE] if tmall else [],
        sales=parse_count(item.get("realSales")),
        image_urls=image_urls([first(item.get("pic_path"), item.get("pic"))], base),
    )


def _colon_pairs(tags: Any) -> dict[str, str]:
    """Attributes from ad tags like ``["材质:牛皮", "大小:小"]``."""
    pairs = (str(tag).split(":", 1) for tag in tags or [] if ":" in str(tag))
    return {name.strip(): value.strip() for name, value in pairs if name.strip() and value.strip()}


# --- item page -------------------------------------------------------------------------------------


def parse_item_page(text: str, url: str | None = None, source: str = "taobao") -> dict[str, Any]:
    """Parse an H5 item page holding ``var _DATA_Detail = {...}`` and ``var _DATA_Mdskip = {...}``,
    or one JSON body: ``_DATA_Detail`` alone, ``_DATA_Mdskip`` alone or an mtop getdetail response."""
    detail = find_assignment(text, "_DATA_Detail")
    if detail is not None:
        return parse_h5_detail(detail, find_assignment(text, "_DATA_Mdskip"), url, source)
    body = load_data(text, "taobao item body")
    data = dig(body, "data")
    return parse_h5_detail(data if isinstance(data, dict) and "item" in data else body, None, url, source)


def parse_h5_detail(
    detail: dict[str, Any],
    mdskip: dict[str, Any] | None = None,
    url: str | None = None,
    source: str = "taobao",
) -> dict[str, Any]:
    """Build the listing from the static ``_DATA_Detail`` and the dynamic ``_DATA_Mdskip`` (prices,
    delivery). Without mdskip the dynamic part is the getdetail ``apiStack``, else the page's ``mock``."""
    if not isinstance(detail, dict):
        raise PageDataError("taobao item detail is not an object")
    live = first(mdskip, _api_stack(detail), detail.get("mock"), detail)
    item = detail.get("item") or {}
    seller = detail.get("seller") or {}
    item_id = first(item.get("itemId"), dig(live, "item", "itemId"))
    title = clean_text(first(item.get("title"), dig(live, "item", "title")))
    if item_id is None or title is None:
        raise PageDataError("no taobao item data (itemId and title not found)")
    tmall = first(seller.get("shopType"), seller.get("sellerType")) == "B"
    return new_listing(
        source,
        "retail",
        item_id=str(item_id),
        url=url or item_url(item_id, tmall),
        title=title,
        price=_lowest_price(live),
        shipping_fee=parse_shipping_fee(dig(live, "delivery", "postage")),
        seller=clean_text(first(seller.get("shopName"), seller.get("sellerNick"))),
        location=normalize_location(dig(live, "delivery", "from")),
        badges=[TMALL_BADGE] if tmall else [],
        sales=parse_count(first(dig(live, "item", "sellCount"), dig(live, "item", "vagueSellCount"))),
        attributes=_item_attributes(
            detail, first(dig(live, "skuBase", "props"), dig(detail, "skuBase", "props"))
        ),
        image_urls=image_urls(item.get("images") or [], url),
    )


def _api_stack(detail: dict[str, Any]) -> dict[str, Any] | None:
    """The dynamic data of an mtop getdetail body: ``apiStack[0].value``, a JSON string."""
    value = dig(detail, "apiStack", 0, "value")
    if not isinstance(value, str):
        return value if isinstance(value, dict) else None
    try:
        return json.loads(value)
    except ValueError as exc:
        raise PageDataError(f"apiStack value is not JSON: {exc}") from exc


def _lowest_price(live: dict[str, Any]) -> float | None:
    """The lowest of the headline price (``price.price.priceText``, maybe "146-168") and the SKU prices."""
    skus = (dig(live, "skuCore", "sku2info") or {}).values()
    prices = [parse_price(dig(sku, "price", "priceText")) for sku in skus]
    prices.append(parse_price_range(dig(live, "price", "price", "priceText"))[0])
    prices = [price for price in prices if price is not None]
    return min(prices) if prices else None


def _item_attributes(detail: dict[str, Any], sku_props: Any) -> dict[str, str]:
    """The spec table (``props.groupProps``) without the SKU properties that have several values, plus
    the single-valued SKU properties."""
    attributes: dict[str, str] = {}
    for group in dig(detail, "props", "groupProps") or []:
        for entries in group.values() if isinstance(group, dict) else []:
            for entry in entries or []:
                attributes.update({k.strip(): clean_text(v) or "" for k, v in entry.items() if k.strip()})
    for prop in sku_props or []:
        values = [clean_text(v.get("name")) for v in prop.get("values") or [] if isinstance(v, dict)]
        name = clean_text(prop.get("name"))
        if name and len(values) == 1 and values[0]:
            attributes[name] = values[0]
        elif name:
            attributes.pop(name, None)
    return attributes
