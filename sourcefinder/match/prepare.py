"""A title (and its attributes) taken apart into a TitleInfo: text, tokens, quantities, colours, models,
brands and attribute values."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cache, lru_cache
from types import MappingProxyType

from sourcefinder.match.title_text import (
    attribute_models,
    brand_names,
    normalize,
    product_types,
    split_values,
    text_colours,
    title_models,
    tokens_of,
    value_colours,
    word_list,
)
from sourcefinder.match.title_words import english_facts
from sourcefinder.match.units import Quantity, find_letter_sizes, find_quantities

# Attribute keys that carry a fact the title rules also read.
_COLOUR_KEYS = ("颜色分类", "颜色", "主要颜色", "color")
_SIZE_KEYS = ("尺码", "尺寸", "规格", "size")
_MODEL_KEYS = ("型号", "model")
# Article numbers are the seller's own: the same one is strong evidence, a different one says nothing
# (two factories selling one product, a reseller with its own numbering).
_ARTICLE_KEYS = ("货号", "款号")
_BRAND_KEYS = ("品牌", "brand")
# Attribute keys that change with every listing of one product and say nothing about identity.
_VOLATILE_KEYS = frozenset(
    {"市场价", "上市时间", "上市年份季节", "销售渠道类型", "是否商场同款", *_ARTICLE_KEYS}
)


def _frozen_dict() -> Mapping:
    return MappingProxyType({})


def _pick(attributes: Mapping[str, str], keys: Sequence[str]) -> list[str]:
    return [attributes[k] for k in keys if attributes.get(k)]


@dataclass(frozen=True)
class TitleInfo:
    """A title taken apart: normalised text, tokens and the facts found in it and in the attributes."""

    title: str
    text: str
    tokens: tuple[str, ...]
    quantities: Mapping[str, frozenset[str]] = field(default_factory=_frozen_dict)
    colours: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    attributes: Mapping[str, frozenset[str]] = field(default_factory=_frozen_dict)
    surfaces: Mapping[str, str] = field(default_factory=_frozen_dict)  # normalised value -> as written

    # The derived values below are built on each read, not cached: a cached value is written into the
    # instance (on fork-shared pages, and under cached_property's lock, ~27 µs a title), and keeping the sets
    # would double the size of every TitleInfo (docs/matching.md).
    @property
    def joined(self) -> str:
        """The tokens joined by spaces, as the token ratios read them."""
        return " ".join(self.tokens)

    def __reduce__(self):
        """Pickle (for process pools) with plain dicts in place of the read-only mappings."""
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        return _title_info, (
            {k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in state.items()},
        )

    @property
    def index_text(self) -> str:
        """What the candidate index reads: the text plus model codes and brands from the attributes."""
        values = sorted({part for parts in self.attributes.values() for part in parts})
        return " ".join([self.text, *sorted(self.models), *sorted(self.brands), *values]).lower()


def _title_info(state: dict) -> TitleInfo:
    """A TitleInfo from its pickled fields."""
    return TitleInfo(**{k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in state.items()})


def parse_pv_pairs(pv_pairs: str | None) -> dict[str, str]:
    """Attributes written ``key#:#value`` joined by ``#;#`` (Taobao/EMBER) as a dict."""
    out: dict[str, str] = {}
    for pair in (pv_pairs or "").split("#;#"):
        key, sep, value = pair.partition("#:#")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out


def _all_quantities(text: str) -> list[Quantity]:
    """The quantities, letter sizes and product types of a normalised text, then its English facts (counts,
    ordinals, versions, platform and edition words: title_words)."""
    found = [*find_quantities(text), *find_letter_sizes(text), *product_types(text)]
    return found + english_facts(text, [q.span for q in found])


@lru_cache(maxsize=1 << 16)
def _value_quantities(value: str) -> tuple[Quantity, ...]:
    """The quantities of an attribute value (values repeat across listings: cached)."""
    return tuple(_all_quantities(normalize(value)))


def _quantities(
    found: Sequence[Quantity], attributes: Mapping[str, str]
) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Dimension -> values, and value -> as written, of a title's quantities (``found``) and those of its size
    attributes."""
    found = list(found)
    for value in _pick(attributes, _SIZE_KEYS) + _pick(attributes, ("容量", "功率", "净含量", "重量")):
        found += _value_quantities(value)
    quantities: dict[str, set[str]] = {}
    surfaces: dict[str, str] = {}
    for q in found:
        quantities.setdefault(q.dimension, set()).add(q.value)
        surfaces.setdefault(q.value, q.surface)
    return quantities, surfaces


_EMPTY: frozenset[str] = frozenset()


def _frozen(values: Iterable[str]) -> frozenset[str]:
    """The values as a frozenset; empty ones share one object (each new one is 216 bytes)."""
    return frozenset(values) or _EMPTY


def prepare(title: str, attributes: Mapping[str, str] | None = None) -> TitleInfo:
    """Normalise a title and read its quantities, colours, model numbers and brands (title + attributes)."""
    attributes = {str(k).strip(): str(v) for k, v in (attributes or {}).items() if v is not None}
    text = normalize(title)
    found = _all_quantities(text)
    quantities, surfaces = _quantities(found, attributes)
    colours = text_colours(text)
    for value in _pick(attributes, _COLOUR_KEYS):
        colours |= value_colours(value)
    models = title_models(text, found)
    for value in _pick(attributes, _MODEL_KEYS):
        models |= attribute_models(value)
    articles = {code for value in _pick(attributes, _ARTICLE_KEYS) for code in attribute_models(value)}
    tokens = tokens_of(text)
    brands = {b for v in _pick(attributes, _BRAND_KEYS) for b in brand_names(v)}
    brands |= _known_brands().intersection(tokens)
    attrs = {
        sys.intern(k): parts
        for k, v in attributes.items()
        if k not in _VOLATILE_KEYS
        for parts in [split_values(v)]
        if parts
    }
    return TitleInfo(
        title=title,
        text=text,
        tokens=tokens,
        quantities=MappingProxyType({k: frozenset(v) for k, v in quantities.items()}),
        colours=_frozen(colours),
        models=_frozen(models),
        articles=_frozen(articles),
        brands=_frozen(brands),
        attributes=MappingProxyType(attrs),
        surfaces=MappingProxyType(surfaces),
    )


@cache
def _known_brands() -> frozenset[str]:
    return frozenset(w.lower() for w in word_list("userdict.txt"))
