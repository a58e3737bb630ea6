"""Deals: each matched pair priced honestly (one piece you can buy, plus shipping) against the retail price."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sourcefinder.listing import tier_price

DEAL_COLUMNS = [
    "retail_id",
    "retail_title",
    "retail_price",
    "retail_shipping",
    "retail_url",
    "factory_id",
    "factory_title",
    "factory_price",
    "factory_url",
    "moq",
    "shipping_fee",
    "landed_cost",
    "markup_pct",
    "saving",
    "confidence",
    "image_distance",
    "title_similarity",
    "agreeing",
    "conflicting",
    "factory_seller",
    "factory_location",
    "factory_badges",
    "cheapest",
]

_PAIRS_SQL = """
select m.retail_id, m.factory_id, m.confidence, m.image_distance, m.title_similarity, m.agreeing,
       m.conflicting,
       r.title as retail_title, r.price as retail_price, r.shipping_fee as retail_shipping, r.url as retail_url,
       f.title as factory_title, f.price as factory_list_price, f.price_tiers, f.moq, f.shipping_fee,
       f.url as factory_url, f.seller as factory_seller, f.location as factory_location,
       f.badges as factory_badges
from matches m
join listings r on r.id = m.retail_id
join listings f on f.id = m.factory_id
where m.confidence >= ?
"""
# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def buy_quantity(moq: int | None) -> int:
    """The quantity a consumer can actually buy: one piece when the MOQ allows, else the MOQ."""
    return max(1, int(moq or 1))


def landed_cost(row: dict[str, Any]) -> tuple[float, float]:
    """(unit price at the buyable quantity, that price plus shipping per piece) for a factory listing."""
    qty = buy_quantity(row.get("moq"))
    tiers = (
        json.loads(row["price_tiers"]) if isinstance(row.get("price_tiers"), str) else row.get("price_tiers")
    )
    unit = tier_price(row["factory_list_price"], tiers or [], qty)
    shipping = row.get("shipping_fee")
    per_piece = (shipping or 0.0) / qty if shipping is not None and not pd.isna(shipping) else 0.0
    return unit, unit + per_piece


def deals_frame(database: Any, min_confidence: float, best_only: bool = False) -> pd.DataFrame:
    """One row per matched pair at or above ``min_confidence``; ``best_only`` keeps the cheapest source."""
    rows = list(database.query(_PAIRS_SQL, [min_confidence]))
    if not rows:
        return pd.DataFrame(columns=DEAL_COLUMNS)
    frame = pd.DataFrame(rows)
    priced = [landed_cost(row) for row in rows]
    frame["factory_price"] = [round(unit, 2) for unit, _ in priced]
    frame["landed_cost"] = [round(cost, 2) for _, cost in priced]
    frame["moq"] = frame["moq"].fillna(1).astype(int)
    frame["saving"] = (frame["retail_price"] - frame["landed_cost"]).round(2)
    frame["markup_pct"] = (frame["saving"] / frame["landed_cost"] * 100).round(1)
    for column in ("agreeing", "conflicting", "factory_badges"):
        frame[column] = frame[column].map(lambda v: "; ".join(json.loads(v)) if isinstance(v, str) else "")
    cheapest = frame.groupby("retail_id")["landed_cost"].transform("min")
    frame["cheapest"] = frame["landed_cost"] == cheapest
    frame = frame.sort_values(["saving", "confidence"], ascending=[False, False], kind="stable")
    if best_only:
        frame = frame[frame["cheapest"]].drop_duplicates("retail_id")
    return frame[DEAL_COLUMNS].reset_index(drop=True)


def neutralise_formula(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a frame as UTF-8 CSV with BOM (Excel reads the Chinese text), formulas neutralised."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    safe.to_csv(path, index=False, encoding="utf-8-sig")
    return path
