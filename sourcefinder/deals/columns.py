"""The columns of a deal, the same in every view and export, each with its kind and meaning (docs/deals.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One exported column: its name, what kind of value it holds and what it means."""

    name: str
    kind: str  # text, money, percent, count, flag, score, url, time
    meaning: str


DEAL_COLUMNS_SPEC = (
    Column("retail_id", "text", "the retail listing's id, `source:item_id`"),
    Column("retail_title", "text", "the retail listing's title as the shop writes it"),
    Column(
        "retail_price", "money", "the shop's price a piece; a range `low–high` when only the range is known"
    ),
    Column("retail_shipping", "money", "the shop's shipping fee; empty when unknown, 0 when free (包邮)"),
    Column("retail_shipping_known", "flag", "whether the shop's shipping fee is known"),
    Column("retail_landed", "money", "retail price plus the shop's shipping: what one piece costs delivered"),
    Column("factory_id", "text", "the factory offer's id"),
    Column("factory_title", "text", "the factory offer's title"),
    Column("buy_mode", "text", "`one_piece` (minimum order 1, or 一件代发 / 一件起批) or `wholesale`"),
    Column("buy_quantity", "count", "pieces the buyer takes: 1, or the minimum order when wholesale"),
    Column("unit_price", "money", "the factory's price a piece at that quantity (its price tier)"),
    Column(
        "shipping_fee", "money", "the factory's shipping fee for the order; empty when unknown, 0 when free"
    ),
    Column("shipping_known", "flag", "whether the factory's shipping fee is known"),
    Column("landed_cost", "money", "unit price plus the shipping spread over the pieces; empty when unknown"),
    Column(
        "outlay", "money", "what the buyer pays in all for `buy_quantity` pieces, shipping included if known"
    ),
    Column("saving", "money", "retail_landed − landed_cost for one piece; empty when unknown or wholesale"),
    Column("markup_pct", "percent", "how far retail_landed is above landed_cost, in %; empty when unknown"),
    Column("confidence", "score", "the matcher's confidence that both are the same item (0..1)"),
    Column(
        "evidence", "text", "why they match: photo distance, title similarity, agreeing and conflicting facts"
    ),
    Column("factory_seller", "text", "the factory's company or shop"),
    Column("factory_location", "text", "where the factory ships from, e.g. `江苏 南通`"),
    Column(
        "factory_badges", "text", "the offer's badges, `; `-separated (实力商家, 超级工厂, 一件代发, ...)"
    ),
    Column("retail_url", "url", "the retail listing's page"),
    Column("factory_url", "url", "the factory offer's page"),
    Column("found_at", "time", "when the pair was found or either listing last changed (ISO 8601, UTC)"),
)
DEAL_COLUMNS = tuple(column.name for column in DEAL_COLUMNS_SPEC)
MONEY_COLUMNS = tuple(c.name for c in DEAL_COLUMNS_SPEC if c.kind == "money")
