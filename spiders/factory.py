"""The factory spider: 1688-style offer pages, reached from offer lists, search results or offer URLs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from sourcefinder.sites import PageKind, alibaba, page_kind
from sourcefinder.sites.jsdata import PageDataError
from spiders.base import ListingSpider

OFFER_LINK = re.compile(r"/offer/(\d+)\.html")
NEXT_PAGE = 'a[rel~="next"]::attr(href), a.next::attr(href), a:contains("下一页")::attr(href)'


class FactorySpider(ListingSpider):
    """Crawl factory offers. ``-a start_url=`` an offer list, a search-results JSON body or offer pages."""

    name = "factory"
    default_source = "1688"
    start_hint = "Give the factory spider a start page: -a start_url=URL"

    def parse(self, response: Response) -> Iterator[Any]:
        kind = page_kind(response.body, response.url, self.name)
        if kind is PageKind.OFFER:
            yield from self.parse_offer(response)
        elif kind is PageKind.FACTORY_SEARCH or response.body.lstrip()[:1] in (b"[", b"{"):
            yield from self.parse_search(response)
        else:
            yield from self.parse_offer_list(response)

    def parse_offer(self, response: Response, hit: dict[str, Any] | None = None) -> Iterator[Any]:
        yield from self.page_listing(response, alibaba.parse_offer_page, hit)

    def parse_search(self, response: Response) -> Iterator[Any]:
        try:
            hits = alibaba.parse_search_results(response.text, response.url)
        except PageDataError as error:
            self.page_error(response, error)
            return
        for hit in hits:
            hit["source"] = self.source
            if hit.get("url"):
                yield response.follow(
                    hit["url"], self.parse_offer, cb_kwargs={"hit": hit}, errback=self.keep_hit
                )
            else:
                yield self.listing(hit)

    def parse_offer_list(self, response: Response) -> Iterator[Any]:
        if not self.take_page():
            return
        for href in response.css("a::attr(href)").getall():
            if OFFER_LINK.search(href):
                yield response.follow(href, self.parse_offer)
        next_page = response.css(NEXT_PAGE).get()
        if next_page:
            yield response.follow(next_page, self.parse)
