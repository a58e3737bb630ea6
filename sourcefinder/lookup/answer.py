"""The answer to a lookup: ranked factory sources priced for one buyer (via deals.pricing), with evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sourcefinder.deals import pricing
from sourcefinder.lookup.index_adapter import Hit

NEAREST_SHOWN = 3


@dataclass
class Answer:
    """What a lookup found: how the target was read, the sources best first, and a one-line summary."""

    kind: str  # url, stored, share, title, photo, screenshot
    query: dict[str, Any]
    results: list[dict[str, Any]] = field(default_factory=list)
    same_item_found: bool = False
    message: str = ""

    def as_json(self) -> dict[str, Any]:
        """The JSON of the API and of ``lookup --json``."""
        return asdict(self)


def shipping_words(fee: float | None) -> str:
    """known, free or unknown."""
    if fee is None:
        return "unknown"
    return "free" if fee == 0 else "known"


def city_of(location: str | None) -> str:
    """The ship-from city of a "province city" location."""
    return (location or "").split()[-1] if (location or "").strip() else ""


def _value(span: pricing.Span | None) -> float | str | None:
    return None if span is None else span.value()


def priced(factory: dict[str, Any], retail: dict[str, Any] | None) -> dict[str, Any]:
    """One factory listing priced the way a single buyer can buy it (deals.pricing), against ``retail``
    (a price and shipping fee) when known: unit price, quantity, outlay, shipping, landed cost, saving."""
    deal = pricing.price_pair(retail or {"price": 0.0, "shipping_fee": None}, factory)
    known = retail is not None
    return {
        "buy_mode": deal.buy_mode,
        "buy_quantity": deal.buy_quantity,
        "factory_price": _value(deal.unit_price),
        "moq": int(factory.get("moq") or 1),
        "outlay": _value(deal.outlay),
        "shipping": shipping_words(deal.shipping_fee),
        "shipping_fee": deal.shipping_fee,
        "landed_cost": _value(deal.landed_cost),
        "retail_price": _value(deal.retail_price) if known else None,
        "retail_shipping": deal.retail_shipping if known else None,
        "retail_landed": _value(deal.retail_landed) if known else None,
        "saving": _value(deal.saving) if known else None,
        "markup_pct": _value(deal.markup_pct) if known else None,
    }


def why(hit: Hit) -> str:
    """The evidence in one line: photo distance, title similarity, shared words and units, conflicts."""
    parts = []
    if hit.image_distance is not None:
        parts.append(f"photo {hit.image_distance}/64 bits apart")
    parts.append(f"title {hit.title_similarity:.0f}% alike")
    if hit.agreeing:
        parts.append(
            "agree: "
            + ", ".join(a for a in hit.agreeing if not a.startswith(("same photo", "similar photo")))
        )
    if hit.conflicting:
        parts.append("conflict: " + ", ".join(hit.conflicting))
    return "; ".join(p for p in parts if not p.endswith(": "))


def result_row(hit: Hit, factory: dict[str, Any], retail: dict[str, Any] | None) -> dict[str, Any]:
    """One ranked source as the API gives it."""
    return {
        "factory_id": hit.factory_id,
        "factory_title": factory["title"],
        **priced(factory, retail),
        "currency": factory.get("currency") or "CNY",
        "confidence": hit.confidence,
        "same_item": hit.same_item,
        "badges": list(factory.get("badges") or []),
        "city": city_of(factory.get("location")),
        "seller": factory.get("seller") or "",
        "url": factory.get("url") or "",
        "has_photo": bool(factory.get("image_urls")),
        "evidence": {
            "image_distance": hit.image_distance,
            "title_similarity": hit.title_similarity,
            "agreeing": hit.agreeing,
            "conflicting": hit.conflicting,
        },
        "why": why(hit),
    }


def build_answer(
    kind: str,
    query: dict[str, Any],
    hits: Sequence[Hit],
    factories: dict[str, dict[str, Any]],
    retail: dict[str, Any] | None,
    limit: int,
) -> Answer:
    """Rank the hits into an answer: the same-item sources, else the nearest few marked not the same item."""
    rows = [result_row(h, factories[h.factory_id], retail) for h in hits if h.factory_id in factories]
    same = [r for r in rows if r["same_item"]]
    if same:
        shown = same[:limit]
        message = f"{len(same)} factory source{'s' if len(same) > 1 else ''} of the same item"
    else:
        shown = rows[: min(limit, NEAREST_SHOWN)]
        message = "No factory listing is close enough to be the same item" + (
            f"; the nearest {len(shown)} are shown, marked not the same item" if shown else ""
        )
    return Answer(kind, query, shown, bool(same), message)
