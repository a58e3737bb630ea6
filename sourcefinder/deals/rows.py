"""One matched pair read from the database, turned into a deal row: the exported columns plus sort keys."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sourcefinder.deals.pricing import Deal, Span, price_pair

# Columns a row carries beside the exported ones: for sorting, filtering, the report and the browser.
INTERNAL_COLUMNS = (
    "category",
    "factory_city",
    "retail_image",
    "factory_image",
    "known",
    "saving_least",
    "markup_least",
    "landed_most",
    "outlay_most",
)


# The columns of each listing a pair carries, as ``r_<column>`` (retail) and ``f_<column>`` (factory).
LISTING_COLUMNS = (
    "title price price_max shipping_fee url category image_urls price_tiers moq badges seller location"
).split()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value) if value else []
        except json.JSONDecodeError:
            return [value]
    return [str(v) for v in value or []]


def _first(value: Any) -> str | None:
    values = _strings(value)
    return values[0] if values else None


def city_of(location: str | None) -> str | None:
    """The ship-from city of a location: its last word ("江苏 南通" -> "南通")."""
    words = (location or "").split()
    return words[-1] if words else None


def evidence_text(pair: Mapping[str, Any]) -> str:
    """Why the pair matched, in one line: photo distance, title similarity, agreeing and conflicting facts."""
    parts = []
    if pair.get("image_distance") is not None:
        parts.append(f"photo distance {int(pair['image_distance'])}")
    if pair.get("title_similarity") is not None:
        parts.append(f"titles {float(pair['title_similarity']):.2f}")
    agreeing, conflicting = _strings(pair.get("agreeing")), _strings(pair.get("conflicting"))
    if agreeing:
        parts.append("agree: " + ", ".join(agreeing))
    if conflicting:
        parts.append("conflict: " + ", ".join(conflicting))
    return "; ".join(parts)


def _value(span: Span | None, decimals: int = 2) -> float | str | None:
    return None if span is None else span.value(decimals)


def _low(span: Span | None) -> float | None:
    return None if span is None else span.low


def figures(deal: Deal) -> dict[str, Any]:
    """The deal's figures as column values (a range as text ``low–high``, unknown as None)."""
    return {
        "retail_price": deal.retail_price.value(),
        "retail_shipping": deal.retail_shipping,
        "retail_shipping_known": deal.retail_shipping is not None,
        "retail_landed": _value(deal.retail_landed),
        "buy_mode": deal.buy_mode,
        "buy_quantity": deal.buy_quantity,
        "unit_price": deal.unit_price.value(),
        "shipping_fee": deal.shipping_fee,
        "shipping_known": deal.shipping_fee is not None,
        "landed_cost": _value(deal.landed_cost),
        "outlay": deal.outlay.value(),
        "saving": _value(deal.saving),
        "markup_pct": _value(deal.markup_pct, 1),
        "known": deal.known,
        # Ranges sort and filter by their least favourable end: a deal never looks better than it may be.
        "saving_least": _low(deal.saving),
        "markup_least": _low(deal.markup_pct),
        "landed_most": None if deal.landed_cost is None else deal.landed_cost.high,
        "outlay_most": deal.outlay.high,
    }


def deal_row(pair: Mapping[str, Any]) -> dict[str, Any]:
    """A deal row from one joined pair (``r_*`` retail and ``f_*`` factory listing columns, match columns)."""
    retail = {column: pair.get("r_" + column) for column in LISTING_COLUMNS}
    factory = {column: pair.get("f_" + column) for column in LISTING_COLUMNS}
    return {
        "retail_id": pair["retail_id"],
        "retail_title": retail["title"],
        "factory_id": pair["factory_id"],
        "factory_title": factory["title"],
        **figures(price_pair(retail, factory)),
        "confidence": round(float(pair["confidence"]), 3),
        "evidence": evidence_text(pair),
        "factory_seller": factory.get("seller"),
        "factory_location": factory.get("location"),
        "factory_badges": "; ".join(_strings(factory.get("badges"))),
        "retail_url": retail.get("url"),
        "factory_url": factory.get("url"),
        "found_at": pair.get("found_at"),
        "category": retail.get("category") or factory.get("category"),
        "factory_city": city_of(factory.get("location")),
        "retail_image": _first(retail.get("image_urls")),
        "factory_image": _first(factory.get("image_urls")),
    }
