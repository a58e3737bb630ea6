"""Small helpers shared by the site parsers: safe lookups, listing skeletons, text, places and tiers."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from sourcefinder.listing import FIELDS
from sourcefinder.prices import parse_count, parse_price

_TAG = re.compile(r"<[^>]+>")
_PROVINCES = (
    "黑龙江", "内蒙古", "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃",
    "青海", "台湾", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip
_PLACE_SUFFIX = "(?:省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)"
_LEADING_SUFFIX = re.compile(f"^{_PLACE_SUFFIX}")
_TRAILING_SUFFIX = re.compile(f"{_PLACE_SUFFIX}$")


def dig(obj: Any, *path: str | int) -> Any:
    """``obj[p0][p1]...`` or None as soon as a step is missing or of the wrong type."""
    for key in path:
        if isinstance(obj, dict):
            obj = obj.get(key)
        elif isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
            obj = obj[key]
        else:
            return None
    return obj


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def first(*values: Any) -> Any:
    """The first value that is not None, "", [] or {} (0 and False count as values)."""
    return next((value for value in values if not is_empty(value)), None)


def new_listing(source: str, role: str, **fields: Any) -> dict[str, Any]:
    """A listing with every schema key; fields given as None keep the default (None or an empty list/dict)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise KeyError(f"not schema fields: {sorted(unknown)}")
    listing: dict[str, Any] = dict.fromkeys(FIELDS)
    listing.update(
        source=source, role=role, currency="CNY", price_tiers=[], badges=[], attributes={}, image_urls=[]
    )
    listing.update({key: value for key, value in fields.items() if value is not None})
    return listing


def clean_text(text: Any) -> str | None:
    """Text without HTML tags (search highlights like ``<span class=H>``) and entities, spaces collapsed."""
    if text is None:
        return None
    cleaned = " ".join(html.unescape(_TAG.sub("", str(text))).split())
    return cleaned or None


def absolute(url: Any, base: str | None = None) -> str | None:
    """A link made absolute against the page it was found on; without a page, ``//host/...`` gets https
    (what the real sites serve)."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    if base:
        return urljoin(base, url)
    return "https:" + url if url.startswith("//") else url


def unique(values: Iterable[Any]) -> list[Any]:
    """The non-empty values in their first order, without repeats."""
    out: list[Any] = []
    for value in values:
        if not is_empty(value) and value not in out:
            out.append(value)
    return out


def image_urls(urls: Iterable[Any], base: str | None = None) -> list[str]:
    """Absolute, de-duplicated image URLs."""
    return unique(absolute(url, base) for url in urls)


def to_int(value: Any) -> int | None:
    """An integer from 420, "420", "≥2", "1000个" or "700+"; None when there is none."""
    return parse_count(value) if isinstance(value, str) else None if value is None else int(value)


def normalize_location(*parts: Any) -> str | None:
    """Province and city as "广东 广州": from ["广东", "广州市"], "广东东莞" or "浙江省金华市"."""
    words: list[str] = []
    for part in parts:
        for word in str(part or "").split():
            words.extend(_split_place(word))
    return " ".join(unique(words)) or None


def _split_place(word: str) -> list[str]:
    province = next((p for p in _PROVINCES if word.startswith(p)), None)
    if province is None:
        return [_TRAILING_SUFFIX.sub("", word) or word]
    rest = _TRAILING_SUFFIX.sub("", _LEADING_SUFFIX.sub("", word[len(province) :]))
    return [province, rest] if rest else [province]


def price_tiers(pairs: Iterable[tuple[Any, Any]]) -> list[dict[str, float | int]]:
    """Quantity tiers from (min_qty, price) pairs: the lowest price per min_qty, by ascending min_qty.

    Pairs with the same min_qty are per-SKU prices (1688 "skuPrice" offers list [min, max] at the same
    quantity); the lowest is kept so that a tier states the cheapest unit price from that quantity on.
    """
    lowest: dict[int, float] = {}
    for qty, price in pairs:
        amount = parse_price(price)
        if amount is None:
            continue
        min_qty = to_int(qty) or 1
        lowest[min_qty] = min(amount, lowest.get(min_qty, amount))
    return [{"min_qty": qty, "price": lowest[qty]} for qty in sorted(lowest)]
