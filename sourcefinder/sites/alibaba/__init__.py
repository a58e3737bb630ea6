"""1688 (Alibaba wholesale) parsers: PC offer page, mobile ``__INIT_DATA``, SKU gateway, search result lists.

Every parser returns plain dicts with the schema keys (see sourcefinder.listing) and role "factory":
``offer_page`` reads the PC page, ``mobile`` the m.1688.com data and the SKU gateway, ``search`` the
search hits, all through the fact layers of ``facts``. See docs/sites.md.
"""

from sourcefinder.sites.alibaba.facts import FACTORY_TAGS, offer_id_from_url, offer_url
from sourcefinder.sites.alibaba.mobile import parse_mobile_init_data, parse_sku_gateway
from sourcefinder.sites.alibaba.offer_page import offer_result, parse_offer_page, parse_offer_result
from sourcefinder.sites.alibaba.search import parse_search_results

__all__ = [
    "FACTORY_TAGS",
    "offer_id_from_url",
    "offer_result",
    "offer_url",
    "parse_mobile_init_data",
    "parse_offer_page",
    "parse_offer_result",
    "parse_search_results",
    "parse_sku_gateway",
]
