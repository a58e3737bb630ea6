"""1688's mobile data: the m.1688.com page's ``window.__INIT_DATA`` and the mtop SKU gateway body."""

from __future__ import annotations

from typing import Any

from sourcefinder.sites.alibaba.facts import Facts, merge_facts, model_facts, named_values, offer_listing
from sourcefinder.sites.common import dig, first
from sourcefinder.sites.jsdata import PageDataError, find_assignment, load_data

_GATEWAY_FIELDS = ("item_id", "title", "price", "price_tiers", "moq", "sales", "badges")


def _as_data(text_or_obj: Any, what: str, variable: str | None = None) -> Any:
    """The parsed object, from a page assigning ``variable``, a JSON/JSONP body or an object as is."""
    if not isinstance(text_or_obj, str | bytes):
        return text_or_obj
    text = text_or_obj.decode("utf-8", errors="replace") if isinstance(text_or_obj, bytes) else text_or_obj
    found = find_assignment(text, variable) if variable else None
    return found if found is not None else load_data(text, what)


def parse_mobile_init_data(text_or_obj: Any, url: str | None = None, source: str = "1688") -> dict[str, Any]:
    """Parse m.1688.com ``window.__INIT_DATA`` (page text, JSON text or the parsed object)."""
    init = _as_data(text_or_obj, "1688 mobile data", "window.__INIT_DATA")
    if not isinstance(init, dict):
        raise PageDataError("window.__INIT_DATA is not an object")
    components = [dig(c, "data") for c in (init.get("data") or {}).values()]
    components = [c for c in components if isinstance(c, dict)]
    facts = merge_facts(_component_facts(components), model_facts(init.get("globalData") or {}))
    return offer_listing(facts, url, source)


def _component_facts(components: list[dict[str, Any]]) -> Facts:
    return {
        "item_id": first(*(c.get("offerId") for c in components)),
        "images": first(*(c.get("offerImgList") for c in components)),
        "attributes": first(*(named_values(c.get("propsList")) for c in components)),
    }


def parse_sku_gateway(text_or_obj: Any) -> dict[str, Any]:
    """Parse the mtop.mbox.fc.common.gateway SKU response into partial listing fields.

    Returns item_id, title, price, price_tiers, moq, sales and badges.
    """
    body = _as_data(text_or_obj, "1688 SKU gateway body")
    ret = [str(r) for r in dig(body, "ret") or []]
    if ret and not any(r.startswith("SUCCESS") for r in ret):
        raise PageDataError(f"1688 SKU gateway call failed: {'; '.join(ret)}")
    model = first(dig(body, "data", "result", "data"), dig(body, "data"))
    if not isinstance(model, dict):
        raise PageDataError("1688 SKU gateway response without data.result.data")
    listing = offer_listing(model_facts(model), None, "1688")
    return {key: listing[key] for key in _GATEWAY_FIELDS}
