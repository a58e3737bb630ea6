"""The Scrapy item for a listing and its ItemLoader; the fields are those of sourcefinder.listing."""

from __future__ import annotations

import scrapy
from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from sourcefinder.listing import LISTING_FIELDS

_LIST_FIELDS = {f.name for f in LISTING_FIELDS if f.type is list}


def _strip(value: object) -> object:
    return " ".join(value.split()) if isinstance(value, str) else value


class Listing(scrapy.Item):
    """One product listing, retail or factory (see docs/schema.md)."""

    locals().update({f.name: scrapy.Field() for f in LISTING_FIELDS})


class ListingLoader(ItemLoader):
    """Loads a Listing: single values take the first non-empty value, list fields keep every value."""

    default_item_class = Listing
    default_input_processor = MapCompose(_strip)
    default_output_processor = TakeFirst()
    attributes_in = Identity()

    locals().update({f"{name}_out": Identity() for name in _LIST_FIELDS})
    locals().update({f"{name}_in": Identity() for name in _LIST_FIELDS - {"image_urls", "badges"}})


def listing_from_dict(data: dict) -> Listing:
    """Build a Listing through the loader from a parser's plain dict."""
    loader = ListingLoader()
    for name, value in data.items():
        if name in Listing.fields and value is not None:
            loader.add_value(name, value)
    return loader.load_item()
