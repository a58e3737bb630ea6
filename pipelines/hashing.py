"""Hashing: perceptual hashes of each downloaded image, computed in worker threads off the event loop."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.utils.asyncio import run_in_thread

from sourcefinder.match.image_hashes import ImageError, compute_hashes

logger = logging.getLogger(__name__)


class HashingPipeline:
    """Add ``image_hashes`` (every hash of every stored image) and ``image_phash`` (the main image's phash)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store = Path(crawler.settings["IMAGES_STORE"])
        self.slots = asyncio.Semaphore(crawler.settings.getint("SOURCEFINDER_HASH_THREADS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HashingPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        hashes = []
        for image in adapter.get("images") or []:
            result = await self._hash(self.store / image["path"], image["url"])
            if result is not None:
                hashes.append({"url": image["url"], **result})
        if hashes:
            adapter["image_hashes"] = hashes
            adapter["image_phash"] = adapter.get("image_phash") or hashes[0]["phash"]
        return item

    async def _hash(self, path: Path, url: str) -> dict[str, str] | None:
        async with self.slots:
            try:
                return await run_in_thread(compute_hashes, path)
            except ImageError as exc:
                self.crawler.stats.inc_value("sourcefinder/image_errors")
                logger.warning("Image %s not hashed, listing kept without it: %s", url, exc)
                return None
