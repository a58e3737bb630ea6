"""How one value of a deal is written into a cell: safe from spreadsheets' formulas, links only to the web."""

from __future__ import annotations

import math
from typing import Any

# Spreadsheet programs run a cell that starts with one of these as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WEB_SCHEMES = ("http://", "https://")


def neutralise_formula(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def is_missing(value: Any) -> bool:
    """None or NaN (an unknown figure): written as an empty cell."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def plain(value: Any) -> Any:
    """A value as JSON and CSV write it: None for unknown, true/false as booleans, the rest unchanged."""
    if is_missing(value):
        return None
    if hasattr(value, "item"):  # numpy scalars from a pandas frame
        return value.item()
    return value


def cell_text(value: Any) -> str:
    """A value as text: empty when unknown, ``true``/``false`` for flags, numbers without trailing noise."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{round(value, 3):f}".rstrip("0").rstrip(".")
    return str(value)


def web_url(value: Any) -> str | None:
    """The value when it is an http(s) address (the only kind an export links to), else None."""
    return value if isinstance(value, str) and value.startswith(WEB_SCHEMES) else None


def money_text(value: Any) -> str:
    """A yuan figure to read: 5094 -> "5,094.00"; a range text "8.80–12.50" stays as it is."""
    return f"{value:,.2f}" if isinstance(value, int | float) else str(value)


def percent_text(value: Any) -> str:
    """A markup to read: 73.3 -> "73%"; a range "76.0–150.0" -> "76.0–150.0%"."""
    return f"{value:.0f}%" if isinstance(value, int | float) else f"{value}%"
