"""Title text: normalising, segmenting, and reading colours and model numbers out of it (word lists in
resources/). Rules and measured numbers: docs/matching-titles.md."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from importlib import resources
from types import ModuleType
from typing import Any

from sourcefinder.match.units import PRODUCT_TYPE, Quantity, alternation

_NO_VALUE = {"", "其他", "other", "其它", "无", "none", "null", "other/其他", "其他/other"}


def resource(name: str) -> str:
    return resources.files("sourcefinder.resources").joinpath(name).read_text("utf-8")


def word_list(name: str) -> list[str]:
    lines = (line.strip() for line in resource(name).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _first_char_guard(words: Iterable[str]) -> str:
    """A lookahead for the first characters of the words: re then skips most positions of a text at once
    instead of trying every alternative there (5x faster on titles)."""
    return f"(?=[{''.join(sorted({re.escape(w[0]) for w in words}))}])"


def _latin_guarded(word: str) -> str:
    """A regex for a word; latin words must stand alone (ins, not 'insole'), numbers too (2020, not 20201)."""
    core = re.escape(word)
    if re.fullmatch(r"[a-z]+", word):
        return rf"(?<![a-z]){core}(?![a-z])"
    if re.fullmatch(r"\d+", word):
        return rf"(?<![\d.]){core}(?![\d.])"
    return core


@cache
def _marketing() -> re.Pattern[str]:
    words = sorted(word_list("marketing.txt"), key=len, reverse=True)
    return re.compile(_first_char_guard(words) + f"(?:{'|'.join(_latin_guarded(w) for w in words)})")


@cache
def _colour_families() -> dict[str, str]:
    """Colour word -> family."""
    table = json.loads(resource("colours.json"))["families"]
    return {word: family for family, words in table.items() for word in words}


@cache
def _colour_pattern(single_chars: bool) -> re.Pattern[str]:
    words = [w for w in _colour_families() if single_chars or len(w) > 1]
    return re.compile(_first_char_guard(words) + f"(?:{alternation(words)})")


@cache
def _product_types() -> dict:
    return json.loads(resource("product_types.json"))


@cache
def _product_families() -> dict[str, str]:
    """Product type word -> family."""
    return {word: family for family, words in _product_types()["families"].items() for word in words}


@cache
def _product_pattern() -> re.Pattern[str]:
    words = list(_product_families())
    return re.compile(_first_char_guard(words) + f"(?:{alternation(words)})")


@cache
def _set_pattern() -> re.Pattern[str]:
    return re.compile(alternation(_product_types()["sets"]))


def product_types(text: str) -> list[Quantity]:
    """The head nouns of a normalised title as product-type facts (``type: 连衣裙``); a type word written right
    before another modifies it (T恤连衣裙 is a 连衣裙, 衬衫裙 too), and a set's title (被套床单四件套) lists the
    nouns of its parts, not its type."""
    if _set_pattern().search(text):
        return []
    found = list(_product_pattern().finditer(text))
    families = _product_families()
    return [
        Quantity(PRODUCT_TYPE, families[m.group(0)], m.group(0), m.span())
        for k, m in enumerate(found)
        if k + 1 == len(found) or found[k + 1].start() != m.end()
    ]


@cache
def _model_stopwords() -> frozenset[str]:
    return frozenset(word_list("model_stopwords.txt"))


@cache
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@cache
def _traditional_chars() -> frozenset[str]:
    """Characters without which OpenCC leaves a text unchanged: every character its t2s dictionary converts on
    its own, and the first character of each longer entry that changes without holding one (沈默 -> 沉默).
    OpenCC only rewrites entries it finds, so a text with none of these has no entry to rewrite."""
    entries = [item for group in _t2s()._dict_chain_data for entry in group for item in entry[2].items()]
    single = {key for key, value in entries if len(key) == 1 and key != value}
    longer = {key[0] for key, value in entries if len(key) > 1 and key != value and single.isdisjoint(key)}
    return frozenset(single | longer)


def _simplified(text: str) -> str:
    """Traditional to simplified Chinese; OpenCC (pure Python, ~20 µs) only runs when a character needs it."""
    return text if _traditional_chars().isdisjoint(text) else _t2s().convert(text)


def _segmenter_module() -> ModuleType:
    """jieba_fast_dat (jieba's dictionary and rules in C++, ~13 µs a title instead of ~85) when installed (the
    ``fast`` extra), else jieba; they segment ~1.5 % of titles differently (docs/matching-titles.md)."""
    try:
        import jieba_fast_dat as jieba
    except ImportError:
        import jieba
    return jieba


def segmenter(jieba: ModuleType) -> Any:
    """A private tokenizer of ``jieba`` (jieba or jieba_fast_dat) with the user dictionary, built quietly."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in _userdict_words():
        tokenizer.add_word(word, freq=20000)
    return tokenizer


@cache
def _tokenizer() -> Any:
    """The segmenter the titles use (see _segmenter_module), built once."""
    return segmenter(_segmenter_module())


def _userdict_words() -> list[str]:
    """Brands, colours and unit words: kept whole by the segmenter."""
    from sourcefinder.match.units import unit_table

    units = [u for dim in unit_table()["dimensions"].values() for u in dim["units"] if len(u) > 1]
    return word_list("userdict.txt") + [w for w in _colour_families() if len(w) > 1] + units


# --- normalisation ---------------------------------------------------------------------------------------

_POSSESSIVE = re.compile(r"(?<=[a-z])['’]s(?![a-z])")  # disney's -> disneys, never a size S
_PUNCT = re.compile(r"[^\w.*×\-/+%]+|_")
_TILDE_RANGE = re.compile(r"(?<=\d)\s*~\s*(?=\d)")  # 80~130斤 is the range 80-130斤
_MODEL = re.compile(r"(?=[a-z0-9])(?<![a-z0-9])[a-z0-9]+(?:-[a-z0-9]+)*(?![a-z0-9])")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), traditional to simplified, lowercase, marketing words and punctuation out."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _POSSESSIVE.sub("s", _simplified(text).lower())
    text = _TILDE_RANGE.sub("-", _marketing().sub(" ", text))
    return " ".join(_PUNCT.sub(" ", text).split())


@lru_cache(maxsize=1 << 18)
def _part_tokens(part: str) -> tuple[str, ...]:
    """The segmenter's tokens of one space-free part of a text (parts repeat across listings: cached; listings
    with a part in common share its tokens)."""
    # normalize() has turned punctuation and other whitespace into single spaces, so no token is blank.
    return tuple(_tokenizer().lcut(part))


def tokens_of(text: str) -> tuple[str, ...]:
    """The segmenter's tokens of a normalised text, part by part: jieba never joins characters across a space."""
    return tuple(t for part in text.split(" ") for t in _part_tokens(part))


@lru_cache(maxsize=1 << 16)
def split_values(value: str) -> frozenset[str]:
    """An attribute value as its parts: ``Kangnai/康奈`` -> ``kangnai``, ``康奈`` (values repeat: cached, and
    listings with one value share one set)."""
    parts = (p.strip() for p in re.split(r"[/,，;；、|]", normalize(value)))
    return frozenset(p for p in parts if p and p not in _NO_VALUE)


_QUALIFIER = re.compile(r"[（(][^）)]*[）)]")
# A 品牌 value that names no brand: other/其他 glued, "X品牌" (自主品牌, 设计师品牌, 非品牌), "see the description",
# a bare number.
_PLACEHOLDER = re.compile(r"(?:other|其他|其它|none|无)+|.*品牌|见描述|见详情|详见描述|\d+")


@cache
def attribute_words() -> frozenset[str]:
    """Words sellers fill the other attributes with (腰型 高腰, 风格 韩版, 厚薄 加厚): they describe an item and
    never name its brand."""
    return frozenset(word_list("attribute_words.txt"))


@lru_cache(maxsize=1 << 14)
def brand_names(value: str) -> frozenset[str]:
    """The brands of a 品牌 value (``Kangnai/康奈`` -> ``kangnai``, ``康奈``), without the class Taobao's
    registry files a brand under (``双潮（服饰）`` -> ``双潮``), placeholders and words that describe the item
    (``高腰``); cached."""
    parts = split_values(_QUALIFIER.sub(" ", value))
    return frozenset(p for p in parts if not _PLACEHOLDER.fullmatch(p) and p not in attribute_words())


def text_colours(text: str, single_chars: bool = False) -> set[str]:
    families = _colour_families()
    return {families[m.group(0)] for m in _colour_pattern(single_chars).finditer(text)}


@lru_cache(maxsize=1 << 16)
def value_colours(value: str) -> frozenset[str]:
    """The colour families of a colour attribute value, single characters included (cached)."""
    return frozenset(text_colours(normalize(value), single_chars=True))


# A quantity or a material glued to other letters ("65WPC" = 65W + PC, "10MMNBR", "TPE10MM") is not a model.
_GLUED = re.compile(
    r"\d+(?:\.\d+)?(?:mm|cm|m|w|ml|l|kg|g|v|a|mah|ah|gb|tb|寸)|abs|pvc|tpe|tpu|nbr|eva|led|pc|pp|pe|pu|pd|usb"
)


_LETTER_LED = re.compile(r"[a-z]{2,}-?[a-z]*\d")


@lru_cache(maxsize=1 << 16)
def _is_model(code: str) -> bool:
    """A letter+digit code once glued quantities and materials are cut out (codes repeat: cached)."""
    code = code.lower()
    if code in _model_stopwords() or not (any(c.isalpha() for c in code) and any(c.isdigit() for c in code)):
        return False
    rest = _GLUED.sub("", code)
    if any(c.isalpha() for c in rest) and any(c.isdigit() for c in rest):
        return True
    # A code led by two or more letters of its own (NN-SN667W, NNSN667WH) is a model even though a quantity
    # is glued inside it (667W).
    return _LETTER_LED.match(code) is not None and not _GLUED.match(code)


def _model_key(code: str) -> str:
    return code.replace("-", "").upper()


def title_models(text: str, found: Sequence[Quantity]) -> set[str]:
    """Letter+digit codes left in a title once its quantities and sizes (``found``) are cut out (A8, X-200,
    iphone15)."""
    for q in found:
        start, end = q.span
        text = text[:start] + " " * (end - start) + text[end:]
    return {_model_key(m.group(0)) for m in _MODEL.finditer(text) if _is_model(m.group(0))}


@lru_cache(maxsize=1 << 16)
def attribute_models(value: str) -> frozenset[str]:
    """A 货号/型号 value: its codes, or the whole value when it is a bare number (1701); cached."""
    text = normalize(value)
    codes = {_model_key(m.group(0)) for m in _MODEL.finditer(text)}
    return frozenset(
        c for c in codes if any(ch.isdigit() for ch in c) and (len(c) >= 3 or _is_model(c.lower()))
    )
