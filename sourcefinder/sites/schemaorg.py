"""Any shop that publishes schema.org Product data: JSON-LD, microdata or OpenGraph, read with extruct."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import chompjs

from sourcefinder.prices import parse_price
from sourcefinder.sites.common import absolute, clean_text, image_urls, is_empty, new_listing
from sourcefinder.sites.jsdata import PageDataError

logger = logging.getLogger(__name__)

IDENTIFIERS = ("gtin", "gtin8", "gtin12", "gtin13", "gtin14", "mpn", "sku")
SYNTAXES = ["microdata", "opengraph"]  # JSON-LD is read script by script (_jsonld)
# Fields a ProductGroup shares with its variants (hasVariant) when a variant leaves them out.
GROUP_FIELDS = ("name", "brand", "category", "image", "offers")
# Price specifications that state a former or list price, not the price asked.
NOT_ASKED = re.compile(r"Strikethrough|ListPrice|MSRP|SRP|InvoicePrice|MinimumAdvertised", re.IGNORECASE)
_COMMENT_LINE = re.compile(r"^\s*(//.*|<!--.*-->)\s*$", re.MULTILINE)
_PRODUCT_TYPES = {"Product", "ProductGroup", "IndividualProduct", "ProductModel"}


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type") or []
    kinds = kind if isinstance(kind, list) else [kind]
    return {re.split(r"[/:#]", str(k))[-1] for k in kinds}


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD/microdata tree, @graph and nesting included."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _products(node: Any) -> Iterator[dict[str, Any]]:
    """Product objects anywhere in the tree; a ProductGroup with variants gives its variants instead, each
    completed with the group's shared fields."""
    if isinstance(node, list):
        for value in node:
            yield from _products(value)
        return
    if not isinstance(node, dict):
        return
    kinds = _types(node)
    variants = node.get("hasVariant")
    if "ProductGroup" in kinds and variants:
        shared = {key: node[key] for key in GROUP_FIELDS if key in node}
        for variant in variants if isinstance(variants, list) else [variants]:
            if isinstance(variant, dict):
                yield {**shared, **{k: v for k, v in variant.items() if not is_empty(v)}}
        return
    if kinds & _PRODUCT_TYPES:
        yield node
    for value in node.values():
        yield from _products(value)


def _one(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _text(value: Any) -> str | None:
    """Text of a value, a list's first value, or a Thing's name; entities and tags removed."""
    value = _one(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id")
    return clean_text(value) if value not in (None, "") else None


def _images(value: Any, base: str | None) -> list[str]:
    urls = []
    for entry in value if isinstance(value, list) else [value]:
        urls.append(entry.get("url") or entry.get("contentUrl") if isinstance(entry, dict) else entry)
    return image_urls(urls, base)


def _asked_price(spec: Any) -> tuple[float | None, str | None]:
    """The lowest price (and its currency) among price specifications that are not list/strikethrough prices."""
    best: tuple[float | None, str | None] = (None, None)
    for entry in spec if isinstance(spec, list) else [spec]:
        if not isinstance(entry, dict) or NOT_ASKED.search(str(entry.get("priceType") or "")):
            continue
        price = _positive(entry.get("price"))
        if price is not None and (best[0] is None or price < best[0]):
            best = (price, _text(entry.get("priceCurrency")))
    return best


def _amount(raw: Any) -> float | None:
    """A number from a schema.org value ("12.90", 12.9, ["12.90"]); None for anything else."""
    raw = _one(raw)
    return parse_price(raw) if isinstance(raw, str | int | float) else None


def _positive(raw: Any) -> float | None:
    """A price above zero: 0 is how shops mark "price on request", not a free product."""
    price = _amount(raw)
    return price if price is not None and price > 0 else None


def _offer_price(offers: Any) -> tuple[float | None, str | None, dict[str, Any]]:
    """(lowest price, currency, the offer it came from) across Offer and AggregateOffer objects.

    An offer's price is its ``price``, else ``lowPrice`` (AggregateOffer), else the asked price of its
    ``priceSpecification``; an AggregateOffer with neither is read through its own ``offers``.
    """
    best: tuple[float | None, str | None, dict[str, Any]] = (None, None, {})
    for offer in offers if isinstance(offers, list) else [offers]:
        if not isinstance(offer, dict):
            continue
        price = _positive(offer.get("price")) or _positive(offer.get("lowPrice"))
        currency = _text(offer.get("priceCurrency"))
        if price is None:
            price, spec_currency = _asked_price(offer.get("priceSpecification"))
            currency = currency or spec_currency
        if price is None and offer.get("offers"):
            price, currency, offer = _offer_price(offer["offers"])
        if price is not None and (best[0] is None or price < best[0]):
            best = (price, currency, offer)
    return best


def _shipping(offer: dict[str, Any]) -> float | None:
    """The first shipping rate of the offer's shippingDetails (0 = free)."""
    for details in _walk(offer.get("shippingDetails")):
        rate = _one(details.get("shippingRate"))
        if rate is not None:
            return _amount(rate.get("value") if isinstance(rate, dict) else rate)
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
    """The shop's SKU or another identifier; else a digest of the page and the product's name."""
    for key in ("sku", "productID", "gtin13", "gtin", "mpn", "@id"):
        if text := _text(product.get(key)):
            return text
    seed = f"{url or ''}\n{_text(product.get('name')) or ''}"
    return hashlib.sha1(seed.encode()).hexdigest()[:16]


def product_listing(product: dict[str, Any], url: str | None, source: str, role: str) -> dict[str, Any]:
    """One schema.org Product object as a listing."""
    price, currency, offer = _offer_price(product.get("offers"))
    return new_listing(
        source,
        role,
        item_id=_item_id(product, url),
        url=absolute(_text(product.get("url")) or offer.get("url"), url) or url,
        title=_text(product.get("name")),
        price=price,
        currency=currency,
        shipping_fee=_shipping(offer),
        seller=_text(offer.get("seller")),
        category=_text(product.get("category")),
        attributes=_attributes(product),
        image_urls=_images(product.get("image"), url),
    )


def _opengraph(data: dict[str, Any], url: str | None, source: str, role: str) -> list[dict[str, Any]]:
    """A product from OpenGraph product tags (og:type product, product:price:amount), when that is all."""
    for props in data.get("opengraph") or []:
        amount = props.get("product:price:amount") or props.get("og:price:amount")
        if str(props.get("@type", "")).startswith("product") or amount:
            product = {
                "name": props.get("og:title"),
                "url": props.get("og:url"),
                "image": props.get("og:image"),
                "sku": props.get("product:retailer_item_id"),
                "brand": props.get("product:brand"),
                "offers": {
                    "price": amount,
                    "priceCurrency": props.get("product:price:currency") or props.get("og:price:currency"),
                },
            }
            return [product_listing(product, url, source, role)]
    return []


def _jsonld(tree: Any) -> list[Any]:
    """Every JSON-LD block of the page; a broken block is skipped (and logged) without losing the others."""
    blocks = []
    for script in tree.xpath('//script[starts-with(normalize-space(@type), "application/ld+json")]'):
        text = _COMMENT_LINE.sub("", script.xpath("string()"))
        try:
            blocks.append(json.loads(text, strict=False))
        except ValueError:
            try:  # trailing commas, comments, single quotes: what hand-written templates leave behind
                blocks.append(chompjs.parse_js_object(text))
            except ValueError as exc:
                logger.debug("Skipping a broken JSON-LD block: %s", exc)
    return blocks


def _merged(listings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One listing per item_id (JSON-LD and microdata often describe the same product): the first one,
    its empty fields and missing attributes filled from the later ones."""
    by_id: dict[str, dict[str, Any]] = {}
    for listing in listings:
        kept = by_id.setdefault(listing["item_id"], listing)
        if kept is listing:
            continue
        for key, value in listing.items():
            if is_empty(kept[key]):
                kept[key] = value
        kept["attributes"] = {**listing["attributes"], **kept["attributes"]}
    return list(by_id.values())


def parse_product_page(
    html: str, url: str | None = None, role: str = "retail", source: str | None = None
) -> list[dict]:
    """The products a page describes in schema.org data (JSON-LD, then microdata; OpenGraph when neither has
    one); [] for a page without products."""
    import extruct
    from extruct.utils import parse_html

    source = source or (urlsplit(url).hostname if url else None) or "shop"
    try:
        tree = parse_html(html, encoding="UTF-8")
        data = extruct.extract(tree, base_url=url, syntaxes=SYNTAXES, uniform=True, errors="ignore")
    except Exception as exc:  # lxml and extruct raise whatever their parsers raise on broken markup
        raise PageDataError(f"structured data could not be read: {exc}") from exc
    products = [*_products(_jsonld(tree)), *_products(data.get("microdata") or [])]
    listings = [product_listing(p, url, source, role) for p in products if _text(p.get("name"))]
    return _merged(listings) or _opengraph(data, url, source, role)
