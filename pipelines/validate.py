"""Validation: every item is checked against the listing schema; an unusable one is dropped with its reason."""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from sourcefinder.crawling.items import Listing
from sourcefinder.listing import InvalidListing, normalize_listing


class ValidationPipeline:
    """Normalise each item to the schema's types, or drop it (logged by Scrapy with the reason)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        return cls(crawler)

    def process_item(self, item: object) -> Listing:
        data = ItemAdapter(item).asdict()
        try:
            listing = normalize_listing(data)
        except InvalidListing as exc:
            self.crawler.stats.inc_value("sourcefinder/items_invalid")
            where = data.get("url") or f"{data.get('source')}:{data.get('item_id')}"
            raise DropItem(f"Invalid listing {where}: {exc}") from exc
        return Listing(listing)
