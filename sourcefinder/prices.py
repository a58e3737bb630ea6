"""Prices as Chinese shops write them: "¥8.8", "30元", "¥8.8-12.5", "面议"."""

from __future__ import annotations

import re

from price_parser import Price

_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[-~～至到]\s*[¥￥]?\s*(\d+(?:\.\d+)?)")


def parse_price_range(text: str | float | int | None) -> tuple[float | None, float | None]:
    """Return (low, high) of a price or price range; (None, None) when there is no price ("面议")."""
    if text is None or isinstance(text, bool):
        return None, None
    if isinstance(text, int | float):
        return float(text), float(text)
    match = _RANGE.search(text)
    if match:
        low, high = float(match.group(1)), float(match.group(2))
        return min(low, high), max(low, high)
    amount = Price.fromstring(text).amount_float
    return amount, amount


def parse_price(text: str | float | int | None) -> float | None:
    """Return the lowest price a text states, or None when it states none."""
    return parse_price_range(text)[0]
