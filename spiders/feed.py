"""The feed spider: listings from a JSON-lines file in the item schema, through the same pipelines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sourcefinder.crawling.feed_import import bad_line_message, parse_line
from sourcefinder.listing import InvalidListing
from spiders.base import ListingSpider


class FeedSpider(ListingSpider):
    """Load ``-a path=FEED.jsonl``; a bad line is logged with its number and skipped, the rest are loaded.

    `sourcefinder import` saves the lines that need no image fetched in bulk and gives this spider the rest."""

    name = "feed"
    custom_settings = {"ROBOTSTXT_OBEY": False}

    def __init__(self, path: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.path = Path(path)

    async def start(self) -> Any:
        if not self.path.is_file():
            self.logger.error("No feed file at %s", self.path)
            return
        with self.path.open(encoding="utf-8-sig", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    yield self.listing(parse_line(line))
                except InvalidListing as exc:
                    self.crawler.stats.inc_value("sourcefinder/feed_bad_lines")
                    self.logger.warning(bad_line_message(self.path, number, exc))
