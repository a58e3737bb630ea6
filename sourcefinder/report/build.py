"""Gather the report's sections from the deals and the price history, and render the one HTML file."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from sourcefinder.deals.staging import DealFilters, iter_deals
from sourcefinder.export.cells import money_text, percent_text, web_url
from sourcefinder.listing import now_iso
from sourcefinder.report.charts import bar_chart
from sourcefinder.report.images import thumbnail_uri

TEMPLATES = Path(__file__).parents[1] / "resources"
_GROUPS_SQL = """
select {key} as name, count(distinct factory_id) as sources, count(*) as pairs, median(markup_least) as markup
from deals where {key} is not null and {key} != '' and markup_least is not null
group by name order by markup desc, pairs desc limit ?
"""
_DROPS_SQL = """
select l.id, l.title, l.role, l.url, l.price as now_price, max(h.price) as was_price, max(h.seen_at) as seen_at
from price_history h join listings l on l.id = h.listing_id
where l.id in (select retail_id from matches where confidence >= ?)
   or l.id in (select factory_id from matches where confidence >= ?)
group by l.id having count(*) > 1 and max(h.price) > l.price
order by (max(h.price) - l.price) / max(h.price) desc limit ?
"""


@dataclass(frozen=True)
class ReportOptions:
    """What goes into a report: which pairs, how many cards and rows, where the photos are."""

    filters: DealFilters
    images_dir: Path
    cards: int = 12
    rows: int = 15


def top_deals(conn: sqlite3.Connection, options: ReportOptions) -> list[dict[str, Any]]:
    """The best one-piece deal of each retail listing, known savings first, with both photos embedded."""
    filters = DealFilters(**{**options.filters.__dict__, "cheapest_only": True, "one_piece": True})
    cards = []
    for row in iter_deals(conn, DealFilters(**{**filters.__dict__, "limit": options.cards})):
        row["retail_photo"] = thumbnail_uri(row["retail_image"], options.images_dir)
        row["factory_photo"] = thumbnail_uri(row["factory_image"], options.images_dir)
        row["retail_link"], row["factory_link"] = web_url(row["retail_url"]), web_url(row["factory_url"])
        cards.append(row)
    return cards


def groups(conn: sqlite3.Connection, key: str, limit: int) -> list[dict[str, Any]]:
    """Sources, pairs and median markup per category or ship-from city, highest median first."""
    cursor = conn.execute(_GROUPS_SQL.format(key=key), [limit])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def group_chart(rows: list[dict[str, Any]], xlabel: str) -> str | None:
    """A bar chart of the groups' median markups, each bar noted with its count of sources."""
    if not rows:
        return None
    notes = [
        f"{row['markup']:.0f}% · {row['sources']} source{'s' if row['sources'] > 1 else ''}" for row in rows
    ]
    return bar_chart([row["name"] for row in rows], [row["markup"] for row in rows], notes, xlabel)


def price_drops(database: Any, min_confidence: float, limit: int) -> list[dict[str, Any]]:
    """The matched listings whose price fell the most from the highest price seen."""
    drops = []
    for row in database.query(_DROPS_SQL, [min_confidence, min_confidence, limit]):
        row["drop_pct"] = round((row["was_price"] - row["now_price"]) / row["was_price"] * 100, 1)
        row["link"] = web_url(row["url"])
        drops.append(row)
    return drops


def render(context: dict[str, Any]) -> str:
    """The report's HTML from its template, every value escaped (Jinja2 autoescape)."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    environment.filters.update(money=money_text, percent=percent_text)
    return environment.get_template("report.html.j2").render(**context)


def build_report(database: Any, conn: sqlite3.Connection, options: ReportOptions) -> dict[str, Any]:
    """Every section of the report, ready for the template."""
    categories = groups(conn, "category", options.rows)
    cities = groups(conn, "factory_city", options.rows)
    (pairs,) = conn.execute("select count(*) from deals").fetchone()
    return {
        "generated": now_iso(),
        "pairs": pairs,
        "min_confidence": options.filters.min_confidence,
        "cards": top_deals(conn, options),
        "categories": categories,
        "category_chart": group_chart(categories, "median markup over the factory, %"),
        "cities": cities,
        "city_chart": group_chart(cities, "median markup over the factory, %"),
        "drops": price_drops(database, options.filters.min_confidence, options.rows),
    }


def write_report(database: Any, conn: sqlite3.Connection, options: ReportOptions, out: str | Path) -> dict:
    """Write the report to ``out``; return its sections (for the command's summary)."""
    context = build_report(database, conn, options)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(context), encoding="utf-8")
    return context
