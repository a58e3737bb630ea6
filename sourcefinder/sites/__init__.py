"""Site parsers: pure functions from a page or API body to listings (schema dicts); no Scrapy inside.

``parse_page`` picks the parser from the URL, the spider name or the content; it backs ``sourcefinder parse``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from sourcefinder.sites import alibaba, schemaorg, taobao
from sourcefinder.sites.common import new_listing
from sourcefinder.sites.jsdata import PageDataError
from sourcefinder.sites.walls import detect_wall

__all__ = ["PageDataError", "WallError", "parse_page"]

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


# (marker in the content, parser), most specific first.
_CONTENT_MARKERS: tuple[tuple[str, Parser], ...] = (
    ("window.contextPath", _offer),
    ('"productTitle"', _offer),
    ("_DATA_Detail", _taobao_item),
    ('"skuCore"', _taobao_item),
    ("g_page_config", _taobao_search),
    ('"auctions"', _taobao_search),
    ('"itemsArray"', _taobao_search),
    ("__INIT_DATA", _mobile),
    ('"globalData"', _mobile),
    ('"skuModel"', _gateway),
    ('"quantity_prices"', _alibaba_search),
    ('"offerList"', _alibaba_search),
    ('"OFFER"', _alibaba_search),
)
# (host suffix, path fragment, parser) for the URLs the spiders fetch.
_URL_RULES: tuple[tuple[str, str, Parser], ...] = (
    ("detail.1688.com", "/offer/", _offer),
    ("m.1688.com", "/offer/", _mobile),
    ("s.1688.com", "", _alibaba_search),
    ("s.taobao.com", "", _taobao_search),
    ("detail.tmall.com", "", _taobao_item),
    ("item.taobao.com", "", _taobao_item),
)


def _by_url(url: str | None) -> Parser | None:
    parts = urlsplit(url or "")
    host = parts.hostname or ""
    for suffix, fragment, parser in _URL_RULES:
        if host.endswith(suffix) and fragment in parts.path:
            return parser
    if "mtop.mbox.fc.common.gateway" in parts.path:
        return _gateway
    return None


_TAOBAO_PARSERS = frozenset({_taobao_item, _taobao_search})
_ALIBABA_PARSERS = frozenset({_offer, _mobile, _gateway, _alibaba_search})
# Words of spider names (the CLI's --spider factory|retail, or a site name) -> the parsers they allow.
_FACTORY_WORDS = ("factory", "1688", "alibaba")
_SPIDER_WORDS = (
    (("retail", "taobao", "tmall"), _TAOBAO_PARSERS),
    (_FACTORY_WORDS, _ALIBABA_PARSERS),
)


def _by_content(text: str, spider: str | None) -> Parser | None:
    name = (spider or "").lower()
    allowed = next((parsers for words, parsers in _SPIDER_WORDS if any(w in name for w in words)), None)
    for marker, parser in _CONTENT_MARKERS:
        if marker in text and (allowed is None or parser in allowed):
            return parser
    return None


def _is_factory(spider: str | None) -> bool:
    return any(word in (spider or "").lower() for word in _FACTORY_WORDS)


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
    parser = _by_url(url) or _by_content(text, spider)
    if parser is not None:
        return parser(text, url)
    listings = schemaorg.parse_product_page(text, url, role="factory" if _is_factory(spider) else "retail")
    if not listings:
        raise PageDataError(
            f"no parser recognises this page ({url or 'no URL'}): no known embedded data or schema.org Product"
        )
    return listings
