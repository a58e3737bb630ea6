"""Images: Scrapy's ImagesPipeline downloads a listing's first images (http(s):// or file://) into IMAGES_STORE."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy import Request
from scrapy.pipelines.images import ImagesPipeline

LOCAL_SLOT = "local-files"


class ListingImagesPipeline(ImagesPipeline):
    """ImagesPipeline limited to SOURCEFINDER_MAX_IMAGES per listing, counting the images that failed."""

    def get_media_requests(self, item: Any, info: ImagesPipeline.SpiderInfo) -> list[Request]:
        limit = self.crawler.settings.getint("SOURCEFINDER_MAX_IMAGES")
        requests = super().get_media_requests(item, info)[:limit]
        for request in requests:
            if request.url.startswith("file://"):
                # Local files need no politeness: their own download slot, no delay (see DOWNLOAD_SLOTS).
                request.meta.update(download_slot=LOCAL_SLOT, autothrottle_dont_adjust_delay=True)
        return requests

    def item_completed(self, results: list, item: Any, info: ImagesPipeline.SpiderInfo) -> Any:
        failed = sum(1 for ok, _ in results if not ok)
        if failed:
            self.crawler.stats.inc_value("sourcefinder/image_errors", failed)
        adapter = ItemAdapter(item)
        adapter[self.images_result_field] = [x for ok, x in results if ok]
        return item
