"""Site parsers: pure functions from a page or API body to listings (schema dicts); no Scrapy inside.

``parse_page`` reads any supported page with the parser ``routing.page_kind`` picks (from the URL, the spider
name or the content); it backs ``sourcefinder parse``. The spiders route their responses by ``page_kind`` too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sourcefinder.sites import alibaba, schemaorg, taobao
from sourcefinder.sites.common import new_listing
from sourcefinder.sites.jsdata import PageDataError
from sourcefinder.sites.routing import PageKind, is_factory_spider, page_kind
from sourcefinder.sites.walls import detect_wall

__all__ = ["PageDataError", "PageKind", "WallError", "page_kind", "parse_page"]

Parser = Callable[[str, str | None], list[dict[str, Any]]]


class WallError(Exception):
    """The response is an anti-bot or login wall, not the page asked for."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _offer(text: str, url: str | None) -> list[dict[str, Any]]:
    return [alibaba.parse_offer_page(text, url)]


def _mobile(text: str, url: str | None) -> list[dict[str, Any]]:
    return [alibaba.parse_mobile_init_data(text, url)]


def _gateway(text: str, url: str | None) -> list[dict[str, Any]]:
    fields = alibaba.parse_sku_gateway(text)
    return [new_listing("1688", "factory", url=alibaba.offer_url(fields["item_id"]), **fields)]


def _alibaba_search(text: str, url: str | None) -> list[dict[str, Any]]:
    return alibaba.parse_search_results(text, url)


def _taobao_search(text: str, url: str | None) -> list[dict[str, Any]]:
    return taobao.parse_search_page(text, url).listings


def _taobao_item(text: str, url: str | None) -> list[dict[str, Any]]:
    return [taobao.parse_item_page(text, url)]


_PARSERS: dict[PageKind, Parser] = {
    PageKind.OFFER: _offer,
    PageKind.MOBILE_OFFER: _mobile,
    PageKind.SKU_GATEWAY: _gateway,
    PageKind.FACTORY_SEARCH: _alibaba_search,
    PageKind.RETAIL_SEARCH: _taobao_search,
    PageKind.RETAIL_ITEM: _taobao_item,
}


def parse_page(text: str | bytes, url: str | None = None, spider: str | None = None) -> list[dict[str, Any]]:
    """Parse any supported page or API body into listings.

    Raises WallError when the response is an anti-bot/login wall and PageDataError when nothing is parsable.
    ``spider`` ("retail"/"taobao"/"tmall" or "factory"/"1688"/"alibaba" in the name) narrows the content guess.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    reason = detect_wall(text, url)
    if reason:
        raise WallError(reason)
    kind = page_kind(text, url, spider)
    if kind is not None:
        return _PARSERS[kind](text, url)
    role = "factory" if is_factory_spider(spider) else "retail"
    listings = schemaorg.parse_product_page(text, url, role=role)
    if not listings:
        raise PageDataError(
            f"no parser recognises this page ({url or 'no URL'}): no known embedded data or schema.org Product"
        )
    return listings
