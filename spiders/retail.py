"""The retail spider: Taobao-style search pages (g_page_config) and their item pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from sourcefinder.sites import PageKind, page_kind, taobao
from sourcefinder.sites.jsdata import PageDataError
from spiders.base import ListingSpider


def page_url(url: str, offset: int) -> str:
    """The search URL for the page that starts at result ``offset`` (Taobao's ``s=`` parameter)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "s"]
    query.append(("s", str(offset)))
    return urlunsplit(parts._replace(query=urlencode(query)))


class RetailSpider(ListingSpider):
    """Crawl retail search results. ``-a start_url=`` a search URL (or ``-a q=`` words for s.taobao.com);
    ``-a items=0`` keeps the search hits without visiting each item page."""

    name = "retail"
    default_source = "taobao"
    start_hint = "Give the retail spider a search page: -a start_url=URL or -a q=WORDS"

    def __init__(self, q: str = "", items: str | int = "1", **kwargs: Any):
        super().__init__(**kwargs)
        if q and not self.start_urls:
            self.start_urls = ["https://s.taobao.com/search?" + urlencode({"q": q})]
        self.follow_items = str(items).strip().lower() not in ("0", "false", "no")

    def parse(self, response: Response) -> Iterator[Any]:
        if page_kind(response.body, response.url, self.name) is PageKind.RETAIL_ITEM:
            yield from self.parse_item(response)
            return
        if not self.take_page():
            return
        try:
            page = taobao.parse_search_page(response.text, response.url, source=self.source)
        except PageDataError as error:
            self.page_error(response, error)
            return
        for hit in page.listings:
            if self.follow_items and hit.get("url"):
                yield response.follow(
                    hit["url"], self.parse_item, cb_kwargs={"hit": hit}, errback=self.keep_hit
                )
            else:
                yield self.listing(hit)
        if page.page_count and page.page < page.page_count and page.listings:
            yield scrapy.Request(page_url(response.url, page.page * page.page_size), callback=self.parse)

    def parse_item(self, response: Response, hit: dict[str, Any] | None = None) -> Iterator[Any]:
        yield from self.page_listing(response, taobao.parse_item_page, hit)
