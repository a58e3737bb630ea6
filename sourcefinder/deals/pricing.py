"""What a matched pair really costs: how one buys from the factory, for how much in all, against the shop.

Pure functions of two listings (see docs/deals.md). A price is a ``Span`` (low, high): one figure when the
price is known, a range when the listing states a range (¥8.8–12.5) and the matched SKU's own price is not known.
Shipping ``None`` means unknown, never free: every figure that would need it is then ``None`` too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sourcefinder.listing import tier_price

ONE_PIECE = "one_piece"
WHOLESALE = "wholesale"
# Badges of an offer that sells single pieces whatever its minimum order says.
ONE_PIECE_BADGES = ("一件代发", "一件起批")


@dataclass(frozen=True)
class Span:
    """A money amount: ``low == high`` when known to the cent, else the range it lies in."""

    low: float
    high: float

    @classmethod
    def of(cls, low: float, high: float | None = None) -> Span:
        """A span from a price and the top of its range (None or lower: a single price)."""
        top = low if high is None or _missing(high) or high < low else high
        return cls(round(low, 2), round(top, 2))

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def plus(self, amount: float) -> Span:
        return Span(round(self.low + amount, 2), round(self.high + amount, 2))

    def times(self, factor: float) -> Span:
        return Span(round(self.low * factor, 2), round(self.high * factor, 2))

    def minus(self, other: Span) -> Span:
        """Every difference of a value in this span and one in ``other``."""
        return Span(round(self.low - other.high, 2), round(self.high - other.low, 2))

    def markup_over(self, cost: Span) -> Span | None:
        """How much this price is above ``cost``, in percent (None when the cost is not above 0)."""
        if cost.low <= 0:
            return None
        return Span(
            round((self.low / cost.high - 1) * 100, 1),
            round((self.high / cost.low - 1) * 100, 1),
        )

    def value(self, decimals: int = 2) -> float | str:
        """The figure to print: a number, or ``"low–high"`` for a range."""
        return self.low if self.exact else f"{self.low:.{decimals}f}–{self.high:.{decimals}f}"


@dataclass(frozen=True)
class Deal:
    """The figures of one pair (``None``: unknown, because a shipping fee is unknown or there is no saving)."""

    buy_mode: str
    buy_quantity: int
    unit_price: Span
    shipping_fee: float | None
    retail_price: Span
    retail_shipping: float | None
    retail_landed: Span | None
    landed_cost: Span | None
    outlay: Span
    saving: Span | None
    markup_pct: Span | None

    @property
    def known(self) -> bool:
        """Both sides' landed costs are known (the pair ranks before those with an unknown fee)."""
        return self.landed_cost is not None and self.retail_landed is not None


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _fee(value: Any) -> float | None:
    return None if _missing(value) else float(value)


def _list(value: Any) -> list[Any]:
    if isinstance(value, str):
        value = json.loads(value) if value else []
    return list(value or [])


def buy_mode(moq: Any, badges: Any) -> str:
    """``one_piece`` when the minimum order is 1 or a badge says the offer ships single pieces."""
    if int(moq or 1) <= 1 or any(mark in str(badge) for badge in _list(badges) for mark in ONE_PIECE_BADGES):
        return ONE_PIECE
    return WHOLESALE


def buy_quantity(moq: Any, badges: Any = None) -> int:
    """How many pieces a buyer takes: one, or the minimum order for a wholesale purchase."""
    return 1 if buy_mode(moq, badges) == ONE_PIECE else max(1, int(moq or 1))


def unit_price(factory: Mapping[str, Any], quantity: int) -> Span:
    """The factory's price a piece at ``quantity``: its tier price, else its price or stated range."""
    tiers = _list(factory.get("price_tiers"))
    if tiers:
        return Span.of(tier_price(float(factory["price"]), tiers, quantity))
    return Span.of(float(factory["price"]), factory.get("price_max"))


def how_to_buy(factory: Mapping[str, Any]) -> tuple[str, int, Span]:
    """(buy mode, quantity, unit price at that quantity) of a factory listing."""
    mode = buy_mode(factory.get("moq"), factory.get("badges"))
    quantity = buy_quantity(factory.get("moq"), factory.get("badges"))
    return mode, quantity, unit_price(factory, quantity)


def price_pair(retail: Mapping[str, Any], factory: Mapping[str, Any]) -> Deal:
    """Price one pair: landed against landed, the way the buyer can really buy (docs/deals.md)."""
    mode, quantity, unit = how_to_buy(factory)
    shipping, retail_shipping = _fee(factory.get("shipping_fee")), _fee(retail.get("shipping_fee"))
    retail_price = Span.of(float(retail["price"]), retail.get("price_max"))
    retail_landed = None if retail_shipping is None else retail_price.plus(retail_shipping)
    landed = None if shipping is None else unit.plus(shipping / quantity)
    outlay = unit.times(quantity).plus(shipping or 0.0)
    known = landed is not None and retail_landed is not None
    markup = retail_landed.markup_over(landed) if known else None
    saving = retail_landed.minus(landed) if known and mode == ONE_PIECE else None
    return Deal(
        buy_mode=mode,
        buy_quantity=quantity,
        unit_price=unit,
        shipping_fee=shipping,
        retail_price=retail_price,
        retail_shipping=retail_shipping,
        retail_landed=retail_landed,
        landed_cost=landed,
        outlay=outlay,
        saving=saving,
        markup_pct=markup,
    )


def landed_cost(factory: Mapping[str, Any]) -> tuple[float, float | None]:
    """(unit price, landed cost a piece) of a factory listing bought the way it sells; landed None: fee unknown.

    Reads ``price`` (or ``factory_list_price``), ``price_tiers``, ``moq``, ``badges`` and ``shipping_fee``.
    """
    listing = {**factory, "price": factory.get("price", factory.get("factory_list_price"))}
    _, quantity, unit = how_to_buy(listing)
    shipping = _fee(listing.get("shipping_fee"))
    return unit.low, None if shipping is None else unit.plus(shipping / quantity).high
