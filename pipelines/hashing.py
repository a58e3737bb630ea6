"""Hashing: perceptual hashes of each downloaded image, computed in worker threads off the event loop."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.utils.asyncio import run_in_thread

from pipelines.images import IMAGES_STORE, describe, image_skipped
from sourcefinder.listing import listing_id
from sourcefinder.match.image_hashes import HASHES, ImageError, compute_hashes
from sourcefinder.store import database

logger = logging.getLogger(__name__)

# Default of the setting this pipeline reads (sourcefinder.settings repeats it).
HASH_THREADS = 2  # SOURCEFINDER_HASH_THREADS: images hashed at once, in worker threads


def main_photo_windows(role: str | None) -> str:
    """The windows hashed of a listing's main photo: a factory's crops, a retail listing's parts."""
    return "crops" if role == "factory" else "parts"


def is_current(stored: dict[str, Any], windows: str | None) -> bool:
    """Do hashes stored by an earlier crawl hold everything this version computes (the colour code since issue
    14, and the windows of a main photo)? Older ones are computed again, not reused."""
    wanted = {*HASHES, "colour", *([f"phash_{windows}"] if windows else [])}
    return wanted <= stored.keys()


class HashingPipeline:
    """Add ``image_hashes`` (every hash of every stored image, with the image's URL and checksum) and
    ``image_phash`` (the main image's phash). An image whose URL and checksum the listing's stored hashes
    already carry (a re-crawl of an unchanged picture) is not hashed again, unless those hashes are of an older
    version (``is_current``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store = Path(crawler.settings.get("IMAGES_STORE") or IMAGES_STORE)
        threads = crawler.settings.getint("SOURCEFINDER_HASH_THREADS", HASH_THREADS)
        self.slots = asyncio.Semaphore(max(1, threads))
        self.db_path = crawler.settings.get("SOURCEFINDER_DB") or database.default_db_path()
        self.reader: sqlite3.Connection | None = None  # read-only, opened when first needed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HashingPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        images = adapter.get("images") or []
        known = self._stored_hashes(adapter) if images else {}
        hashes = []
        for position, image in enumerate(images):
            windows = main_photo_windows(adapter.get("role")) if position == 0 else None
            result = known.get((image["url"], image.get("checksum")))
            if result is None or not is_current(result, windows):
                result = await self._hash(item, self.store / image["path"], image["url"], windows)
            else:
                self.crawler.stats.inc_value("sourcefinder/images_hash_reused")
            if result is not None:
                hashes.append({**result, "url": image["url"], "checksum": image.get("checksum")})
        if hashes:
            adapter["image_hashes"] = hashes
            adapter["image_phash"] = adapter.get("image_phash") or hashes[0]["phash"]
        return item

    def close_spider(self) -> None:
        if self.reader is not None:
            self.reader.close()

    def _stored_hashes(self, adapter: ItemAdapter) -> dict[tuple[str, str | None], dict[str, str]]:
        """The hashes the listing's stored row holds, by (image URL, checksum)."""
        if not (adapter.get("source") and adapter.get("item_id")) or not Path(self.db_path).exists():
            return {}
        if self.reader is None:
            self.reader = database.connect_read_only(self.db_path)
        key = listing_id(adapter["source"], adapter["item_id"])
        try:
            row = self.reader.execute("select image_hashes from listings where id = ?", [key]).fetchone()
        except sqlite3.OperationalError:  # no listings table yet
            row = None
        entries = json.loads(row[0]) if row and row[0] else []
        return {(e["url"], e["checksum"]): e for e in entries if e.get("url") and e.get("checksum")}

    async def _hash(self, item: Any, path: Path, url: str, windows: str | None) -> dict[str, str] | None:
        """The hashes of one stored image (with the ``windows`` of compute_hashes); None (one warning line,
        counted) when it cannot be hashed."""
        self.crawler.stats.inc_value("sourcefinder/images_hashed")
        async with self.slots:
            try:
                return await run_in_thread(compute_hashes, path, windows)
            except ImageError as exc:
                self.crawler.stats.inc_value("sourcefinder/image_errors")
                logger.warning(image_skipped(describe(item), url, f"not hashed: {exc}"))
                return None
