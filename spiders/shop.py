"""The shop spider: any site with schema.org Product data, found through its sitemaps and links."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider
from w3lib.url import canonicalize_url

from sourcefinder.sites.jsdata import PageDataError
from sourcefinder.sites.schemaorg import parse_product_page
from spiders.base import ListingSpider


def _same_page(a: str, b: str) -> bool:
    """Whether two URLs are the same page (host and path; query and fragment ignored)."""
    left, right = urlsplit(a), urlsplit(b)
    return (left.hostname, left.path.rstrip("/")) == (right.hostname, right.path.rstrip("/"))


class ShopSpider(ListingSpider, SitemapSpider):
    """Crawl a shop: ``-a start_url=https://shop.example/`` ``-a role=retail|factory``; product pages are
    discovered from robots.txt ``Sitemap:`` lines and from links, at most ``max_pages`` pages requested
    (robots.txt and sitemaps not counted)."""

    name = "shop"

    def __init__(self, role: str = "retail", **kwargs: Any):
        super().__init__(**kwargs)
        if role not in ("retail", "factory"):
            raise ValueError(f"role must be retail or factory, not {role!r}")
        self.role = role
        roots = {f"{p.scheme}://{p.netloc}" for p in map(urlsplit, self.start_urls)}
        self.sitemap_urls = [f"{root}/robots.txt" for root in sorted(roots)]
        if not getattr(self, "allowed_domains", None):  # -a allowed_domains=a.com,b.com wins
            self.allowed_domains = sorted({p.hostname for p in map(urlsplit, self.start_urls) if p.hostname})
        self.links = LinkExtractor()  # want() keeps the links on the shop
        self.queued: set[str] = set()

    def on_site(self, url: str) -> bool:
        """Whether a URL is on the shop (its hosts and their subdomains)."""
        host = urlsplit(url).hostname or ""
        return any(host == domain or host.endswith("." + domain) for domain in self.allowed_domains)

    def want(self, url: str) -> bool:
        """Whether to request a page: on the shop, not asked for yet, and within the page budget."""
        if not self.on_site(url):
            return False
        key = canonicalize_url(url)
        if key in self.queued or (self.max_pages and len(self.queued) >= self.max_pages):
            return False
        self.queued.add(key)
        return True

    async def start(self) -> Any:
        if not self.start_urls:
            self.logger.error("Give the shop spider a site: -a start_url=https://shop.example/")
            return
        async for request in SitemapSpider.start(self):  # robots.txt, for its Sitemap: lines
            yield request
        for url in self.start_urls:
            if self.want(url):
                yield scrapy.Request(url, callback=self.parse)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Every sitemap of an index; of a sitemap's pages, those the budget still allows."""
        if getattr(entries, "type", None) == "sitemapindex":
            yield from entries
            return
        for entry in entries:
            if self.want(entry["loc"]):
                yield entry

    def parse(self, response: Response) -> Iterator[Any]:
        """Listings for the products this page describes; pages it names or links to are followed."""
        if not isinstance(response, TextResponse):
            return
        source = self.source or urlsplit(response.url).hostname
        try:
            products = parse_product_page(response.text, response.url, role=self.role, source=source)
        except PageDataError as error:
            self.page_error(response, error)
            products = []
        for product in products:
            url = product["url"]
            if _same_page(url, response.url) or not self.on_site(url):
                yield self.listing(product)
            elif self.want(url):  # a list page's summary of a product: read it from the product's own page
                yield response.follow(url, self.parse)
        for link in self.links.extract_links(response):
            if self.want(link.url):
                yield response.follow(link.url, self.parse)
