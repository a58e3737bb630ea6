"""Hashing: perceptual hashes of each downloaded image, computed in worker threads off the event loop."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.utils.asyncio import run_in_thread

from pipelines.images import IMAGES_STORE, describe, image_skipped
from sourcefinder.match.image_hashes import ImageError, compute_hashes

logger = logging.getLogger(__name__)

# Default of the setting this pipeline reads (sourcefinder.settings repeats it).
HASH_THREADS = 2  # SOURCEFINDER_HASH_THREADS: images hashed at once, in worker threads


class HashingPipeline:
    """Add ``image_hashes`` (every hash of every stored image) and ``image_phash`` (the main image's phash)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store = Path(crawler.settings.get("IMAGES_STORE") or IMAGES_STORE)
        threads = crawler.settings.getint("SOURCEFINDER_HASH_THREADS", HASH_THREADS)
        self.slots = asyncio.Semaphore(max(1, threads))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HashingPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        hashes = []
        for image in adapter.get("images") or []:
            result = await self._hash(item, self.store / image["path"], image["url"])
            if result is not None:
                hashes.append({"url": image["url"], **result})
        if hashes:
            adapter["image_hashes"] = hashes
            adapter["image_phash"] = adapter.get("image_phash") or hashes[0]["phash"]
        return item

    async def _hash(self, item: Any, path: Path, url: str) -> dict[str, str] | None:
        """The hashes of one stored image; None (one warning line, counted) when it cannot be hashed."""
        async with self.slots:
            try:
                return await run_in_thread(compute_hashes, path)
            except ImageError as exc:
                self.crawler.stats.inc_value("sourcefinder/image_errors")
                logger.warning(image_skipped(describe(item), url, f"not hashed: {exc}"))
                return None
