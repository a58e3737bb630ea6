"""What the site spiders share: spider arguments, the page budget, and turning parsed dicts into items."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from sourcefinder.crawling.items import Listing, listing_from_dict
from sourcefinder.sites.jsdata import PageDataError

# Default of the setting the spiders read (sourcefinder.settings repeats it).
MAX_PAGES = 50  # SOURCEFINDER_MAX_PAGES: listing pages a spider follows at most (0 = no limit)


def merge(primary: dict[str, Any], fallback: dict[str, Any] | None) -> dict[str, Any]:
    """``primary`` with its empty fields filled from ``fallback`` (e.g. an offer page over its search hit)."""
    merged = dict(fallback or {})
    merged.update({k: v for k, v in primary.items() if v not in (None, "", [], {})})
    return merged


class ListingSpider(scrapy.Spider):
    """Base of the site spiders: ``-a start_url=URL`` (several, comma-separated), ``-a source=NAME``,
    ``-a max_pages=N`` (listing pages followed at most; default SOURCEFINDER_MAX_PAGES),
    ``-a allowed_domains=a.com,b.com`` (requests elsewhere are dropped by Scrapy's OffsiteMiddleware)."""

    default_source = ""
    start_hint = "Give the spider a start page: -a start_url=URL"
    start_urls_default: tuple[str, ...] = ()

    def __init__(
        self,
        start_url: str = "",
        source: str = "",
        max_pages: str | int = "",
        allowed_domains: str = "",
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        if allowed_domains:
            self.allowed_domains = [d.strip() for d in allowed_domains.split(",") if d.strip()]
        urls = [u.strip() for u in start_url.split(",") if u.strip()]
        self.start_urls = urls or list(self.start_urls_default)
        self.source = source or self.default_source
        self.max_pages_arg = int(max_pages) if str(max_pages).strip() else None
        self.pages_seen = 0

    async def start(self) -> Any:
        if not self.start_urls:
            self.logger.error(self.start_hint)
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse)

    @property
    def max_pages(self) -> int:
        """Listing pages to follow at most (0 = no limit)."""
        if self.max_pages_arg is not None:
            return self.max_pages_arg
        return self.settings.getint("SOURCEFINDER_MAX_PAGES", MAX_PAGES)

    def take_page(self) -> bool:
        """Count one more listing page; False once the page budget is spent."""
        if self.max_pages and self.pages_seen >= self.max_pages:
            return False
        self.pages_seen += 1
        return True

    def listing(self, data: dict[str, Any]) -> Listing:
        """A parser's dict as an item, through the ItemLoader."""
        return listing_from_dict(data)

    def page_listing(
        self, response: Response, parser: Callable[..., dict[str, Any]], hit: dict[str, Any] | None = None
    ) -> Iterator[Listing]:
        """The listing a product page holds, its gaps filled from the search hit that led there; the hit
        alone when the page holds no data."""
        try:
            data = parser(response.text, response.url, source=self.source)
        except PageDataError as error:
            self.page_error(response, error)
            if hit:
                yield self.listing(hit)
            return
        yield self.listing(merge(data, hit))

    def keep_hit(self, failure: Any) -> Iterator[Listing]:
        """Errback: when a listing's own page fails (wall, 404, timeout), keep what its search hit said."""
        hit = failure.request.cb_kwargs.get("hit")
        self.log(
            f"Page failed, keeping the search hit: {failure.request.url} ({failure.value})", logging.WARNING
        )
        if hit:
            yield self.listing(hit)

    def page_error(self, response: Response, error: PageDataError) -> None:
        """Count and log a page that held no usable data."""
        self.crawler.stats.inc_value("sourcefinder/pages_unparsed")
        self.log(f"No listing data in {response.url}: {error}", logging.WARNING)
