"""The shop spider: any site with schema.org Product data, found through its sitemaps and links."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider

from sourcefinder.jsdata import PageDataError
from sourcefinder.sites.schemaorg import parse_product_page
from spiders.base import ListingSpider


class ShopSpider(ListingSpider, SitemapSpider):
    """Crawl a shop: ``-a start_url=https://shop.example/`` ``-a role=retail|factory``; product pages are
    discovered from robots.txt ``Sitemap:`` lines and from links, at most ``max_pages`` pages followed."""

    name = "shop"

    def __init__(self, role: str = "retail", **kwargs: Any):
        super().__init__(**kwargs)
        if role not in ("retail", "factory"):
            raise ValueError(f"role must be retail or factory, not {role!r}")
        self.role = role
        roots = {f"{p.scheme}://{p.netloc}" for p in map(urlsplit, self.start_urls)}
        self.sitemap_urls = [f"{root}/robots.txt" for root in sorted(roots)]
        self.allowed_domains = sorted({urlsplit(u).hostname for u in self.start_urls if urlsplit(u).hostname})
        self.links = LinkExtractor(allow_domains=self.allowed_domains, deny_extensions=None)

    async def start(self) -> Any:
        if not self.start_urls:
            self.logger.error("Give the shop spider a site: -a start_url=https://shop.example/")
            return
        async for request in super().start():  # the sitemaps named in robots.txt
            yield request
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Sitemap entries, no more than the page budget."""
        for taken, entry in enumerate(entries):
            if self.max_pages and taken >= self.max_pages:
                return
            yield entry

    def parse(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse) or not self.take_page():
            return
        source = self.source or urlsplit(response.url).hostname
        try:
            products = parse_product_page(response.text, response.url, role=self.role, source=source)
        except PageDataError as error:
            self.page_error(response, error)
            products = []
        for product in products:
            yield self.listing(product)
        for link in self.links.extract_links(response):
            yield response.follow(link.url, self.parse)
