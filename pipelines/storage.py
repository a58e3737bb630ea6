"""Storage: upsert listings into SQLite, record price changes, and record the crawl run with its counts."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider, signals
from scrapy.crawler import Crawler

from sourcefinder.store import database as store

# Run-table columns and the crawl stats they are read from.
RUN_COUNTS = {
    "items_stored": "sourcefinder/items_stored",
    "items_new": "sourcefinder/items_new",
    "items_updated": "sourcefinder/items_updated",
    "prices_changed": "sourcefinder/prices_changed",
    "items_dropped": "item_dropped_count",
    "pages_blocked": "sourcefinder/pages_blocked",
    "image_errors": "sourcefinder/image_errors",
    "errors": "log_count/ERROR",
    "pages_fetched": "sourcefinder/pages_fetched",
    "requests_resumed": "sourcefinder/requests_resumed",
    "images_downloaded": "file_status_count/downloaded",
    "images_hashed": "sourcefinder/images_hashed",
}


def failed_requests_message(stats: dict[str, Any]) -> str | None:
    """What a run that stored nothing because its requests failed (site down, no network) should say."""
    failed = stats.get("downloader/exception_count", 0)
    if stats.get("sourcefinder/items_stored", 0) or not failed:
        return None
    prefix = "downloader/exception_type_count/"
    kinds = sorted((n, key.removeprefix(prefix)) for key, n in stats.items() if key.startswith(prefix))
    cause = kinds[-1][1].rsplit(".", 1)[-1] if kinds else "download error"
    return f"no listing stored: {failed} requests failed ({cause}); is the site reachable? See the crawl log"


class SQLitePipeline:
    """Write every listing to the database at SOURCEFINDER_DB, one transaction per listing."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("SOURCEFINDER_DB") or store.default_db_path()
        self.db = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SQLitePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.db = store.open_db(self.path)
        self.run_id = store.start_run(self.db, self.crawler.spider.name)
        self.crawler.stats.set_value("sourcefinder/run_id", self.run_id)

    def process_item(self, item: Any) -> Any:
        saved = store.save_listing(self.db, ItemAdapter(item).asdict())
        stats = self.crawler.stats
        stats.inc_value("sourcefinder/items_stored")
        stats.inc_value("sourcefinder/items_new" if saved.new else "sourcefinder/items_updated")
        if saved.price_changed:
            stats.inc_value("sourcefinder/prices_changed")
        return item

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Record the run's end with its counts (after the pipelines closed, so every count is final)."""
        if self.db is None:
            return
        stats = self.crawler.stats
        counts = {column: stats.get_value(key, 0) for column, key in RUN_COUNTS.items()}
        message = stats.get_value("sourcefinder/blocked_message") or failed_requests_message(
            stats.get_stats()
        )
        store.finish_run(self.db, self.run_id, reason, {**counts, "message": message})
        self.db.close()
