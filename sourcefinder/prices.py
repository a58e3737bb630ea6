"""Prices, fees and counts as Chinese shops write them: "¥8.8", "30元", "¥8.8-12.5", "面议", "1.2万+人付款"."""

from __future__ import annotations

import re

from price_parser import Price

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_RANGE = re.compile(rf"({_NUMBER})\s*(?:元)?\s*[-~～—至到]\s*[¥￥]?\s*({_NUMBER})")
_NUMBERS = re.compile(_NUMBER)
_FREE_SHIPPING = re.compile(r"免运费|免邮|包邮|卖家承担运费|free shipping", re.IGNORECASE)
_CONDITIONAL_FREE = re.compile(r"满\s*\d")
_COUNT = re.compile(rf"({_NUMBER})\s*([万wW千kK亿])?")
_MULTIPLIERS = {
    "万": 10_000,
    "w": 10_000,
    "W": 10_000,
    "千": 1_000,
    "k": 1_000,
    "K": 1_000,
    "亿": 100_000_000,
}

Number = str | float | int | None


def _float(text: str) -> float:
    return float(text.replace(",", ""))


def parse_price_range(text: Number) -> tuple[float | None, float | None]:
    """Return (low, high) of a price or price range; (None, None) when there is no price ("面议")."""
    if text is None or isinstance(text, bool):
        return None, None
    if isinstance(text, int | float):
        return float(text), float(text)
    match = _RANGE.search(text)
    if match:
        low, high = _float(match.group(1)), _float(match.group(2))
        return min(low, high), max(low, high)
    amount = Price.fromstring(text).amount_float
    return amount, amount


def parse_price(text: Number) -> float | None:
    """Return the lowest price a text states, or None when it states none."""
    return parse_price_range(text)[0]


def parse_shipping_fee(text: Number) -> float | None:
    """Return a shipping fee: 0.0 for "包邮"/"免运费", the lowest stated fee for "EMS: 10.00", else None.

    Conditional free shipping ("满99包邮") says nothing about the fee of one piece, so it is None.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text)
    if _FREE_SHIPPING.search(text):
        return None if _CONDITIONAL_FREE.search(text) else 0.0
    fees = [_float(n) for n in _NUMBERS.findall(text)]
    return min(fees) if fees else None


def parse_count(text: Number) -> int | None:
    """Return a sales or stock count: "700+" -> 700, "1881人付款" -> 1881, "1.2万+人付款" -> 12000."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return int(text)
    match = _COUNT.search(text)
    if not match:
        return None
    return round(_float(match.group(1)) * _MULTIPLIERS.get(match.group(2) or "", 1))
