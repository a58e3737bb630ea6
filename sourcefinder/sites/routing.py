"""Which kind of page a response is: by the URL the spiders fetch, else by markers in its content.

``page_kind`` is the one place that routes pages to parsers: ``parse_page`` (and ``sourcefinder parse``)
and the site spiders all ask it. A spider name ("retail"/"taobao"/"tmall" or "factory"/"1688"/"alibaba"
in it) narrows the content guess to that side's kinds.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit


class PageKind(StrEnum):
    """The kinds of page and API body the site parsers read."""

    OFFER = "offer"  # 1688 PC offer page (window.context)
    MOBILE_OFFER = "mobile_offer"  # m.1688.com offer page (window.__INIT_DATA)
    SKU_GATEWAY = "sku_gateway"  # 1688 mtop SKU gateway body
    FACTORY_SEARCH = "factory_search"  # 1688 search results body
    RETAIL_SEARCH = "retail_search"  # Taobao search page (g_page_config) or mtop itemsArray
    RETAIL_ITEM = "retail_item"  # Taobao/Tmall item page (_DATA_Detail, _DATA_Mdskip)


FACTORY_KINDS = frozenset(
    {PageKind.OFFER, PageKind.MOBILE_OFFER, PageKind.SKU_GATEWAY, PageKind.FACTORY_SEARCH}
)
RETAIL_KINDS = frozenset({PageKind.RETAIL_SEARCH, PageKind.RETAIL_ITEM})

# (marker in the content, kind), most specific first.
_CONTENT_MARKERS: tuple[tuple[str, PageKind], ...] = (
    ("window.contextPath", PageKind.OFFER),
    ('"productTitle"', PageKind.OFFER),
    ("_DATA_Detail", PageKind.RETAIL_ITEM),
    ('"skuCore"', PageKind.RETAIL_ITEM),
    ("g_page_config", PageKind.RETAIL_SEARCH),
    ('"auctions"', PageKind.RETAIL_SEARCH),
    ('"itemsArray"', PageKind.RETAIL_SEARCH),
    ("__INIT_DATA", PageKind.MOBILE_OFFER),
    ('"globalData"', PageKind.MOBILE_OFFER),
    ('"skuModel"', PageKind.SKU_GATEWAY),
    ('"quantity_prices"', PageKind.FACTORY_SEARCH),
    ('"offerList"', PageKind.FACTORY_SEARCH),
    ('"OFFER"', PageKind.FACTORY_SEARCH),
)
# (host suffix, path fragment, kind) for the URLs the spiders fetch.
_URL_RULES: tuple[tuple[str, str, PageKind], ...] = (
    ("detail.1688.com", "/offer/", PageKind.OFFER),
    ("m.1688.com", "/offer/", PageKind.MOBILE_OFFER),
    ("s.1688.com", "", PageKind.FACTORY_SEARCH),
    ("s.taobao.com", "", PageKind.RETAIL_SEARCH),
    ("detail.tmall.com", "", PageKind.RETAIL_ITEM),
    ("item.taobao.com", "", PageKind.RETAIL_ITEM),
)
_GATEWAY_PATH = "mtop.mbox.fc.common.gateway"
# Words of spider names (the CLI's --spider factory|retail, or a site name) -> the kinds they allow.
_FACTORY_WORDS = ("factory", "1688", "alibaba")
_SPIDER_WORDS = (
    (("retail", "taobao", "tmall"), RETAIL_KINDS),
    (_FACTORY_WORDS, FACTORY_KINDS),
)


def kind_by_url(url: str | None) -> PageKind | None:
    """The kind of page a 1688/Taobao/Tmall URL serves; None for other URLs."""
    parts = urlsplit(url or "")
    host = parts.hostname or ""
    for suffix, fragment, kind in _URL_RULES:
        if host.endswith(suffix) and fragment in parts.path:
            return kind
    return PageKind.SKU_GATEWAY if _GATEWAY_PATH in parts.path else None


def kind_by_content(text: str, spider: str | None = None) -> PageKind | None:
    """The kind whose marker the text holds first, among those the spider's side allows."""
    name = (spider or "").lower()
    allowed = next((kinds for words, kinds in _SPIDER_WORDS if any(w in name for w in words)), None)
    for marker, kind in _CONTENT_MARKERS:
        if marker in text and (allowed is None or kind in allowed):
            return kind
    return None


def page_kind(text: str | bytes, url: str | None = None, spider: str | None = None) -> PageKind | None:
    """The kind of a page or API body: by its URL, else by its content; None when neither says."""
    by_url = kind_by_url(url)
    if by_url is not None:
        return by_url
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return kind_by_content(text, spider)


def is_factory_spider(spider: str | None) -> bool:
    """Whether a spider name is of the factory side (so a schema.org page holds factory listings)."""
    return any(word in (spider or "").lower() for word in _FACTORY_WORDS)
