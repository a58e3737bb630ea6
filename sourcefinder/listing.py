"""The listing schema: one JSON object per listing, shared by spiders, feeds and storage.

See docs/schema.md for the field-by-field description.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sourcefinder.prices import parse_price, parse_price_range

ROLES = ("retail", "factory")


@dataclass(frozen=True)
class Field:
    """One field of a listing: its name, its JSON type, how SQLite stores it and where it comes from."""

    name: str
    type: type  # the Python type of its value once normalised (list and dict values are stored as JSON)
    required: bool = False
    pipeline: bool = False  # added by the pipelines on the way to storage (a feed may carry it too)

    @property
    def json(self) -> bool:
        """Stored as a JSON text column."""
        return self.type in (list, dict)

    @property
    def column_type(self) -> type:
        """The sqlite-utils column type."""
        return str if self.json else self.type


# The one definition of a listing: the Scrapy item's fields (crawling.items), the database columns
# (store.database), the feed validation (normalize_listing) and the table of docs/schema.md all come from it.
LISTING_FIELDS = (
    Field("source", str, required=True),
    Field("role", str, required=True),
    Field("item_id", str, required=True),
    Field("url", str),
    Field("title", str, required=True),
    Field("price", float, required=True),
    Field("currency", str),
    Field("price_tiers", list),
    Field("moq", int),
    Field("shipping_fee", float),
    Field("seller", str),
    Field("location", str),
    Field("badges", list),
    Field("sales", int),
    Field("category", str),
    Field("attributes", dict),
    Field("image_urls", list),
    Field("image_phash", str),
    Field("crawled_at", str),
    Field("images", list, pipeline=True),
    Field("image_hashes", list, pipeline=True),
    Field("price_max", float),
)
FIELDS = tuple(f.name for f in LISTING_FIELDS if not f.pipeline)
REQUIRED = tuple(f.name for f in LISTING_FIELDS if f.required)
# Fields that pipelines add on the way to storage; feeds may carry them too.
PIPELINE_FIELDS = tuple(f.name for f in LISTING_FIELDS if f.pipeline)

_HEX16 = re.compile(r"^[0-9a-f]{16}$")
_IMAGE_SCHEMES = ("http://", "https://", "file://")


class InvalidListing(ValueError):
    """A listing that cannot be stored; the message says why."""


def listing_id(source: str, item_id: str) -> str:
    """The id of a listing across sites: ``"{source}:{item_id}"``."""
    return f"{source}:{item_id}"


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _number(value: Any, field: str) -> float | None:
    if value is None or value == "":
        return None
    number = parse_price(value) if isinstance(value, str) else value
    if number is None:
        return None
    if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
        raise InvalidListing(f"{field} is not a number: {value!r}")
    if number < 0:
        raise InvalidListing(f"{field} is negative: {value!r}")
    return float(number)


def _int(value: Any, field: str, default: int | None) -> int | None:
    if value is None or value == "":
        return default
    try:
        number = int(float(str(value).rstrip("+").replace(",", "")))
    except ValueError as exc:
        raise InvalidListing(f"{field} is not a whole number: {value!r}") from exc
    if number < 0:
        raise InvalidListing(f"{field} is negative: {value!r}")
    return number


def _tiers(value: Any) -> list[dict[str, float | int]]:
    if not value:
        return []
    if not isinstance(value, list):
        raise InvalidListing(f"price_tiers is not a list: {value!r}")
    tiers = []
    for tier in value:
        if not isinstance(tier, Mapping) or "price" not in tier:
            raise InvalidListing(f"price tier without a price: {tier!r}")
        price = _number(tier["price"], "tier price")
        if price is None:
            continue
        tiers.append({"min_qty": _int(tier.get("min_qty"), "tier min_qty", 1) or 1, "price": price})
    return sorted(tiers, key=lambda t: t["min_qty"])


def _strings(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise InvalidListing(f"{field} is not a list: {value!r}")
    out: list[str] = []
    for entry in value:
        text = _text(entry)
        if text and text not in out:
            out.append(text)
    return out


def _image_urls(value: Any) -> list[str]:
    urls = []
    for url in _strings(value, "image_urls"):
        if url.startswith("//"):
            url = "https:" + url
        if url.startswith(_IMAGE_SCHEMES):
            urls.append(url)
    return urls


def _attributes(value: Any) -> dict[str, str]:
    if not value:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidListing(f"attributes is not an object: {value!r}")
    return {str(k).strip(): _text(v) or "" for k, v in value.items() if str(k).strip()}


def _phash(value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    if not _HEX16.match(text):
        raise InvalidListing(f"image_phash is not 16 hex digits: {value!r}")
    return text


def _price_max(raw: Mapping[str, Any], price: float) -> float | None:
    """The top of a price range: ``price_max`` when given, else the high end of a range text ("¥8.8-12.5")."""
    top = _number(raw.get("price_max"), "price_max")
    if top is None and isinstance(raw.get("price"), str):
        top = parse_price_range(raw["price"])[1]
    return top if top is not None and top > price else None


def normalize_listing(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check a listing against the schema and return it with every field in its canonical type.

    Raises InvalidListing with the reason when a required field is missing or a value is unusable.
    Unknown keys are dropped; pipeline fields (images, image_hashes) are kept as they are.
    """
    if not isinstance(raw, Mapping):
        raise InvalidListing(f"a listing is a JSON object, not {type(raw).__name__}")
    missing = [f for f in REQUIRED if raw.get(f) in (None, "", [])]
    if missing:
        raise InvalidListing("missing " + ", ".join(missing))
    role = str(raw["role"]).strip().lower()
    if role not in ROLES:
        raise InvalidListing(f"role must be retail or factory, not {raw['role']!r}")
    tiers = _tiers(raw.get("price_tiers"))
    price = _number(raw["price"], "price")
    if price is None:
        if not tiers:
            raise InvalidListing(f"no price: {raw['price']!r}")
        price = tiers[0]["price"]
    listing = {
        "source": _text(raw["source"]),
        "role": role,
        "item_id": _text(raw["item_id"]),
        "url": _text(raw.get("url")),
        "title": _text(raw["title"]),
        "price": price,
        "currency": (_text(raw.get("currency")) or "CNY").upper(),
        "price_tiers": tiers,
        "moq": _int(raw.get("moq"), "moq", 1) or 1,
        "shipping_fee": _number(raw.get("shipping_fee"), "shipping_fee"),
        "seller": _text(raw.get("seller")),
        "location": _text(raw.get("location")),
        "badges": _strings(raw.get("badges"), "badges"),
        "sales": _int(raw.get("sales"), "sales", None),
        "category": _text(raw.get("category")),
        "attributes": _attributes(raw.get("attributes")),
        "image_urls": _image_urls(raw.get("image_urls")),
        "image_phash": _phash(raw.get("image_phash")),
        "crawled_at": _text(raw.get("crawled_at")) or now_iso(),
        "price_max": _price_max(raw, price),
    }
    for field in PIPELINE_FIELDS:
        if raw.get(field) is not None:
            listing[field] = raw[field]
    return listing


def tier_price(price: float, tiers: list[dict[str, float | int]], qty: int) -> float:
    """The unit price for buying ``qty`` pieces: the tier with the largest min_qty <= qty."""
    eligible = [t for t in tiers if t["min_qty"] <= qty]
    if not eligible:
        return price
    return float(max(eligible, key=lambda t: t["min_qty"])["price"])
