"""The Datasette metadata of ``sourcefinder browse``: titles, column descriptions, facets and canned queries."""

from __future__ import annotations

from typing import Any

from sourcefinder.deals.columns import DEAL_COLUMNS_SPEC
from sourcefinder.deals.pricing import ONE_PIECE

BEST_ONE_PIECE_DEALS = f"""
select retail_image as "shop photo", factory_image as "factory photo", retail_title as "shop listing",
       retail_landed as "shop, delivered ¥", factory_title as "factory offer", landed_cost as "factory, delivered ¥",
       saving as "saving ¥", markup_pct as "markup %", factory_location as "ships from", confidence,
       retail_url, factory_url, retail_id, factory_id
from deals
where buy_mode = '{ONE_PIECE}' and cheapest = 1 and saving_least is not null
order by saving_least desc, confidence desc
limit 200
"""
SOURCES_BY_CITY = """
select factory_city as city, count(distinct factory_id) as "factory sources", count(*) as pairs,
       median(markup_least) as "median markup %", group_concat(distinct category) as categories
from deals
where factory_city is not null and factory_city != ''
group by factory_city
order by pairs desc, city
"""
LISTING_COLUMNS = {
    "id": "source:item_id",
    "role": "retail (a shop) or factory (a 1688-style offer)",
    "price": "yuan a piece at the lowest quantity the seller accepts",
    "price_max": "top of a price range; empty for a single price",
    "moq": "minimum order quantity (起批量)",
    "shipping_fee": "per order; empty = unknown, 0 = free (包邮)",
    "location": "ship-from place",
    "badges": "e.g. 实力商家, 超级工厂, 一件代发",
    "image_urls": "the listing's photos (the first shown, from the crawl's local copy)",
}


def browse_metadata(database: str, deals: str, images_dir: str, mount: str) -> dict[str, Any]:
    """Metadata for the store ``database`` and the priced ``deals`` database, photos served from ``mount``."""
    return {
        "title": "sourcefinder: retail listings and their factory sources",
        "description": "Read-only. Prices in yuan; 'delivered' includes shipping. See docs/deals.md.",
        "plugins": {"sourcefinder-photos": {"images_dir": images_dir, "mount": mount}},
        "databases": {
            database: {
                "tables": {
                    "listings": {
                        "description": "Every listing crawled or imported, retail and factory",
                        "facets": ["role", "category", "location", {"array": "badges"}],
                        "columns": LISTING_COLUMNS,
                    },
                    "matches": {"description": "Pairs the matcher found, with its confidence and evidence"},
                    "price_history": {
                        "description": "A row each time a listing's price or shipping fee changed"
                    },
                }
            },
            deals: {
                "description": "Every matched pair priced as a buyer pays (docs/deals.md)",
                "tables": {
                    "deals": {
                        "description": "One row per matched pair; the columns of every export",
                        "facets": ["buy_mode", "category", "factory_city", "shipping_known"],
                        "sort_desc": "saving_least",
                        "columns": {c.name: c.meaning for c in DEAL_COLUMNS_SPEC},
                    }
                },
                "queries": {
                    "best_one_piece_deals": {
                        "title": "Best one-piece deals",
                        "description": "The cheapest one-piece source of each shop listing, biggest saving first",
                        "sql": BEST_ONE_PIECE_DEALS,
                    },
                    "sources_by_city": {
                        "title": "Sources by city",
                        "description": "Factory sources by ship-from city, with the median markup over them",
                        "sql": SOURCES_BY_CITY,
                    },
                },
            },
        },
    }
