"""Images: Scrapy's ImagesPipeline downloads a listing's first images (http(s):// or file://) into IMAGES_STORE.

A picture that cannot be downloaded or read is one warning line naming the listing, the image and why (Scrapy's
own pipeline logs a traceback for a corrupt or non-image file); the listing is kept without it.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from PIL import UnidentifiedImageError
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.pipelines.images import ImagesPipeline
from scrapy.utils.defer import ensure_awaitable
from twisted.python.failure import Failure

from sourcefinder.listing import listing_id

logger = logging.getLogger(__name__)

LOCAL_SLOT = "local-files"
LISTING_META = "sourcefinder_listing"  # request.meta key: the listing an image request is for
# Defaults of the settings this pipeline reads (sourcefinder.settings repeats them).
MAX_IMAGES = 3  # SOURCEFINDER_MAX_IMAGES: images downloaded and hashed per listing
IMAGES_STORE = "data/images"  # IMAGES_STORE: where downloaded images are kept


def describe(item: Any) -> str:
    """The listing an item is, for a log line: its id, else its URL."""
    adapter = ItemAdapter(item)
    if adapter.get("source") and adapter.get("item_id"):
        return listing_id(adapter["source"], adapter["item_id"])
    return str(adapter.get("url") or "a listing without id")


def image_skipped(listing: str, url: str, reason: object) -> str:
    """The one line that reports an image a listing is kept without."""
    return f"Listing {listing}: image {url} skipped: {reason}"


class ListingImagesPipeline(ImagesPipeline):
    """ImagesPipeline limited to SOURCEFINDER_MAX_IMAGES per listing; a failed image is one line and a count."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListingImagesPipeline:
        cls._update_stores(crawler.settings)
        return cls(crawler.settings.get("IMAGES_STORE") or IMAGES_STORE, crawler=crawler)

    def get_media_requests(self, item: Any, info: ImagesPipeline.SpiderInfo) -> list[Request]:
        limit = self.crawler.settings.getint("SOURCEFINDER_MAX_IMAGES", MAX_IMAGES)
        requests = super().get_media_requests(item, info)[:limit]
        for request in requests:
            request.meta[LISTING_META] = describe(item)
            if request.url.startswith("file://"):
                # Local files need no politeness: their own download slot, no delay (see DOWNLOAD_SLOTS).
                request.meta.update(download_slot=LOCAL_SLOT, autothrottle_dont_adjust_delay=True)
        return requests

    async def media_downloaded(
        self, response: Response, request: Request, info: ImagesPipeline.SpiderInfo, *, item: Any = None
    ) -> dict[str, Any] | None:
        # A bad image is returned as None, not raised: MediaPipeline logs every raised error with a traceback.
        if response.status != 200:
            return _give_up(request, f"HTTP status {response.status}")
        if not response.body:
            return _give_up(request, "empty response")
        try:
            path = self.file_path(request, response=response, info=info, item=item)
            checksum = await ensure_awaitable(self.file_downloaded(response, request, info, item=item))
        except Exception as exc:  # PIL and the checks of ImagesPipeline raise many types for a bad picture
            return _give_up(request, _reason(exc))
        status = "cached" if "cached" in response.flags else "downloaded"
        self.inc_stats(status)
        return {"url": request.url, "path": path, "checksum": checksum, "status": status}

    def media_failed(self, failure: Failure, request: Request, info: ImagesPipeline.SpiderInfo) -> None:
        if isinstance(failure.value, IgnoreRequest):
            super().media_failed(failure, request, info)  # filtered requests are not errors
        return _give_up(request, f"download failed: {_reason(failure.value)}")

    def item_completed(self, results: list, item: Any, info: ImagesPipeline.SpiderInfo) -> Any:
        stored = [x for ok, x in results if ok and x]
        if len(stored) < len(results):
            self.crawler.stats.inc_value("sourcefinder/image_errors", len(results) - len(stored))
        adapter = ItemAdapter(item)
        adapter[self.images_result_field] = stored
        return item


def _give_up(request: Request, reason: str) -> None:
    """Log the one line for a bad image; the image is left out (item_completed counts it)."""
    logger.warning(image_skipped(request.meta.get(LISTING_META, "?"), request.url, reason))


def _reason(exc: BaseException) -> str:
    """An exception as a short reason: its message, else its type."""
    if isinstance(exc, UnidentifiedImageError):
        return "not an image (no format PIL can identify)"
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
