"""Any shop that publishes schema.org Product data: JSON-LD, microdata or OpenGraph, read with extruct."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from sourcefinder.jsdata import PageDataError
from sourcefinder.prices import parse_price
from sourcefinder.sites.common import new_listing

IDENTIFIERS = ("gtin", "gtin8", "gtin12", "gtin13", "gtin14", "mpn", "sku")
SYNTAXES = ["json-ld", "microdata", "opengraph"]


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type") or []
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1] for k in kinds}


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD/microdata tree, @graph and nesting included."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _one(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _text(value: Any) -> str | None:
    value = _one(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id")
    return str(value).strip() if value not in (None, "") else None


def _images(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    urls = []
    for entry in values:
        url = entry.get("url") or entry.get("contentUrl") if isinstance(entry, dict) else entry
        if isinstance(url, str) and url:
            urls.append(url)
    return urls


def _offer_price(offers: Any) -> tuple[float | None, str | None, dict[str, Any]]:
    """(lowest price, currency, the offer it came from) across Offer and AggregateOffer objects."""
    best: tuple[float | None, str | None, dict[str, Any]] = (None, None, {})
    for offer in offers if isinstance(offers, list) else [offers]:
        if not isinstance(offer, dict):
            continue
        spec = _one(offer.get("priceSpecification")) or {}
        raw = offer.get("price", offer.get("lowPrice", spec.get("price") if isinstance(spec, dict) else None))
        price = parse_price(raw if not isinstance(raw, list) else _one(raw))
        if price is not None and (best[0] is None or price < best[0]):
            best = (price, _text(offer.get("priceCurrency")), offer)
    return best


def _shipping(offer: dict[str, Any]) -> float | None:
    rate = None
    for details in _walk(offer.get("shippingDetails")):
        if "shippingRate" in details:
            rate = _one(details["shippingRate"])
            break
    if isinstance(rate, dict):
        return parse_price(rate.get("value"))
    return None


def _attributes(product: dict[str, Any]) -> dict[str, str]:
    attributes = {key: text for key in IDENTIFIERS if (text := _text(product.get(key)))}
    if brand := _text(product.get("brand")):
        attributes["brand"] = brand
    for prop in _walk(product.get("additionalProperty")):
        if (name := _text(prop.get("name"))) and (value := _text(prop.get("value"))):
            attributes[name] = value
    return attributes


def _item_id(product: dict[str, Any], url: str | None) -> str:
    for key in ("sku", "productID", "gtin13", "gtin", "mpn", "@id"):
        if text := _text(product.get(key)):
            return text
    return hashlib.sha1((url or _text(product.get("name")) or "").encode()).hexdigest()[:16]


def product_listing(product: dict[str, Any], url: str | None, source: str, role: str) -> dict[str, Any]:
    """One schema.org Product object as a listing."""
    price, currency, offer = _offer_price(product.get("offers"))
    seller = _text(offer.get("seller")) if offer else None
    return new_listing(
        source,
        role,
        item_id=_item_id(product, url),
        url=_text(product.get("url")) or url,
        title=_text(product.get("name")),
        price=price,
        currency=currency,
        shipping_fee=_shipping(offer) if offer else None,
        seller=seller,
        category=_text(product.get("category")),
        attributes=_attributes(product),
        image_urls=_images(product.get("image")),
    )


def _opengraph(data: dict[str, Any], url: str | None, source: str, role: str) -> list[dict[str, Any]]:
    for props in data.get("opengraph") or []:
        amount = props.get("product:price:amount") or props.get("og:price:amount")
        if str(props.get("@type", "")).startswith("product") or amount:
            product = {
                "name": props.get("og:title"),
                "url": props.get("og:url"),
                "image": props.get("og:image"),
                "offers": {"price": amount, "priceCurrency": props.get("product:price:currency")},
            }
            return [product_listing(product, url, source, role)]
    return []


def parse_product_page(
    html: str, url: str | None = None, role: str = "retail", source: str | None = None
) -> list[dict]:
    """The products a page describes in schema.org data (JSON-LD first, then microdata, then OpenGraph)."""
    import extruct

    source = source or (urlsplit(url).hostname if url else None) or "shop"
    try:
        data = extruct.extract(html, base_url=url, syntaxes=SYNTAXES, uniform=True, errors="ignore")
    except Exception as exc:  # extruct raises whatever its parsers raise on broken markup
        raise PageDataError(f"structured data could not be read: {exc}") from exc
    products = [
        node
        for syntax in ("json-ld", "microdata")
        for node in _walk(data.get(syntax) or [])
        if "Product" in _types(node) or "ProductGroup" in _types(node)
    ]
    listings = [product_listing(p, url, source, role) for p in products if p.get("name")]
    return listings or _opengraph(data, url, source, role)
